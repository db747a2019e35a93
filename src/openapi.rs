//! `GET /openapi.json`: the OpenAPI 3.1 document of everything the server serves (both APIs and
//! the admin API), built from the same schemas that validate requests.

use crate::schema::{files, SchemaId, Schemas};
use serde_json::{json, Map, Value};

/// The component name of a schema file: `orq/v1/Identity` is `orq.v1.Identity`.
fn component(name: &str) -> String {
    name.replace('/', ".")
}

fn reference(id: SchemaId) -> Value {
    json!({"$ref": format!("#/components/schemas/{}", component(id.name()))})
}

/// Rewrites the file references of a schema in `folder` to component references.
fn rewrite(value: &mut Value, folder: &str) {
    match value {
        Value::Object(map) => {
            map.remove("$schema");
            map.remove("$id");
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                let mut base: Vec<&str> = folder.split('/').collect();
                let mut rest = target.trim_end_matches(".json");
                while let Some(up) = rest.strip_prefix("../") {
                    base.pop();
                    rest = up;
                }
                base.push(rest);
                *target = format!("#/components/schemas/{}", base.join("."));
            }
            for child in map.values_mut() {
                rewrite(child, folder);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite(item, folder)),
        _ => {}
    }
}

fn body(id: SchemaId) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": reference(id)}}})
}

fn response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// The query parameters a query schema declares.
fn query_parameters(schemas: &Schemas, id: SchemaId) -> Vec<Value> {
    let document = &schemas.get(id).document;
    let mut parameters = Vec::new();
    if let Some(properties) = document["properties"].as_object() {
        for (parameter, schema) in properties {
            let mut schema = schema.clone();
            rewrite(&mut schema, "letta");
            if let Some(map) = schema.as_object_mut() {
                map.remove("x-error-type");
            }
            parameters.push(json!({"name": parameter, "in": "query", "required": false, "schema": schema}));
        }
    }
    parameters
}

fn letta_paths(schemas: &Schemas) -> Map<String, Value> {
    let identity = reference(SchemaId::LettaIdentity);
    let invalid = response(
        "Validation error: the pydantic error list as a Python repr string",
        reference(SchemaId::LettaValidationErrorBody),
    );
    let detail = |text: &str| response(text, reference(SchemaId::LettaDetailError));
    let id_parameter =
        json!({"name": "identity_id", "in": "path", "required": true, "schema": reference(SchemaId::LettaIdentityId)});
    let namespace =
        json!({"name": "X-Mock-Namespace", "in": "header", "required": false, "schema": {"type": "string"}});
    let mut paths = Map::new();
    paths.insert(
        "/v1/identities/".into(),
        json!({
            "parameters": [namespace],
            "get": {"operationId": "list_identities", "tags": ["letta"], "parameters": query_parameters(schemas, SchemaId::LettaListIdentitiesQuery),
                    "responses": {"200": response("Identities, newest first by default", json!({"type": "array", "items": identity.clone()})),
                                  "400": detail("Cursors in the wrong order"), "404": detail("Unknown cursor"), "422": invalid, "500": detail("limit <= -2 (as upstream)")}},
            "post": {"operationId": "create_identity", "tags": ["letta"], "requestBody": body(SchemaId::LettaIdentityCreate),
                     "responses": {"200": response("Created", identity.clone()), "404": detail("Unknown agent or block (--fix-upstream-bugs)"), "409": detail("Duplicate identifier_key and project_id"), "422": invalid, "500": detail("Unknown agent or block (as upstream)")}},
            "put": {"operationId": "upsert_identity", "tags": ["letta"], "requestBody": body(SchemaId::LettaIdentityUpsert),
                    "responses": {"200": response("Updated (or created with --fix-upstream-bugs)", identity.clone()), "404": detail("No match (as upstream)"), "422": invalid, "500": detail("Unknown agent (as upstream)")}},
        }),
    );
    paths.insert(
        "/v1/identities/count".into(),
        json!({"parameters": [namespace], "get": {"operationId": "count_identities", "tags": ["letta"], "responses": {"200": response("How many identities", json!({"type": "integer"}))}}}),
    );
    paths.insert(
        "/v1/identities/{identity_id}".into(),
        json!({
            "parameters": [id_parameter, namespace],
            "get": {"operationId": "retrieve_identity", "tags": ["letta"], "responses": {"200": response("The identity", identity.clone()), "404": detail("No such identity"), "422": invalid}},
            "patch": {"operationId": "update_identity", "tags": ["letta"], "requestBody": body(SchemaId::LettaIdentityUpdate),
                      "responses": {"200": response("Updated", identity.clone()), "404": detail("No such identity"), "409": detail("identifier_key taken"), "422": invalid, "500": detail("Unknown agent or block (as upstream)")}},
            "delete": {"operationId": "delete_identity", "tags": ["letta"], "responses": {"200": response("Deleted", json!({"type": "null"})), "404": detail("No such identity"), "422": invalid}},
        }),
    );
    paths.insert(
        "/v1/identities/{identity_id}/properties".into(),
        json!({"parameters": [id_parameter, namespace], "put": {"operationId": "upsert_properties_for_identity", "tags": ["letta"], "requestBody": body(SchemaId::LettaIdentityPropertyList),
               "responses": {"200": response("The identity with its new properties", identity.clone()), "404": detail("No such identity"), "422": invalid}}}),
    );
    for (sub, query, item, operation) in [
        ("agents", SchemaId::LettaListAgentsQuery, SchemaId::LettaAgentState, "list_agents_for_identity"),
        ("blocks", SchemaId::LettaListBlocksQuery, SchemaId::LettaBlockResponse, "list_blocks_for_identity"),
    ] {
        paths.insert(
            format!("/v1/identities/{{identity_id}}/{sub}"),
            json!({"parameters": [id_parameter, namespace], "get": {"operationId": operation, "tags": ["letta"], "parameters": query_parameters(schemas, query),
                   "responses": {"200": response("Linked records", json!({"type": "array", "items": reference(item)})), "400": detail("Cursors in the wrong order"),
                                 "404": detail("No such identity or cursor"), "422": invalid, "500": detail("Negative limit (as upstream)")}}}),
        );
    }
    paths
}

