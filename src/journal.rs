//! The request journal: the last N requests and their responses, in a ring buffer, so memory
//! never grows with traffic. A size of 0 turns it off and costs nothing per request.
//!
//! Recording is on every request's path, so it copies as little as it can: a body of up to
//! [`MAX_BODY_BYTES`] is kept by reference (the response's own buffer), a longer one as a copy of
//! its first [`MAX_BODY_BYTES`]; bodies become text only when the journal is read.

use bytes::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper::{HeaderMap, Method};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bodies are kept up to this many bytes (marked `body_truncated` beyond).
pub const MAX_BODY_BYTES: usize = 8 * 1024;

/// One journal entry as the admin API and [`crate::MockServer::requests`] give it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordedRequest {
    /// Counts every recorded request since the server started.
    pub seq: u64,
    /// When the server answered, by its clock (RFC 3339, milliseconds).
    pub time: String,
    pub namespace: String,
    /// The API: `letta` or `orq`.
    pub api: &'static str,
    /// The SDK-style name of the operation, e.g. `identities.create`; `None` when the method and
    /// path name none (a redirect, a 404 or 405).
    pub operation: Option<&'static str>,
    pub method: String,
    pub path: String,
    pub query: String,
    /// The request's headers, names in lower case; credentials shortened (see [`shorten_secret`]).
    pub request_headers: Map<String, Value>,
    pub request_body: String,
    pub request_body_truncated: bool,
    /// The request body parsed, when it is whole and JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_json: Option<Value>,
    /// 0 marks a connection that a fault dropped.
    pub status: u16,
    /// The response's headers as the server built them, names in lower case (the `date`,
    /// `content-length` and `connection` headers the socket layer adds are not among them).
    pub response_headers: Map<String, Value>,
    pub response_body: String,
    pub response_body_truncated: bool,
    /// The response body parsed, when it is whole and JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json: Option<Value>,
    /// By the server's clock: always 0 under a fixed clock, the step or 0 under a stepping one.
    pub duration_micros: u64,
    /// A CORS preflight; left out of queries unless asked for.
    pub preflight: bool,
}

/// What the ring holds for one request: [`RecordedRequest`] with its bodies not yet made text.
pub struct Entry {
    /// Borrowed for the default namespace, so that most entries allocate no name.
    pub namespace: Cow<'static, str>,
    /// The vendor's name: `letta`, `orq`.
    pub api: &'static str,
    pub operation: Option<&'static str>,
    pub method: Method,
    pub path: String,
    pub query: String,
    pub headers: Headers,
    pub request_body: Body,
    /// 0 marks a connection that a fault dropped.
    pub status: u16,
    pub response_headers: ResponseHeaders,
    pub response_body: Body,
    pub time_micros: i64,
    pub duration_micros: u64,
    pub preflight: bool,
}

/// A request's headers as the journal keeps them: copied into one string (the request's own
/// buffers are the connection's, which the journal must not hold on to), credentials shortened.
pub struct Headers(Box<str>);

/// Headers whose values are credentials: the journal keeps only their scheme and last characters.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-bare-password", "x-admin-token"];

impl Headers {
    pub fn copy(headers: &HeaderMap) -> Headers {
        // One allocation of the exact size: this runs for every journaled request.
        let size = headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 2).sum();
        let mut text = String::with_capacity(size);
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            text.push_str(name.as_str());
            text.push(':');
            if SECRET_HEADERS.contains(&name.as_str()) {
                push_shortened_secret(&mut text, &value);
            } else {
                text.push_str(&value);
            }
            text.push('\n');
        }
        Headers(text.into_boxed_str())
    }

    /// (name, value) pairs in the order received; names are lower case.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.lines().filter_map(|line| line.split_once(':'))
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut map = Map::new();
        for (name, value) in self.pairs() {
            match map.get_mut(name) {
                Some(Value::String(joined)) => {
                    joined.push_str(", ");
                    joined.push_str(value);
                }
                _ => {
                    map.insert(name.to_string(), Value::String(value.to_string()));
                }
            }
        }
        map
    }
}

/// A response's headers as the journal keeps them. Most answers have only `content-type:
/// application/json`, which is kept without copying anything.
pub struct ResponseHeaders(Option<Headers>);

impl ResponseHeaders {
    pub fn copy(headers: &HeaderMap) -> ResponseHeaders {
        let json_only =
            headers.len() == 1 && headers.get(CONTENT_TYPE).is_some_and(|value| value == "application/json");
        ResponseHeaders((!json_only).then(|| Headers::copy(headers)))
    }

