//! Values Python holds and serde_json cannot hold the same way, carried through the Letta API as
//! upstream carries them:
//!
//! - `NaN`, `Infinity` and `-Infinity`, which Python's `json` reads (and `1e400`, which it reads as
//!   infinity): validation sees floats and a 422 shows `nan`/`inf`; PostgreSQL refuses to store
//!   them (500 "A database error occurred.").
//! - Lone surrogates (`"\ud800"`), which Python keeps in a `str`: a 422 shows `'\ud800'`;
//!   PostgreSQL refuses them in a text column, and the JSON column of properties drops them.
//! - Integers of any size: a 422 shows their digits; one that does not fit 64 bits is stored, and
//!   then every answer that would hold it fails in orjson (500 "An unknown error occurred").
//!
//! serde_json is built with `arbitrary_precision`, so a number keeps the text it was written
//! with; `NaN` and the infinities are given sentinel texts, and lone surrogates sentinel characters
//! from the last private-use plane, before serde_json reads the body.

use serde_json::{Map, Number, Value};

/// The text a `NaN` of the body is read as (a number no client writes).
pub const NAN: &str = "-0.0e-1234567890";
/// The text `Infinity` is read as; Python reads it, and `1e400`, as infinity.
const INFINITY: &str = "1e999999";
const NEG_INFINITY: &str = "-1e999999";
/// Lone surrogates U+D800..U+DFFF become U+10F800..U+10FFFF.
const SURROGATE_BASE: u32 = 0x10F800;

/// The sentinel character of a lone surrogate code unit.
fn surrogate_char(code_unit: u32) -> char {
    char::from_u32(SURROGATE_BASE + (code_unit - 0xD800)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The lone surrogate a sentinel character stands for.
pub fn as_surrogate(c: char) -> Option<u32> {
    let cp = c as u32;
    (SURROGATE_BASE..=SURROGATE_BASE + 0x7FF).contains(&cp).then(|| cp - SURROGATE_BASE + 0xD800)
}

/// JSON text serde_json reads the way Python's `json` read `text` (the code points of a document
/// Python accepted): `NaN`/`Infinity`/`-Infinity` outside strings become sentinel numbers, lone
/// surrogates inside strings (escaped or raw) sentinel characters.
pub fn serde_text(text: &[u32]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    let at = |j: usize| text.get(j).copied().and_then(char::from_u32);
    while i < text.len() {
        let cp = text[i];
        if in_string {
            if cp == u32::from(b'\\') && text.get(i + 1) == Some(&u32::from(b'u')) {
                let unit = hex4(&text[(i + 2).min(text.len())..]);
                if let Some(unit @ 0xD800..=0xDFFF) = unit {
                    let low = (text.get(i + 6) == Some(&u32::from(b'\\')) && text.get(i + 7) == Some(&u32::from(b'u')))
                        .then(|| hex4(&text[(i + 8).min(text.len())..]))
                        .flatten();
                    if (0xD800..=0xDBFF).contains(&unit) && low.is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) {
                        // A valid pair: serde_json reads it as one character.
                        text[i..i + 12].iter().filter_map(|c| char::from_u32(*c)).for_each(|c| out.push(c));
                        i += 12;
                    } else {
                        out.push(surrogate_char(unit));
                        i += 6;
                    }
                    continue;
                }
                // Any other \uXXXX, copied as it is.
                text[i..(i + 6).min(text.len())].iter().filter_map(|c| char::from_u32(*c)).for_each(|c| out.push(c));
                i += 6;
                continue;
            }
            if cp == u32::from(b'\\') {
                out.push('\\');
                if let Some(next) = at(i + 1) {
                    out.push(next);
                }
                i += 2;
                continue;
            }
            if cp == u32::from(b'"') {
                in_string = false;
            }
            match cp {
                0xD800..=0xDFFF => out.push(surrogate_char(cp)),
                _ => out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER)),
            }
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let starts = |word: &str| rest.len() >= word.len() && word.chars().zip(rest).all(|(a, b)| a as u32 == *b);
        if cp == u32::from(b'"') {
            in_string = true;
            out.push('"');
            i += 1;
        } else if starts("NaN") {
            out.push_str(NAN);
            i += 3;
        } else if starts("Infinity") {
            out.push_str(INFINITY);
            i += 8;
        } else if starts("-Infinity") {
            out.push_str(NEG_INFINITY);
            i += 9;
        } else {
            out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
            i += 1;
        }
    }
    out
}

