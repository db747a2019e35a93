//! `identity-mock verify`: the scenario library run against a second identity-mock (in-process and
//! as a process), with a fault injected, across orq revisions, interrupted half-way, and with
//! other data in the server, which must come out untouched.

mod support;

use identity_mock::verify::{self, Api, BaseUrl, Options, Runner};
use identity_mock::{Config, FixtureSource, MockServer, Revision};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::process::{request, Process};

const BIN: &str = env!("CARGO_BIN_EXE_identity-mock");

fn start(args: &[&str]) -> Process {
    Process::start(Command::new(BIN).args(args))
}

fn state(address: &str) -> String {
    let (status, body) = request(address, "GET", "/__admin/state", "");
    assert_eq!(status, 200, "{body}");
    body
}

fn verify(args: &[&str]) -> (i32, String, String) {
    let output: Output = Command::new(BIN).arg("verify").args(args).output().expect("the command runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `N passed, M failed`, the closing line.
fn closing(stdout: &str) -> (usize, usize) {
    let line = stdout.lines().last().unwrap_or_default();
    let numbers: Vec<usize> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert!(line.ends_with(" failed") && numbers.len() == 2, "no closing line in {stdout}");
    (numbers[0], numbers[1])
}

#[test]
fn letta_against_a_second_mock_passes_and_leaves_its_other_data_alone() {
    let server = start(&["--port", "0"]);
    let url = format!("http://{}", server.address);
    let before = state(&server.address);
    assert!(before.contains("identifier_key"), "the server holds other data: {before}");
    let folder = tempfile::tempdir().unwrap();
    let junit = folder.path().join("verify.xml");
    let record = folder.path().join("verify.txt");
    let (code, stdout, stderr) =
        verify(&["--letta", &url, "--junit", junit.to_str().unwrap(), "--record", record.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let (passed, failed) = closing(&stdout);
    assert!(passed >= 20 && failed == 0, "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok   letta/")).count(), passed);
    assert_eq!(state(&server.address), before, "the server holds exactly what it held before");

    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert_eq!(junit.matches("<testcase ").count(), passed);
    assert!(junit.contains(r#"failures="0""#) && !junit.contains("<failure"), "{junit}");

    // The transcript reads as tests/letta_replay.rs reads the recorded real exchanges.
    let transcript = std::fs::read_to_string(record).unwrap();
    let blocks: Vec<&str> = transcript.split("\n### ").skip(1).collect();
    assert!(blocks.len() > 100, "{} exchanges", blocks.len());
    for block in &blocks {
        let mut lines = block.lines();
        let (name, request) = lines.next().unwrap().split_once(": ").expect("name: request");
        assert!(name.starts_with("letta_"), "{name}");
        let (method, _) = request.split_once(' ').expect("method and path");
        assert!(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(&method), "{request}");
        let status_line = lines.next().unwrap();
        let status: u16 = status_line.split(' ').nth(1).unwrap().parse().expect("a status");
        assert!((200..600).contains(&status), "{status_line}");
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            assert!(line.split_once(": ").is_some(), "a header line: {line}");
        }
    }
    assert!(transcript.contains("HTTP/1.1 409 Conflict\n"), "the duplicate's exchange is recorded");
    server.stop();
}

#[test]
fn a_fault_on_create_fails_the_run_and_names_the_request() {
    let server = start(&["--port", "0"]);
    let url = format!("http://{}", server.address);
    let before = state(&server.address);
    let fault = r#"{"method": "POST", "path": "/v1/identities/", "status": 500, "body": {"detail": "injected"}}"#;
    assert_eq!(request(&server.address, "POST", "/__admin/faults", fault).0, 201);
    let (code, stdout, stderr) = verify(&["--letta", &url]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let (passed, failed) = closing(&stdout);
    assert!(failed >= 10 && passed >= 1, "{stdout}");
    assert!(stdout.contains("DIFF letta/create-retrieve"), "{stdout}");
    assert!(stdout.contains("  request 1: POST /v1/identities/ body={\"identifier_key\":\"verify-"), "{stdout}");
    assert!(stdout.contains(r#"    live: 500 {"detail":"injected"}"#), "{stdout}");
    assert!(stdout.contains("    differs in: status, body"), "{stdout}");
    assert!(stdout.contains("ok   letta/malformed-ids"), "scenarios that create nothing still pass: {stdout}");
    assert_eq!(state(&server.address), before);
    server.stop();
}

/// A server with `--fix-upstream-bugs` answers where Letta 0.16.8 has bugs with the documented
/// intent: each of those answers is a difference (the README section's example output).
#[test]
fn a_mock_that_fixes_upstream_bugs_differs_where_the_compatibility_table_says() {
    let server = start(&["--port", "0", "--fix-upstream-bugs"]);
    let (code, stdout, _) = verify(&["--letta", &format!("http://{}", server.address)]);
    assert_eq!(code, 1, "{stdout}");
    for scenario in
        ["upsert-missing-key", "upsert-project", "list-cursor-window", "list-limits", "create-unknown-agent"]
    {
        assert!(stdout.contains(&format!("DIFF letta/{scenario} ")), "{scenario}: {stdout}");
    }
    assert!(stdout.contains("    live: 200 {\"id\":\"<id1>\",\"identifier_key\":\"verify-"), "{stdout}");
    assert!(stdout.contains("ok   letta/create-retrieve (3 requests)"), "{stdout}");
    server.stop();
}

#[test]
fn orq_against_a_second_mock_passes_in_both_revisions_and_a_revision_mismatch_fails() {
    for revision in ["current", "v1"] {
        let server = start(&["--port", "0", "--api-key", "verify-key", "--orq-api", revision]);
        let url = format!("http://{}", server.address);
        // The key's workspace holds the orq fixtures before the run and after it.
        let before = orq_list(&server.address);
        assert!(before.contains("external_id"), "{before}");
        let (code, stdout, stderr) =
            verify(&["--orq", &url, "--api-key", "verify-key", "--orq-api", revision, "--pace", "1"]);
        assert_eq!(code, 0, "{revision}: {stdout}\n{stderr}");
        let (passed, failed) = closing(&stdout);
        assert!(passed >= 15 && failed == 0, "{stdout}");
        assert_eq!(orq_list(&server.address), before, "{revision}: the workspace's other identities are untouched");
        server.stop();
    }

    let server = start(&["--port", "0", "--api-key", "verify-key", "--orq-api", "v1"]);
    let url = format!("http://{}", server.address);
    let before = orq_list(&server.address);
    let (code, stdout, stderr) = verify(&["--orq", &url, "--api-key", "verify-key", "--orq-api", "current"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("DIFF orq/create-retrieve"), "{stdout}");
    assert!(stdout.contains("  request 1: POST /v2/identities body={\"external_id\":\"verify-"), "{stdout}");
    assert_eq!(orq_list(&server.address), before, "the v1 answers' ids are found and deleted too");
    // An error text is the mock's inference: a difference there says so.
    assert!(stdout.contains("inferred behaviour differs (README, orq compatibility table, row"), "{stdout}");
    server.stop();
}

/// Every identity of the workspace of the key `verify-key`, as the API lists them.
fn orq_list(address: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /v2/identities?limit=50&include_metrics=true HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer verify-key\r\n\
         connection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200") && text.contains(r#""has_more":false"#), "{text}");
    text.split_once("\r\n\r\n").unwrap().1.to_string()
}

#[test]
fn an_interrupted_run_leaves_no_identity_behind() {
    let server = start(&["--port", "0"]);
    let url = format!("http://{}", server.address);
    let before = state(&server.address);
    // The first request for an identity's blocks comes with an identity of the run in place; it
    // hangs for a minute, so the run is half-way when the signal comes.
    let fault = r#"{"method": "GET", "path": "/v1/identities/*/blocks", "delay_ms": 60000}"#;
    assert_eq!(request(&server.address, "POST", "/__admin/faults", fault).0, 201);
    let mut child = Command::new(BIN)
        .args(["verify", "--letta", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("ok   letta/list-limits") {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the run ended early: {seen}");
        seen.push_str(&line);
    }
    // Wait until the run's identity for the blocks request is there.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !state(&server.address).contains("verify-") {
        assert!(Instant::now() < deadline, "the run created nothing: {seen}");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(state(&server.address).contains("-identity-agents-blocks-a"), "the run is mid-way");
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let started = Instant::now();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "it stopped without waiting for the hanging request");
    assert_eq!(status.code(), Some(2), "{seen}{rest}");
    assert!(rest.contains("interrupted: deleting this run's identities"), "{rest}");
    assert!(!rest.contains("identity-agents-blocks"), "the scenario in flight is not reported: {rest}");
    assert_eq!(state(&server.address), before, "nothing of the run is left, nothing else is touched");
    server.stop();
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_status_2() {
    let (code, _, stderr) = verify(&["--letta", "ftp://example.com"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not an http:// or https:// URL"), "{stderr}");
    let (code, _, stderr) = verify(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--letta") && stderr.contains("--orq"), "{stderr}");
    let (code, _, stderr) = verify(&["--orq", "http://127.0.0.1:1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--api-key"), "{stderr}");
    let (code, _, stderr) = verify(&["--letta", "http://127.0.0.1:1", "--api-key", "k"]);
    assert_eq!(code, 2, "{stderr}");
    // Nothing listens on port 1.
    let (code, stdout, stderr) = verify(&["--letta", "http://127.0.0.1:1"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("does not answer"), "{stderr}");
    // A plain server asked for TLS: the handshake fails, and says so.
    let server = start(&["--port", "0"]);
    let (code, _, stderr) = verify(&["--letta", &format!("https://{}", server.address)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("TLS handshake with 127.0.0.1:"), "{stderr}");
    server.stop();
    // A key the server refuses.
    let server = start(&["--port", "0", "--api-key", "only-this"]);
    let (code, _, stderr) = verify(&["--orq", &format!("http://{}", server.address), "--api-key", "another"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("answered GET /v2/identities?search=verify-") && stderr.contains("401"), "{stderr}");
    server.stop();
}

#[test]
fn a_dry_run_prints_the_requests_and_sends_none() {
    let server = start(&["--port", "0"]);
    let (code, stdout, stderr) = verify(&["--letta", &format!("http://{}", server.address), "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  POST /v1/identities/ body={\"identifier_key\":\"verify-"), "{stdout}");
    assert!(stdout.contains("  DELETE /v1/identities/{id:a}"), "{stdout}");
    let (status, count) = request(&server.address, "GET", "/__admin/requests/count", "");
    assert_eq!((status, count.as_str()), (200, r#"{"count":0}"#));
    // Nothing listens here, and a dry run does not care.
    let (code, stdout, _) = verify(&["--orq", "https://api.orq.invalid", "--api-key", "k", "--dry-run"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("  GET /v2/identities?search=verify-"), "{stdout}");
    server.stop();
}

/// The library, in-process: every scenario passes against the mock, and together they reach
/// every operation of each API.
#[tokio::test]
async fn the_scenario_library_passes_against_the_mock_and_covers_every_operation() {
    for (api, revision) in [
        (Api::Letta, Revision::Current),
        (Api::Orq(Revision::Current), Revision::Current),
        (Api::Orq(Revision::V1), Revision::V1),
    ] {
        let live = MockServer::start_with(Config {
            port: 0,
            fixtures: FixtureSource::Bundled,
            orq_revision: revision,
            api_keys: vec!["k".into()],
            ..Config::default()
        })
        .await
        .unwrap();
        let options = Options {
            api,
            live: BaseUrl::parse(&live.uri()).unwrap(),
            credential: Some("k".into()),
            // The mock ignores X-Project-Id, as the real server does on this route.
            project_id: (api == Api::Letta).then(|| "verify-project".to_string()),
            verbose: false,
            only: vec![],
            timeout: Duration::from_secs(10),
            run_prefix: None,
            ca_file: None,
            replay: None,
            pace: Duration::ZERO,
        };
        let mut runner = Runner::start(options).await.unwrap();
        let mut out = Vec::new();
        runner.run_all(&mut out).await;
        let printed = String::from_utf8(out).unwrap();
        for result in &runner.results {
            assert!(result.differences.is_empty(), "{api:?}: {printed}");
        }
        assert!(runner.clean_up().await.is_empty());
        let requests: Vec<String> =
            runner.exchanges.iter().map(|e| format!("{} {}", e.request.method, e.request.path)).collect();
        let shapes: std::collections::BTreeSet<String> = requests.iter().map(|r| shape(r)).collect();
        let operations: &[&str] = match api {
            Api::Letta => &[
                "GET /v1/identities/",
                "GET /v1/identities/count",
                "POST /v1/identities/",
                "PUT /v1/identities/",
                "GET /v1/identities/ID",
                "PATCH /v1/identities/ID",
                "PUT /v1/identities/ID/properties",
                "DELETE /v1/identities/ID",
                "GET /v1/identities/ID/agents",
                "GET /v1/identities/ID/blocks",
            ],
            Api::Orq(_) => &[
                "GET /v2/identities",
                "POST /v2/identities",
                "GET /v2/identities/ID",
                "PATCH /v2/identities/ID",
                "DELETE /v2/identities/ID",
                "POST /v2/contacts",
            ],
        };
        for operation in operations {
            assert!(shapes.contains(*operation), "{api:?}: no scenario sends {operation}: {shapes:?}");
        }
        assert!(runner.results.len() >= 15, "{api:?}: {} scenarios", runner.results.len());
        // Every list is scoped to the run's identities.
        for request in requests
            .iter()
            .filter(|r| r.starts_with("GET ") && (r.contains("/identities/?") || r.contains("/identities?")))
        {
            let scoped = request.contains(&format!("name={}", runner.run_prefix()))
                || request.contains(&format!("search={}", runner.run_prefix()))
                || request.contains(&format!("identifier_key={}", runner.run_prefix()))
                || request.contains(&format!("filter_by.tags={}", runner.run_prefix()));
            assert!(scoped, "an unscoped list: {request}");
        }
    }
    assert!(verify::library(Api::Letta).len() >= 20);
}

/// `GET /v1/identities/identity-…?x` as `GET /v1/identities/ID`.
fn shape(request: &str) -> String {
    let request = request.split('?').next().unwrap();
    let ids = regex::Regex::new(r"identity-[0-9a-f-]{36}|[0-9A-HJKMNP-TV-Z]{26}").unwrap();
    ids.replace_all(request, "ID").into_owned()
}

/// The shell examples of the README's section "Checking the mock against your own server" run,
/// each against a second identity-mock standing in for the server it names, and exit 0.
#[test]
fn the_documented_examples_run() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let heading = "Checking the mock against your own server";
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let start_line =
        lines.iter().position(|l| l.starts_with('#') && l.ends_with(heading)).expect("README.md has the section");
    // The section runs to the next heading of its level or higher, outside code blocks.
    let level = lines[start_line].chars().take_while(|c| *c == '#').count();
    let mut fenced = false;
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate().skip(start_line + 1) {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') && line.chars().take_while(|c| *c == '#').count() <= level {
            end = i;
            break;
        }
    }
    let text = lines[start_line..end].join("\n");
    let plain = start(&["--port", "0"]);
    let keyed = start(&["--port", "0", "--api-key", "docs-key"]);
    let folder = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let lines: Vec<&str> = text.lines().collect();
    let mut ran = 0;
    for (index, line) in lines.iter().enumerate() {
        if *line != "```sh" {
            continue;
        }
        let marker = lines[index - 1];
        assert!(marker.starts_with("<!-- readme-sh: elsewhere (tests/verify.rs"), "{marker}");
        let command = lines[index + 1];
        assert_eq!(lines[index + 2], "```", "one command per block");
        let command = command
            .replace("http://127.0.0.1:8283", &format!("http://{}", plain.address))
            .replace("https://letta.example.com", &format!("http://{}", keyed.address))
            .replace("https://api.orq.ai", &format!("http://{}", keyed.address));
        let run = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &command])
            .env("PATH", &path)
            .env("LETTA_TOKEN", "docs-key")
            .env("ORQ_API_KEY", "docs-key")
            .current_dir(folder.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "`{command}`: {stdout}\n{}", String::from_utf8_lossy(&run.stderr));
        if !command.contains("--dry-run") {
            assert!(closing(&stdout).1 == 0, "{stdout}");
        }
        ran += 1;
    }
    assert_eq!(ran, 6, "the section's six commands");
    assert!(folder.path().join("verify-record.txt").exists() && folder.path().join("verify.xml").exists());
}

/// `--letta https://…`: a TLS proxy (a certificate from a private CA, made with openssl) in front
/// of a second identity-mock. With `--ca-file` the run passes; without it the certificate is
/// refused and the run cannot start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_private_ca() {
    let folder = tempfile::tempdir().unwrap();
    let script = r#"set -e
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=verify-test-ca 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > leaf.ext
        openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext 2>/dev/null"#;
    let made = Command::new("bash").args(["-c", script]).current_dir(folder.path()).status().expect("bash runs");
    assert!(made.success(), "openssl made the certificates");

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(folder.path().join("leaf.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(folder.path().join("leaf.key")).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));

    let backend = MockServer::start().await;
    let backend_addr = backend.addr();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let proxy = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend_addr).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });

    let url = format!("https://localhost:{port}");
    let ca = folder.path().join("ca.pem").to_str().unwrap().to_string();
    let (code, stdout, stderr) = {
        let (url, ca) = (url.clone(), ca.clone());
        tokio::task::spawn_blocking(move || verify(&["--letta", &url, "--ca-file", &ca])).await.unwrap()
    };
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(closing(&stdout).0 >= 20, "{stdout}");
    let (code, _, stderr) = tokio::task::spawn_blocking(move || verify(&["--letta", &url])).await.unwrap();
    assert_eq!(code, 2);
    assert!(stderr.contains("TLS handshake") && stderr.contains("certificate"), "{stderr}");
    proxy.abort();
}

/// A run against a real Letta 0.16.8 (`../shared/real-letta/`, holding other data), recorded with
/// `--record`, replays against the mock without a difference. After a change to the Letta
/// scenarios, record it again: `identity-mock verify --letta http://127.0.0.1:18283 --record
/// tests/data/letta/verify.real-responses.txt`.
#[test]
fn the_recorded_real_letta_run_replays_without_a_difference() {
    let recording = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/letta/verify.real-responses.txt");
    let text = std::fs::read_to_string(recording).unwrap();
    assert!(text.contains("\nserver: uvicorn\n"), "recorded from the real server");
    let (code, stdout, stderr) = verify(&["--replay", recording]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let (passed, failed) = closing(&stdout);
    assert!(passed >= 20 && failed == 0, "{stdout}");
    assert_eq!(passed, identity_mock::verify::library(Api::Letta).len(), "every Letta scenario is in the recording");

    // A recording whose duplicate create answered 200 instead of 409: the replay names it.
    let folder = tempfile::tempdir().unwrap();
    let tampered = folder.path().join("tampered.txt");
    let at = text.find("### letta_create-duplicate_2: ").unwrap();
    let status = at + text[at..].find("HTTP/1.1 409 Conflict").unwrap();
    let changed = format!("{}HTTP/1.1 200 OK{}", &text[..status], &text[status + "HTTP/1.1 409 Conflict".len()..]);
    std::fs::write(&tampered, changed).unwrap();
    let (code, stdout, _) = verify(&["--replay", tampered.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("DIFF letta/create-duplicate (1 of 3 requests differs)"), "{stdout}");
    assert!(stdout.contains("  request 2: POST /v1/identities/ body="), "{stdout}");
    assert_eq!(closing(&stdout), (passed - 1, 1));

    let (code, _, stderr) = verify(&["--replay", "Cargo.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a recording made by `identity-mock verify --record`"), "{stderr}");
}
