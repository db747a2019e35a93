//! The orq paths of `/openapi.json`, from the route table: one document for both revisions, each
//! body and answer the `anyOf` of the current and the v1 shape.

use super::routes::{Body, Operation, Path, ROUTES};
use crate::openapi::{body, reference, response};
use crate::schema::SchemaId;
use serde_json::{json, Map, Value};

/// The query parameters of the list, parsed by `query.rs` (no schema file describes them).
fn list_parameters() -> Value {
    let flag = |name: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "boolean"}});
    json!([
        {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
        {"name": "starting_after", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "ending_before", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "search", "in": "query", "required": false, "schema": {"type": "string", "minLength": 2}},
        {"name": "filter_by.tags", "in": "query", "required": false, "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
        flag("include_metrics"),
        {"name": "sort_by", "in": "query", "required": false, "schema": {"enum": ["IDENTITY_SORT_FIELD_UNSPECIFIED", "IDENTITY_SORT_FIELD_DISPLAY_NAME", "IDENTITY_SORT_FIELD_UPDATED"]}},
        flag("include_budget")
    ])
}

/// The schema of a body or an answer in both revisions.
fn either(current: Option<SchemaId>, v1: Option<SchemaId>) -> Option<Value> {
    match (current, v1) {
        (Some(current), Some(v1)) => Some(json!({"anyOf": [reference(current), reference(v1)]})),
        (Some(one), None) | (None, Some(one)) => Some(reference(one)),
        (None, None) => None,
    }
}

fn schema_of(body: Body) -> Option<SchemaId> {
    match body {
        Body::Schema(id) => Some(id),
        Body::Empty | Body::Absent => None,
    }
}

pub fn paths() -> Map<String, Value> {
    let error = response(
        "An error",
        json!({"anyOf": [reference(SchemaId::OrqErrorResponse), reference(SchemaId::OrqV1ErrorResponse)]}),
    );
    let headers = vec![
        json!({"name": "X-Mock-Namespace", "in": "header", "required": false, "schema": {"type": "string"}}),
        json!({"name": "X-Mock-Orq-Api", "in": "header", "required": false, "schema": {"enum": ["current", "v1"]}}),
    ];
    let id_parameter = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The _id or the external_id"});
    let flag = |name: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "boolean"}});
    let mut paths = Map::new();
    for route in ROUTES {
        let item = paths.entry(route.path.template()).or_insert_with(|| {
            let mut parameters = headers.clone();
            if route.path == Path::Item {
                parameters.insert(0, id_parameter.clone());
            }
            json!({ "parameters": parameters })
        });
        let mut responses = Map::new();
        for status in ["400", "401", "404", "405", "503"] {
            responses.insert(status.into(), error.clone());
        }
        if route.operation == Operation::Create {
            responses.insert("409".into(), error.clone());
        }
        for ok in route.ok {
            let mut answer = json!({"description": ok.description});
            if let Some(schema) = either(schema_of(ok.current), schema_of(ok.v1)) {
                answer["content"] = json!({"application/json": {"schema": schema}});
            }
            if route.operation == Operation::Create {
                answer["headers"] = json!({"Location": {"schema": {"type": "string"}}});
            }
            responses.insert(ok.status.to_string(), answer);
        }
        let mut operation = json!({"operationId": route.operation_id, "tags": ["orq"]});
        if let Some(description) = route.description {
            operation["description"] = Value::from(description);
        }
        match route.operation {
            Operation::List => operation["parameters"] = list_parameters(),
            Operation::Retrieve => operation["parameters"] = json!([flag("include_metrics"), flag("include_budget")]),
            _ => {}
        }
        if let Some((current, v1)) = route.body {
            if let Some(schema) = either(current, Some(v1)) {
                operation["requestBody"] = body(schema);
            }
            responses.insert(
                "413".into(),
                response("The body is larger than --max-body", error["content"]["application/json"]["schema"].clone()),
            );
        }
        operation["responses"] = Value::Object(responses);
        item[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    paths
}
