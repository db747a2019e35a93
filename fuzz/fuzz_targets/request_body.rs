//! Bytes as a request body, through every write route of both APIs: JSON decoding (and Python's
//! json error emulation), schema validation, error rendering and the store. Nothing may panic.
#![no_main]

use identity_mock::fuzzing::{app, request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let app = app();
    for (method, path) in [
        ("POST", "/v1/identities/"),
        ("PUT", "/v1/identities/"),
        ("PATCH", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f"),
        ("PUT", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f/properties"),
        ("POST", "/v2/identities"),
        ("PATCH", "/v2/identities/customer_12345"),
    ] {
        let response = app.respond(&request(method, path, "", data));
        assert!(response.status().as_u16() < 500 || path.starts_with("/v1/"), "{method} {path}: {}", response.status());
    }
});
