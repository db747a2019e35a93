//! What a scenario is: a named list of requests, written with placeholders that each side (the
//! live server and the in-process mock) fills in with its own ids.
//!
//! Placeholders in a path or body: `{s}` is the scenario's own prefix (`verify-<run>-<scenario>`),
//! `{p}` the run's prefix, and `{id:a}` the id that this side handed out to the step saved as `a`.

use serde_json::Value;

/// How a step's answers are compared.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// Status, the headers that matter and the normalized body.
    Answer,
    /// Like `Answer` for the status; the body is a count, kept under this name and not compared
    /// (the live server holds other data).
    SaveCount(&'static str),
    /// The body is a count; what is compared is how far it moved since the count kept under
    /// this name.
    CountSince(&'static str),
}

/// Which credentials a step sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// The ones given on the command line (none for a Letta server without `--token`).
    Configured,
    /// No `Authorization` header at all.
    Omit,
    /// A key nobody issued.
    Wrong,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub method: &'static str,
    /// Path and query, after the server's base URL, with placeholders.
    pub path: String,
    /// A JSON body (sent with `content-type: application/json`) or raw text, with placeholders.
    pub body: Option<String>,
    pub headers: Vec<(String, String)>,
    /// Keep the id in the answer under this name, for `{id:NAME}` in later steps.
    pub save: Option<&'static str>,
    pub check: Check,
    /// For orq: the README's compatibility-table row where the mock's answer is inferred, not
    /// documented; a difference here is reported as "inferred behaviour differs".
    pub inferred: Option<&'static str>,
    pub auth: Auth,
    /// Wait this long before sending, so that two writes never share a timestamp.
    pub pause_ms: u64,
}

impl Step {
    pub fn new(method: &'static str, path: impl Into<String>) -> Step {
        Step {
            method,
            path: path.into(),
            body: None,
            headers: Vec::new(),
            save: None,
            check: Check::Answer,
            inferred: None,
            auth: Auth::Configured,
            pause_ms: 0,
        }
    }

    pub fn json(mut self, body: Value) -> Step {
        self.body = Some(body.to_string());
        self
    }

    /// A body sent as it is written (malformed JSON, say), still as `application/json`.
    pub fn text(mut self, body: &str) -> Step {
        self.body = Some(body.to_string());
        self
    }

    pub fn save(mut self, name: &'static str) -> Step {
        self.save = Some(name);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Step {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn check(mut self, check: Check) -> Step {
        self.check = check;
        self
    }

    pub fn inferred(mut self, row: &'static str) -> Step {
        self.inferred = Some(row);
        self
    }

    pub fn pause(mut self, millis: u64) -> Step {
        self.pause_ms = millis;
        self
    }

    pub fn auth(mut self, auth: Auth) -> Step {
        self.auth = auth;
        self
    }

    /// The request line as the report shows it, before placeholders are filled in.
    pub fn describe(&self) -> String {
        match &self.body {
            Some(body) => format!("{} {} body={body}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Scenario {
    /// `letta/create-and-retrieve`, `orq/list-pagination`, …
    pub name: String,
    /// The part of `{s}` after the run prefix: short, lower case, letters, digits and `-`.
    pub slug: String,
    pub steps: Vec<Step>,
}

impl Scenario {
    pub fn new(api: &str, slug: &str, steps: Vec<Step>) -> Scenario {
        Scenario { name: format!("{api}/{slug}"), slug: slug.to_string(), steps }
    }
}

/// Twelve hex digits of the run's own (the prefix's, padded with zeros): an id in the form the
/// server accepts that no other run, and no one else's data, uses.
pub fn run_hex(run: &str) -> String {
    let digits: String = run.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_lowercase()).collect();
    let tail = &digits[digits.len().saturating_sub(12)..];
    format!("{tail:0>12}")
}

/// Fills in `{s}`, `{p}`, `{hex}` and `{id:NAME}`; the name of the first id this side lacks otherwise.
pub fn fill(template: &str, run: &str, scenario: &str, ids: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('}').map(|e| e + 1);
        let token = end.map(|e| &after[..e]);
        match token {
            Some("{s}") => out.push_str(&format!("{run}-{scenario}")),
            Some("{p}") => out.push_str(run),
            Some("{hex}") => out.push_str(&run_hex(run)),
            Some(t) if t.starts_with("{id:") => {
                let name = &t[4..t.len() - 1];
                out.push_str(&ids(name).ok_or_else(|| name.to_string())?);
            }
            _ => {
                out.push('{');
                rest = &after[1..];
                continue;
            }
        }
        rest = &after[end.unwrap_or(after.len())..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_in() {
        let ids = |name: &str| (name == "a").then(|| "identity-1".to_string());
        assert_eq!(
            fill("/v1/identities/{id:a}?name={s}&x={p}", "verify-ab", "scn", &ids).unwrap(),
            "/v1/identities/identity-1?name=verify-ab-scn&x=verify-ab"
        );
        assert_eq!(fill(r#"{"a":{"b":1}}"#, "r", "s", &ids).unwrap(), r#"{"a":{"b":1}}"#);
        assert_eq!(fill("{id:b}", "r", "s", &ids), Err("b".to_string()));
        assert_eq!(fill("agent-{hex}", "verify-0a1b2c3d4e5f", "s", &ids).unwrap(), "agent-0a1b2c3d4e5f");
        assert_eq!(run_hex("mine"), "00000000000e");
    }
}