fn hex4(text: &[u32]) -> Option<u32> {
    if text.len() < 4 {
        return None;
    }
    text[..4].iter().try_fold(0u32, |acc, c| char::from_u32(*c)?.to_digit(16).map(|d| acc * 16 + d))
}

/// Whether PostgreSQL stores a string in a text column: not with a NUL or a lone surrogate.
pub fn storable_text(text: &str) -> bool {
    !text.chars().any(|c| c == '\0' || as_surrogate(c).is_some())
}

/// Why PostgreSQL refused a value.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused;

/// A JSON value as upstream stores it in a JSON column and orjson writes it back: integers as
/// Python ints (`-0` is `0`), floats in orjson's shortest form (`1e16`, `100000.0`). Lone
/// surrogates are kept (the column holds `json.dumps` text, which escapes them); answers drop
/// them from strings ([`without_surrogates`]) and fail on them in keys (see [`Findings`]). `Err`
/// for `NaN` and infinities, which PostgreSQL refuses.
pub fn stored_json(value: &Value) -> Result<Value, Refused> {
    with_stack(|| {
        Ok(match value {
            Value::Number(number) => Value::Number(stored_number(number)?),
            Value::Array(items) => Value::Array(items.iter().map(stored_json).collect::<Result<_, _>>()?),
            Value::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for (key, member) in members {
                    out.insert(key.clone(), stored_json(member)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    })
}

/// Whether `value` is already as [`stored_json`] would store it (no number to respell), without
/// building anything: most bodies are. `Err` where `stored_json` refuses.
pub fn is_stored(value: &Value) -> Result<bool, Refused> {
    with_stack(|| {
        Ok(match value {
            Value::Number(number) => {
                let text = number.as_str();
                if text.contains(['.', 'e', 'E']) || text == NAN {
                    let float: f64 = text.parse().map_err(|_| Refused)?;
                    if !float.is_finite() || text == NAN {
                        return Err(Refused);
                    }
                    ryu::Buffer::new().format_finite(float) == text
                } else {
                    // An integer is written as Python writes it, but for `-0`.
                    text != "-0"
                }
            }
            Value::Array(items) => {
                let mut all = true;
                for item in items {
                    all &= is_stored(item)?;
                }
                all
            }
            Value::Object(members) => {
                let mut all = true;
                for member in members.values() {
                    all &= is_stored(member)?;
                }
                all
            }
            _ => true,
        })
    })
}

/// JSON text as upstream's answers show it: lone surrogates dropped (pydantic drops them from the
/// strings it validates; a key holding one fails the answer before it is written).
pub fn without_surrogates(text: &str) -> Option<String> {
    text.chars()
        .any(|c| as_surrogate(c).is_some())
        .then(|| text.chars().filter(|c| as_surrogate(*c).is_none()).collect())
}

/// Runs one level of a recursive walk over a value, on a fresh stack segment when the current one
/// runs low: values nest up to 961 levels.
pub fn with_stack<R>(level: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, level)
}

/// Python's `==` between two values as `json.loads` builds them: `True == 1 == 1.0`, objects
/// equal whatever their key order. SQLAlchemy writes a JSON column only when the new value is not
/// `==` the old one, so an "equal" write keeps what was stored (`false` stays `false` when `0`
/// is sent).
pub fn python_equal(a: &Value, b: &Value) -> bool {
    with_stack(|| match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| python_equal(a, b)),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(key, a)| b.get(key).is_some_and(|b| python_equal(a, b)))
        }
        (Value::Bool(_) | Value::Number(_), Value::Bool(_) | Value::Number(_)) => {
            let (Some(a), Some(b)) = (python_number(a), python_number(b)) else { return false };
            match (a, b) {
                (PyNumber::Int(a), PyNumber::Int(b)) => a == b,
                (a, b) => a.as_f64() == b.as_f64(),
            }
        }
        _ => false,
    })
}

