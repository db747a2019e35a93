//! Letta's identity model as the store holds it, and its exact wire encoding.

use super::pyvalues;
use super::routes::Resource;
use crate::json_text::{JsonText, ObjectWriter};
use crate::store::{Collection, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The organization of Letta's default actor: every identity of the mock belongs to it.
pub const DEFAULT_ORG_ID: &str = "org-00000000-0000-4000-8000-000000000000";
/// Letta's default actor.
pub const DEFAULT_USER_ID: &str = "user-00000000-0000-4000-8000-000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityType {
    Org,
    User,
    Other,
}

impl IdentityType {
    /// Parses a value the schema already accepted.
    pub fn parse(text: &str) -> Option<IdentityType> {
        match text {
            "org" => Some(IdentityType::Org),
            "user" => Some(IdentityType::User),
            "other" => Some(IdentityType::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::Org => "org",
            IdentityType::User => "user",
            IdentityType::Other => "other",
        }
    }
}

/// One property. `value` keeps the JSON type it was sent with (`1.0` stays `1.0`); `kind` is not
/// checked against it, as upstream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Property {
    pub key: String,
    pub value: Value,
    #[serde(rename = "type")]
    pub kind: String,
}

impl Property {
    /// The properties in a JSON array the schemas already accepted (a request body or a fixture).
    pub fn list_from_json(value: &Value) -> Vec<Property> {
        let text = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| Property {
                        key: text(item, "key"),
                        value: item.get("value").cloned().unwrap_or(Value::Null),
                        kind: text(item, "type"),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An identity's properties as the store keeps them: their compact JSON, as upstream's JSON column
/// holds it (see `pyvalues`: Python's numbers, no lone surrogates). They are only ever written
/// whole, replaced whole, or merged (which parses them).
#[derive(Clone, Debug, PartialEq)]
pub struct Properties {
    /// `null` when a create sent `"properties": null` (upstream stores JSON null and shows `[]`).
    text: JsonText,
    /// What upstream's serializers meet in the values: some fail every answer holding them.
    findings: pyvalues::Findings,
    /// The text answers show, when it is not `text`: lone surrogates are stored and not shown.
    shown: Option<Box<str>>,
}

impl Properties {
    /// Properties whose values are already as stored (a merge of stored and stored-form lists).
    pub fn new(list: &[Property]) -> Properties {
        let mut findings = pyvalues::Findings::default();
        list.iter().for_each(|property| findings.merge(&pyvalues::findings(&property.value)));
        Properties::with(JsonText::encode(&list), findings)
    }

    fn with(text: JsonText, findings: pyvalues::Findings) -> Properties {
        let shown = pyvalues::without_surrogates(text.as_str()).map(String::into_boxed_str);
        Properties { text, findings, shown }
    }

    /// A request's list (the schemas accepted it), or its `null`, as upstream stores it; `Err`
    /// when PostgreSQL refuses a value (NaN, infinities).
    pub fn stored(value: &Value) -> Result<Properties, pyvalues::Refused> {
        if value.is_null() {
            return Ok(Properties::with(JsonText::encode(&Value::Null), Default::default()));
        }
        let stored = match pyvalues::is_stored(value)? {
            true => std::borrow::Cow::Borrowed(value),
            false => std::borrow::Cow::Owned(pyvalues::stored_json(value)?),
        };
        let items = stored.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut findings = pyvalues::Findings::default();
        items.iter().filter_map(|item| item.get("value")).for_each(|v| findings.merge(&pyvalues::findings(v)));
        Ok(Properties::with(JsonText::encode(&PropertiesOf(items)), findings))
    }

    /// A fixture's list: stored as a request's would be, or kept as written when PostgreSQL would
    /// have refused it.
    pub fn from_json(value: &Value) -> Properties {
        Properties::stored(value).unwrap_or_else(|_| {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            Properties::with(JsonText::encode(&PropertiesOf(items)), Default::default())
        })
    }

    /// What the column holds after `new` is written: unchanged when `new` is `==` the stored
    /// value in Python (SQLAlchemy then writes nothing; see [`pyvalues::python_equal`]).
    pub fn replaced_by(&self, new: Properties) -> Properties {
        let parse = |p: &Properties| crate::json_text::parse_deep::<Value>(p.text.as_str()).ok();
        match (parse(self), parse(&new)) {
            (Some(old), Some(new_value)) if pyvalues::python_equal(&old, &new_value) => self.clone(),
            _ => new,
        }
    }

    /// The list (empty for a stored `null`).
    pub fn list(&self) -> Vec<Property> {
        crate::json_text::parse_deep(self.text.as_str()).unwrap_or_default()
    }

    /// The JSON as stored: `null` for a stored `null`.
    pub fn text(&self) -> &JsonText {
        &self.text
    }

    /// Whether upstream holds JSON `null` (a PATCH that merges into it fails).
    pub fn is_null(&self) -> bool {
        self.text.as_str() == "null"
    }

    /// What upstream's serializers meet in the values (see the field).
    pub fn findings(&self) -> &pyvalues::Findings {
        &self.findings
    }

    /// The JSON answers show: `[]` for a stored `null`, lone surrogates dropped.
    fn wire(&self) -> &str {
        if self.is_null() {
            "[]"
        } else {
            self.shown.as_deref().unwrap_or(self.text.as_str())
        }
    }
}

/// Property objects serialized as [`Property`] serializes, straight from their JSON.
struct PropertiesOf<'a>(&'a [Value]);

impl Serialize for PropertiesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};
        struct One<'a>(&'a Value);
        impl Serialize for One<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let text = |key: &str| self.0.get(key).and_then(Value::as_str).unwrap_or_default();
                let mut property = serializer.serialize_struct("Property", 3)?;
                property.serialize_field("key", text("key"))?;
                property.serialize_field("value", self.0.get("value").unwrap_or(&Value::Null))?;
                property.serialize_field("type", text("type"))?;
                property.end()
            }
        }
        let mut list = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            list.serialize_element(&One(item))?;
        }
        list.end()
    }
}

