//! The Letta paths of `/openapi.json`, from the route table.

use super::routes::{Answer, Resource};
use super::PREFIXES;
use crate::openapi::{body, query_parameters, reference, response};
use crate::schema::{SchemaId, Schemas};
use serde_json::{json, Map, Value};

pub fn paths(schemas: &Schemas) -> Map<String, Value> {
    let detail = |text: &str| response(text, reference(SchemaId::LettaDetailError));
    let id_parameter = |resource: Resource| json!({"name": resource.id_parameter(), "in": "path", "required": true, "schema": reference(resource.id_schema())});
    let namespace =
        json!({"name": "X-Mock-Namespace", "in": "header", "required": false, "schema": {"type": "string"}});
    let mut paths = Map::new();
    let routes = Resource::ALL.into_iter().flat_map(|resource| resource.routes().iter().map(move |r| (resource, r)));
    for (resource, route) in routes {
        let path = format!("{}/{}{}", PREFIXES[0], resource.segment(), route.template(resource));
        let item = paths.entry(path).or_insert_with(|| {
            let mut parameters = vec![namespace.clone()];
            if route.has_id() {
                parameters.insert(0, id_parameter(resource));
            }
            if route.has_second_identity_id() {
                parameters.insert(
                    1,
                    json!({"name": "identity_id", "in": "path", "required": true, "schema": {"type": "string"}}),
                );
            }
            json!({ "parameters": parameters })
        });
        let (description, answer) = route.doc.ok;
        let schema = match answer {
            Answer::One(id) => reference(id),
            Answer::ListOf(id) => json!({"type": "array", "items": reference(id)}),
            Answer::Integer => json!({"type": "integer"}),
            Answer::Null => json!({"type": "null"}),
            Answer::Message => {
                json!({"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]})
            }
        };
        let mut responses = Map::new();
        responses.insert("200".into(), response(description, schema));
        for (status, text) in route.doc.errors {
            let error = match status {
                422 => response(text, reference(SchemaId::LettaValidationErrorBody)),
                _ => detail(text),
            };
            responses.insert(status.to_string(), error);
        }
        responses.insert("503".into(), detail("A new namespace would pass --max-namespaces"));
        let mut operation = json!({"operationId": route.doc.operation_id, "tags": ["letta"]});
        if let Some(query) = route.query {
            operation["parameters"] = Value::from(query_parameters(schemas, query, "letta"));
        }
        if let Some(schema) = route.body {
            operation["requestBody"] = body(reference(schema));
            // A body Python's `json` cannot decode is a 400 there, as upstream; over --max-body, 413.
            responses.entry("400").or_insert_with(|| detail("The body could not be parsed"));
            responses.insert("413".into(), detail("The body is larger than --max-body"));
        }
        operation["responses"] = Value::Object(responses);
        item[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    paths
}