fn orq_paths() -> Map<String, Value> {
    let either = |current: SchemaId, v1: Value| json!({"anyOf": [reference(current), v1]});
    let v1_identity = reference(SchemaId::OrqV1Identity);
    let error = response(
        "An error",
        json!({"anyOf": [reference(SchemaId::OrqErrorResponse), reference(SchemaId::OrqV1ErrorResponse)]}),
    );
    let errors = |extra: &[&str]| {
        let mut map = Map::new();
        for status in ["400", "401", "404", "405"].iter().chain(extra) {
            map.insert(status.to_string(), error.clone());
        }
        map
    };
    let headers = json!([
        {"name": "X-Mock-Namespace", "in": "header", "required": false, "schema": {"type": "string"}},
        {"name": "X-Mock-Orq-Api", "in": "header", "required": false, "schema": {"enum": ["current", "v1"]}}
    ]);
    let with = |mut map: Map<String, Value>, status: &str, value: Value| {
        map.insert(status.into(), value);
        Value::Object(map)
    };
    let flag = |name: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "boolean"}});
    let list_parameters = json!([
        {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
        {"name": "starting_after", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "ending_before", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "search", "in": "query", "required": false, "schema": {"type": "string", "minLength": 2}},
        {"name": "filter_by.tags", "in": "query", "required": false, "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
        flag("include_metrics"),
        {"name": "sort_by", "in": "query", "required": false, "schema": {"enum": ["IDENTITY_SORT_FIELD_UNSPECIFIED", "IDENTITY_SORT_FIELD_DISPLAY_NAME", "IDENTITY_SORT_FIELD_UPDATED"]}},
        flag("include_budget")
    ]);
    let create_body = json!({"required": true, "content": {"application/json": {"schema": {"anyOf": [reference(SchemaId::OrqCreateIdentityRequest), reference(SchemaId::OrqV1CreateIdentityRequest)]}}}});
    let update_body = json!({"required": true, "content": {"application/json": {"schema": {"anyOf": [reference(SchemaId::OrqUpdateIdentityRequest), reference(SchemaId::OrqV1UpdateIdentityRequest)]}}}});
    let mut paths = Map::new();
    paths.insert(
        "/v2/identities".into(),
        json!({
            "parameters": headers,
            "get": {"operationId": "ListIdentities", "tags": ["orq"], "parameters": list_parameters,
                    "responses": with(errors(&[]), "200", response("A page", either(SchemaId::OrqListIdentitiesResponse, reference(SchemaId::OrqV1ListIdentitiesResponse))))},
            "post": {"operationId": "CreateIdentity", "tags": ["orq"], "requestBody": create_body,
                     "responses": with(errors(&["409"]), "201", json!({"description": "Created", "headers": {"Location": {"schema": {"type": "string"}}},
                                       "content": {"application/json": {"schema": either(SchemaId::OrqCreateIdentityResponse, v1_identity.clone())}}}))},
        }),
    );
    let mut delete_responses = errors(&[]);
    delete_responses
        .insert("200".into(), response("Deleted (current)", reference(SchemaId::OrqDeleteIdentityResponse)));
    delete_responses.insert("204".into(), json!({"description": "Deleted (v1)"}));
    paths.insert(
        "/v2/identities/{id}".into(),
        json!({
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The _id or the external_id"}, headers[0], headers[1]],
            "get": {"operationId": "RetrieveIdentity", "tags": ["orq"], "parameters": [flag("include_metrics"), flag("include_budget")],
                    "responses": with(errors(&[]), "200", response("The identity", either(SchemaId::OrqRetrieveIdentityResponse, v1_identity.clone())))},
            "patch": {"operationId": "UpdateIdentity", "tags": ["orq"], "requestBody": update_body,
                      "responses": with(errors(&[]), "200", response("Updated", either(SchemaId::OrqUpdateIdentityResponse, v1_identity.clone())))},
            "delete": {"operationId": "DeleteIdentity", "tags": ["orq"], "responses": delete_responses},
        }),
    );
    paths.insert(
        "/v2/contacts".into(),
        json!({"parameters": headers, "post": {"operationId": "CreateContact", "tags": ["orq"], "description": "v1 only: upsert by external_id.",
               "requestBody": {"required": true, "content": {"application/json": {"schema": reference(SchemaId::OrqV1CreateIdentityRequest)}}},
               "responses": with(errors(&[]), "200", response("Created or updated (v1)", v1_identity))}}),
    );
    paths
}

fn admin_paths() -> Map<String, Value> {
    let object = json!({"type": "object"});
    let ok = |description: &str| response(description, json!({"type": "object"}));
    let error = response(
        "An error",
        json!({"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}),
    );
    let query = |name: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "schema": schema});
    let journal_filters = json!([
        query("method", json!({"type": "string"})),
        query("path", json!({"type": "string"})),
        query("status", json!({"type": "integer"})),
        query("namespace", json!({"type": "string"}))
    ]);
    let mut paths = Map::new();
    paths.insert("/__admin/health".into(), json!({"get": {"operationId": "health", "tags": ["admin"], "responses": {"200": ok("Status, version, uptime, counts")}}}));
    paths.insert(
        "/__admin/reset".into(),
        json!({"post": {"operationId": "reset", "tags": ["admin"],
        "parameters": [query("namespace", json!({"type": "string"})), query("empty", json!({"type": "boolean"}))],
        "responses": {"200": ok("Reset"), "400": error}}}),
    );
    paths.insert(
        "/__admin/fixtures".into(),
        json!({"post": {"operationId": "load_fixtures", "tags": ["admin"],
        "parameters": [query("namespace", json!({"type": "string"}))],
        "requestBody": {"required": true, "content": {"application/json": {"schema": object}}},
        "responses": {"200": ok("Loaded"), "400": error}}}),
    );
    paths.insert("/__admin/state".into(), json!({"get": {"operationId": "state", "tags": ["admin"], "responses": {"200": ok("The whole state as a fixtures document")}}}));
    let mut list_filters = journal_filters.as_array().cloned().unwrap_or_default();
    list_filters.push(query("limit", json!({"type": "integer", "minimum": 0})));
    paths.insert("/__admin/requests".into(), json!({
        "get": {"operationId": "requests", "tags": ["admin"], "parameters": list_filters, "responses": {"200": ok("Journal entries, oldest first"), "400": error}},
        "delete": {"operationId": "clear_requests", "tags": ["admin"], "responses": {"200": ok("Cleared")}}}));
    paths.insert(
        "/__admin/requests/count".into(),
        json!({"get": {"operationId": "count_requests", "tags": ["admin"], "parameters": journal_filters,
        "responses": {"200": ok("How many match"), "400": error}}}),
    );
    paths.insert("/__admin/faults".into(), json!({
        "post": {"operationId": "add_fault", "tags": ["admin"], "requestBody": {"required": true, "content": {"application/json": {"schema": object}}},
                 "responses": {"201": ok("The fault with its id"), "400": error}},
        "get": {"operationId": "faults", "tags": ["admin"], "responses": {"200": ok("The active faults")}},
        "delete": {"operationId": "clear_faults", "tags": ["admin"], "responses": {"200": ok("Removed")}}}));
    paths.insert(
        "/__admin/faults/{id}".into(),
        json!({"delete": {"operationId": "remove_fault", "tags": ["admin"],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": ok("Removed"), "400": error, "404": error}}}),
    );
    paths
}

/// Every operation that takes a body may answer 413 (over `--max-body`), in its API's error
/// shape; a Letta body that Python's `json` cannot decode (invalid UTF-8, NaN, nesting past the
/// limit) is a 400 there, as upstream.
fn add_body_errors(paths: &mut Map<String, Value>) {
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else { continue };
        for operation in operations.values_mut() {
            if operation.get("requestBody").is_none() {
                continue;
            }
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            let error = if path.starts_with("/v1/") {
                responses
                    .entry("400")
                    .or_insert_with(|| response("The body could not be parsed", reference(SchemaId::LettaDetailError)));
                reference(SchemaId::LettaDetailError)
            } else if path.starts_with("/v2/") {
                json!({"anyOf": [reference(SchemaId::OrqErrorResponse), reference(SchemaId::OrqV1ErrorResponse)]})
            } else {
                json!({"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]})
            };
            responses.insert("413".into(), response("The body is larger than --max-body", error));
        }
    }
}

/// The whole document, serialized once at start.
pub fn document(schemas: &Schemas) -> Vec<u8> {
    let mut components = Map::new();
    for (name, text) in files() {
        let Ok(mut schema) = serde_json::from_str::<Value>(text) else { continue };
        let folder = name.rsplit_once('/').map_or("", |(folder, _)| folder);
        rewrite(&mut schema, folder);
        components.insert(component(name), schema);
    }
    let mut paths = letta_paths(schemas);
    paths.extend(orq_paths());
    paths.extend(admin_paths());
    add_body_errors(&mut paths);
    let document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "identity-mock",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Letta Identities API (also under /latest), the orq.ai Identities API (current and v1), and the identity-mock admin API."
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
    });
    serde_json::to_vec(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_points_at_a_component() {
        let document: Value = serde_json::from_slice(&document(Schemas::bundled().unwrap())).unwrap();
        let components = document["components"]["schemas"].as_object().unwrap();
        let mut references = Vec::new();
        fn collect(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("$ref") {
                        out.push(target.clone());
                    }
                    map.values().for_each(|v| collect(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                _ => {}
            }
        }
        collect(&document, &mut references);
        assert!(references.len() > 50);
        for target in references {
            let name = target.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{target}"));
            assert!(components.contains_key(name), "{target} has no component");
        }
        assert!(document["paths"]["/v1/identities/{identity_id}/agents"]["get"].is_object());
        assert!(document["paths"]["/v2/identities/{id}"]["delete"]["responses"]["204"].is_object());
        assert_eq!(
            components["orq.v1.Identity"]["properties"]["metrics"]["$ref"],
            "#/components/schemas/orq.IdentityMetrics"
        );
    }
}
