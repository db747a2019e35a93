//! What the fuzz targets (in `fuzz/`) and their regression test drive: one application, without
//! sockets, and requests built from raw bytes.

use crate::app::App;
use crate::http::{percent_decode, ApiRequest};
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
