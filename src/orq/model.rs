//! orq's identity model as the store holds it, and its wire encodings in both revisions.

use crate::clock::civil_utc;
use crate::json_text::{JsonText, ObjectWriter};
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
    pub metrics: Option<Metrics>,
    /// The identity-scoped budget from fixtures, returned as loaded.
    pub budget: Option<JsonText>,
}

/// The secondary order by display name: A to Z, case-insensitively, identities without one last.
pub const ORDER_BY_DISPLAY_NAME: u8 = 0;
/// The secondary order by update time: most recently updated first.
pub const ORDER_BY_UPDATED: u8 = 1;

impl Record for OrqIdentity {
    fn id(&self) -> &Arc<str> {
        &self.id
    }

    fn sort_key(&self, order: u8) -> Box<[u8]> {
        if order == ORDER_BY_DISPLAY_NAME {
            let name = self.display_name.as_deref().map(str::to_lowercase);
            let mut key = vec![u8::from(name.is_none())];
            key.extend_from_slice(name.unwrap_or_default().as_bytes());
            key.into()
        } else {
            // Newest first: the bits of the time, order-preserving as unsigned, then inverted.
            let unsigned = (self.updated_millis as u64) ^ (1 << 63);
            (!unsigned).to_be_bytes().into()
        }
    }

    fn unique_key(&self) -> Option<String> {
        Some(self.external_id.clone())
    }
}

/// One workspace's orq data.
#[derive(Default)]
pub struct OrqData {
    pub identities: Collection<OrqIdentity>,
}

impl OrqData {
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
    match iso_millis_four_digit_year(millis) {
        Some(text) => text.iter().map(|&b| char::from(b)).collect(),
        None => crate::clock::rfc3339_millis(millis.saturating_mul(1000)),
    }
}

/// Writes a timestamp as a JSON string, as [`iso_millis`] formats it.
fn write_iso_millis(object: &mut ObjectWriter<'_>, key: &'static str, millis: i64) {
    match iso_millis_four_digit_year(millis) {
        Some(text) => object.string(key, std::str::from_utf8(&text).unwrap_or_default()),
        None => object.string(key, &iso_millis(millis)),
    }
}

/// [`iso_millis`] for the years 0 to 9999, the only ones fixtures and the clock give, with its
/// digits written by hand: this runs twice for every identity of a list page.
fn iso_millis_four_digit_year(millis: i64) -> Option<[u8; 24]> {
    let (year, month, day, hour, minute, second, micro) = civil_utc(millis.saturating_mul(1000));
    let year = u32::try_from(year).ok().filter(|year| *year <= 9999)?;
    let mut text = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut value: u32| {
        for slot in text[at..at + width].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, hour);
    put(14, 2, minute);
    put(17, 2, second);
    put(20, 3, micro / 1000);
    Some(text)
}

/// What to add to an identity on the wire.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras {
    pub metrics: bool,
    pub budget: bool,
}

impl OrqIdentity {
    /// Appends the current revision's compact JSON, in the key order the mock writes; unset
    /// optional text fields are left out, as proto3 JSON does.
    pub fn write_current(&self, workspace_id: &str, extras: Extras, out: &mut Vec<u8>) {
        let mut object = ObjectWriter::new(out);
        object.string("_id", &self.id);
        object.string("external_id", &self.external_id);
        object.string("workspace_id", workspace_id);
        for (key, value) in
            [("display_name", &self.display_name), ("email", &self.email), ("avatar_url", &self.avatar_url)]
        {
            if let Some(value) = value {
                object.string(key, value);
            }
        }
        object.strings("tags", &self.tags);
        object.raw("metadata", self.metadata.as_str());
        write_iso_millis(&mut object, "created", self.created_millis);
        write_iso_millis(&mut object, "updated", self.updated_millis);
        if extras.metrics {
            self.write_metrics(&mut object, METRIC_NAMES);
        }
        if let (true, Some(budget)) = (extras.budget, &self.budget) {
            object.raw("budget", budget.as_str());
        }
        object.end();
    }

    /// Appends the v1 flat document: every field present, unset text fields as `null`.
    pub fn write_v1(&self, workspace_id: &str, with_metrics: bool, out: &mut Vec<u8>) {
        let mut object = ObjectWriter::new(out);
        object.string("_id", &self.id);
        object.string("external_id", &self.external_id);
        object.string("workspace_id", workspace_id);
        object.nullable("display_name", self.display_name.as_deref());
        object.nullable("email", self.email.as_deref());
        object.nullable("avatar_url", self.avatar_url.as_deref());
        object.strings("tags", &self.tags);
        object.raw("metadata", self.metadata.as_str());
        write_iso_millis(&mut object, "created", self.created_millis);
        write_iso_millis(&mut object, "updated", self.updated_millis);
        if with_metrics {
            self.write_metrics(&mut object, V1_METRIC_NAMES);
        }
        object.end();
    }

