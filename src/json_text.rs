//! A JSON value kept as its compact text. Stored identities hold their free-form parts (Letta
//! properties, orq metadata and budgets) this way: a parsed `serde_json::Value` tree costs several
//! times the memory of its text, and these parts are only ever written out whole or replaced whole.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

#[derive(Clone)]
pub struct JsonText(Box<RawValue>);

impl JsonText {
    /// The compact text of any value that serializes to JSON.
    pub fn encode(value: &impl Serialize) -> JsonText {
        // Strings and already-valid values always serialize; `null` stands in for the impossible.
        JsonText(serde_json::value::to_raw_value(value).unwrap_or_else(|_| JsonText::null().0))
    }

    fn null() -> JsonText {
        JsonText(RawValue::from_string("null".to_string()).expect("null is JSON"))
    }

    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The value, parsed again.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.as_str()).unwrap_or(Value::Null)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_key_order_and_number_types_and_writes_itself_verbatim() {
        let value = json!({"z": 1.0, "a": [1, "x", null], "n": 12345678901234567_u64});
        let text = JsonText::encode(&value);
        assert_eq!(text.as_str(), r#"{"z":1.0,"a":[1,"x",null],"n":12345678901234567}"#);
        assert_eq!(serde_json::to_string(&json!({"m": text})).unwrap(), format!(r#"{{"m":{}}}"#, text.as_str()));
        assert_eq!(text.to_value(), value);
    }
}