    /// No headers: a dropped connection's.
    pub fn none() -> ResponseHeaders {
        ResponseHeaders(Some(Headers(Box::from(""))))
    }

    fn to_map(&self) -> Map<String, Value> {
        match &self.0 {
            Some(headers) => headers.to_map(),
            None => Map::from_iter([(CONTENT_TYPE.as_str().to_string(), Value::from("application/json"))]),
        }
    }
}

/// A credential as the journal shows it: the scheme (`Bearer`, `password`) and, for a secret of
/// more than 8 characters, its last 4: `Bearer …c0de`. Enough to tell keys apart in a test, never
/// enough to use one.
#[cfg(test)]
fn shorten_secret(value: &str) -> String {
    let mut text = String::new();
    push_shortened_secret(&mut text, value);
    text
}

fn push_shortened_secret(text: &mut String, value: &str) {
    let value = value.trim();
    let secret = match value.split_once(' ') {
        Some((scheme, secret)) => {
            text.push_str(scheme);
            text.push(' ');
            secret.trim()
        }
        None => value,
    };
    text.push('…');
    if secret.chars().nth(8).is_some() {
        let tail_start = secret.char_indices().rev().nth(3).map_or(0, |(at, _)| at);
        text.push_str(&secret[tail_start..]);
    }
}

/// A body as the journal keeps it: at most [`MAX_BODY_BYTES`] of it.
pub struct Body {
    bytes: Bytes,
    truncated: bool,
}

impl Body {
    /// Keeps a response body: by reference when it is short, as it is a buffer of its own.
    pub fn keep(body: &Bytes) -> Body {
        if body.len() <= MAX_BODY_BYTES {
            Body { bytes: body.clone(), truncated: false }
        } else {
            Body::copy(body)
        }
    }

    /// Copies a request body: it may share its buffer with the connection's reads, which the
    /// journal must not hold on to.
    pub fn copy(body: &[u8]) -> Body {
        let kept = &body[..body.len().min(MAX_BODY_BYTES)];
        Body { bytes: Bytes::copy_from_slice(kept), truncated: kept.len() < body.len() }
    }

    pub fn empty() -> Body {
        Body { bytes: Bytes::new(), truncated: false }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The body parsed as JSON, when it is whole and parses.
    fn json(&self) -> Option<Value> {
        if self.truncated || self.bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        serde_json::from_slice(&self.bytes).ok()
    }
}

impl Entry {
    fn recorded(&self, seq: u64) -> RecordedRequest {
        RecordedRequest {
            seq,
            time: crate::clock::rfc3339_millis(self.time_micros),
            namespace: self.namespace.to_string(),
            api: self.api,
            operation: self.operation,
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            request_headers: self.headers.to_map(),
            response_headers: self.response_headers.to_map(),
            request_body: self.request_body.text(),
            request_body_truncated: self.request_body.truncated,
            request_json: self.request_body.json(),
            status: self.status,
            response_body: self.response_body.text(),
            response_body_truncated: self.response_body.truncated,
            response_json: self.response_body.json(),
            duration_micros: self.duration_micros,
            preflight: self.preflight,
        }
    }
}

/// Which requests a query of the journal selects.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub method: Option<String>,
    /// A path, or a pattern where `*` matches any run of characters.
    pub path: Option<String>,
    pub status: Option<u16>,
    pub namespace: Option<String>,
    pub api: Option<String>,
    pub operation: Option<String>,
    /// Each `(name, value)`: the request has the header (any case), and, when a value is given,
    /// with a value that matches it (`*` patterns as for paths).
    pub headers: Vec<(String, Option<String>)>,
    /// Also select CORS preflights.
    pub preflight: bool,
}

impl Filter {
    fn matches(&self, entry: &Entry) -> bool {
        (self.preflight || !entry.preflight)
            && self.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(entry.method.as_str()))
            && self.path.as_ref().is_none_or(|p| glob_match(p, &entry.path))
            && self.status.is_none_or(|s| s == entry.status)
            && self.namespace.as_ref().is_none_or(|n| *n == entry.namespace)
            && self.api.as_ref().is_none_or(|a| a == entry.api)
            && self.operation.as_ref().is_none_or(|o| Some(o.as_str()) == entry.operation)
            && self.headers.iter().all(|(name, value)| {
                entry.headers.pairs().any(|(have, text)| {
                    have.eq_ignore_ascii_case(name) && value.as_ref().is_none_or(|v| glob_match(v, text))
                })
            })
    }
}

/// `*` matches any run of characters (also none); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    wildcard_match(pattern, text, '*')
}

