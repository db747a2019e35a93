//! Bytes as the namespace header and the bearer key of requests to routes of both APIs, on a
//! server that accepts one key and holds few namespaces: authentication, namespace resolution and
//! the limit. Nothing may panic, a refused request may not create a namespace, and the registry
//! never passes its limit (see `identity_mock::fuzzing::namespace_headers`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| identity_mock::fuzzing::namespace_headers(data));
