//! What two answers to the same request have to share: the status, the headers that matter, and
//! the body once each side's generated ids, timestamps and own address are replaced by markers.

use super::client::Answer;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The headers compared: the ones clients act on (the date, server and length headers are not).
pub const COMPARED_HEADERS: &[&str] = &[
    "content-type",
    "location",
    "allow",
    "vary",
    "access-control-allow-methods",
    "access-control-max-age",
    "access-control-allow-credentials",
    "access-control-allow-origin",
];

fn ids() -> &'static Regex {
    static IDS: OnceLock<Regex> = OnceLock::new();
    IDS.get_or_init(|| {
        Regex::new(concat!(
            // Letta's prefixed uuids, and bare uuids (orq's workspace_id).
            r"\b(?:(?:identity|agent|block|org|user|message|organization)-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
            // orq's ULIDs.
            r"|\b[0-9A-HJKMNP-TV-Z]{26}\b",
        ))
        .expect("the id pattern compiles")
    })
}

fn times() -> &'static Regex {
    static TIMES: OnceLock<Regex> = OnceLock::new();
    TIMES.get_or_init(|| {
        Regex::new(concat!(
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
            // Python's repr of a datetime, in Letta's 404 and 409 texts.
            r"|datetime\.datetime\([^)]*\)",
        ))
        .expect("the time pattern compiles")
    })
}

/// One side's markers for one scenario: each id gets `<id1>`, `<id2>`, … in the order it first
/// appears in that side's answers, so the same step on both sides gets the same markers.
pub struct Normalizer {
    origins: Vec<String>,
    ids: HashMap<String, String>,
}

impl Normalizer {
    /// `origins` are this side's base URL as a server may write it back (in `location`): behind
    /// a proxy that ends TLS, a server writes `http://` for an `https://` URL.
    pub fn new(origins: &[String]) -> Normalizer {
        Normalizer { origins: origins.to_vec(), ids: HashMap::new() }
    }

    pub fn text(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        for origin in self.origins.iter().filter(|o| !o.is_empty()) {
            text = text.replace(origin.as_str(), "<server>");
        }
        let text = times().replace_all(&text, "<time>");
        let seen = &mut self.ids;
        ids()
            .replace_all(&text, |c: &regex::Captures| {
                let next = seen.len() + 1;
                seen.entry(c[0].to_string()).or_insert_with(|| format!("<id{next}>")).clone()
            })
            .into_owned()
    }
}

/// One side's answer as compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn of(answer: &Answer, normalizer: &mut Normalizer, body: Option<String>) -> Seen {
        let body = body.unwrap_or_else(|| normalizer.text(&answer.text()));
        let headers = COMPARED_HEADERS
            .iter()
            .filter_map(|name| answer.header(name).map(|value| (name.to_string(), normalizer.text(value))))
            .collect();
        Seen { status: answer.status, headers, body }
    }

    /// The answer in one line: `404 content-type=… {"detail":…}`.
    pub fn show(&self, limit: Option<usize>) -> String {
        let mut line = self.status.to_string();
        for (name, value) in &self.headers {
            if name != "content-type" || !value.starts_with("application/json") {
                line.push_str(&format!(" {name}: {value};"));
            }
        }
        if !self.body.is_empty() {
            line.push(' ');
            line.push_str(&self.body);
        }
        shorten(&line, limit)
    }
}

/// `text` cut to `limit` characters with a note of how much was left out.
pub fn shorten(text: &str, limit: Option<usize>) -> String {
    match limit {
        Some(limit) if text.chars().count() > limit => {
            let kept: String = text.chars().take(limit).collect();
            format!("{kept}… ({} more characters; --verbose shows all)", text.chars().count() - limit)
        }
        _ => text.to_string(),
    }
}

/// What differs between the two answers: `status`, `header NAME`, `body`; empty when nothing.
pub fn differences(live: &Seen, mock: &Seen) -> Vec<String> {
    let mut found = Vec::new();
    if live.status != mock.status {
        found.push("status".to_string());
    }
    for name in COMPARED_HEADERS {
        let get = |seen: &Seen| seen.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let (a, b) = (get(live), get(mock));
        let same = match (&a, &b) {
            // `application/json` and `application/json; charset=utf-8` say the same.
            (Some(a), Some(b)) if *name == "content-type" => media_type(a) == media_type(b),
            _ => a == b,
        };
        if !same {
            found.push(format!("header {name}"));
        }
    }
    if !same_body(&live.body, &mock.body) {
        found.push("body".to_string());
    }
    found
}

fn media_type(value: &str) -> String {
    let mut parts: Vec<String> = value.split(';').map(|p| p.trim().to_ascii_lowercase()).collect();
    if parts.len() == 2 && parts[0] == "application/json" && parts[1] == "charset=utf-8" {
        parts.pop();
    }
    parts.join(";")
}

/// Equal as JSON (key order aside; numbers keep their spelling), or else as text.
fn same_body(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times_become_markers_in_order_of_appearance() {
        let mut n = Normalizer::new(&["http://127.0.0.1:1".to_string()]);
        let text = n.text(
            r#"{"id":"identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544","at":"2026-11-23T11:38:18.123Z","o":"org-00000000-0000-4000-8000-000000000000","again":"identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544","_id":"01JABCDEFGHJKMNPQRSTVWXYZ0","t":datetime.datetime(2026, 11, 23, 11, 38, 9, 53018, tzinfo=datetime.timezone.utc),"l":"http://127.0.0.1:1/v1/"}"#,
        );
        assert_eq!(
            text,
            r#"{"id":"<id1>","at":"<time>","o":"<id2>","again":"<id1>","_id":"<id3>","t":<time>,"l":"<server>/v1/"}"#
        );
    }

    #[test]
    fn json_bodies_compare_as_json() {
        let seen = |status, body: &str| Seen { status, headers: vec![], body: body.to_string() };
        assert!(differences(&seen(200, r#"{"a":1,"b":2}"#), &seen(200, r#"{"b":2,"a":1}"#)).is_empty());
        assert_eq!(differences(&seen(200, r#"{"a":1}"#), &seen(201, r#"{"a":1.0}"#)), ["status", "body"]);
        let typed = |value: &str| Seen {
            status: 200,
            headers: vec![("content-type".into(), value.into())],
            body: String::new(),
        };
        assert!(differences(&typed("application/json"), &typed("application/json; charset=utf-8")).is_empty());
        assert_eq!(differences(&typed("text/plain"), &typed("application/json")), ["header content-type"]);
    }

    #[test]
    fn long_answers_are_shortened() {
        assert_eq!(shorten("abcdef", Some(3)), "abc… (3 more characters; --verbose shows all)");
        assert_eq!(shorten("abc", Some(3)), "abc");
        assert_eq!(shorten("abcdef", None), "abcdef");
    }
}
