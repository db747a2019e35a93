//! The admin web page at `/__admin/ui/`: the files under `ui/`, compiled into the binary so that
//! it works offline and needs no build step. They hold no data (the page reads it from the admin
//! API with the token it asks for), so they are served without the admin token.

use crate::http::{respond, ApiResponse};
use hyper::header::{HeaderValue, CACHE_CONTROL, LOCATION};
use hyper::{Method, StatusCode};
use include_dir::{include_dir, Dir};
use std::path::{Component, Path};

static FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/ui");

/// Where the page lives.
pub const PREFIX: &str = "/__admin/ui";

/// Whether a path is the page's.
pub fn owns(path: &str) -> bool {
    path == PREFIX || path.strip_prefix(PREFIX).is_some_and(|rest| rest.starts_with('/'))
}

/// Answers a request for one of the page's files. `from_disk` serves them from that folder
/// instead of the compiled-in copy (`--ui-dir`, for working on the page without rebuilding).
pub fn answer(method: &Method, path: &str, from_disk: Option<&Path>) -> ApiResponse {
    if *method != Method::GET && *method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "the admin page's files are read with GET");
    }
    let Some(rest) = path.strip_prefix(PREFIX) else { return not_found() };
    if rest.is_empty() {
        let mut response = respond(StatusCode::PERMANENT_REDIRECT, "text/plain; charset=utf-8", "");
        response.headers_mut().insert(LOCATION, HeaderValue::from_static("/__admin/ui/"));
        return response;
    }
    let name = match rest.trim_start_matches('/') {
        "" => "index.html",
        name => name,
    };
    let relative = Path::new(name);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return not_found();
    }
    let contents = match from_disk {
        Some(folder) => std::fs::read(folder.join(relative)).ok().map(bytes::Bytes::from),
        None => FILES.get_file(relative).map(|file| bytes::Bytes::from_static(file.contents())),
    };
    let Some(contents) = contents else { return not_found() };
    let mut response = respond(StatusCode::OK, content_type(name), contents);
    // The page changes with the binary: a browser asks again rather than keep an old copy.
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn text(status: StatusCode, message: &'static str) -> ApiResponse {
    respond(status, "text/plain; charset=utf-8", message)
}

fn not_found() -> ApiResponse {
    text(StatusCode::NOT_FOUND, "no such file in the admin page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_page_and_redirects_to_it() {
        let page = answer(&Method::GET, "/__admin/ui/", None);
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
        assert!(std::str::from_utf8(page.body()).unwrap().contains("<html"));
        let redirect = answer(&Method::GET, "/__admin/ui", None);
        assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(redirect.headers()["location"], "/__admin/ui/");
    }

    #[test]
    fn refuses_paths_out_of_the_folder_and_other_methods() {
        let folder = std::env::temp_dir();
        assert_eq!(answer(&Method::GET, "/__admin/ui/../Cargo.toml", None).status(), StatusCode::NOT_FOUND);
        assert_eq!(answer(&Method::GET, "/__admin/ui//etc/passwd", Some(&folder)).status(), StatusCode::NOT_FOUND);
        assert_eq!(answer(&Method::GET, "/__admin/ui/nope.js", None).status(), StatusCode::NOT_FOUND);
        assert_eq!(answer(&Method::POST, "/__admin/ui/", None).status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(owns("/__admin/ui") && owns("/__admin/ui/x.js") && !owns("/__admin/uix"));
    }
}