enum PyNumber {
    Int(i128),
    Float(f64),
}

impl PyNumber {
    fn as_f64(&self) -> f64 {
        match *self {
            PyNumber::Int(n) => n as f64,
            PyNumber::Float(f) => f,
        }
    }
}

/// A bool or number as Python holds it (`True` is the int 1); integers past `i128` as floats.
fn python_number(value: &Value) -> Option<PyNumber> {
    match value {
        Value::Bool(flag) => Some(PyNumber::Int(i128::from(*flag))),
        Value::Number(number) => {
            let text = number.to_string();
            if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                if let Ok(int) = text.parse::<i128>() {
                    return Some(PyNumber::Int(int));
                }
            }
            text.parse::<f64>().ok().map(PyNumber::Float)
        }
        _ => None,
    }
}

/// What upstream's serializers will meet in a stored value, which decides whether an answer
/// holding it can be written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// How deep it nests: 0 for a scalar, 1 for `{"a": 1}` or `[]`.
    pub nesting: usize,
    /// An integer past 64 bits, which orjson cannot write.
    pub big_int: bool,
    /// The first thing (in document order) pydantic's serializer fails on, if any.
    pub unserializable: Option<Unserializable>,
}

/// What pydantic's serializer fails on in an answer: the first one it meets ends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unserializable {
    /// A container 256 levels down (a value of `nesting` 256 or more).
    TooDeep,
    /// An object key holding a lone surrogate (Python keeps such keys), with the
    /// `UnicodeEncodeError` text.
    SurrogateKey(String),
}

impl Findings {
    /// The findings of several values, as one answer holding them all meets them.
    pub fn merge(&mut self, other: &Findings) {
        self.nesting = self.nesting.max(other.nesting);
        self.big_int |= other.big_int;
        if self.unserializable.is_none() {
            self.unserializable.clone_from(&other.unserializable);
        }
    }
}

impl Findings {
    /// A container `depth` levels down: pydantic's serializer gives up 256 levels down.
    fn container_at(&mut self, depth: usize) {
        self.nesting = self.nesting.max(depth + 1);
        if depth >= 255 && self.unserializable.is_none() {
            self.unserializable = Some(Unserializable::TooDeep);
        }
    }
}

