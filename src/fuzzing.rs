//! What the fuzz targets (in `fuzz/`) and their regression test (`tests/fuzz_regressions.rs`)
//! drive: one application, without sockets, requests built from raw bytes, and the invariants
//! every answer must keep. Each target is one function here, so that the corpus replay runs exactly
//! what the fuzzer runs.

use crate::app::App;
use crate::http::{percent_decode, ApiRequest, ApiResponse};
use crate::Config;
use std::sync::OnceLock;

/// One application with the bundled fixtures, reset whenever it has grown, so a long fuzz run
/// keeps its memory bounded.
pub fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    let app = APP.get_or_init(|| match App::new(&Config { journal_size: 16, ..Config::default() }) {
        Ok(app) => app,
        Err(error) => panic!("the bundled configuration must start: {error}"),
    });
    let health = crate::admin::Control::health(app);
    let stored =
        health["letta"]["identities"].as_u64().unwrap_or(0) + health["orq"]["identities"].as_u64().unwrap_or(0);
    if stored > 10_000 {
        crate::admin::Control::reset(app, None, false);
    }
    app
}

/// An application that accepts only the API key `fuzz` and holds at most [`GATED_MAX_NAMESPACES`]
/// namespaces: what the namespace target drives.
fn gated_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        let config = Config {
            journal_size: 16,
            api_keys: vec!["fuzz".into()],
            max_namespaces: GATED_MAX_NAMESPACES,
            ..Config::default()
        };
        match App::new(&config) {
            Ok(app) => app,
            Err(error) => panic!("the gated configuration must start: {error}"),
        }
    })
}

/// The namespace limit of [`gated_app`].
const GATED_MAX_NAMESPACES: usize = 8;

/// How many namespaces an application holds.
fn namespace_count(app: &App) -> u64 {
    crate::admin::Control::health(app)["namespaces"].as_u64().unwrap_or(0)
}

/// The namespace target: the first half of `data` as the namespace header, the second as the
/// bearer key, on requests to routes of both APIs of [`gated_app`]. Panics when a refused request
/// created a namespace, or the registry passed its limit.
pub fn namespace_headers(data: &[u8]) {
    let app = gated_app();
    let (namespace, key) = data.split_at(data.len() / 2);
    let mut bearer = b"Bearer ".to_vec();
    bearer.extend_from_slice(key);
    for (method, path) in [
        ("GET", "/v1/identities/"),
        ("POST", "/v1/identities/"),
        ("GET", "/v1/identities/count"),
        ("GET", "/v2/identities"),
        ("POST", "/v2/identities"),
        ("GET", "/v2/nowhere"),
    ] {
        let request =
            request_with_headers(method, path, &[("x-mock-namespace", namespace), ("authorization", &bearer)], b"{}");
        let before = namespace_count(app);
        let status = app.respond(&request).status().as_u16();
        let after = namespace_count(app);
        assert!(after <= GATED_MAX_NAMESPACES as u64, "{after} namespaces");
        if matches!(status, 401 | 404 | 503) {
            assert_eq!(before, after, "{method} {path} answered {status} and created a namespace");
        }
    }
}

