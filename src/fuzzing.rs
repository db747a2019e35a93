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