impl Default for Properties {
    fn default() -> Properties {
        Properties::new(&[])
    }
}

/// An identity with its links. The links are kept although the wire always shows `agent_ids: []`
/// and `block_ids: []`: they drive the `/agents` and `/blocks` routes.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    pub id: Arc<str>,
    pub identifier_key: String,
    pub name: String,
    pub identity_type: IdentityType,
    pub project_id: Option<String>,
    pub properties: Properties,
    pub agent_ids: Vec<String>,
    pub block_ids: Vec<String>,
}

/// The unique constraint `(identifier_key, project_id, organization_id)` with NULLS NOT DISTINCT.
pub fn unique_key(identifier_key: &str, project_id: Option<&str>) -> String {
    // A JSON array cannot be confused with another pair, whatever the strings hold.
    serde_json::to_string(&(identifier_key, project_id)).unwrap_or_default()
}

impl Record for Identity {
    fn id(&self) -> &Arc<str> {
        &self.id
    }

    fn unique_key(&self) -> Option<String> {
        Some(unique_key(&self.identifier_key, self.project_id.as_deref()))
    }
}

impl Identity {
    /// The identity's side of the relation with agents or blocks.
    pub fn links(&self, resource: Resource) -> &[String] {
        match resource {
            Resource::Blocks => &self.block_ids,
            _ => &self.agent_ids,
        }
    }

    /// Appends the compact wire JSON of this identity, in the real server's key order. The links
    /// are always written empty, as the real server does.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = ObjectWriter::new(out);
        object.string("id", &self.id);
        object.string("identifier_key", &self.identifier_key);
        object.string("name", &self.name);
        object.string("identity_type", self.identity_type.as_str());
        object.nullable("project_id", self.project_id.as_deref());
        object.raw("agent_ids", "[]");
        object.raw("block_ids", "[]");
        object.string("organization_id", DEFAULT_ORG_ID);
        object.raw("properties", self.properties.wire());
        object.end();
    }
}

