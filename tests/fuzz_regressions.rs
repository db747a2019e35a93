//! Replays the committed fuzz corpus (`fuzz/corpus/`) through the same entry points as the fuzz
//! targets, so every input a fuzz run ever found stays a regression test in the normal suite.

use identity_mock::fuzzing::{app, request};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{target} has a corpus");
    files
}

#[test]
fn request_body_corpus_never_panics() {
    let app = app();
    for (name, body) in corpus("request_body") {
        for (method, path) in [
            ("POST", "/v1/identities/"),
            ("PUT", "/v1/identities/"),
            ("POST", "/v2/identities"),
            ("PATCH", "/v2/identities/customer_12345"),
        ] {
            let response = app.respond(&request(method, path, "", &body));
            let status = response.status().as_u16();
            assert!((200..500).contains(&status) || path.starts_with("/v1/"), "{name}: {method} {path} -> {status}");
        }
    }
}

#[test]
fn query_string_corpus_never_panics() {
    let app = app();
    for (name, query) in corpus("query_string") {
        let query = String::from_utf8_lossy(&query).into_owned();
        for path in
            ["/v1/identities/", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/blocks", "/v2/identities"]
        {
            let status = app.respond(&request("GET", path, &query, b"")).status().as_u16();
            assert!(status < 500 || path.starts_with("/v1/"), "{name}: {path} -> {status}");
        }
    }
}

#[test]
fn namespace_headers_corpus_never_panics_and_keeps_the_registry_bounded() {
    for (name, data) in corpus("namespace_headers") {
        let replayed = std::panic::catch_unwind(|| identity_mock::fuzzing::namespace_headers(&data));
        assert!(replayed.is_ok(), "{name} failed");
    }
}
