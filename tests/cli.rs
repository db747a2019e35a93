//! The binary as users run it: the start line, fixtures from a path, refusal of bad fixtures, and a
//! clean exit on SIGTERM.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;
use support::process::Process;

const BIN: &str = env!("CARGO_BIN_EXE_identity-mock");

/// Starts the binary with `args`.
fn start(args: &[&str]) -> Process {
    Process::start(Command::new(BIN).args(args))
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

#[test]
fn starts_serves_the_bundled_fixtures_and_stops_cleanly_on_sigterm() {
    let server = start(&["--port", "0"]);
    let address = server.address.clone();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let health = http_get(&address, "/__admin/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""identities":5"#), "{health}");
    let status = server.stop().0;
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn empty_and_fixture_path_options() {
    let server = start(&["--port", "0", "--empty"]);
    let address = server.address.clone();
    assert!(http_get(&address, "/v1/identities/count").ends_with("\r\n\r\n0"));
    server.stop();

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
    let server = start(&["--port", "0", "--fixtures", folder.to_str().unwrap()]);
    let address = server.address.clone();
    let list = http_get(&address, "/v1/identities/?order=asc");
    let one = list.find(r#""name":"One""#).unwrap();
    let two = list.find(r#""name":"Two""#).unwrap();
    assert!(one < two, "files are read in name order: {list}");
    server.stop();
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
        "POST {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A port that is free now (the kernel picks it, the probe lets it go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The README's snapshot command, on the given port.
const SNAPSHOT_FLAGS: [&str; 6] = ["--empty", "--seed", "7", "--clock", "fixed:2025-01-01T00:00:00Z", "--port"];

#[test]
fn snapshot_runs_repeat_byte_for_byte_responses_and_journal() {
    let port = free_port().to_string();
    let run = || {
        let mut args = SNAPSHOT_FLAGS.to_vec();
        args.push(&port);
        let server = start(&args);
        let address = server.address.clone();
        let letta =
            http_post(&address, "/v1/identities/", "", r#"{"identifier_key":"k","name":"n","identity_type":"user"}"#);
        let orq = http_post(&address, "/v2/identities", "authorization: Bearer k\r\n", r#"{"external_id":"e"}"#);
        let missing = http_get(&address, "/v1/identities/identity-123e4567-e89b-42d3-8456-426614174000");
        // The redirect's location carries host and port, as upstream's does: the same port keeps
        // it the same.
        let redirect = http_get(&address, "/v1/identities?limit=1");
        let journal = http_get(&address, "/__admin/requests");
        server.stop();
        [letta, orq, missing, redirect, journal].join("\n")
    };
    let first = run();
    assert!(first.contains("date: Wed, 01 Jan 2025 00:00:00 GMT"), "{first}");
    assert!(first.contains("created_at=datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)"), "{first}");
    assert!(first.contains(&format!("location: http://127.0.0.1:{port}/v1/identities/?limit=1")), "{first}");
    assert!(first.contains(r#""duration_micros":0"#) && first.contains(r#""time":"2025-01-01T00:00:00.000Z""#));
    assert_eq!(first, run());
}

/// The value of a response header.
fn header<'a>(response: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    response
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("{name} in {response}"))
}

#[test]
fn a_stepping_clock_moves_once_per_write_and_the_date_header_agrees() {
    let server = start(&["--port", "0", "--empty", "--clock", "step:2025-01-01T00:00:00Z:1000"]);
    let address = server.address.clone();
    let before = http_get(&address, "/v2/identities");
    assert_eq!(header(&before, "date"), "Wed, 01 Jan 2025 00:00:00 GMT", "the start is not a write");
    let created = http_post(&address, "/v2/identities", "authorization: Bearer k\r\n", r#"{"external_id":"e"}"#);
    assert!(created.contains(r#""created":"2025-01-01T00:00:01.000Z""#), "the first write is one step on: {created}");
    assert_eq!(header(&created, "date"), "Wed, 01 Jan 2025 00:00:01 GMT", "the date header shows the write's time");
    let read = http_get(&address, "/v2/identities/e");
    assert_eq!(header(&read, "date"), "Wed, 01 Jan 2025 00:00:01 GMT", "a read does not move the clock");
    let second = http_post(&address, "/v2/identities", "authorization: Bearer k\r\n", r#"{"external_id":"f"}"#);
    assert!(second.contains(r#""created":"2025-01-01T00:00:02.000Z""#), "{second}");
    let journal = http_get(&address, "/__admin/requests?method=POST");
    assert!(journal.contains(r#""duration_micros":1000000"#), "a write takes one step: {journal}");
    server.stop();
}

#[test]
fn every_option_can_come_from_the_environment_and_the_command_line_wins() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let options: Vec<&str> = help
        .lines()
        .filter(|l| l.trim_start().starts_with("--") && !l.contains("--help") && !l.contains("--version"))
        .collect();
    assert!(options.len() >= 19, "every option is listed: {options:?}");
    for option in options {
        let name = option.trim_start().trim_start_matches("--").split([' ', '<']).next().unwrap();
        let variable = format!("[env: IDENTITY_MOCK_{}=", name.to_uppercase().replace('-', "_"));
        assert!(help.contains(&variable), "--{name} has no variable {variable} in --help");
    }
    let with_env =
        |vars: &[(&str, &str)], args: &[&str]| Process::start(Command::new(BIN).args(args).envs(vars.iter().copied()));
    let server = with_env(&[("IDENTITY_MOCK_PORT", "0"), ("IDENTITY_MOCK_EMPTY", "1")], &[]);
    let address = server.address.clone();
    assert!(http_get(&address, "/v1/identities/count").ends_with("\r\n\r\n0"), "IDENTITY_MOCK_EMPTY=1 empties");
    server.stop();
    let server = with_env(&[("IDENTITY_MOCK_PORT", "1"), ("IDENTITY_MOCK_EMPTY", "false")], &["--port", "0"]);
    let address = server.address.clone();
    assert!(http_get(&address, "/v1/identities/count").ends_with("\r\n\r\n5"), "the option wins; false is off");
    server.stop();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/orq.json");
    let server = with_env(&[("IDENTITY_MOCK_EMPTY", "true")], &["--port", "0", "--fixtures", fixtures]);
    let address = server.address.clone();
    assert!(
        http_get(&address, "/__admin/health").contains(r#""orq":{"identities":4}"#),
        "--fixtures beats the variable"
    );
    server.stop();
    let refused = Command::new(BIN).env("IDENTITY_MOCK_JOURNAL_SIZE", "many").output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("invalid value 'many' for '--journal-size"));
}

#[test]
fn log_requests_prints_one_line_per_request_to_stderr() {
    let server = start(&["--port", "0", "--log", "requests", "--clock", "fixed:2025-01-01T00:00:00Z"]);
    http_get(&server.address, "/v1/identities/count");
    http_post(&server.address, "/v2/identities", "authorization: Bearer team-a\r\n", r#"{"external_id":"e"}"#);
    let (_, logged) = server.stop();
    let lines: Vec<&str> = logged.lines().collect();
    assert_eq!(
        lines,
        [
            "2025-01-01T00:00:00.000Z default GET /v1/identities/count 200 0.0ms",
            "2025-01-01T00:00:00.000Z team-a POST /v2/identities 201 0.0ms",
        ]
    );
}

#[test]
fn a_port_in_use_names_the_address_and_suggests_port_0() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(BIN).args(["--port", &port]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
    assert!(stderr.contains("--port 0 picks a free one"), "{stderr}");
}

#[test]
fn a_bad_clock_flag_is_refused_with_its_reason() {
    let output = Command::new(BIN).args(["--clock", "fixed:yesterday"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not an RFC 3339 time"), "{stderr}");
}
