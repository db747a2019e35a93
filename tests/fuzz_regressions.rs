//! Replays the committed fuzz corpus (`fuzz/corpus/`) through the very functions the fuzz targets
//! call (`identity_mock::fuzzing`), so every input a fuzz run ever found stays a regression test in
//! the normal suite, with the same routes and the same invariants: no panic, no 5xx the real
//! servers do not give.

use identity_mock::fuzzing::{self, app, request, BODY_ROUTES, ID_ROUTES, QUERY_ROUTES};

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

/// Runs `target` on every input of a corpus; a panic names the input.
fn replay(target: &str, run: fn(&[u8])) {
    for (name, data) in corpus(target) {
        if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
            let why =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("{name}: {}", why.unwrap_or_default());
        }
    }
}

#[test]
fn request_body_corpus_never_panics_nor_answers_an_undocumented_5xx() {
    replay("request_body", fuzzing::request_body);
}

#[test]
fn query_string_corpus_never_panics_nor_answers_an_undocumented_5xx() {
    replay("query_string", fuzzing::query_string);
}

#[test]
fn namespace_headers_corpus_never_panics_and_keeps_the_registry_bounded() {
    replay("namespace_headers", fuzzing::namespace_headers);
}

/// The corpus holds, for every route that takes a body, well-formed JSON of each shape but the
/// expected one, so that a handler that trusts the shape of its body fails here and not only in
/// the slower SDK stage.
#[test]
fn the_body_corpus_holds_every_json_shape() {
    let shapes: Vec<serde_json::Value> =
        corpus("request_body").iter().filter_map(|(_, data)| serde_json::from_slice(data).ok()).collect();
    for (shape, matches) in [
        ("null", serde_json::Value::is_null as fn(&serde_json::Value) -> bool),
        ("a boolean", serde_json::Value::is_boolean),
        ("a number", serde_json::Value::is_number),
        ("a string", serde_json::Value::is_string),
        ("an empty array", |v| v.as_array().is_some_and(Vec::is_empty)),
        ("an array of nulls", |v| v.as_array().is_some_and(|a| a.len() > 1 && a.iter().all(|i| i.is_null()))),
        ("an array of objects", |v| v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|i| i.is_object()))),
        ("an empty object", |v| v.as_object().is_some_and(|o| o.is_empty())),
    ] {
        assert!(shapes.iter().any(matches), "no body in fuzz/corpus/request_body is {shape}");
    }
}

/// Every operation `/openapi.json` lists that takes a body or has an id in its path is one the
/// targets drive: a route added later without a fuzz entry fails here.
#[test]
fn the_targets_drive_every_route_with_a_body_or_a_path_id() {
    let app = app();
    let document: serde_json::Value =
        serde_json::from_slice(app.respond(&request("GET", "/openapi.json", "", b"")).body()).unwrap();
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue; // `parameters` and the like
            }
            let method = method.to_uppercase();
            let has_body = operation.get("requestBody").is_some();
            if !has_body && !path.contains('{') {
                continue;
            }
            checked += 1;
            let driven = BODY_ROUTES.iter().any(|(m, p, _, _)| *m == method && routes_match(p, path))
                || ID_ROUTES.iter().any(|(m, template, _)| *m == method && routes_match(template, path))
                || (method == "GET" && QUERY_ROUTES.iter().any(|p| routes_match(p, path)));
            assert!(driven, "{method} {path} is not driven by a fuzz target");
        }
    }
    assert!(checked >= 20, "only {checked} operations with a body or a path id in /openapi.json");
    // The shared application answers the routes the targets name (not 404 for a typo in a path).
    for route in BODY_ROUTES {
        let status = app.respond(&fuzzing::body_request(route, b"{}")).status().as_u16();
        assert!(status != 404 && status != 405, "{route:?}: {status}");
    }
}

/// Whether a concrete or templated path and a route template name the same route: the same
/// segments, `{…}` matching any one segment.
fn routes_match(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (a.trim_end_matches('/').split('/').collect(), b.trim_end_matches('/').split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| x == y || x.contains('{') || y.contains('{') || is_id(x) || is_id(y))
}

fn is_id(segment: &str) -> bool {
    segment.starts_with("identity-")
        || segment.starts_with("agent-")
        || segment.starts_with("block-")
        || segment == "customer_12345"
}
