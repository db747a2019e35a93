//! The differential test's recordings of a real Letta 0.16.8 server
//! (`tests/data/letta/differential/*.jsonl`, written by `RECORD=FILE bash tests/differential/run.sh`),
//! replayed against the mock in-process. Each recorded request goes to a fresh empty server (seed
//! 1, as `diff.py` starts the binary), with the real ids it names replaced by the ones the mock
//! handed out; each answer must equal the real one in status, `content-type`, `location`,
//! `allow` and body, byte for byte once ids are mapped back and times blanked.
//!
//! `diff.py replay` does the same against the built binary in the test command's `differential`
//! stage; this copy runs under `cargo test`, where `bash tests/mutants.sh` sees it: the recorded
//! agents and blocks answers are the only real-server evidence for most of `src/letta/agents.rs`.

mod support;

use identity_mock::{Config, FixtureSource};
use regex::bytes::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Every id kind the Letta routes hand out, each mapped on its own.
static IDS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    ["identity", "agent", "block", "message", "tool"]
        .iter()
        .map(|kind| {
            Regex::new(&format!(
                "{kind}-[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}"
            ))
            .unwrap()
        })
        .collect()
});

/// Times differ between the runs: Python's datetime reprs and ISO texts become `<time>`, and the
/// id a failed INSERT tried to add is fresh on each side.
static TIMES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
    [
        (r"datetime\.datetime\([0-9, ]+(, tzinfo=[^)]*\))?\)?", "datetime.datetime(<time>)"),
        (r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "<time>"),
        (r"\[parameters: \('identity-[0-9a-f-]{36}'", "[parameters: ('identity-<fresh>'"),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).unwrap(), replacement))
    .collect()
});

static HOST: LazyLock<Regex> = LazyLock::new(|| Regex::new("http://[^/]+").unwrap());

/// The ids each side handed out, paired in the order they first appeared.
#[derive(Default)]
struct Ids {
    to_mock: HashMap<Vec<u8>, Vec<u8>>,
    to_real: HashMap<Vec<u8>, Vec<u8>>,
}

impl Ids {
    fn learn(&mut self, real: &[u8], mock: &[u8]) {
        let in_order = |pattern: &Regex, text: &[u8]| {
            let mut seen: Vec<Vec<u8>> = Vec::new();
            for found in pattern.find_iter(text) {
                if !seen.iter().any(|id| id == found.as_bytes()) {
                    seen.push(found.as_bytes().to_vec());
                }
            }
            seen
        };
        for pattern in IDS.iter() {
            for (real_id, mock_id) in in_order(pattern, real).into_iter().zip(in_order(pattern, mock)) {
                if !self.to_mock.contains_key(&real_id) && !self.to_real.contains_key(&mock_id) {
                    self.to_mock.insert(real_id.clone(), mock_id.clone());
                    self.to_real.insert(mock_id, real_id);
                }
            }
        }
    }

    fn map(text: &[u8], table: &HashMap<Vec<u8>, Vec<u8>>) -> Vec<u8> {
        IDS.iter().fold(text.to_vec(), |text, pattern| {
            pattern
                .replace_all(&text, |found: &regex::bytes::Captures| {
                    table.get(&found[0]).cloned().unwrap_or_else(|| found[0].to_vec())
                })
                .into_owned()
        })
    }
}

/// What is compared of one answer.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    allow: Option<String>,
    body: String,
}

impl Answer {
    fn normalized(mut self) -> Answer {
        let blank = |text: &str| {
            TIMES.iter().fold(text.as_bytes().to_vec(), |text, (pattern, replacement)| {
                pattern.replace_all(&text, replacement.as_bytes()).into_owned()
            })
        };
        self.body = String::from_utf8_lossy(&blank(&self.body)).into_owned();
        self.location = self
            .location
            .map(|l| String::from_utf8_lossy(&HOST.replace_all(l.as_bytes(), &b"http://<host>"[..])).into_owned());
        self
    }
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let bits = chunk.iter().enumerate().fold(0u32, |bits, (i, d)| bits | u32::from(*d) << (18 - 6 * i));
            let bytes = bits.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

#[tokio::test]
async fn recorded_real_letta_answers_replay_byte_for_byte() {
    let mut files: Vec<_> = std::fs::read_dir("tests/data/letta/differential")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let (mut total, mut failures) = (0, Vec::new());
    for file in &files {
        let config = Config { fixtures: FixtureSource::Empty, seed: Some(1), journal_size: 0, ..Config::default() };
        let server = support::start(config).await;
        let mut ids = Ids::default();
        for (number, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let exchange: Value = serde_json::from_str(line).unwrap();
            let (request, real) = (&exchange["request"], &exchange["real"]);
            let method = request["method"].as_str().unwrap();
            let path = String::from_utf8(Ids::map(request["path"].as_str().unwrap().as_bytes(), &ids.to_mock)).unwrap();
            let body = request["body_b64"].as_str().map(|b| Ids::map(&base64(b), &ids.to_mock));
            let headers: Vec<(String, String)> = request["headers"]
                .as_array()
                .map(|pairs| pairs.iter().map(|p| (text(&p[0]).unwrap(), text(&p[1]).unwrap())).collect())
                .unwrap_or_default();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let reply = support::send(&server, method, &path, &headers, body.as_deref()).await;

            let real_body = real["body"].as_str().unwrap();
            let status = reply.status.as_u16();
            if real["status"] == status && (status == 200 || status == 409) {
                ids.learn(real_body.as_bytes(), &reply.body);
            }
            let mock = Answer {
                status,
                content_type: reply.header("content-type").map(str::to_string),
                location: reply
                    .header("location")
                    .map(|l| String::from_utf8_lossy(&Ids::map(l.as_bytes(), &ids.to_real)).into_owned()),
                allow: reply.header("allow").map(str::to_string),
                body: String::from_utf8_lossy(&Ids::map(&reply.body, &ids.to_real)).into_owned(),
            }
            .normalized();
            let real = Answer {
                status: real["status"].as_u64().unwrap() as u16,
                content_type: text(&real["content-type"]),
                location: text(&real["location"]),
                allow: text(&real["allow"]),
                body: real_body.to_string(),
            }
            .normalized();
            total += 1;
            if mock != real {
                failures.push(format!(
                    "{}:{}: {method} {path}\n  real: {real:?}\n  mock: {mock:?}",
                    file.display(),
                    number + 1
                ));
            }
        }
    }
    assert!(total >= 586, "replayed {total} exchanges: a recording is missing");
    assert!(failures.is_empty(), "{} of {total} differ:\n{}", failures.len(), failures.join("\n"));
}
