//! The JSON Schemas in `schemas/`, embedded in the binary and compiled once.
//!
//! They are the single source of truth for what a request may hold: the API modules validate with
//! them and read them (field order, enum kinds) to render errors in each vendor's own format.

use jsonschema::{Registry, Resource, Validator};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const BASE_URI: &str = "https://identity-mock.dev/schemas/";

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../schemas/", $name, ".json")))),*]
    };
}

/// Every schema file, by its path under `schemas/` without the extension.
const FILES: &[(&str, &str)] = bundled![
    "letta/AgentId",
    "letta/AgentState",
    "letta/BlockId",
    "letta/BlockResponse",
    "letta/DetailError",
    "letta/FixtureIdentity",
    "letta/Fixtures",
    "letta/Identity",
    "letta/IdentityCreate",
    "letta/IdentityId",
    "letta/IdentityProperty",
    "letta/IdentityPropertyList",
    "letta/IdentityPropertyType",
    "letta/IdentityType",
    "letta/IdentityUpdate",
    "letta/IdentityUpsert",
    "letta/ListAgentsQuery",
    "letta/ListBlocksQuery",
    "letta/ListIdentitiesQuery",
    "letta/ValidationErrorBody",
    "orq/Budget",
    "orq/CreateIdentityRequest",
    "orq/CreateIdentityResponse",
    "orq/DeleteIdentityResponse",
    "orq/ErrorResponse",
    "orq/FixtureIdentity",
    "orq/Fixtures",
    "orq/Identity",
    "orq/IdentityMetrics",
    "orq/ListIdentitiesResponse",
    "orq/RetrieveIdentityResponse",
    "orq/UpdateIdentityRequest",
    "orq/UpdateIdentityResponse",
    "orq/v1/CreateIdentityRequest",
    "orq/v1/ErrorResponse",
    "orq/v1/Identity",
    "orq/v1/ListIdentitiesResponse",
    "orq/v1/UpdateIdentityRequest",
];

/// One compiled schema and the document it came from.
pub struct Schema {
    pub name: &'static str,
    pub document: Value,
    pub validator: Validator,
}

pub struct Schemas {
    by_name: HashMap<&'static str, Schema>,
}

/// Why the bundled schemas could not be used; only a broken build can cause it.
#[derive(Debug)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bundled schema error: {}", self.0)
    }
}

impl Schemas {
    /// The bundled schemas, compiled on first use.
    pub fn bundled() -> Result<&'static Schemas, SchemaError> {
        static SCHEMAS: OnceLock<Result<Schemas, String>> = OnceLock::new();
        SCHEMAS.get_or_init(|| Schemas::compile().map_err(|e| e.0)).as_ref().map_err(|e| SchemaError(e.clone()))
    }

    fn compile() -> Result<Schemas, SchemaError> {
        let mut documents = Vec::new();
        for (name, text) in FILES {
            let document: Value =
                serde_json::from_str(text).map_err(|e| SchemaError(format!("schemas/{name}.json: {e}")))?;
            documents.push((*name, document));
        }
        let mut registry = Registry::new();
        for (name, document) in &documents {
            registry = registry
                .add(format!("{BASE_URI}{name}.json"), Resource::from_contents(document.clone()))
                .map_err(|e| SchemaError(format!("schemas/{name}.json: {e}")))?;
        }
        let registry = registry.prepare().map_err(|e| SchemaError(e.to_string()))?;
        let mut by_name = HashMap::new();
        for (name, document) in documents {
            let validator = jsonschema::options()
                .with_registry(&registry)
                .build(&document)
                .map_err(|e| SchemaError(format!("schemas/{name}.json: {e}")))?;
            by_name.insert(name, Schema { name, document, validator });
        }
        Ok(Schemas { by_name })
    }

    /// A schema by its path under `schemas/`, e.g. `letta/IdentityCreate`.
    pub fn get(&self, name: &str) -> &Schema {
        match self.by_name.get(name) {
            Some(schema) => schema,
            // Names are compile-time constants of this crate; a typo is a bug caught by every test.
            None => panic!("no bundled schema named {name}"),
        }
    }

    /// Follows `$ref` (a file name relative to the referring file) and unwraps a nullable
    /// `anyOf: [X, {"type": "null"}]` to `X`, so callers see the schema that describes a value.
    pub fn resolve<'a>(&'a self, folder: &str, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = format!("{folder}/{}", reference.trim_end_matches(".json"));
                match self.by_name.get(name.as_str()) {
                    Some(target) => schema = &target.document,
                    None => return schema,
                }
                continue;
            }
            if let Some(arms) = schema.get("anyOf").and_then(Value::as_array) {
                let mut non_null = arms.iter().filter(|arm| arm.get("type") != Some(&Value::from("null")));
                if let (Some(only), None) = (non_null.next(), non_null.next()) {
                    if only != schema {
                        schema = only;
                        continue;
                    }
                }
            }
            return schema;
        }
        schema
    }
}

/// Every bundled schema file with its name, for `GET /openapi.json` and for tests.
pub fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bundled_schemas_compile_and_resolve_references() {
        let schemas = Schemas::bundled().unwrap();
        let create = schemas.get("letta/IdentityCreate");
        assert!(create.validator.is_valid(&json!({"identifier_key": "k", "name": "n", "identity_type": "user"})));
        assert!(!create.validator.is_valid(&json!({"identifier_key": "k", "name": "n", "identity_type": "robot"})));
        assert!(!create
            .validator
            .is_valid(&json!({"identifier_key": "k", "name": "n", "identity_type": "user", "agent_ids": ["agent-1"]})));
        let properties = &create.document["properties"]["properties"];
        let list = schemas.resolve("letta", properties);
        assert_eq!(list["type"], "array");
        let item = schemas.resolve("letta", &list["items"]);
        assert_eq!(item["title"], "IdentityProperty");
    }

    #[test]
    fn every_file_has_an_id_matching_its_path() {
        for (name, text) in files() {
            let document: Value = serde_json::from_str(text).unwrap();
            assert_eq!(document["$id"], format!("{BASE_URI}{name}.json"), "{name}");
        }
    }
}
