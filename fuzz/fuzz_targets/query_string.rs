//! Bytes as a query string on every list of both APIs, and as the id of every route with an id in
//! its path. Nothing may panic, and no answer is a 5xx the real servers do not give (see
//! `identity_mock::fuzzing::query_string`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| identity_mock::fuzzing::query_string(data));
