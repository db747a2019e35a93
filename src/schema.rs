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
    ($($id:ident => $name:literal),* $(,)?) => {
        /// Every bundled schema, named after the path of its file under `schemas/`: a typo in a
        /// schema's name is a compile error.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SchemaId { $($id),* }

        impl SchemaId {
            pub const ALL: &'static [SchemaId] = &[$(SchemaId::$id),*];

            /// The file's path under `schemas/`, without `.json`: `letta/IdentityCreate`.
            pub fn name(self) -> &'static str {
                match self { $(SchemaId::$id => $name),* }
            }

            /// The file, embedded in the binary.
            pub fn text(self) -> &'static str {
                match self { $(SchemaId::$id => include_str!(concat!("../schemas/", $name, ".json"))),* }
            }
        }
    };
}

bundled! {
    LettaAgentCreate => "letta/AgentCreate",
    LettaAgentId => "letta/AgentId",
    LettaAgentRetrieveQuery => "letta/AgentRetrieveQuery",
    LettaAgentsQuery => "letta/AgentsQuery",
    LettaAgentUpdate => "letta/AgentUpdate",
    LettaAgentState => "letta/AgentState",
    LettaBlockCreate => "letta/BlockCreate",
    LettaBlockId => "letta/BlockId",
    LettaBlocksQuery => "letta/BlocksQuery",
    LettaBlockUpdate => "letta/BlockUpdate",
    LettaBlockResponse => "letta/BlockResponse",
    LettaDetailError => "letta/DetailError",
    LettaFixtureIdentity => "letta/FixtureIdentity",
    LettaFixtures => "letta/Fixtures",
    LettaIdentity => "letta/Identity",
    LettaIdentityCreate => "letta/IdentityCreate",
    LettaIdentityId => "letta/IdentityId",
    LettaIdentityProperty => "letta/IdentityProperty",
    LettaIdentityPropertyList => "letta/IdentityPropertyList",
    LettaIdentityPropertyType => "letta/IdentityPropertyType",
    LettaIdentityType => "letta/IdentityType",
    LettaIdentityUpdate => "letta/IdentityUpdate",
    LettaIdentityUpsert => "letta/IdentityUpsert",
    LettaListAgentsQuery => "letta/ListAgentsQuery",
    LettaListBlocksQuery => "letta/ListBlocksQuery",
    LettaListIdentitiesQuery => "letta/ListIdentitiesQuery",
    LettaValidationErrorBody => "letta/ValidationErrorBody",
    OrqBudget => "orq/Budget",
    OrqCreateIdentityRequest => "orq/CreateIdentityRequest",
    OrqCreateIdentityResponse => "orq/CreateIdentityResponse",
    OrqDeleteIdentityResponse => "orq/DeleteIdentityResponse",
    OrqErrorResponse => "orq/ErrorResponse",
    OrqFixtureIdentity => "orq/FixtureIdentity",
    OrqFixtures => "orq/Fixtures",
    OrqIdentity => "orq/Identity",
    OrqIdentityMetrics => "orq/IdentityMetrics",
    OrqListIdentitiesResponse => "orq/ListIdentitiesResponse",
    OrqRetrieveIdentityResponse => "orq/RetrieveIdentityResponse",
    OrqUpdateIdentityRequest => "orq/UpdateIdentityRequest",
    OrqUpdateIdentityResponse => "orq/UpdateIdentityResponse",
    OrqV1CreateIdentityRequest => "orq/v1/CreateIdentityRequest",
    OrqV1ErrorResponse => "orq/v1/ErrorResponse",
    OrqV1Identity => "orq/v1/Identity",
    OrqV1ListIdentitiesResponse => "orq/v1/ListIdentitiesResponse",
    OrqV1UpdateIdentityRequest => "orq/v1/UpdateIdentityRequest",
}

/// One compiled schema and the document it came from.
pub struct Schema {
    pub id: SchemaId,
    pub document: Value,
    pub validator: Validator,
}

pub struct Schemas {
    /// In the order of [`SchemaId::ALL`].
    all: Vec<Schema>,
    /// For `$ref`s, which name files.
    by_name: HashMap<&'static str, SchemaId>,
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
        for &id in SchemaId::ALL {
            let name = id.name();
            let document: Value =
                serde_json::from_str(id.text()).map_err(|e| SchemaError(format!("schemas/{name}.json: {e}")))?;
            documents.push((id, document));
        }
        let mut registry = Registry::new();
        for (id, document) in &documents {
            let name = id.name();
            registry = registry
                .add(format!("{BASE_URI}{name}.json"), Resource::from_contents(document.clone()))
                .map_err(|e| SchemaError(format!("schemas/{name}.json: {e}")))?;
        }
        let registry = registry.prepare().map_err(|e| SchemaError(e.to_string()))?;
        let mut all = Vec::with_capacity(documents.len());
        for (id, document) in documents {
            let validator = jsonschema::options()
                .with_registry(&registry)
                .build(&document)
                .map_err(|e| SchemaError(format!("schemas/{}.json: {e}", id.name())))?;
            all.push(Schema { id, document, validator });
        }
        let by_name = SchemaId::ALL.iter().map(|id| (id.name(), *id)).collect();
        Ok(Schemas { all, by_name })
    }

    pub fn get(&self, id: SchemaId) -> &Schema {
        &self.all[id as usize]
    }

    /// Follows `$ref` (a file name relative to the referring file) and unwraps a nullable
    /// `anyOf: [X, {"type": "null"}]` to `X`, so callers see the schema that describes a value.
    pub fn resolve<'a>(&'a self, folder: &str, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = format!("{folder}/{}", reference.trim_end_matches(".json"));
                match self.by_name.get(name.as_str()) {
                    Some(target) => schema = &self.get(*target).document,
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
    SchemaId::ALL.iter().map(|id| (id.name(), id.text()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bundled_schemas_compile_and_resolve_references() {
        let schemas = Schemas::bundled().unwrap();
        let create = schemas.get(SchemaId::LettaIdentityCreate);
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
    fn every_file_under_schemas_is_bundled() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut on_disk = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let relative = path.strip_prefix(&root).unwrap().with_extension("");
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut bundled: Vec<String> = SchemaId::ALL.iter().map(|id| id.name().to_string()).collect();
        bundled.sort();
        assert_eq!(on_disk, bundled);
    }

    #[test]
    fn every_file_has_an_id_matching_its_path() {
        for (name, text) in files() {
            let document: Value = serde_json::from_str(text).unwrap();
            assert_eq!(document["$id"], format!("{BASE_URI}{name}.json"), "{name}");
        }
    }
}
