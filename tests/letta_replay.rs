//! Replays every exchange recorded with a real Letta 0.16.8 server
//! (`tests/data/letta/identities.real-responses.txt`, copied from the shared reference) against a
//! fresh identity-mock, in order, and compares status, the headers that matter and the body.
//!
//! Identity ids are random on both sides: each id the real server handed out is mapped to the one
//! the mock handed out at the same step, requests are rewritten with the mock's ids, and responses
//! are compared after mapping back. The clock starts at the real server's default-user timestamp
//! and steps 1 ms per read, so the long-form 404 texts match byte for byte.

mod support;

use identity_mock::Clock;
use identity_mock::{Config, FixtureSource};
use regex::Regex;
use std::collections::HashMap;
use support::{send, Reply};

const RECORDINGS: &str = include_str!("data/letta/identities.real-responses.txt");

/// Exchanges that are not replayed (by name and recorded status), and why.
const NOT_REPLAYED: &[(&str, u16, &str)] = &[(
    "agent_create",
    409,
    "the recording server's messages table lacked its sequence default (a defect of that \
     installation, mended before the retry recorded next); a Letta server answers the retry's 200",
)];

/// Request headers the recordings do not show but the exchange was made with.
fn request_headers(name: &str, has_body: bool) -> Vec<(&'static str, &'static str)> {
    match name {
        "hdr_bad_user" => vec![("user_id", "bob")],
        "hdr_unknown_user" => vec![("user_id", "user-123e4567-e89b-42d3-8456-426614174000")],
        "list_project_hdr" => vec![("x-project-id", "proj-1")],
        "options_cors" => vec![("origin", "http://localhost:3000"), ("access-control-request-method", "GET")],
        "create_form_ct" => {
            vec![("content-type", "application/json"), ("content-type", "application/x-www-form-urlencoded")]
        }
        "create_no_ct" => vec![],
        _ if has_body => vec![("content-type", "application/json")],
        _ => vec![],
    }
}

struct Exchange {
    name: String,
    method: String,
    path: String,
    body: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    response: String,
}

fn parse_recordings() -> Vec<Exchange> {
    let mut exchanges = Vec::new();
    for block in RECORDINGS.split("\n### ").skip(1) {
        let mut lines = block.lines();
        let title = lines.next().unwrap();
        let (name, request) = title.split_once(": ").unwrap();
        let (method, rest) = request.split_once(' ').unwrap();
        let (path, body) = match rest.split_once(" body=") {
            Some((path, body)) => (path.to_string(), Some(body.to_string())),
            None => (rest.trim_end().to_string(), None),
        };
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(": ").unwrap();
            headers.push((k.to_string(), v.to_string()));
        }
        let response = lines.next().unwrap_or_default().to_string();
        let response = if response.starts_with("######## ") { String::new() } else { response };
        exchanges.push(Exchange {
            name: name.to_string(),
            method: method.to_string(),
            path,
            body,
            status,
            headers,
            response,
        });
    }
    exchanges
}