/// `wildcard` in `pattern` matches any run of characters (also none); everything else matches
/// itself.
pub fn wildcard_match(pattern: &str, text: &str, wildcard: char) -> bool {
    let parts: Vec<&str> = pattern.split(wildcard).collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

pub struct Journal {
    capacity: usize,
    /// The last `seq` given, and the entries with theirs.
    state: Mutex<(u64, VecDeque<(u64, Entry)>)>,
    /// Woken at every record while anyone follows the journal ([`Journal::follow`]).
    recorded: tokio::sync::Notify,
    /// How many follow it: with none, recording wakes nobody and costs one atomic load more.
    followers: AtomicUsize,
}

/// One who follows the journal as it grows; dropping it stops the wake-ups it costs.
pub struct Follower<'a> {
    journal: &'a Journal,
}

impl Follower<'_> {
    /// A wake-up for the next record: enabled before the caller reads what is there, so that no
    /// record between that read and the wait is missed.
    pub fn next_record(&self) -> std::pin::Pin<Box<tokio::sync::futures::Notified<'_>>> {
        let mut notified = Box::pin(self.journal.recorded.notified());
        notified.as_mut().enable();
        notified
    }
}

impl Drop for Follower<'_> {
    fn drop(&mut self) {
        self.journal.followers.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            state: Mutex::new((0, VecDeque::with_capacity(capacity.min(1024)))),
            recorded: tokio::sync::Notify::new(),
            followers: AtomicUsize::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Records a request; its `seq` is assigned here.
    pub fn record(&self, entry: Entry) {
        if !self.enabled() {
            return;
        }
        let mut state = self.state.lock();
        state.0 += 1;
        let seq = state.0;
        if state.1.len() == self.capacity {
            // The entry that falls out is freed after the lock is let go.
            let old = state.1.pop_front();
            state.1.push_back((seq, entry));
            drop(state);
            drop(old);
        } else {
            state.1.push_back((seq, entry));
            drop(state);
        }
        if self.followers.load(Ordering::Relaxed) > 0 {
            self.recorded.notify_waiters();
        }
    }

    /// Starts following the journal: see [`Follower::next_record`] and [`Journal::after`].
    pub fn follow(&self) -> Follower<'_> {
        self.followers.fetch_add(1, Ordering::Relaxed);
        Follower { journal: self }
    }

    /// The `seq` of the last request recorded (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.state.lock().0
    }

    /// The matching requests recorded after `seq` and still held, oldest first, at most `max`.
    pub fn after(&self, seq: u64, filter: &Filter, max: usize) -> Vec<RecordedRequest> {
        let state = self.state.lock();
        // Entries are in `seq` order: skip the older ones without looking at them.
        let newer = state.1.partition_point(|(s, _)| *s <= seq);
        state.1.range(newer..).filter(|(_, e)| filter.matches(e)).take(max).map(|(s, e)| e.recorded(*s)).collect()
    }

    /// The matching requests, oldest first; with `limit`, only the most recent ones.
    pub fn query(&self, filter: &Filter, limit: Option<usize>) -> Vec<RecordedRequest> {
        let state = self.state.lock();
        let matching: Vec<&(u64, Entry)> = state.1.iter().filter(|(_, e)| filter.matches(e)).collect();
        let skip = limit.map_or(0, |limit| matching.len().saturating_sub(limit));
        matching.into_iter().skip(skip).map(|(seq, entry)| entry.recorded(*seq)).collect()
    }

    pub fn count(&self, filter: &Filter) -> usize {
        self.state.lock().1.iter().filter(|(_, e)| filter.matches(e)).count()
    }

    /// Empties the journal; returns how many entries it held.
    pub fn clear(&self) -> usize {
        let mut state = self.state.lock();
        let held = state.1.len();
        state.1.clear();
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: u16) -> Entry {
        Entry {
            namespace: Cow::Borrowed("default"),
            api: "letta",
            operation: None,
            method: Method::GET,
            path: path.into(),
            query: String::new(),
            headers: Headers::copy(&HeaderMap::new()),
            response_headers: ResponseHeaders::none(),
            request_body: Body::empty(),
            status,
            response_body: Body::keep(&Bytes::from_static(b"{}")),
            time_micros: 0,
            duration_micros: 1,
            preflight: false,
        }
    }

    #[test]
    fn response_headers_are_kept_whether_or_not_they_are_only_json() {
        let mut json_only = HeaderMap::new();
        json_only.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        let kept = ResponseHeaders::copy(&json_only);
        assert!(kept.0.is_none(), "the usual answer is kept without a copy");
        assert_eq!(Value::Object(kept.to_map()), serde_json::json!({"content-type": "application/json"}));
        let mut created = json_only.clone();
        created.insert(hyper::header::LOCATION, "/v2/identities/01J".parse().unwrap());
        let kept = ResponseHeaders::copy(&created).to_map();
        assert_eq!(
            Value::Object(kept),
            serde_json::json!({"content-type": "application/json", "location": "/v2/identities/01J"})
        );
        assert!(ResponseHeaders::none().to_map().is_empty());
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let journal = Journal::new(3);
        for i in 0..5 {
            journal.record(entry(&format!("/p{i}"), 200));
        }
        let all = journal.query(&Filter::default(), None);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(journal.query(&Filter::default(), Some(1))[0].path, "/p4");
        assert_eq!(journal.clear(), 3);
        assert_eq!(journal.count(&Filter::default()), 0);
    }

    #[test]
    fn size_zero_records_nothing() {
        let journal = Journal::new(0);
        journal.record(entry("/p", 200));
        assert_eq!(journal.count(&Filter::default()), 0);
    }

    #[test]
    fn filters_and_globs() {
        let journal = Journal::new(10);
        journal.record(entry("/v1/identities/", 200));
        journal.record(entry("/v2/identities/abc", 404));
        let by_status = Filter { status: Some(404), ..Filter::default() };
        assert_eq!(journal.count(&by_status), 1);
        let by_glob = Filter { path: Some("/v*/identities/*".into()), ..Filter::default() };
        assert_eq!(journal.count(&by_glob), 2);
        assert!(glob_match("*", ""));
        assert!(glob_match("/a/*/c", "/a/b/c"));
        assert!(!glob_match("/a/*/c", "/a/b/d"));
        assert!(glob_match("a*b*c", "abc"));
        assert!(!glob_match("a*b*c", "acb"));
        assert!(!glob_match("ab*ba", "aba"));
    }

    #[test]
    fn long_bodies_are_cut_and_short_ones_shared() {
        let long = Body::keep(&Bytes::from(vec![b'x'; MAX_BODY_BYTES + 1]));
        assert_eq!((long.text().len(), long.truncated), (MAX_BODY_BYTES, true));
        let response = Bytes::from(b"{\"a\":1}".to_vec());
        let short = Body::keep(&response);
        assert_eq!((short.text().as_str(), short.truncated), ("{\"a\":1}", false));
        assert_eq!(short.bytes.as_ptr(), response.as_ptr(), "a short body is kept by reference");
        let journal = Journal::new(2);
        journal.record(entry("/p", 200));
        assert_eq!(journal.query(&Filter::default(), None)[0].response_body, "{}");
    }

    #[test]
    fn headers_are_kept_with_credentials_shortened_and_can_be_filtered() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer sk-live-1234567890abcd".parse().unwrap());
        headers.insert("x-project-id", "proj-1".parse().unwrap());
        headers.append("accept", "application/json".parse().unwrap());
        headers.append("accept", "text/plain".parse().unwrap());
        let journal = Journal::new(4);
        journal.record(Entry { headers: Headers::copy(&headers), ..entry("/v1/identities/", 200) });
        let recorded = &journal.query(&Filter::default(), None)[0];
        assert_eq!(recorded.request_headers["authorization"], "Bearer …abcd");
        assert_eq!(recorded.request_headers["accept"], "application/json, text/plain");
        assert_eq!(recorded.response_json, Some(serde_json::json!({})));
        let by_header = |name: &str, value: Option<&str>| Filter {
            headers: vec![(name.into(), value.map(str::to_string))],
            ..Filter::default()
        };
        assert_eq!(journal.count(&by_header("X-Project-Id", Some("proj-1"))), 1);
        assert_eq!(journal.count(&by_header("x-project-id", Some("proj-2"))), 0);
        assert_eq!(journal.count(&by_header("authorization", Some("Bearer *abcd"))), 1);
        assert_eq!(journal.count(&by_header("x-mock-namespace", None)), 0);
        assert_eq!(shorten_secret("Bearer short"), "Bearer …");
        assert_eq!(shorten_secret("password hunter2-is-long"), "password …long");
        assert_eq!(shorten_secret("bare-token-value"), "…alue");
    }

    #[test]
    fn preflights_are_counted_only_when_asked_for() {
        let journal = Journal::new(4);
        journal.record(Entry { preflight: true, ..entry("/v2/identities", 200) });
        journal.record(entry("/v2/identities", 200));
        assert_eq!(journal.count(&Filter::default()), 1);
        assert_eq!(journal.count(&Filter { preflight: true, ..Filter::default() }), 2);
    }
}
