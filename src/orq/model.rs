//! orq's identity model as the store holds it, and its wire encodings in both revisions.

use crate::clock::civil_utc;
use crate::json_text::JsonText;
use crate::store::{Collection, Record};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use std::fmt;
use std::sync::Arc;

/// The four usage numbers, in the current revision's order.
pub const METRIC_NAMES: [&str; 4] = ["total_tokens", "total_cost", "total_requests", "error_rate"];
/// The same numbers in the order the v1 document lists them.
const V1_METRIC_NAMES: [&str; 4] = ["total_cost", "total_tokens", "total_requests", "error_rate"];

#[derive(Clone, Debug, PartialEq)]
pub struct OrqIdentity {
    /// The `_id`: a bare ULID.
    pub id: Arc<str>,
    pub external_id: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub tags: Vec<String>,
    /// A JSON object.
    pub metadata: JsonText,
    pub created_millis: i64,
    pub updated_millis: i64,
    /// Usage numbers from fixtures, in [`METRIC_NAMES`] order.
    pub metrics: Option<[Number; 4]>,
    /// The identity-scoped budget from fixtures, returned as loaded.
    pub budget: Option<JsonText>,
}

impl Record for OrqIdentity {
    fn id(&self) -> &Arc<str> {
        &self.id
    }

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
    pub fn find(&self, id_or_external_id: &str) -> Option<Arc<OrqIdentity>> {
        self.identities.get(id_or_external_id).or_else(|| {
            let id = self.identities.find_unique(id_or_external_id)?;
            self.identities.get(&id)
        })
    }
}

/// `2026-01-15T04:13:15.986Z`: milliseconds and `Z`, as JavaScript's `toISOString()` writes.
pub fn iso_millis(millis: i64) -> String {
    IsoMillis(millis).to_string()
}

/// A timestamp that writes itself as [`iso_millis`] does, with no string in between.
struct IsoMillis(i64);

impl fmt::Display for IsoMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day, hour, minute, second, micro) = civil_utc(self.0.saturating_mul(1000));
        write!(f, "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z", micro / 1000)
    }
}

impl Serialize for IsoMillis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The four metrics in a given order; all 0 for an identity the fixtures gave none.
struct Metrics<'a> {
    values: Option<&'a [Number; 4]>,
    names: [&'static str; 4],
}

impl Serialize for Metrics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let zero = Number::from(0);
        let mut map = serializer.serialize_map(Some(4))?;
        for name in self.names {
            let at = METRIC_NAMES.iter().position(|known| *known == name);
            map.serialize_entry(name, self.values.zip(at).map_or(&zero, |(values, at)| &values[at]))?;
        }
        map.end()
    }
}

/// The four metrics of a fixture's `metrics` object (which the schema requires whole).
pub fn metrics_from_json(metrics: &Map<String, Value>) -> [Number; 4] {
    METRIC_NAMES.map(|name| match metrics.get(name) {
        Some(Value::Number(number)) => number.clone(),
        _ => Number::from(0),
    })
}

/// A `metrics` object in [`METRIC_NAMES`] order, as fixtures give it.
pub fn metrics_to_json(metrics: &[Number; 4]) -> Value {
    Value::Object(
        METRIC_NAMES.iter().zip(metrics).map(|(name, n)| (name.to_string(), Value::Number(n.clone()))).collect(),
    )
}

/// The current revision's object, in the key order the mock writes; unset optional text fields
/// are left out, as proto3 JSON does.
#[derive(Serialize)]
struct CurrentWire<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    external_id: &'a str,
    workspace_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar_url: Option<&'a str>,
    tags: &'a [String],
    metadata: &'a JsonText,
    created: IsoMillis,
    updated: IsoMillis,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Metrics<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<&'a JsonText>,
}

/// The v1 flat document: every field present, unset text fields as `null`.
#[derive(Serialize)]
struct V1Wire<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    external_id: &'a str,
    workspace_id: &'a str,
    display_name: Option<&'a str>,
    email: Option<&'a str>,
    avatar_url: Option<&'a str>,
    tags: &'a [String],
    metadata: &'a JsonText,
    created: IsoMillis,
    updated: IsoMillis,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Metrics<'a>>,
}

/// What to add to an identity on the wire.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras {
    pub metrics: bool,
    pub budget: bool,
}

impl OrqIdentity {
    fn current_wire<'a>(&'a self, workspace_id: &'a str, extras: Extras) -> CurrentWire<'a> {
        CurrentWire {
            id: &self.id,
            external_id: &self.external_id,
            workspace_id,
            display_name: self.display_name.as_deref(),
            email: self.email.as_deref(),
            avatar_url: self.avatar_url.as_deref(),
            tags: &self.tags,
            metadata: &self.metadata,
            created: IsoMillis(self.created_millis),
            updated: IsoMillis(self.updated_millis),
            metrics: extras.metrics.then_some(Metrics { values: self.metrics.as_ref(), names: METRIC_NAMES }),
            budget: if extras.budget { self.budget.as_ref() } else { None },
        }
    }

    fn v1_wire<'a>(&'a self, workspace_id: &'a str, with_metrics: bool) -> V1Wire<'a> {
        V1Wire {
            id: &self.id,
            external_id: &self.external_id,
            workspace_id,
            display_name: self.display_name.as_deref(),
            email: self.email.as_deref(),
            avatar_url: self.avatar_url.as_deref(),
            tags: &self.tags,
            metadata: &self.metadata,
            created: IsoMillis(self.created_millis),
            updated: IsoMillis(self.updated_millis),
            metrics: with_metrics.then_some(Metrics { values: self.metrics.as_ref(), names: V1_METRIC_NAMES }),
        }
    }

    /// Appends the current revision's compact JSON.
    pub fn write_current(&self, workspace_id: &str, extras: Extras, out: &mut Vec<u8>) {
        // Writing borrowed strings and valid values into a Vec cannot fail.
        let _ = serde_json::to_writer(out, &self.current_wire(workspace_id, extras));
    }

    /// Appends the v1 revision's compact JSON.
    pub fn write_v1(&self, workspace_id: &str, with_metrics: bool, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(out, &self.v1_wire(workspace_id, with_metrics));
    }

    /// The current revision's object as a JSON value.
    pub fn current_json(&self, workspace_id: &str, extras: Extras) -> Value {
        serde_json::to_value(self.current_wire(workspace_id, extras)).unwrap_or(Value::Null)
    }

    /// The v1 document as a JSON value.
    pub fn v1_json(&self, workspace_id: &str, with_metrics: bool) -> Value {
        serde_json::to_value(self.v1_wire(workspace_id, with_metrics)).unwrap_or(Value::Null)
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
            metadata: JsonText::encode(&json!({"plan": "pro"})),
            created_millis: 1_768_450_395_986,
            updated_millis: 1_768_450_395_986,
            metrics: Some([0.into(), Number::from_f64(1.5).unwrap(), 0.into(), 0.into()]),
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
