//! `GET /openapi.json`: the OpenAPI 3.1 document of everything the server serves (each vendor's
//! API, from its route table, and the admin API), built from the same schemas that validate
//! requests.

use crate::schema::{files, SchemaId, Schemas};
use crate::vendor::Api;
use serde_json::{json, Map, Value};

/// The component name of a schema file: `orq/v1/Identity` is `orq.v1.Identity`.
fn component(name: &str) -> String {
    name.replace('/', ".")
}

pub fn reference(id: SchemaId) -> Value {
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

pub fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

pub fn response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// The query parameters a query schema in `folder` declares.
pub fn query_parameters(schemas: &Schemas, id: SchemaId, folder: &str) -> Vec<Value> {
    let document = &schemas.get(id).document;
    let mut parameters = Vec::new();
    if let Some(properties) = document["properties"].as_object() {
        for (parameter, schema) in properties {
            let mut schema = schema.clone();
            rewrite(&mut schema, folder);
            if let Some(map) = schema.as_object_mut() {
                map.remove("x-error-type");
            }
            parameters.push(json!({"name": parameter, "in": "query", "required": false, "schema": schema}));
        }
    }
    parameters
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
        query("namespace", json!({"type": "string"})),
        query("api", json!({"type": "string"})),
        query("operation", json!({"type": "string"})),
        json!({"name": "header", "in": "query", "required": false, "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true}),
        query("preflight", json!({"type": "boolean"}))
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
        "responses": {"200": ok("Loaded"), "400": error, "413": error}}}),
    );
    paths.insert(
        "/__admin/state".into(),
        json!({"get": {"operationId": "state", "tags": ["admin"],
        "parameters": [query("namespace", json!({"type": "string"}))],
        "responses": {"200": ok("The whole state as a fixtures document, or one namespace's sections")}}}),
    );
    let mut list_filters = journal_filters.as_array().cloned().unwrap_or_default();
    list_filters.push(query("limit", json!({"type": "integer", "minimum": 0})));
    paths.insert("/__admin/requests".into(), json!({
        "get": {"operationId": "requests", "tags": ["admin"], "parameters": list_filters, "responses": {"200": ok("Journal entries, oldest first"), "400": error}},
        "delete": {"operationId": "clear_requests", "tags": ["admin"], "responses": {"200": ok("Cleared")}}}));
    let mut stream_filters = journal_filters.as_array().cloned().unwrap_or_default();
    stream_filters.push(query("since", json!({"type": "integer", "minimum": 0})));
    paths.insert(
        "/__admin/requests/stream".into(),
        json!({"get": {"operationId": "stream_requests", "tags": ["admin"], "parameters": stream_filters,
        "responses": {"200": {"description": "Journal entries recorded from now on (or after `since`), as server-sent events",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                      "400": error, "409": error}}}),
    );
    paths.insert(
        "/__admin/requests/count".into(),
        json!({"get": {"operationId": "count_requests", "tags": ["admin"], "parameters": journal_filters,
        "responses": {"200": ok("How many match"), "400": error}}}),
    );
    paths.insert("/__admin/faults".into(), json!({
        "post": {"operationId": "add_fault", "tags": ["admin"], "requestBody": {"required": true, "content": {"application/json": {"schema": object}}},
                 "responses": {"201": ok("The fault with its id"), "400": error, "413": error}},
        "get": {"operationId": "faults", "tags": ["admin"], "responses": {"200": ok("The active faults")}},
        "delete": {"operationId": "clear_faults", "tags": ["admin"], "responses": {"200": ok("Removed")}}}));
    paths.insert(
        "/__admin/faults/{id}".into(),
        json!({"delete": {"operationId": "remove_fault", "tags": ["admin"],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": ok("Removed"), "400": error, "404": error}}}),
    );
    paths.insert(
        "/__admin/namespaces".into(),
        json!({"get": {"operationId": "namespaces", "tags": ["admin"], "responses": {"200": ok("Every namespace, by name")}}}),
    );
    paths.insert(
        "/__admin/namespaces/{name}".into(),
        json!({"delete": {"operationId": "remove_namespace", "tags": ["admin"],
        "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": ok("Removed"), "404": error}}}),
    );
    paths
}

/// The whole document.
pub fn document(schemas: &Schemas, vendors: &[&dyn Api]) -> Vec<u8> {
    let mut components = Map::new();
    for (name, text) in files() {
        let Ok(mut schema) = serde_json::from_str::<Value>(text) else { continue };
        let folder = name.rsplit_once('/').map_or("", |(folder, _)| folder);
        rewrite(&mut schema, folder);
        components.insert(component(name), schema);
    }
    let mut paths = Map::new();
    for vendor in vendors {
        paths.extend(vendor.openapi(schemas));
    }
    paths.extend(admin_paths());
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
        let app = crate::app::App::new(&crate::Config::default()).unwrap();
        let document: Value = serde_json::from_slice(&app.openapi_document()).unwrap();
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