    /// The four metrics in the order `names` gives; all 0 for an identity the fixtures gave none.
    fn write_metrics(&self, object: &mut ObjectWriter<'_>, names: [&'static str; 4]) {
        object.object("metrics", |metrics| {
            for name in names {
                let at = METRIC_NAMES.iter().position(|known| *known == name).unwrap_or_default();
                metrics.raw(name, self.metrics.as_ref().map_or("0", |values| values.get(at)));
            }
        });
    }
}

/// An identity's four metrics (from fixtures), as the numbers were written, in [`METRIC_NAMES`]
/// order: one small text (`1200,0.5,3,0`) rather than four numbers, each its own allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics(Box<str>);

impl Metrics {
    /// The metrics of a fixture's `metrics` object (which the schema requires whole).
    pub fn from_json(metrics: &Map<String, Value>) -> Metrics {
        let texts = METRIC_NAMES.map(|name| match metrics.get(name) {
            Some(Value::Number(number)) => number.to_string(),
            _ => "0".to_string(),
        });
        Metrics(texts.join(",").into_boxed_str())
    }

    /// The metric at `at` in [`METRIC_NAMES`] order, as JSON text.
    fn get(&self, at: usize) -> &str {
        self.0.split(',').nth(at).unwrap_or("0")
    }

    /// A `metrics` object in [`METRIC_NAMES`] order, as fixtures give it.
    pub fn to_json(&self) -> Value {
        let number = |at: usize| serde_json::from_str::<Number>(self.get(at)).map_or(Value::Null, Value::Number);
        Value::Object(METRIC_NAMES.iter().enumerate().map(|(at, name)| (name.to_string(), number(at))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hand_written_timestamp_is_the_formatted_one_for_four_digit_years() {
        // 1970, a fixture's time, a leap day, the last millisecond of 9999.
        for millis in [0, 1_768_450_395_986, 1_709_164_800_123, 253_402_300_799_999] {
            let fast = iso_millis_four_digit_year(millis).map(|text| String::from_utf8(text.to_vec()).unwrap());
            assert_eq!(fast, Some(iso_millis(millis)), "{millis}");
        }
        assert_eq!(iso_millis_four_digit_year(253_402_300_800_000), None, "the year 10000");
    }

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
            metrics: Some(Metrics::from_json(
                json!({"total_tokens": 0, "total_cost": 1.5, "total_requests": 0, "error_rate": 0})
                    .as_object()
                    .unwrap(),
            )),
            budget: None,
        }
    }

    fn current(extras: Extras) -> String {
        let mut out = Vec::new();
        identity().write_current("ws", extras, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn v1(with_metrics: bool) -> Value {
        let mut out = Vec::new();
        identity().write_v1("ws", with_metrics, &mut out);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn sort_keys_order_names_without_case_unnamed_last_and_updates_newest_first() {
        let named = |name: Option<&str>| OrqIdentity { display_name: name.map(String::from), ..identity() };
        let by_name = |i: &OrqIdentity| i.sort_key(ORDER_BY_DISPLAY_NAME);
        assert!(by_name(&named(Some("ada"))) < by_name(&named(Some("Bob"))));
        assert!(by_name(&named(Some("ADA"))) == by_name(&named(Some("ada"))));
        assert!(by_name(&named(Some("zed"))) < by_name(&named(None)));
        assert!(by_name(&named(Some(""))) < by_name(&named(Some("a"))));
        let updated = |millis: i64| OrqIdentity { updated_millis: millis, ..identity() }.sort_key(ORDER_BY_UPDATED);
        assert!(updated(2_000) < updated(1_000));
        assert!(updated(0) < updated(-1));
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        assert_eq!(iso_millis(1_768_450_395_986), "2026-01-15T04:13:15.986Z");
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso_millis(253_402_300_800_000), "10000-01-01T00:00:00.000Z");
    }

    #[test]
    fn current_leaves_unset_fields_out_and_fills_metrics() {
        let text = current(Extras { metrics: true, budget: true });
        assert_eq!(
            text,
            r#"{"_id":"01JJ1HDHN79XAS7A01WB3HYSDB","external_id":"cust_1","workspace_id":"ws","display_name":"Ada","tags":["pro"],"metadata":{"plan":"pro"},"created":"2026-01-15T04:13:15.986Z","updated":"2026-01-15T04:13:15.986Z","metrics":{"total_tokens":0,"total_cost":1.5,"total_requests":0,"error_rate":0}}"#
        );
    }

    #[test]
    fn v1_writes_every_field() {
        let value = v1(false);
        assert_eq!(value["email"], Value::Null);
        assert_eq!(value["avatar_url"], Value::Null);
        assert!(value.get("metrics").is_none());
        let metrics = v1(true)["metrics"].clone();
        assert_eq!(metrics.as_object().unwrap().keys().collect::<Vec<_>>(), V1_METRIC_NAMES);
        assert_eq!((metrics["total_tokens"].clone(), metrics["total_cost"].clone()), (json!(0), json!(1.5)));
    }
}
