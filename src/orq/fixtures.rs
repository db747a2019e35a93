//! The `orq` section of a fixtures document: identities, with metrics and budgets.

use super::model::{iso_millis, Metrics, OrqData, OrqIdentity};
use crate::ids::IdSource;
use crate::json_text::JsonText;
use crate::schema::SchemaId;
use crate::section::{json_text, list, parse_rfc3339_micros, strings, text, used_twice, Place, Section};
use foldhash::fast::RandomState;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The `orq` section. An identity whose `created_millis` is 0 is created when its namespace is.
#[derive(Clone, Debug, Default)]
pub struct OrqFixtures {
    pub identities: Vec<Arc<OrqIdentity>>,
}

impl Section for OrqFixtures {
    type Data = OrqData;
    /// The `_id`s stored.
    type Added = Vec<Arc<str>>;

    const KEY: &'static str = "orq";
    const SCHEMA: SchemaId = SchemaId::OrqFixtures;
    const LISTS: &'static [&'static str] = &["identities"];

    fn read(section: &Value, ids: &IdSource) -> OrqFixtures {
        let millis = |item: &Value, key: &str| {
            item.get(key).and_then(Value::as_str).and_then(parse_rfc3339_micros).map_or(0, |micros| micros / 1000)
        };
        let identities = list(section, "identities")
            .iter()
            .map(|item| {
                let created = millis(item, "created");
                let updated = millis(item, "updated");
                Arc::new(OrqIdentity {
                    id: text(item, "_id").unwrap_or_else(|| ids.ulid(u64::try_from(created).unwrap_or(0))).into(),
                    external_id: text(item, "external_id").unwrap_or_default(),
                    display_name: text(item, "display_name"),
                    email: text(item, "email"),
                    avatar_url: text(item, "avatar_url"),
                    tags: strings(item, "tags"),
                    metadata: JsonText::encode(item.get("metadata").unwrap_or(&Value::Object(Map::new()))),
                    created_millis: created,
                    // An identity never updated was last updated when it was created.
                    updated_millis: if updated == 0 { created } else { updated },
                    metrics: item.get("metrics").and_then(Value::as_object).map(Metrics::from_json),
                    budget: item.get("budget").map(JsonText::encode),
                })
            })
            .collect();
        OrqFixtures { identities }
    }

    fn extend(&mut self, other: OrqFixtures) {
        self.identities.extend(other.identities);
    }

    fn counts(&self) -> Vec<usize> {
        vec![self.identities.len()]
    }

    fn check(&self, place: Place<'_>) -> Vec<String> {
        let mut problems = Vec::new();
        let capacity = self.identities.len();
        let mut ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        let mut external_ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        for (index, identity) in self.identities.iter().enumerate() {
            if let Some(first) = ids.insert(&*identity.id, index) {
                let what = format!("_id {}", json_text(Some(&identity.id)));
                problems.push(used_twice(place, "identities", index, first, &what));
            }
            if let Some(first) = external_ids.insert(identity.external_id.as_str(), index) {
                let what = format!("external_id {}", json_text(Some(&identity.external_id)));
                problems.push(used_twice(place, "identities", index, first, &what));
            }
        }
        problems
    }

    fn apply(&self, data: &OrqData, now_micros: i64, place: Place<'_>, added: &mut Vec<Arc<str>>) -> Vec<String> {
        let mut problems = Vec::new();
        for (index, identity) in self.identities.iter().enumerate() {
            // Only an identity without timestamps is copied: it is created now.
            let stored = if identity.created_millis == 0 {
                let now = now_micros / 1000;
                Arc::new(OrqIdentity { created_millis: now, updated_millis: now, ..OrqIdentity::clone(identity) })
            } else {
                identity.clone()
            };
            match data.identities.insert(stored.clone(), stored.created_millis * 1000) {
                Ok(()) => added.push(identity.id.clone()),
                Err(_) => problems.push(format!(
                    "{}: _id {}, or external_id {}, is taken in the namespace",
                    place("identities", index),
                    json_text(Some(&identity.id)),
                    json_text(Some(&identity.external_id))
                )),
            }
        }
        problems
    }

    fn undo(data: &OrqData, added: Vec<Arc<str>>) {
        for id in added {
            data.identities.remove(&id);
        }
    }

    fn dump(data: &OrqData) -> Value {
        let identities: Vec<Value> = data
            .identities
            .snapshot()
            .into_iter()
            .map(|(_, identity)| {
                let mut out = Map::new();
                out.insert("_id".into(), Value::from(&*identity.id));
                out.insert("external_id".into(), Value::from(identity.external_id.as_str()));
                for (key, value) in [
                    ("display_name", &identity.display_name),
                    ("email", &identity.email),
                    ("avatar_url", &identity.avatar_url),
                ] {
                    if let Some(value) = value {
                        out.insert(key.into(), Value::from(value.as_str()));
                    }
                }
                out.insert("tags".into(), Value::from(identity.tags.clone()));
                out.insert("metadata".into(), identity.metadata.to_value());
                out.insert("created".into(), Value::from(iso_millis(identity.created_millis)));
                out.insert("updated".into(), Value::from(iso_millis(identity.updated_millis)));
                if let Some(metrics) = &identity.metrics {
                    out.insert("metrics".into(), metrics.to_json());
                }
                if let Some(budget) = &identity.budget {
                    out.insert("budget".into(), budget.to_value());
                }
                Value::Object(out)
            })
            .collect();
        json!({ "identities": identities })
    }
}
