//! Bytes as a query string (and as a path id) on every read route of both APIs. Nothing may panic,
//! and the orq API never answers 5xx.
#![no_main]

use identity_mock::fuzzing::{app, request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let app = app();
    for path in ["/v1/identities/", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/agents", "/v2/identities"] {
        let _ = app.respond(&request("GET", path, text, b""));
    }
    let response = app.respond(&request("GET", "/v2/identities", text, b""));
    assert!(response.status().as_u16() < 500);
    let id: String = text.chars().filter(|c| *c != '/' && *c != '?').take(64).collect();
    if !id.is_empty() {
        let _ = app.respond(&request("GET", &format!("/v1/identities/{id}"), "", b""));
        let _ = app.respond(&request("GET", &format!("/v2/identities/{id}"), "", b""));
    }
});
