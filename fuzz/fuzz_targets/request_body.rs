//! Bytes as a request body, through every route that takes one, on both APIs (orq in both
//! revisions) and the admin API: JSON decoding (and Python's json error emulation), schema
//! validation, the handlers, error rendering and the store. Nothing may panic, and no answer is a
//! 5xx the real servers do not give (see `identity_mock::fuzzing::request_body`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| identity_mock::fuzzing::request_body(data));
