//! What a vendor's section of a fixtures document provides (`src/letta/fixtures.rs`,
//! `src/orq/fixtures.rs`), and the small readers they share. The document around the sections
//! (files, `namespaces`, merging, applying to a namespace) is `src/fixtures.rs`.

use crate::ids::IdSource;
use crate::schema::SchemaId;
use serde_json::Value;

/// Names a record by its place: `file: /letta/identities/3`, from the list it is in (e.g.
/// `"identities"`) and its index in the merged section.
pub type Place<'a> = &'a dyn Fn(&'static str, usize) -> String;

/// One vendor's section of a fixtures document, read and checked: what its namespaces start with.
pub trait Section: Clone + Default + Send + Sync {
    /// The vendor's data in a namespace, which the section fills.
    type Data;
    /// What [`Section::apply`] added, so that [`Section::undo`] can take it back.
    type Added: Default + Send;

    /// The section's key in a document.
    const KEY: &'static str;
    /// The schema the section is checked against.
    const SCHEMA: SchemaId;
    /// Its lists, each a key under the section holding an array of records.
    const LISTS: &'static [&'static str];

    /// Reads a section the schema accepted (ids the document leaves out are generated).
    fn read(section: &Value, ids: &IdSource) -> Self;
    /// Appends another document's section.
    fn extend(&mut self, other: Self);
    /// How many records each of [`Section::LISTS`] holds, in that order.
    fn counts(&self) -> Vec<usize>;
    /// Problems inside the section: duplicates and dangling links.
    fn check(&self, place: Place<'_>) -> Vec<String>;
    /// Stores the section in `data`; records that cannot land are problems, and what did land is
    /// in `added`. `now_micros` is the creation time of records that give none.
    fn apply(&self, data: &Self::Data, now_micros: i64, place: Place<'_>, added: &mut Self::Added) -> Vec<String>;
    /// Takes back what [`Section::apply`] added.
    fn undo(data: &Self::Data, added: Self::Added);
    /// The data as a section of a fixtures document, which [`Section::read`] reads back.
    fn dump(data: &Self::Data) -> Value;
}

/// A string field of a record.
pub fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(String::from)
}

/// A list of strings of a record.
pub fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// The records of one of a section's lists.
pub fn list<'a>(section: &'a Value, key: &str) -> &'a [Value] {
    section.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// An RFC 3339 time, in microseconds since the epoch.
pub fn parse_rfc3339_micros(text: &str) -> Option<i64> {
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1000).ok()
}

/// A value as JSON shows it in a problem: `"text"` or `null`.
pub fn json_text(value: Option<&str>) -> String {
    serde_json::to_string(&value).unwrap_or_default()
}

/// A duplicate: `place: what "value" is used twice (first at place)`.
pub fn used_twice(place: Place<'_>, list: &'static str, index: usize, first: usize, what: &str) -> String {
    format!("{}: {what} is used twice (first at {})", place(list, index), place(list, first))
}
