//! Reliability: concurrent writers, hostile input, slow clients, limits, panics, access control,
//! and the state file.

mod support;

use identity_mock::{Config, FixtureSource, MockServer};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{get, send, send_json, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn empty() -> Config {
    Config { fixtures: FixtureSource::Empty, ..Config::default() }
}

async fn start(config: Config) -> Arc<MockServer> {
    Arc::new(support::start(config).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_racing_creates_of_one_key_store_exactly_one() {
    let server = start(empty()).await;
    for (path, body, created) in [
        ("/v1/identities/", json!({"identifier_key": "race", "name": "r", "identity_type": "user"}), 200),
        ("/v2/identities", json!({"external_id": "race"}), 201),
    ] {
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let server = server.clone();
            let body = body.to_string();
            tasks.push(tokio::spawn(async move {
                let headers = [("content-type", "application/json"), ("authorization", "Bearer race")];
                send(&server, "POST", path, &headers, Some(body.as_bytes())).await.status.as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        let winners = statuses.iter().filter(|s| **s == created).count();
        let conflicts = statuses.iter().filter(|s| **s == 409).count();
        assert_eq!((winners, conflicts), (1, 999), "{path}");
    }
    let headers = [("authorization", "Bearer race")];
    assert_eq!(send(&server, "GET", "/v1/identities/count", &headers, None).await.text(), "1");
    let orq = send(&server, "GET", "/v2/identities?limit=50", &headers, None).await.json();
    assert_eq!(orq["data"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_patches_lose_no_property() {
    let server = start(empty()).await;
    let created = send_json(
        &server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": "p", "name": "p", "identity_type": "user"}),
    )
    .await;
    let id = created.json()["id"].as_str().unwrap().to_string();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let server = server.clone();
        let path = format!("/v1/identities/{id}");
        tasks.push(tokio::spawn(async move {
            let body = json!({"properties": [{"key": format!("k{i}"), "value": i, "type": "number"}]});
            send_json(&server, "PATCH", &path, &body).await.status.as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let identity = get(&server, &format!("/v1/identities/{id}")).await.json();
    let keys: HashSet<String> =
        identity["properties"].as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap().to_string()).collect();
    assert_eq!(keys.len(), 200);
    assert!((0..200).all(|i| keys.contains(&format!("k{i}"))));
}

/// Writers create, update and delete while readers walk the list by cursor. Each identity's name
/// and its one property always carry the same version, so a half-written identity would show.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cursor_walks_during_writes_see_no_duplicate_and_no_half_write() {
    let server = start(empty()).await;
    let mut writers = Vec::new();
    for writer in 0..4 {
        let server = server.clone();
        writers.push(tokio::spawn(async move {
            let (mut created, mut deleted) = (0, 0);
            for i in 0..60 {
                let key = format!("w{writer}-{i}");
                let body = json!({"identifier_key": key, "name": "v0", "identity_type": "user", "properties": [{"key": "version", "value": "v0", "type": "string"}]});
                let reply = send_json(&server, "POST", "/v1/identities/", &body).await;
                assert_eq!(reply.status, 200);
                created += 1;
                let id = reply.json()["id"].as_str().unwrap().to_string();
                let version = format!("v{}", i + 1);
                let update = json!({"name": version, "properties": [{"key": "version", "value": version, "type": "string"}]});
                assert_eq!(send_json(&server, "PATCH", &format!("/v1/identities/{id}"), &update).await.status, 200);
                if i % 3 == 0 {
                    assert_eq!(send(&server, "DELETE", &format!("/v1/identities/{id}"), &[], None).await.status, 200);
                    deleted += 1;
                }
            }
            created - deleted
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..4 {
        let server = server.clone();
        readers.push(tokio::spawn(async move {
            // How many identities this reader's walks saw, and how many walks ran to the end.
            let (mut seen_in_walks, mut complete) = (0, 0);
            for _ in 0..20 {
                let mut seen = HashSet::new();
                let mut path = "/v1/identities/?limit=7".to_string();
                loop {
                    let reply = get(&server, &path).await;
                    if reply.status == 404 {
                        break; // the cursor identity was deleted meanwhile: this walk ends early
                    }
                    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
                    let page = reply.json();
                    let page = page.as_array().unwrap();
                    if page.is_empty() {
                        complete += 1;
                        break;
                    }
                    assert!(page.len() <= 7, "{} rows on a page of 7", page.len());
                    for identity in page {
                        let id = identity["id"].as_str().unwrap().to_string();
                        assert!(seen.insert(id.clone()), "{id} twice in one walk");
                        assert_eq!(identity["name"], identity["properties"][0]["value"], "half-written: {identity}");
                    }
                    path = format!("/v1/identities/?limit=7&after={}", page.last().unwrap()["id"].as_str().unwrap());
                }
                seen_in_walks += seen.len();
            }
            (seen_in_walks, complete)
        }));
    }
    let mut expected = 0;
    for writer in writers {
        expected += writer.await.unwrap();
    }
    let (mut seen_in_walks, mut complete) = (0, 0);
    for reader in readers {
        let (seen, walks) = reader.await.unwrap();
        seen_in_walks += seen;
        complete += walks;
    }
    // The walks ran while the writers wrote: they saw identities, and most reached the end.
    assert!(seen_in_walks > 0, "the cursor walks saw no identity");
    assert!(complete > 0, "no cursor walk reached the end of the list");
    assert_eq!(get(&server, "/v1/identities/count").await.text(), expected.to_string());
    let all: Vec<String> = get(&server, "/v1/identities/?limit=0")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|identity| identity["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all.len(), expected);
    // Once the writes are over, a cursor walk sees every identity once, in the list's order.
    let mut walked = Vec::new();
    let mut path = "/v1/identities/?limit=7".to_string();
    loop {
        let page = get(&server, &path).await.json();
        let page = page.as_array().unwrap();
        if page.is_empty() {
            break;
        }
        walked.extend(page.iter().map(|identity| identity["id"].as_str().unwrap().to_string()));
        assert!(walked.len() <= all.len(), "the walk shows more than the {} identities", all.len());
        path = format!("/v1/identities/?limit=7&after={}", walked.last().unwrap());
    }
    assert_eq!(walked, all);
}

#[tokio::test]
async fn hostile_orq_bodies_get_a_400_and_change_nothing() {
    let server = start(Config::default()).await;
    let headers = [("authorization", "Bearer hostile"), ("content-type", "application/json")];
    let before = send(&server, "GET", "/v2/identities?limit=50", &headers, None).await.text();
    let deep = "[".repeat(100_000);
    let huge = format!(r#"{{"external_id": "x", "metadata": {{"n": 1{}}}}}"#, "0".repeat(400));
    let bodies: Vec<&[u8]> =
        vec![b"\xff\xfe", deep.as_bytes(), b"{\"external_id\": 1e999}", b"[]", b"{\"external_id\"", huge.as_bytes()];
    for body in bodies {
        let reply = send(&server, "POST", "/v2/identities", &headers, Some(body)).await;
        assert_eq!(reply.status, 400, "{:?} -> {}", String::from_utf8_lossy(&body[..body.len().min(30)]), reply.text());
        assert!(reply.json()["message"].is_string());
    }
    // Valid JSON with a NUL and a duplicate key is accepted as JSON says (the last key wins).
    let odd = br#"{"external_id": "first", "external_id": "nul\u0000end"}"#;
    let reply = send(&server, "POST", "/v2/identities", &headers, Some(odd)).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["identity"]["external_id"], "nul\u{0}end");
    send(&server, "DELETE", "/v2/identities/nul%00end", &headers, None).await;
    assert_eq!(send(&server, "GET", "/v2/identities?limit=50", &headers, None).await.text(), before);
    let too_big = vec![b' '; 2 * 1024 * 1024];
    let refused = send(&server, "POST", "/v2/identities", &headers, Some(&too_big)).await;
    assert_eq!(refused.status, 413);
    assert_eq!(refused.json()["message"], "Request body is larger than 1048576 bytes", "the orq error shape");
}

#[tokio::test]
async fn a_slow_client_delays_nobody_and_is_cut_off() {
    let server = start(Config { header_read_timeout: Duration::from_millis(800), ..Config::default() }).await;
    let mut slow = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let trickle = tokio::spawn(async move {
        // One byte every 200 ms: the headers would take seconds to arrive.
        for byte in b"GET /v1/identities/count HTTP/1.1\r\nhost: localhost\r\n\r\n" {
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
        rest
    });
    for _ in 0..10 {
        let started = Instant::now();
        assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
        assert!(started.elapsed() < Duration::from_millis(500), "a fast client waited {:?}", started.elapsed());
    }
    let started = Instant::now();
    let answer = trickle.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4), "the slow client was cut off");
    let text = String::from_utf8_lossy(&answer);
    assert!(!text.contains("200 OK"), "the slow request was not served: {text}");
}

#[tokio::test]
async fn connections_over_the_limit_wait_for_a_free_one() {
    let server = start(Config { max_connections: 2, ..Config::default() }).await;
    // Two idle keep-alive connections take both places.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"GET /v1/identities/count HTTP/1.1\r\nhost: localhost\r\n\r\n").await.unwrap();
        let mut buffer = [0u8; 512];
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let server_for_third = server.clone();
    let third = tokio::spawn(async move { get(&server_for_third, "/v1/identities/count").await.text() });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!third.is_finished(), "a third connection was served while two were held");
    held.pop();
    let answer = tokio::time::timeout(Duration::from_secs(5), third).await.unwrap().unwrap();
    assert_eq!(answer, "5");
}

#[tokio::test]
async fn a_panic_costs_one_request_not_the_server() {
    let server = start(Config { test_routes: true, ..Config::default() }).await;
    let reply: Reply = get(&server, "/__admin/test/panic").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.text(), r#"{"error":"internal error"}"#, "in the admin API's own shape");
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
    let without = start(Config::default()).await;
    assert_eq!(get(&without, "/__admin/test/panic").await.status, 404, "off unless asked for");
}

#[tokio::test]
async fn admin_token_and_api_keys_guard_access() {
    let server =
        start(Config { admin_token: Some("s3cret".into()), api_keys: vec!["key-1".into()], ..Config::default() }).await;
    assert_eq!(get(&server, "/__admin/health").await.status, 401);
    assert_eq!(send(&server, "GET", "/__admin/health", &[("authorization", "Bearer wrong")], None).await.status, 401);
    assert_eq!(send(&server, "GET", "/__admin/health", &[("x-admin-token", "s3cret")], None).await.status, 200);
    assert_eq!(send(&server, "POST", "/__admin/reset", &[("authorization", "Bearer s3cret")], None).await.status, 200);
    // Letta behaves as a secured Letta server: its own 401 body.
    let letta = get(&server, "/v1/identities/count").await;
    assert_eq!((letta.status.as_u16(), letta.text().as_str()), (401, r#"{"detail":"Unauthorized"}"#));
    assert_eq!(
        send(&server, "GET", "/v1/identities/count", &[("authorization", "Bearer key-1")], None).await.text(),
        "5"
    );
    assert_eq!(
        send(&server, "GET", "/v1/identities/count", &[("x-bare-password", "password key-1")], None).await.text(),
        "5"
    );
    // orq with its own 401 body.
    let orq = send(&server, "GET", "/v2/identities", &[("authorization", "Bearer key-2")], None).await;
    assert_eq!(orq.status, 401);
    assert_eq!(orq.json()["code"], 16);
}

/// A state file path in a fresh temporary folder, removed with the returned guard.
fn temp_path(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::Builder::new().prefix(&format!("identity-mock-state-{name}-")).tempdir().unwrap();
    let path = folder.path().join("state.json");
    (folder, path)
}

#[tokio::test]
async fn the_state_file_survives_a_restart() {
    let (_folder, path) = temp_path("restart");
    let config = || Config { state_file: Some(path.clone()), port: 0, ..Config::default() };
    let server = MockServer::start_with(config()).await.unwrap();
    send_json(
        &server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": "kept", "name": "K", "identity_type": "org"}),
    )
    .await;
    send(&server, "POST", "/v2/identities", &[("authorization", "Bearer ws")], Some(br#"{"external_id":"kept-too"}"#))
        .await;
    server.stop().await.unwrap();
    let restarted = MockServer::start_with(config()).await.unwrap();
    assert_eq!(get(&restarted, "/v1/identities/?identifier_key=kept").await.json().as_array().unwrap().len(), 1);
    assert_eq!(
        send(&restarted, "GET", "/v2/identities/kept-too", &[("authorization", "Bearer ws")], None).await.status,
        200
    );
    restarted.stop().await.unwrap();
}

#[tokio::test]
async fn the_state_file_is_written_while_the_state_changes() {
    let (_folder, path) = temp_path("periodic");
    let server = MockServer::start_with(Config {
        state_file: Some(path.clone()),
        state_interval: Duration::from_millis(100),
        port: 0,
        ..Config::default()
    })
    .await
    .unwrap();
    send_json(
        &server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": "periodic", "name": "P", "identity_type": "user"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Nothing has stopped the server: this is what a kill -9 now would leave.
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(written.to_string().contains("\"identifier_key\":\"periodic\""));
    drop(server);
}

#[tokio::test]
async fn a_corrupt_state_file_stops_the_start_and_is_kept() {
    let (_folder, path) = temp_path("corrupt");
    std::fs::write(&path, br#"{"letta": {"identities": [{"identifier_key": "#).unwrap();
    let error = MockServer::start_with(Config { state_file: Some(path.clone()), port: 0, ..Config::default() })
        .await
        .err()
        .unwrap();
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()) && message.contains("not valid JSON"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), br#"{"letta": {"identities": [{"identifier_key": "#, "left as it was");
}

/// `/__admin/health`'s namespace count.
async fn namespace_count(server: &MockServer) -> u64 {
    get(server, "/__admin/health").await.json()["namespaces"].as_u64().unwrap()
}

#[tokio::test]
async fn refused_requests_and_unknown_paths_create_no_namespace() {
    let server = start(Config { api_keys: vec!["good".into()], ..Config::default() }).await;
    let before = namespace_count(&server).await;
    for i in 0..30 {
        let key = format!("Bearer wrong-{i}");
        let namespace = format!("ns-{i}");
        for (path, headers) in [
            ("/v1/identities/count", vec![("authorization", key.as_str())]),
            ("/v1/identities/count", vec![("x-mock-namespace", namespace.as_str())]),
            ("/v2/identities", vec![("authorization", key.as_str())]),
            ("/v2/identities", vec![("x-mock-namespace", namespace.as_str())]),
        ] {
            assert_eq!(send(&server, "GET", path, &headers, None).await.status, 401, "{path} {headers:?}");
        }
        let good = [("authorization", "Bearer good"), ("x-mock-namespace", namespace.as_str())];
        assert_eq!(send(&server, "GET", "/v1/identities/nowhere/else", &good, None).await.status, 404);
        assert_eq!(send(&server, "GET", "/v2/elsewhere", &good, None).await.status, 404);
        assert_eq!(send(&server, "DELETE", "/v2/identities", &good, None).await.status, 405);
    }
    assert_eq!(namespace_count(&server).await, before, "refused requests left namespaces behind");
    let good = [("authorization", "Bearer good"), ("x-mock-namespace", "team-a")];
    assert_eq!(send(&server, "GET", "/v2/identities", &good, None).await.status, 200);
    assert_eq!(namespace_count(&server).await, before + 1, "an accepted request on a real route creates one");
}

#[tokio::test]
async fn namespaces_are_listed_shared_until_written_removed_and_limited() {
    let server = start(Config { max_namespaces: 4, ..Config::default() }).await;
    let in_ns = |name: &'static str| [("x-mock-namespace", name), ("authorization", "Bearer k")];
    assert_eq!(send(&server, "GET", "/v1/identities/count", &in_ns("reader"), None).await.text(), "5");
    let created = send(&server, "POST", "/v2/identities", &in_ns("writer"), Some(br#"{"external_id":"e"}"#)).await;
    assert_eq!(created.status, 201);
    let list = get(&server, "/__admin/namespaces").await.json();
    let names: Vec<&str> = list["namespaces"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "reader", "writer"]);
    let by_name =
        |name: &str| list["namespaces"].as_array().unwrap().iter().find(|n| n["name"] == name).unwrap().clone();
    assert_eq!(by_name("reader")["own_data"], false, "a namespace that only read shares the fixtures");
    assert_eq!(by_name("reader")["letta"]["identities"], 5);
    assert_eq!(by_name("writer")["own_data"], true);
    assert_eq!(by_name("writer")["orq"]["identities"], 5);
    let other = send(&server, "GET", "/v2/identities/e", &in_ns("reader"), None).await;
    assert_eq!(other.status, 404, "the write stayed in its namespace, not in the shared fixtures");

    // The limit: default, reader, writer, and one more.
    assert_eq!(send(&server, "GET", "/v1/identities/count", &in_ns("fourth"), None).await.status, 200);
    let letta = send(&server, "GET", "/v1/identities/count", &in_ns("fifth"), None).await;
    assert_eq!(letta.status, 503);
    assert!(letta.json()["detail"].as_str().unwrap().contains("--max-namespaces"), "{}", letta.text());
    let orq = send(&server, "GET", "/v2/identities", &in_ns("fifth"), None).await;
    assert_eq!((orq.status.as_u16(), &orq.json()["code"]), (503, &json!(14)));
    assert!(orq.json()["message"].as_str().unwrap().contains("--max-namespaces"));
    let v1 = send(
        &server,
        "GET",
        "/v2/identities",
        &[("x-mock-namespace", "fifth"), ("authorization", "Bearer k"), ("x-mock-orq-api", "v1")],
        None,
    )
    .await;
    assert!(v1.json()["error"].as_str().unwrap().contains("--max-namespaces"), "v1 shape: {}", v1.text());
    assert_eq!(
        send(&server, "GET", "/v1/identities/count", &in_ns("reader"), None).await.status,
        200,
        "known ones still work"
    );

    assert_eq!(send(&server, "DELETE", "/__admin/namespaces/fourth", &[], None).await.status, 200);
    assert_eq!(send(&server, "DELETE", "/__admin/namespaces/fourth", &[], None).await.status, 404);
    assert_eq!(
        send(&server, "GET", "/v1/identities/count", &in_ns("fifth"), None).await.status,
        200,
        "a place was freed"
    );
}

#[tokio::test]
async fn idle_namespaces_are_dropped_but_never_default() {
    let server = start(Config { namespace_idle_ttl: Some(Duration::from_millis(200)), ..Config::default() }).await;
    send(&server, "GET", "/v1/identities/count", &[("x-mock-namespace", "brief")], None).await;
    assert_eq!(namespace_count(&server).await, 2);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let names = get(&server, "/__admin/namespaces").await.json();
    assert_eq!(names["namespaces"].as_array().unwrap().len(), 1);
    assert_eq!(names["namespaces"][0]["name"], "default");
}

#[tokio::test]
async fn generic_errors_follow_the_api_and_revision() {
    let server = start(Config { max_body_bytes: 16, ..Config::default() }).await;
    let big = vec![b' '; 64];
    let headers = [("authorization", "Bearer k"), ("x-mock-orq-api", "v1")];
    let v1 = send(&server, "POST", "/v2/identities", &headers, Some(&big)).await;
    assert_eq!(v1.status, 413);
    assert_eq!(
        v1.json(),
        json!({"error": "Request body is larger than 16 bytes", "message": "Request body is larger than 16 bytes", "code": 8})
    );
    let current = send(&server, "POST", "/v2/identities", &[("authorization", "Bearer k")], Some(&big)).await;
    assert_eq!(current.json(), json!({"code": 8, "message": "Request body is larger than 16 bytes", "details": []}));
    let letta = send(&server, "POST", "/v1/identities/", &[], Some(&big)).await;
    assert_eq!(letta.json(), json!({"detail": "Request body is larger than 16 bytes"}));
    let admin = send(&server, "POST", "/__admin/fixtures", &[], Some(&big)).await;
    assert_eq!((admin.status.as_u16(), admin.json()), (413, json!({"error": "Request body is larger than 16 bytes"})));
}

#[tokio::test]
async fn an_unreadable_body_is_answered_in_the_shape_of_its_api() {
    let server = start(Config::default()).await;
    for (path, expected) in [
        ("/__admin/fixtures", r#"{"error":"the request body could not be read"}"#),
        ("/v1/identities/", r#"{"detail":"The request body could not be read"}"#),
    ] {
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        let head = format!("POST {path} HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        assert!(answer.ends_with(expected), "{path}: {answer}");
    }
}
