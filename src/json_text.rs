//! Compact JSON as text: [`JsonText`], a value kept as its text, and [`ObjectWriter`], which
//! writes the wire objects of stored identities.
//!
//! Stored identities hold their free-form parts (Letta properties, orq metadata and budgets) as
//! [`JsonText`]: a parsed `serde_json::Value` tree costs several times the memory of its text, and
//! these parts are only ever written out whole or replaced whole.
//!
//! Writing identities is most of the work of a list page, and most of that used to be serde_json
//! escaping short strings one byte at a time. [`ObjectWriter`] writes keys as the literals they
//! are, copies strings that need no escaping in one piece, and escapes the rest with serde_json,
//! so its output is byte for byte what serde_json writes.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

#[derive(Clone)]
pub struct JsonText(Box<RawValue>);

/// Parses JSON of any nesting depth (serde_json stops at 128 levels by default); the stack grows
/// as the nesting needs. Most documents are shallow: they take serde_json's own parse, and only
/// one it refuses is read again on a growing stack.
pub fn parse_deep<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    reader.disable_recursion_limit();
    let value = T::deserialize(serde_stacker::Deserializer::new(&mut reader))?;
    reader.end()?;
    Ok(value)
}

/// Compact JSON whose numbers are written as they were read. serde_json (built with
/// `arbitrary_precision`, so that a number keeps its text) spells every exponent with a sign
/// (`1e+16` for `1e16`); this formatter drops a `+` there, so a number written `1e16` comes back
/// as `1e16`, as Python and JavaScript write it.
struct NumberAsWritten;

impl serde_json::ser::Formatter for NumberAsWritten {
    fn write_number_str<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, value: &str) -> std::io::Result<()> {
        match value.split_once("e+") {
            Some((mantissa, exponent)) => write!(writer, "{mantissa}e{exponent}"),
            None => writer.write_all(value.as_bytes()),
        }
    }
}

impl JsonText {
    /// The compact text of any value that serializes to JSON.
    pub fn encode(value: &impl Serialize) -> JsonText {
        let mut out = Vec::with_capacity(128);
        let mut writer = serde_json::Serializer::with_formatter(&mut out, NumberAsWritten);
        // Strings and already-valid values always serialize; `null` stands in for the impossible.
        // The stack grows as deep values need (Letta keeps up to 930 levels).
        if value.serialize(serde_stacker::Serializer::new(&mut writer)).is_err() {
            return JsonText::null();
        }
        String::from_utf8(out)
            .ok()
            .and_then(|text| RawValue::from_string(text).ok())
            .map_or_else(JsonText::null, JsonText)
    }

    fn null() -> JsonText {
        JsonText(RawValue::from_string("null".to_string()).expect("null is JSON"))
    }

    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The value, parsed again.
    pub fn to_value(&self) -> Value {
        parse_deep(self.as_str()).unwrap_or(Value::Null)
    }
}

impl Serialize for JsonText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl PartialEq for JsonText {
    fn eq(&self, other: &JsonText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Appends `text` as a JSON string, escaped exactly as serde_json escapes it.
pub fn write_string(out: &mut Vec<u8>, text: &str) {
    // serde_json escapes only these bytes. Counted without an early exit and over bytes rather
    // than bools, so that the loop compiles to vector instructions.
    let escapes = text.bytes().fold(0u8, |n, b| n | u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\'));
    if escapes == 0 {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// Writes one JSON object, member by member, in the order the calls come.
pub struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> ObjectWriter<'a> {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    /// `key` is one of the wire format's own member names: plain ASCII, written as it is.
    fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{key}");
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    pub fn string(&mut self, key: &'static str, value: &str) {
        write_string(self.key(key), value);
    }

    /// The string, or `null` when there is none.
    pub fn nullable(&mut self, key: &'static str, value: Option<&str>) {
        match value {
            Some(value) => self.string(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// A member whose value is already JSON text.
    pub fn raw(&mut self, key: &'static str, json: &str) {
        self.key(key).extend_from_slice(json.as_bytes());
    }

    pub fn strings(&mut self, key: &'static str, values: &[String]) {
        let out = self.key(key);
        out.push(b'[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_string(out, value);
        }
        out.push(b']');
    }

    /// A member whose value is an object written by `members`.
    pub fn object(&mut self, key: &'static str, members: impl FnOnce(&mut ObjectWriter<'_>)) {
        let mut inner = ObjectWriter::new(self.key(key));
        members(&mut inner);
        inner.end();
    }

    pub fn end(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_escapes_them() {
        for text in ["plain", "", "quote \" and \\ back", "tab\tnew\nline\u{1}\u{1f}", "é ünï \u{7f} 😀 </script>"]
        {
            let mut out = Vec::new();
            write_string(&mut out, text);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn the_object_writer_writes_members_in_call_order() {
        let mut out = Vec::new();
        let mut object = ObjectWriter::new(&mut out);
        object.string("a", "x\"y");
        object.nullable("b", None);
        object.strings("c", &["1".to_string(), "2".to_string()]);
        object.object("d", |inner| inner.raw("n", "1.5"));
        object.object("e", |_| {});
        object.raw("f", "[true]");
        object.end();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":"x\"y","b":null,"c":["1","2"],"d":{"n":1.5},"e":{},"f":[true]}"#
        );
    }

    #[test]
    fn keeps_key_order_and_number_types_and_writes_itself_verbatim() {
        let value = json!({"z": 1.0, "a": [1, "x", null], "n": 12345678901234567_u64});
        let text = JsonText::encode(&value);
        assert_eq!(text.as_str(), r#"{"z":1.0,"a":[1,"x",null],"n":12345678901234567}"#);
        assert_eq!(serde_json::to_string(&json!({"m": text})).unwrap(), format!(r#"{{"m":{}}}"#, text.as_str()));
        assert_eq!(text.to_value(), value);
    }
}