/// The [`Findings`] of one stored value.
pub fn findings(value: &Value) -> Findings {
    enum Next<'v> {
        Value(&'v Value, usize),
        Key(&'v str),
    }
    let mut found = Findings::default();
    let mut pending = vec![Next::Value(value, 0)];
    while let Some(next) = pending.pop() {
        match next {
            Next::Key(key) => {
                if found.unserializable.is_none() {
                    found.unserializable = encode_error(key).map(Unserializable::SurrogateKey);
                }
            }
            Next::Value(Value::Number(number), _) => {
                let text = number.to_string();
                found.big_int |=
                    !text.contains(['.', 'e', 'E']) && number.as_i64().is_none() && number.as_u64().is_none();
            }
            Next::Value(Value::Array(items), depth) => {
                found.container_at(depth);
                pending.extend(items.iter().rev().map(|item| Next::Value(item, depth + 1)));
            }
            Next::Value(Value::Object(members), depth) => {
                found.container_at(depth);
                for (key, member) in members.iter().rev() {
                    pending.push(Next::Value(member, depth + 1));
                    pending.push(Next::Key(key));
                }
            }
            Next::Value(..) => {}
        }
    }
    found
}

/// Python's `UnicodeEncodeError` text for `text.encode("utf-8")`, when it holds a lone surrogate:
/// the first run of them, by code point position.
fn encode_error(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.iter().position(|c| as_surrogate(*c).is_some())?;
    let run = chars[start..].iter().take_while(|c| as_surrogate(**c).is_some()).count();
    Some(if run == 1 {
        let unit = as_surrogate(chars[start]).unwrap_or_default();
        format!("'utf-8' codec can't encode character '\\u{unit:04x}' in position {start}: surrogates not allowed")
    } else {
        format!("'utf-8' codec can't encode characters in position {start}-{}: surrogates not allowed", start + run - 1)
    })
}

fn stored_number(number: &Number) -> Result<Number, Refused> {
    let text = number.to_string();
    if text == NAN {
        return Err(Refused);
    }
    let canonical = if text.contains(['.', 'e', 'E']) {
        let float: f64 = text.parse().map_err(|_| Refused)?;
        if !float.is_finite() {
            return Err(Refused);
        }
        ryu::Buffer::new().format_finite(float).to_string()
    } else if let Some(int) = number.as_i64() {
        int.to_string()
    } else if let Some(int) = number.as_u64() {
        int.to_string()
    } else {
        // Past 64 bits: kept as written (see `Findings::big_int`).
        return Ok(number.clone());
    };
    if canonical == text {
        // Already as Python writes it (most numbers): no second parse.
        return Ok(number.clone());
    }
    canonical.parse().map_err(|_| Refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_text::JsonText;

    fn read(body: &str) -> Value {
        let text: Vec<u32> = body.chars().map(|c| c as u32).collect();
        serde_json::from_str(&serde_text(&text)).unwrap()
    }

    #[test]
    fn the_deepest_value_is_walked_on_a_thread_with_a_small_stack() {
        // A thread with 128 KiB of stack cannot hold 961 levels of these walks (debug frames are
        // hundreds of bytes each): `with_stack` has to move them onto fresh segments in time.
        let walked = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(|| {
                let mut value = Value::from(1);
                for _ in 0..crate::letta::pyjson::DEFAULT_MAX_DEPTH {
                    value = Value::Array(vec![value]);
                }
                let equal = python_equal(&value, &value);
                let stored = is_stored(&value).is_ok_and(|stored| stored);
                // Taken apart level by level: dropping it whole would recurse 961 deep here.
                while let Value::Array(mut items) = value {
                    value = items.pop().unwrap_or_default();
                }
                (equal, stored)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(walked, (true, true));
    }

    #[test]
    fn escapes_and_raw_lone_surrogates_read_as_python_reads_them() {
        assert_eq!(read(r#"["a\"b", "c\\d", "\/"]"#), serde_json::json!(["a\"b", "c\\d", "/"]));
        // A lone surrogate decoded from the body's bytes (surrogatepass) becomes its sentinel.
        let raw: Value = serde_json::from_str(&serde_text(&[0x22, 0x61, 0xD800, 0x22])).unwrap();
        assert_eq!(
            raw.as_str().map(|s| s.chars().map(as_surrogate).collect::<Vec<_>>()),
            Some(vec![None, Some(0xD800)])
        );
    }

    #[test]
    fn already_stored_values_are_recognised_and_refusals_kept() {
        for body in ["[1, 2.5, \"x\", {\"a\": [1e-7, 100000.0]}]", "[18446744073709551616]", "[]"] {
            assert_eq!(is_stored(&read(body)), Ok(true), "{body}");
            assert_eq!(stored_json(&read(body)).ok(), Some(read(body)), "{body}");
        }
        for body in ["[-0]", "[1E5]", "[1e+16]", "[0.10]"] {
            assert_eq!(is_stored(&read(body)), Ok(false), "{body}");
        }
        assert_eq!(is_stored(&read("[NaN]")), Err(Refused));
        assert_eq!(is_stored(&read("[1e999]")), Err(Refused));
    }

    #[test]
    fn python_equality_mixes_bools_ints_and_floats() {
        let equal = |a: &str, b: &str| python_equal(&read(a), &read(b));
        assert!(equal("[false, 1, 2.0]", "[0, true, 2]"));
        assert!(equal(r#"{"a": 1, "b": [0.0]}"#, r#"{"b": [false], "a": 1.0}"#));
        assert!(!equal("[1]", r#"["1"]"#));
        assert!(!equal("[18446744073709551617]", "[18446744073709551616]"));
        assert!(!equal(r#"{"a": null}"#, r#"{"b": null}"#));
        assert!(equal("[null, 1.5, -2]", "[null, 1.5, -2.0]"));
        assert!(!equal("[1.5]", "[2.5]"), "floats compare by value");
        assert!(!equal("[2]", "[2.5]"));
        assert!(!equal("[null]", "[0]"));
        assert!(!equal("[-1]", "[1]"));
        assert!(!equal("[-18446744073709551617]", "[-18446744073709551616]"), "negative ints past a double stay exact");
    }

    #[test]
    fn python_only_values_are_read() {
        assert_eq!(read("[NaN, Infinity, -Infinity]")[0].to_string(), NAN);
        assert_eq!(read("[NaN, Infinity, -Infinity]")[2].to_string().parse(), Ok(f64::NEG_INFINITY));
        assert_eq!(as_surrogate(read(r#""a\ud800b""#).as_str().unwrap().chars().nth(1).unwrap()), Some(0xD800));
        assert_eq!(read(r#""\ud83d\ude00""#), Value::from("😀"), "a valid pair stays one character");
        assert_eq!(read(r#""NaN Infinity""#), Value::from("NaN Infinity"), "words inside strings stay");
        assert_eq!(read(r#""\\ud800""#), Value::from("\\ud800"), "an escaped backslash is no escape");
    }

    #[test]
    fn stored_values_follow_python_postgresql_and_orjson() {
        let stored = |body: &str| stored_json(&read(body)).map(|value| JsonText::encode(&value).as_str().to_string());
        assert_eq!(
            stored("[1e16, 1E5, 1e-5, 1e-7, -0, -0.0, 1.0]"),
            Ok("[1e16,100000.0,0.00001,1e-7,0,-0.0,1.0]".into())
        );
        assert_eq!(stored("[18446744073709551616]"), Ok("[18446744073709551616]".into()));
        assert_eq!(stored("[NaN]"), Err(Refused));
        assert_eq!(stored("[1e400]"), Err(Refused));
        let kept = stored(r#"["x\ud800y", {"k": "\udfff"}]"#).unwrap();
        assert_eq!(without_surrogates(&kept).as_deref(), Some(r#"["xy",{"k":""}]"#), "answers drop them");
        assert_eq!(without_surrogates("[1]"), None);
        assert!(
            !storable_text("a\u{0}b") && !storable_text(read(r#""\udc00""#).as_str().unwrap()) && storable_text("ok")
        );
    }

    #[test]
    fn findings_are_what_the_serializers_meet() {
        let nesting = |body: &str| findings(&read(body)).nesting;
        assert_eq!([nesting("1"), nesting("[]"), nesting(r#"{"a": [1, {"b": [[]]}], "c": 2}"#)], [0, 1, 5]);
        assert!(!findings(&read("[18446744073709551615, -9223372036854775808]")).big_int);
        assert!(findings(&read(r#"{"a": [18446744073709551616]}"#)).big_int, "past 64 bits orjson fails");
        let key = |body: &str| match findings(&read(body)).unserializable {
            Some(Unserializable::SurrogateKey(text)) => Some(text),
            _ => None,
        };
        assert_eq!(key(r#"{"ok": "\ud800"}"#), None, "only keys count");
        assert_eq!(
            key(r#"{"a": {"\udfff": 1}, "\ud800": 2}"#).as_deref(),
            Some(r"'utf-8' codec can't encode character '\udfff' in position 0: surrogates not allowed"),
            "the first in document order"
        );
        assert_eq!(
            key(r#"{"x\udc00\udc00\udc01y\ud800": 1}"#).as_deref(),
            Some("'utf-8' codec can't encode characters in position 1-3: surrogates not allowed")
        );
        assert!(
            key(r#"{"ab\ud800\udc01\ud801": 1}"#).unwrap().contains(r"'\ud801' in position 3"),
            "a valid pair is one character"
        );
    }
}