/// An agent or a block: fixtures hold its full JSON, which is returned as stored.
#[derive(Clone, Debug)]
pub struct Entity {
    pub id: Arc<str>,
    pub json: Value,
}

impl Record for Entity {
    fn id(&self) -> &Arc<str> {
        &self.id
    }

    fn unique_key(&self) -> Option<String> {
        None
    }
}

/// Everything the Letta API of one namespace holds.
#[derive(Default)]
pub struct LettaData {
    pub identities: Collection<Identity>,
    pub agents: Collection<Entity>,
    pub blocks: Collection<Entity>,
}

impl LettaData {
    /// The agents or the blocks.
    pub fn entities(&self, resource: Resource) -> &Collection<Entity> {
        match resource {
            Resource::Blocks => &self.blocks,
            _ => &self.agents,
        }
    }

    /// Adds (or removes) the link between an identity and an agent or block.
    pub fn link(&self, resource: Resource, identity_id: &str, entity_id: &str, linked: bool) {
        let _ = self.identities.update(identity_id, |identity| -> Result<(), ()> {
            let ids = match resource {
                Resource::Blocks => &mut identity.block_ids,
                _ => &mut identity.agent_ids,
            };
            let present = ids.iter().any(|id| id == entity_id);
            if linked && !present {
                ids.push(entity_id.to_string());
            } else if !linked && present {
                ids.retain(|id| id != entity_id);
            }
            Ok(())
        });
    }

    /// Removes every link to an agent or block that is gone (the link tables cascade).
    pub fn unlink_everywhere(&self, resource: Resource, entity_id: &str) {
        for (_, identity) in self.identities.snapshot() {
            if identity.links(resource).iter().any(|id| id == entity_id) {
                self.link(resource, &identity.id, entity_id, false);
            }
        }
    }
}

/// Upstream's `isoformat()` of a UTC time, with microseconds.
pub fn timestamp(micros: i64) -> String {
    crate::clock::rfc3339_micros(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_json_has_the_real_key_order_and_keeps_number_types() {
        let identity = Identity {
            id: "identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544".into(),
            identifier_key: "org-1".into(),
            name: "Acme".into(),
            identity_type: IdentityType::Org,
            project_id: Some("proj-1".into()),
            properties: Properties::new(&[
                Property { key: "f".into(), value: serde_json::json!(1.0), kind: "number".into() },
                Property { key: "n".into(), value: serde_json::json!(3), kind: "number".into() },
            ]),
            agent_ids: vec!["agent-05a12465-5829-4984-bcfe-b184ee81dc5e".into()],
            block_ids: vec![],
        };
        let mut out = Vec::new();
        identity.write_json(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":"identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544","identifier_key":"org-1","name":"Acme","identity_type":"org","project_id":"proj-1","agent_ids":[],"block_ids":[],"organization_id":"org-00000000-0000-4000-8000-000000000000","properties":[{"key":"f","value":1.0,"type":"number"},{"key":"n","value":3,"type":"number"}]}"#
        );
    }

    #[test]
    fn properties_from_json_match_the_parsed_list() {
        let json = serde_json::json!([
            {"type": "json", "value": {"z": 1, "a": [1.0, null]}, "key": "prefs"},
            {"key": "q\"uote", "value": 1e-7, "type": "number"},
            {"key": "n", "type": "string"}
        ]);
        let direct = Properties::from_json(&json);
        assert_eq!(direct, Properties::new(&Property::list_from_json(&json)));
        assert_eq!(
            direct.text().as_str(),
            r#"[{"key":"prefs","value":{"z":1,"a":[1.0,null]},"type":"json"},{"key":"q\"uote","value":1e-7,"type":"number"},{"key":"n","value":null,"type":"string"}]"#
        );
    }

    #[test]
    fn null_project_conflicts_with_null_project_only() {
        assert_eq!(unique_key("k", None), unique_key("k", None));
        assert_ne!(unique_key("k", None), unique_key("k", Some("null")));
        assert_ne!(unique_key("k", Some("p")), unique_key("k", None));
    }
}