/// The ids both servers hand out at random.
fn ids() -> Regex {
    Regex::new(r"(identity|agent|block|message)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap()
}

/// An agent's times are the server's clock at its creation.
fn blank_times(text: &str) -> String {
    let times = Regex::new(r#""(created_at|updated_at)":"[0-9T:.-]+Z""#).unwrap();
    times.replace_all(text, "\"$1\":\"<time>\"").into_owned()
}

/// Replaces every key of `map` found in `text` by its value.
fn substitute(text: &str, map: &HashMap<String, String>) -> String {
    ids()
        .replace_all(text, |c: &regex::Captures| map.get(&c[0]).cloned().unwrap_or_else(|| c[0].to_string()))
        .into_owned()
}

/// What legitimately differs run to run inside a 409: the id of the row that was not inserted
/// and the time of the failed UPDATE.
fn normalize_conflict(text: &str) -> String {
    let fresh_id = Regex::new(r"\[parameters: \('identity-[0-9a-f-]{36}'").unwrap();
    let when = Regex::new(r"datetime\.datetime\([0-9, ]+, tzinfo=datetime\.timezone\.utc\)").unwrap();
    let text = fresh_id.replace_all(text, "[parameters: ('identity-<fresh>'");
    when.replace_all(&text, "datetime.datetime(<now>)").into_owned()
}

#[tokio::test]
async fn every_recorded_exchange_replays_identically() {
    let exchanges = parse_recordings();
    assert_eq!(exchanges.len(), 109, "the recordings hold 109 exchanges");
    // 2026-11-23T11:38:09.053018Z: the default user's creation time on the recorded server.
    let server = support::start(Config {
        fixtures: FixtureSource::Empty,
        clock: Clock::stepping(1_795_433_889_053_018, 1_000),
        seed: Some(7),
        ..Config::default()
    })
    .await;
    let port_in_recordings = "127.0.0.1:18283";
    let mut to_mock: HashMap<String, String> = HashMap::new();
    let mut to_real: HashMap<String, String> = HashMap::new();
    let mut transcript = String::new();
    let mut replayed = 0;
    for exchange in &exchanges {
        if let Some((_, _, why)) =
            NOT_REPLAYED.iter().find(|(name, status, _)| *name == exchange.name && *status == exchange.status)
        {
            transcript.push_str(&format!("### {} (not replayed: {why})\n\n", exchange.name));
            continue;
        }
        let path = substitute(&exchange.path, &to_mock);
        let body = exchange.body.as_ref().map(|b| substitute(b, &to_mock));
        let headers = request_headers(&exchange.name, body.is_some());
        let reply: Reply = send(&server, &exchange.method, &path, &headers, body.as_deref().map(str::as_bytes)).await;
        // Learn the ids this step handed out: new ids pair up in the order they appear.
        if reply.status == 200 && exchange.status == 200 {
            let fresh = |text: &str, known: &HashMap<String, String>| -> Vec<String> {
                let mut found: Vec<String> = Vec::new();
                for id in ids().find_iter(text).map(|m| m.as_str().to_string()) {
                    if !known.contains_key(&id) && !found.contains(&id) {
                        found.push(id);
                    }
                }
                found
            };
            let real_ids = fresh(&exchange.response, &to_mock);
            let mock_ids = fresh(&reply.text(), &to_real);
            for (real_id, mock_id) in real_ids.into_iter().zip(mock_ids) {
                to_mock.insert(real_id.clone(), mock_id.clone());
                to_real.insert(mock_id, real_id);
            }
        }
        let name = &exchange.name;
        assert_eq!(reply.status.as_u16(), exchange.status, "{name}: status; body {}", reply.text());
        let mut expected = exchange.response.clone();
        let mut actual = substitute(&reply.text(), &to_real);
        expected = blank_times(&expected);
        actual = blank_times(&actual);
        if exchange.status == 409 {
            expected = normalize_conflict(&expected);
            actual = normalize_conflict(&actual);
        } else {
            let recorded_length = exchange.headers.iter().find(|(k, _)| k == "content-length").map(|(_, v)| v.as_str());
            assert_eq!(reply.header("content-length"), recorded_length, "{name}: content-length");
        }
        assert_eq!(actual, expected, "{name}: body");
        for header in identity_mock::verify::COMPARED_HEADERS {
            let recorded = exchange
                .headers
                .iter()
                .find(|(k, _)| k == header)
                .map(|(_, v)| v.replace(port_in_recordings, &server.addr().to_string()));
            let actual = reply.header(header).map(|v| substitute(v, &to_real));
            assert_eq!(actual, recorded, "{name}: header {header}");
        }
        assert_eq!(
            reply.header("content-length"),
            Some(reply.body.len().to_string().as_str()),
            "{name}: content-length is the body's"
        );
        transcript
            .push_str(&format!("### {name}: {} {}\n{}\n{actual}\n\n", exchange.method, exchange.path, exchange.status));
        replayed += 1;
    }
    assert_eq!(replayed, exchanges.len() - NOT_REPLAYED.len(), "every exchange but the one not replayed");
    insta::assert_snapshot!("letta_replay_transcript", transcript);
}