/// A request with the given headers (values that are not valid header values are left out), as
/// the server would hand it to the application.
fn request_with_headers(method: &str, path: &str, headers: &[(&'static str, &[u8])], body: &[u8]) -> ApiRequest {
    let mut request = request(method, path, "", body);
    request.headers.remove(hyper::header::AUTHORIZATION);
    for (name, value) in headers {
        if let Ok(value) = hyper::header::HeaderValue::from_bytes(value) {
            request.headers.append(*name, value);
        }
    }
    request
}

/// A request as the server would hand it to the application.
pub fn request(method: &str, path: &str, query: &str, body: &[u8]) -> ApiRequest {
    let mut headers = hyper::HeaderMap::new();
    headers.insert(hyper::header::AUTHORIZATION, hyper::header::HeaderValue::from_static("Bearer fuzz"));
    headers.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    ApiRequest {
        method: hyper::Method::from_bytes(method.as_bytes()).unwrap_or(hyper::Method::GET),
        path: percent_decode(path, false),
        query: query.to_string(),
        headers,
        body: bytes::Bytes::copy_from_slice(body),
    }
}

/// A bundled Letta identity, agent and block, and a bundled orq identity: the records the write
/// routes of the body target change.
const LETTA_IDENTITY: &str = "identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f";
const LETTA_AGENT: &str = "agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b";
const LETTA_BLOCK: &str = "block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const ORQ_IDENTITY: &str = "customer_12345";

/// The orq revision a request asks for with `X-Mock-Orq-Api`: `None` leaves the server's default
/// (the current revision).
type OrqRevision = Option<&'static str>;

/// Every route that takes a request body, on both APIs (the orq ones in both revisions) and the
/// admin API: method, path, query and orq revision.
pub const BODY_ROUTES: &[(&str, &str, &str, OrqRevision)] = &[
    ("POST", "/v1/identities/", "", None),
    ("PUT", "/v1/identities/", "", None),
    ("PATCH", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f", "", None),
    ("PUT", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/properties", "", None),
    ("POST", "/v1/agents/", "", None),
    ("PATCH", "/v1/agents/agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b", "", None),
    ("POST", "/v1/blocks/", "", None),
    ("PATCH", "/v1/blocks/block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "", None),
    ("POST", "/v2/identities", "", None),
    ("PATCH", "/v2/identities/customer_12345", "", None),
    ("POST", "/v2/identities", "", Some("v1")),
    ("PATCH", "/v2/identities/customer_12345", "", Some("v1")),
    ("POST", "/v2/contacts", "", Some("v1")),
    ("POST", "/__admin/fixtures", "namespace=fuzz-admin", None),
    ("POST", "/__admin/faults", "", None),
];

/// Every read route that takes a query string: the lists of both APIs.
pub const QUERY_ROUTES: &[&str] = &[
    "/v1/identities/",
    "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/agents",
    "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/blocks",
    "/v1/agents/",
    "/v1/blocks/",
    "/v2/identities",
];

/// Every route with an id in its path: method and path, `{id}` standing for the fuzzed id, and
/// the body sent.
pub const ID_ROUTES: &[(&str, &str, &[u8])] = &[
    ("GET", "/v1/identities/{id}", b""),
    ("PATCH", "/v1/identities/{id}", b"{}"),
    ("PUT", "/v1/identities/{id}/properties", b"[]"),
    ("DELETE", "/v1/identities/{id}", b""),
    ("GET", "/v1/identities/{id}/agents", b""),
    ("GET", "/v1/identities/{id}/blocks", b""),
    ("GET", "/v1/agents/{id}", b""),
    ("PATCH", "/v1/agents/{id}", b"{}"),
    ("DELETE", "/v1/agents/{id}", b""),
    ("PATCH", "/v1/agents/{id}/identities/attach/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f", b""),
    ("PATCH", "/v1/agents/agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b/identities/detach/{id}", b""),
    ("GET", "/v1/blocks/{id}", b""),
    ("PATCH", "/v1/blocks/{id}", b"{}"),
    ("DELETE", "/v1/blocks/{id}", b""),
    ("PATCH", "/v1/blocks/{id}/identities/attach/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f", b""),
    ("PATCH", "/v1/blocks/block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/identities/detach/{id}", b""),
    ("GET", "/v2/identities/{id}", b""),
    ("PATCH", "/v2/identities/{id}", b"{}"),
    ("DELETE", "/v2/identities/{id}", b""),
    ("DELETE", "/__admin/faults/{id}", b""),
    // Prefixed, so that the fuzzer never removes the namespaces the other routes use.
    ("DELETE", "/__admin/namespaces/fuzz-{id}", b""),
];

/// The invariant every answer keeps, whatever the input: the orq and admin APIs never answer 5xx,
/// and Letta answers 5xx only with the errors the real server gives (an exception that escapes a
/// handler, a database refusal, an agent name its exporter refuses). Panics with `what` otherwise.
pub fn assert_documented(what: &str, response: &ApiResponse) {
    let status = response.status().as_u16();
    if status < 500 {
        return;
    }
    let body = String::from_utf8_lossy(response.body());
    let documented = what.contains(" /v1/")
        && status == 500
        && (body == r#"{"detail":"An unknown error occurred"}"#
            || body == r#"{"detail":"A database error occurred."}"#
            || body.starts_with(r#"{"detail":"Export failed: Agent name '"#));
    assert!(documented, "{what}: {status} {body}");
}

/// The body target: `data` as the request body of every route in [`BODY_ROUTES`]. Nothing may
/// panic, and every answer keeps [`assert_documented`]. The faults the admin route accepts are
/// removed again (the fuzz entry point does not apply them, but they would pile up).
pub fn request_body(data: &[u8]) {
    let app = app();
    for route in BODY_ROUTES {
        let (method, path, _, revision) = route;
        let response = app.respond(&body_request(route, data));
        assert_documented(&format!("{method} {path} ({revision:?})"), &response);
    }
    crate::admin::Control::faults(app).remove(None);
}

/// The request of the body target to one of [`BODY_ROUTES`].
pub fn body_request(route: &(&str, &str, &str, OrqRevision), body: &[u8]) -> ApiRequest {
    let (method, path, query, revision) = route;
    let mut request = request(method, path, query, body);
    if let Some(revision) = revision {
        request.headers.insert(crate::orq::REVISION_HEADER, hyper::header::HeaderValue::from_static(revision));
    }
    request
}

/// The query target: `data` as the query string of every list in [`QUERY_ROUTES`], and (without
/// `/` and `?`, at most 64 characters) as the id of every route in [`ID_ROUTES`]. Nothing may
/// panic, and every answer keeps [`assert_documented`]. The ids of the records the body target
/// writes to are not deleted, so that both targets keep reaching their handlers.
pub fn query_string(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let app = app();
    for path in QUERY_ROUTES {
        let response = app.respond(&request("GET", path, text, b""));
        assert_documented(&format!("GET {path}?{text}"), &response);
    }
    let id: String = text.chars().filter(|c| *c != '/' && *c != '?').take(64).collect();
    if id.is_empty() || [LETTA_IDENTITY, LETTA_AGENT, LETTA_BLOCK, ORQ_IDENTITY].contains(&id.as_str()) {
        return;
    }
    for (method, template, body) in ID_ROUTES {
        let path = template.replace("{id}", &id);
        let response = app.respond(&request(method, &path, "", body));
        assert_documented(&format!("{method} {path}"), &response);
    }
}
