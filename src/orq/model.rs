//! orq's identity model as the store holds it, and its wire encodings in both revisions.

use crate::clock::civil_utc;
use crate::store::{Collection, Record};
use serde_json::{Map, Number, Value};
use std::sync::Arc;

/// The four usage numbers, in the current revision's order.
pub const METRIC_NAMES: [&str; 4] = ["total_tokens", "total_cost", "total_requests", "error_rate"];
/// The same numbers in the order the v1 document lists them.
const V1_METRIC_NAMES: [&str; 4] = ["total_cost", "total_tokens", "total_requests", "error_rate"];

#[derive(Clone, Debug, PartialEq)]
pub struct OrqIdentity {
    /// The `_id`: a bare ULID.
    pub id: String,
    pub external_id: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub tags: Vec<String>,
    pub metadata: Map<String, Value>,
    pub created_millis: i64,
    pub updated_millis: i64,
    /// Usage numbers from fixtures, by name; absent ones are reported as 0.
    pub metrics: Option<Map<String, Value>>,
    /// The identity-scoped budget from fixtures, returned as loaded.
    pub budget: Option<Arc<Value>>,
}

impl Record for OrqIdentity {
    fn unique_key(&self) -> Option<String> {
        Some(self.external_id.clone())
    }
}

/// One workspace's orq data.
pub struct OrqData {
    pub workspace_id: String,
    pub identities: Collection<OrqIdentity>,
}

impl OrqData {
    pub fn new(workspace_id: String) -> OrqData {
        OrqData { workspace_id, identities: Collection::default() }
    }

    /// An identity by its `_id`, else by its `external_id`.
    pub fn find(&self, id_or_external_id: &str) -> Option<OrqIdentity> {
        self.identities.get(id_or_external_id).or_else(|| {
            let id = self.identities.find_unique(id_or_external_id)?;
            self.identities.get(&id)
        })
    }
}

/// `2026-01-15T04:13:15.986Z`: milliseconds and `Z`, as JavaScript's `toISOString()` writes.
pub fn iso_millis(millis: i64) -> String {
    let (year, month, day, hour, minute, second, micro) = civil_utc(millis.saturating_mul(1000));
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z", micro / 1000)
}

/// What to add to an identity on the wire.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras {
    pub metrics: bool,
    pub budget: bool,
}

impl OrqIdentity {
    fn metrics_json(&self, names: [&str; 4]) -> Value {
        let mut out = Map::new();
        for name in names {
            let value = self.metrics.as_ref().and_then(|m| m.get(name)).cloned();
            out.insert(name.to_string(), value.unwrap_or_else(|| Value::Number(Number::from(0))));
        }
        Value::Object(out)
    }

    /// The current revision's object: unset optional text fields are left out, as proto3 JSON does.
    pub fn current_json(&self, workspace_id: &str, extras: Extras) -> Value {
        let mut out = Map::new();
        out.insert("_id".into(), Value::from(self.id.as_str()));
        out.insert("external_id".into(), Value::from(self.external_id.as_str()));
        out.insert("workspace_id".into(), Value::from(workspace_id));
        for (key, value) in
            [("display_name", &self.display_name), ("email", &self.email), ("avatar_url", &self.avatar_url)]
        {
            if let Some(value) = value {
                out.insert(key.into(), Value::from(value.as_str()));
            }
        }
        out.insert("tags".into(), Value::from(self.tags.clone()));
        out.insert("metadata".into(), Value::Object(self.metadata.clone()));
        out.insert("created".into(), Value::from(iso_millis(self.created_millis)));
        out.insert("updated".into(), Value::from(iso_millis(self.updated_millis)));
        if extras.metrics {
            out.insert("metrics".into(), self.metrics_json(METRIC_NAMES));
        }
        if extras.budget {
            if let Some(budget) = &self.budget {
                out.insert("budget".into(), budget.as_ref().clone());
            }
        }
        Value::Object(out)
    }

    /// The v1 flat document: every field present, unset text fields as `null`.
    pub fn v1_json(&self, workspace_id: &str, with_metrics: bool) -> Value {
        let mut out = Map::new();
        out.insert("_id".into(), Value::from(self.id.as_str()));
        out.insert("external_id".into(), Value::from(self.external_id.as_str()));
        out.insert("workspace_id".into(), Value::from(workspace_id));
        for (key, value) in
            [("display_name", &self.display_name), ("email", &self.email), ("avatar_url", &self.avatar_url)]
        {
            out.insert(key.into(), value.as_deref().map_or(Value::Null, Value::from));
        }
        out.insert("tags".into(), Value::from(self.tags.clone()));
        out.insert("metadata".into(), Value::Object(self.metadata.clone()));
        out.insert("created".into(), Value::from(iso_millis(self.created_millis)));
        out.insert("updated".into(), Value::from(iso_millis(self.updated_millis)));
        if with_metrics {
            out.insert("metrics".into(), self.metrics_json(V1_METRIC_NAMES));
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn identity() -> OrqIdentity {
        OrqIdentity {
            id: "01JJ1HDHN79XAS7A01WB3HYSDB".into(),
            external_id: "cust_1".into(),
            display_name: Some("Ada".into()),
            email: None,
            avatar_url: None,
            tags: vec!["pro".into()],
            metadata: json!({"plan": "pro"}).as_object().unwrap().clone(),
            created_millis: 1_768_450_395_986,
            updated_millis: 1_768_450_395_986,
            metrics: Some(json!({"total_cost": 1.5}).as_object().unwrap().clone()),
            budget: None,
        }
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        assert_eq!(iso_millis(1_768_450_395_986), "2026-01-15T04:13:15.986Z");
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn current_leaves_unset_fields_out_and_fills_metrics() {
        let text =
            serde_json::to_string(&identity().current_json("ws", Extras { metrics: true, budget: true })).unwrap();
        assert_eq!(
            text,
            r#"{"_id":"01JJ1HDHN79XAS7A01WB3HYSDB","external_id":"cust_1","workspace_id":"ws","display_name":"Ada","tags":["pro"],"metadata":{"plan":"pro"},"created":"2026-01-15T04:13:15.986Z","updated":"2026-01-15T04:13:15.986Z","metrics":{"total_tokens":0,"total_cost":1.5,"total_requests":0,"error_rate":0}}"#
        );
    }

    #[test]
    fn v1_writes_every_field() {
        let value = identity().v1_json("ws", false);
        assert_eq!(value["email"], Value::Null);
        assert_eq!(value["avatar_url"], Value::Null);
        assert!(value.get("metrics").is_none());
        assert_eq!(identity().v1_json("ws", true)["metrics"]["total_tokens"], 0);
    }
}
