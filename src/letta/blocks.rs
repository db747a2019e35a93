//! What is particular to `/v1/blocks`: a new block as upstream shows it, the create body's
//! defaults, and an update that changes only the fields sent.

use super::model::Entity;
use super::{answer, LettaApi, Outcome, Request};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The description upstream's create answer shows for a block of a standard label sent without
/// one (it is not stored).
pub fn default_description(label: &str) -> Option<&'static str> {
    match label {
        "human" => Some(
            "The human block: Stores key details about the person you are conversing with, allowing for more \
             personalized and friend-like conversation.",
        ),
        "persona" => Some(
            "The persona block: Stores details about your current persona, guiding how you behave and respond. \
             This helps you to maintain consistency and personality in your interactions.",
        ),
        _ => None,
    }
}

/// A block as upstream's `BlockResponse` shows it, from a validated `CreateBlock` body.
pub fn new_block(body: &Value, id: Arc<str>) -> Map<String, Value> {
    let given = |name: &str| body.get(name).filter(|v| !v.is_null()).cloned();
    let value = body.get("value").and_then(Value::as_str).unwrap_or_default().replace('\0', "");
    let mut block = Map::new();
    block.insert("value".into(), Value::from(value));
    block.insert("limit".into(), given("limit").unwrap_or(Value::from(100_000)));
    block.insert("project_id".into(), given("project_id").unwrap_or(Value::Null));
    block.insert("template_name".into(), Value::Null);
    block.insert("is_template".into(), Value::from(false));
    for field in ["template_id", "base_template_id", "deployment_id", "entity_id"] {
        block.insert(field.into(), Value::Null);
    }
    block.insert("preserve_on_migration".into(), Value::from(false));
    block.insert("label".into(), given("label").unwrap_or(Value::from("")));
    block.insert("read_only".into(), given("read_only").unwrap_or(Value::from(false)));
    block.insert("description".into(), given("description").unwrap_or(Value::Null));
    block.insert("metadata".into(), given("metadata").unwrap_or(Value::Object(Map::new())));
    block.insert("hidden".into(), given("hidden").unwrap_or(Value::Null));
    block.insert("id".into(), Value::from(&*id));
    block.insert("created_by_id".into(), Value::Null);
    block.insert("last_updated_by_id".into(), Value::Null);
    block.insert("tags".into(), given("tags").unwrap_or(Value::Array(Vec::new())));
    block
}

pub fn create(request: &Request<'_>) -> Outcome {
    let id: Arc<str> = format!("block-{}", request.sources.ids.uuid4()).into();
    let block = new_block(request.body, id.clone());
    let mut shown = block.clone();
    if block["description"].is_null() {
        if let Some(text) = block["label"].as_str().and_then(default_description) {
            shown.insert("description".into(), Value::from(text));
        }
    }
    let entity = Entity { id, json: Value::Object(block) };
    let _ = request.data.blocks.insert(entity, request.sources.clock.now_micros());
    answer(&Value::Object(shown))
}

/// Upstream's `CreateBlock` turns a missing or null `value` into `""` before validation, when
/// the body is an object with anything in it.
pub fn body_defaults(body: &mut Value) {
    if let Value::Object(fields) = body {
        if !fields.is_empty() && fields.get("value").is_none_or(Value::is_null) {
            fields.insert("value".into(), Value::from(""));
        }
    }
}

impl LettaApi {
    pub(super) fn block_update(&self, id: &str, request: &Request<'_>) -> Outcome {
        let updated = request
            .data
            .blocks
            .update(id, |block| -> Result<(), ()> {
                if let (Value::Object(fields), Value::Object(changes)) = (&mut block.json, request.body) {
                    // Only the fields sent, and not null, change.
                    for (name, value) in changes {
                        if fields.contains_key(name) && !value.is_null() && name != "id" {
                            let value = match (name.as_str(), value) {
                                // A block's value loses its NUL characters, as on create.
                                ("value", Value::String(text)) => Value::from(text.replace('\0', "")),
                                _ => value.clone(),
                            };
                            fields.insert(name.clone(), value);
                        }
                    }
                }
                Ok(())
            })
            .map_err(|_| self.messages.not_found("Block", id))?;
        answer(&updated.json)
    }
}
