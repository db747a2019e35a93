//! The binary as users run it: the start line, fixtures from a path, refusal of bad fixtures, and a
//! clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_identity-mock");

/// Starts the binary and returns it with the address from its `listening on` line.
fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address =
        line.trim().strip_prefix("listening on http://").unwrap_or_else(|| panic!("start line: {line:?}")).to_string();
    (child, address)
}

/// A raw HTTP/1.1 GET; returns the whole response text.
fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn terminate(mut child: Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    child.wait().unwrap()
}

#[test]
fn starts_serves_the_bundled_fixtures_and_stops_cleanly_on_sigterm() {
    let (child, address) = start(&["--port", "0"]);
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let health = http_get(&address, "/__admin/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""identities":5"#), "{health}");
    let status = terminate(child);
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn empty_and_fixture_path_options() {
    let (child, address) = start(&["--port", "0", "--empty"]);
    assert!(http_get(&address, "/v1/identities/count").ends_with("\r\n\r\n0"));
    terminate(child);

    let folder = std::env::temp_dir().join(format!("identity-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.json"),
        r#"{"letta": {"identities": [{"identifier_key": "k1", "name": "One", "identity_type": "org"}]}}"#,
    )
    .unwrap();
    std::fs::write(
        folder.join("b.json"),
        r#"{"letta": {"identities": [{"identifier_key": "k2", "name": "Two", "identity_type": "user"}]}}"#,
    )
    .unwrap();
    let (child, address) = start(&["--port", "0", "--fixtures", folder.to_str().unwrap()]);
    let list = http_get(&address, "/v1/identities/?order=asc");
    let one = list.find(r#""name":"One""#).unwrap();
    let two = list.find(r#""name":"Two""#).unwrap();
    assert!(one < two, "files are read in name order: {list}");
    terminate(child);
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn a_bad_fixtures_file_stops_the_start_with_file_pointer_and_rule() {
    let file = std::env::temp_dir().join(format!("identity-mock-bad-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"letta": {"identities": [{"identifier_key": "k", "name": "n", "identity_type": "robot"}]}}"#,
    )
    .unwrap();
    let output = Command::new(BIN).args(["--port", "0", "--fixtures", file.to_str().unwrap()]).output().unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no listening line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}: /letta/identities/0/identity_type:", file.display())), "{stderr}");
    assert!(stderr.contains("rule: schemas/letta/IdentityType.json#/enum)"), "{stderr}");
}

/// A raw HTTP/1.1 request with a JSON body; returns the whole response text.
fn http_post(address: &str, path: &str, headers: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: mock\r\nconnection: close\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn seed_and_clock_flags_make_runs_repeat_byte_for_byte() {
    let run = || {
        let (child, address) = start(&["--port", "0", "--seed", "7", "--clock", "fixed:2025-01-01T00:00:00Z"]);
        let letta =
            http_post(&address, "/v1/identities/", "", r#"{"identifier_key":"k","name":"n","identity_type":"user"}"#);
        let orq = http_post(&address, "/v2/identities", "authorization: Bearer k\r\n", r#"{"external_id":"e"}"#);
        let missing = http_get(&address, "/v1/identities/identity-123e4567-e89b-42d3-8456-426614174000");
        terminate(child);
        format!("{letta}\n{orq}\n{missing}")
    };
    let first = run();
    assert!(first.contains("date: Wed, 01 Jan 2025 00:00:00 GMT"), "{first}");
    assert!(first.contains("created_at=datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)"), "{first}");
    assert_eq!(first, run());
}

#[test]
fn a_bad_clock_flag_is_refused_with_its_reason() {
    let output = Command::new(BIN).args(["--clock", "fixed:yesterday"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not an RFC 3339 time"), "{stderr}");
}
