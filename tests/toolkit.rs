//! The contract-testing toolkit: deterministic output, the admin API (reset, fixtures, state,
//! journal, faults), per-namespace isolation under concurrency, CORS, and the OpenAPI document.

mod support;

use identity_mock::Clock;
use identity_mock::{Config, FixtureSource, MockServer};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{get, send, send_json, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one request on its own connection and returns every byte of the response.
async fn raw_exchange(server: &MockServer, request: &str) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    response
}

fn http(method: &str, path: &str, headers: &[&str], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    if !body.is_empty() {
        text.push_str(&format!("content-type: application/json\r\ncontent-length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// A scripted run over both APIs; returns the whole response stream.
async fn scripted_run(seed: u64) -> Vec<u8> {
    let server =
        MockServer::builder().seed(seed).clock(Clock::parse("fixed:2025-01-01T00:00:00Z").unwrap()).start().await;
    let orq = ["authorization: Bearer det-key"];
    let script = [
        http("POST", "/v1/identities/", &[], r#"{"identifier_key":"d1","name":"D","identity_type":"user"}"#),
        http("POST", "/v1/identities/", &[], r#"{"identifier_key":"d2","name":"E","identity_type":"org"}"#),
        http("POST", "/v1/identities/", &[], r#"{"identifier_key":"d1","name":"dup","identity_type":"user"}"#),
        http("GET", "/v1/identities/?limit=3", &[], ""),
        http("GET", "/v1/identities/identity-123e4567-e89b-42d3-8456-426614174000", &[], ""),
        http("POST", "/v2/identities", &orq, r#"{"external_id":"o1","tags":["a"]}"#),
        http("POST", "/v2/identities", &orq, r#"{"external_id":"o2"}"#),
        http("GET", "/v2/identities?limit=3&include_metrics=true", &orq, ""),
        http(
            "PATCH",
            "/v2/identities/o1",
            &["authorization: Bearer det-key", "x-mock-orq-api: v1"],
            r#"{"email":"o@example.com"}"#,
        ),
        http("GET", "/v2/identities/missing", &orq, ""),
        http("GET", "/__admin/state", &[], ""),
    ];
    let mut stream = Vec::new();
    for request in script {
        stream.extend(raw_exchange(&server, &request).await);
        stream.extend(b"\n====\n");
    }
    stream
}

#[tokio::test]
async fn the_same_seed_and_clock_give_byte_identical_responses() {
    let first = scripted_run(7).await;
    let second = scripted_run(7).await;
    assert!(first.len() > 5_000, "the run produced output");
    assert!(
        String::from_utf8_lossy(&first).contains("date: Wed, 01 Jan 2025 00:00:00 GMT"),
        "the date header follows the clock"
    );
    assert_eq!(String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
    // The seed is what makes them equal: another seed gives other ids.
    assert_ne!(first, scripted_run(8).await);
}

#[tokio::test]
async fn sixteen_parallel_clients_each_see_only_their_namespace() {
    // Keys name Letta namespaces too here, so that half the clients can rely on them.
    let server = MockServer::builder().config(|c| c.letta_namespace_by_key = true).start().await;
    let mut clients = Vec::new();
    for client in 0..16 {
        let addr = server.addr();
        clients.push(tokio::spawn(async move {
            let namespace = format!("client-{client}");
            // Half the clients name their namespace with the header, half with their API key.
            let mut headers = vec![("content-type", "application/json")];
            let key = format!("Bearer {namespace}");
            if client % 2 == 0 {
                headers.push(("x-mock-namespace", namespace.as_str()));
                headers.push(("authorization", "Bearer shared-key"));
            } else {
                headers.push(("authorization", key.as_str()));
            }
            let call = |method: &'static str, path: String, body: Option<Value>| {
                let headers = headers.clone();
                async move {
                    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                    support::send_on(stream, method, &path, &headers, body.map(|b| b.to_string())).await
                }
            };
            for round in 0..3 {
                for i in 0..5 {
                    let key = format!("{namespace}-{i}");
                    let letta = call(
                        "POST",
                        "/v1/identities/".into(),
                        Some(json!({"identifier_key": key, "name": key, "identity_type": "user"})),
                    )
                    .await;
                    assert_eq!(letta.status, 200, "{}", letta.text());
                    let orq = call("POST", "/v2/identities".into(), Some(json!({"external_id": key}))).await;
                    assert_eq!(orq.status, 201, "{}", orq.text());
                }
                let letta = call("GET", "/v1/identities/?limit=0".into(), None).await.json();
                let keys: Vec<&str> =
                    letta.as_array().unwrap().iter().map(|i| i["identifier_key"].as_str().unwrap()).collect();
                assert_eq!(keys.len(), 10, "5 fixtures and 5 of mine, round {round}");
                assert!(keys.iter().all(|k| k.starts_with(&namespace) || !k.starts_with("client-")), "{keys:?}");
                let orq = call("GET", "/v2/identities?limit=50".into(), None).await.json();
                assert_eq!(orq["data"].as_array().unwrap().len(), 9, "4 fixtures and 5 of mine");
                let reset = call("POST", format!("/__admin/reset?namespace={namespace}"), None).await;
                assert_eq!(reset.status, 200);
                assert_eq!(call("GET", "/v1/identities/count".into(), None).await.text(), "5", "back to the fixtures");
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    // The default namespace never saw any of it.
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
}

#[tokio::test]
async fn reset_goes_back_to_the_fixtures_or_to_empty() {
    let server = MockServer::start().await;
    let created = send_json(
        &server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": "k", "name": "n", "identity_type": "user"}),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let other = [("x-mock-namespace", "other")];
    let deleted =
        send(&server, "DELETE", "/v1/identities/identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f", &other, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "6");
    assert_eq!(send(&server, "GET", "/v1/identities/count", &other, None).await.text(), "4");
    // One namespace only.
    assert_eq!(send(&server, "POST", "/__admin/reset?namespace=other", &[], None).await.status, 200);
    assert_eq!(send(&server, "GET", "/v1/identities/count", &other, None).await.text(), "5");
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "6");
    // Everything, to empty, then back.
    assert_eq!(send(&server, "POST", "/__admin/reset?empty=true", &[], None).await.status, 200);
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "0");
    assert_eq!(send(&server, "GET", "/v1/identities/count", &[("x-mock-namespace", "new")], None).await.text(), "0");
    server.reset();
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
    let health = get(&server, "/__admin/health").await.json();
    assert_eq!((health["status"].clone(), health["letta"]["identities"].clone()), (json!("ok"), json!(5)));
    assert!(health["uptime_ms"].is_u64() && health["version"].is_string());
}

#[tokio::test]
async fn fixtures_load_at_run_time_whole_or_not_at_all() {
    let server = MockServer::start().await;
    let good = json!({"letta": {"identities": [{"identifier_key": "loaded", "name": "L", "identity_type": "org",
                                              "agent_ids": ["agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b"]}]},
                      "orq": {"identities": [{"external_id": "loaded-orq"}]}});
    let reply = send_json(&server, "POST", "/__admin/fixtures?namespace=team", &good).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let team = [("x-mock-namespace", "team"), ("authorization", "Bearer k")];
    assert_eq!(send(&server, "GET", "/v1/identities/count", &team, None).await.text(), "6");
    assert_eq!(send(&server, "GET", "/v2/identities/loaded-orq", &team, None).await.status, 200);
    // A schema error and a conflict with what the namespace holds: rejected whole, nothing applied.
    let bad = json!({"letta": {"identities": [{"identifier_key": "x", "name": "X", "identity_type": "robot"}]}});
    let refused = send_json(&server, "POST", "/__admin/fixtures?namespace=team", &bad).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["problems"][0].as_str().unwrap().contains("/letta/identities/0/identity_type"),
        "{}",
        refused.text()
    );
    let conflicting = json!({"letta": {"identities": [{"identifier_key": "fresh", "name": "F", "identity_type": "user"},
                                                      {"identifier_key": "loaded", "name": "again", "identity_type": "user"}]}});
    let refused = send_json(&server, "POST", "/__admin/fixtures?namespace=team", &conflicting).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        send(&server, "GET", "/v1/identities/count", &team, None).await.text(),
        "6",
        "the valid half was taken back"
    );
    assert_eq!(send(&server, "GET", "/v1/identities/?identifier_key=fresh", &team, None).await.text(), "[]");
    // A conflict in the orq section takes back both the Letta section and the orq rows before it.
    let conflicting = json!({"letta": {"identities": [{"identifier_key": "fresh", "name": "F", "identity_type": "user"}]},
                             "orq": {"identities": [{"external_id": "fresh-orq"}, {"external_id": "loaded-orq"}]}});
    let refused = send_json(&server, "POST", "/__admin/fixtures?namespace=team", &conflicting).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(send(&server, "GET", "/v1/identities/count", &team, None).await.text(), "6");
    assert_eq!(send(&server, "GET", "/v2/identities/fresh-orq", &team, None).await.status, 404);
}

#[tokio::test]
async fn fixtures_without_timestamps_are_created_at_load_time() {
    // 2026-07-01T00:00:00Z, in microseconds.
    let server = MockServer::builder().clock(Clock::Fixed(1_782_864_000_000_000)).start().await;
    // An orq API key is its own namespace: load into the one of `Bearer k`.
    let later = "2030-01-01T00:00:00.000Z";
    let document = json!({"orq": {"identities": [{"external_id": "now"},
                                                 {"external_id": "later", "created": later, "updated": later}]}});
    assert_eq!(send_json(&server, "POST", "/__admin/fixtures?namespace=k", &document).await.status, 200);
    let key = [("authorization", "Bearer k"), ("content-type", "application/json")];
    let loaded = send(&server, "GET", "/v2/identities/now", &key, None).await.json();
    let times = (loaded["identity"]["created"].clone(), loaded["identity"]["updated"].clone());
    assert_eq!(times, (json!("2026-07-01T00:00:00.000Z"), json!("2026-07-01T00:00:00.000Z")), "{loaded}");
    // A fixture's own time places it in the list among identities created through the API.
    let created = send(&server, "POST", "/v2/identities", &key, Some(br#"{"external_id":"api"}"#)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let list = send(&server, "GET", "/v2/identities?limit=1", &key, None).await.json();
    assert_eq!(list["data"][0]["external_id"], "later", "newest first: {list}");
}

#[tokio::test]
async fn the_state_dump_loads_back_as_the_same_state() {
    let server = MockServer::builder().seed(3).start().await;
    let created = send_json(&server, "POST", "/v1/identities/", &json!({"identifier_key": "k", "name": "n", "identity_type": "user",
        "properties": [{"key": "f", "value": 1.0, "type": "number"}], "block_ids": ["block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"]})).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let orq = [("authorization", "Bearer ws-1"), ("content-type", "application/json")];
    let created =
        send(&server, "POST", "/v2/identities", &orq, Some(br#"{"external_id":"e","metadata":{"z":1,"a":2}}"#)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(send(&server, "DELETE", "/v2/identities/customer_34567", &orq, None).await.status, 200);
    let dump = get(&server, "/__admin/state").await.text();
    let reloaded = MockServer::builder().fixtures_json(&dump).start().await;
    assert_eq!(get(&reloaded, "/__admin/state").await.text(), dump);
    // And the APIs answer the same.
    for (path, headers) in
        [("/v1/identities/?order=asc", vec![]), ("/v2/identities?limit=50", vec![("authorization", "Bearer ws-1")])]
    {
        let before = send(&server, "GET", path, &headers, None).await.text();
        assert_eq!(send(&reloaded, "GET", path, &headers, None).await.text(), before, "{path}");
    }
}

#[tokio::test]
async fn the_journal_records_filters_counts_and_forgets() {
    let server = MockServer::builder().config(|c| c.journal_size = 3).start().await;
    for path in ["/v1/identities/count", "/v1/identities/nope", "/v2/identities", "/v1/identities/count"] {
        get(&server, path).await;
    }
    get(&server, "/__admin/health").await; // admin calls are not journaled
    let all = get(&server, "/__admin/requests").await.json();
    let paths: Vec<&str> = all["requests"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/v1/identities/nope", "/v2/identities", "/v1/identities/count"], "a ring of 3");
    assert_eq!(all["requests"][2]["seq"], 4);
    assert_eq!(all["requests"][1]["status"], 401);
    assert_eq!(get(&server, "/__admin/requests/count?status=422").await.json()["count"], 1);
    assert_eq!(get(&server, "/__admin/requests/count?path=/v1/*").await.json()["count"], 2);
    let last = get(&server, "/__admin/requests?method=GET&limit=1").await.json();
    assert_eq!(last["requests"][0]["response_body"], "5");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(send(&server, "DELETE", "/__admin/requests", &[], None).await.json()["cleared"], 3);
    assert!(server.requests().is_empty());
    let off = MockServer::builder().config(|c| c.journal_size = 0).start().await;
    assert_eq!(get(&off, "/v1/identities/count").await.status, 200);
    assert!(off.requests().is_empty());
}

#[tokio::test]
async fn journal_entries_answer_what_tests_ask() {
    let server = MockServer::builder().clock(Clock::parse("fixed:2025-01-01T00:00:00Z").unwrap()).start().await;
    let body = br#"{"identifier_key":"k","name":"n","identity_type":"user"}"#;
    let headers = [("authorization", "Bearer sk-test-0123456789"), ("x-project-id", "proj-7")];
    assert_eq!(send(&server, "POST", "/v1/identities/", &headers, Some(body)).await.status, 200);
    let orq = [("authorization", "Bearer team-a-key-5678"), ("content-type", "application/json")];
    assert_eq!(send(&server, "POST", "/v2/identities", &orq, Some(br#"{"external_id":"e"}"#)).await.status, 201);
    get(&server, "/").await; // outside both APIs: not journaled
    get(&server, "/favicon.ico").await;
    let preflight = [("origin", "http://localhost:5173"), ("access-control-request-method", "POST")];
    assert_eq!(send(&server, "OPTIONS", "/v2/identities", &preflight, None).await.status, 200);
    get(&server, "/v1/identities").await; // a redirect: no operation

    let all = get(&server, "/__admin/requests").await.json();
    let entries = all["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "no preflight, no request outside the APIs: {all}");
    let letta = &entries[0];
    assert_eq!(letta["time"], "2025-01-01T00:00:00.000Z");
    assert_eq!((&letta["api"], &letta["operation"]), (&json!("letta"), &json!("identities.create")));
    assert_eq!(letta["request_headers"]["authorization"], "Bearer …6789", "credentials are shortened");
    assert_eq!(letta["request_headers"]["x-project-id"], "proj-7");
    assert_eq!(letta["request_json"]["identifier_key"], "k");
    assert_eq!(letta["response_json"]["name"], "n");
    assert_eq!((&entries[1]["api"], &entries[1]["operation"]), (&json!("orq"), &json!("identities.create")));
    assert_eq!(entries[2]["operation"], Value::Null);
    assert_eq!(entries[2]["status"], 307);
    assert!(entries[2].get("response_json").is_none(), "a body that is not JSON has no response_json");

    let count = |query: &'static str| {
        let server = &server;
        async move { get(server, &format!("/__admin/requests/count?{query}")).await.json()["count"].clone() }
    };
    assert_eq!(count("header=X-Project-Id:proj-7").await, 1);
    assert_eq!(count("header=x-project-id:proj-8").await, 0);
    assert_eq!(count("header=authorization:Bearer%20*5678").await, 1);
    assert_eq!(count("header=x-project-id").await, 1);
    assert_eq!(count("api=orq").await, 1);
    assert_eq!(count("operation=identities.create").await, 2);
    assert_eq!(count("api=letta&operation=identities.create").await, 1);
    assert_eq!(count("preflight=true").await, 4);
    let preflights = get(&server, "/__admin/requests?preflight=true&method=OPTIONS").await.json();
    assert_eq!(preflights["requests"][0]["preflight"], true);
}

#[tokio::test]
async fn cors_exposes_the_headers_the_apis_set() {
    let server = MockServer::start().await;
    let headers = [("origin", "http://localhost:5173"), ("authorization", "Bearer k")];
    let created = send(&server, "POST", "/v2/identities", &headers, Some(br#"{"external_id":"e"}"#)).await;
    assert_eq!(created.header("access-control-allow-origin"), Some("http://localhost:5173"));
    let exposed = created.header("access-control-expose-headers").unwrap_or_default();
    assert!(exposed.split(", ").any(|h| h == "location"), "{exposed}");
    assert!(created.header("location").is_some());
}

#[tokio::test]
async fn faults_delay_replace_or_drop_matching_requests() {
    let server = MockServer::start().await;
    let add = |spec: Value| {
        let server = &server;
        async move { send_json(server, "POST", "/__admin/faults", &spec).await }
    };
    let added = add(json!({"method": "GET", "path": "/v1/identities/count", "delay_ms": 150, "times": 1})).await;
    assert_eq!(added.status, 201);
    assert_eq!(added.json()["id"], 1);
    let started = Instant::now();
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
    assert!(started.elapsed() >= Duration::from_millis(150), "delayed");
    let started = Instant::now();
    get(&server, "/v1/identities/count").await;
    assert!(started.elapsed() < Duration::from_millis(150), "only once");

    add(json!({"path": "/v2/*", "status": 503, "body": {"message": "try later"}})).await;
    for _ in 0..2 {
        let reply = get(&server, "/v2/identities").await;
        assert_eq!((reply.status.as_u16(), reply.json()), (503, json!({"message": "try later"})));
    }
    add(json!({"method": "POST", "path": "/v1/identities/", "drop_connection": true})).await;
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let dropped = support::try_send_on(
        stream,
        "POST",
        "/v1/identities/",
        &[],
        Some(r#"{"identifier_key":"x","name":"x","identity_type":"user"}"#.into()),
    )
    .await;
    assert!(dropped.is_err(), "the connection closes without an answer");
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5", "the dropped request changed nothing");
    let listed = get(&server, "/__admin/faults").await.json();
    assert_eq!(listed["faults"].as_array().unwrap().len(), 2);
    assert_eq!(send(&server, "DELETE", "/__admin/faults/2", &[], None).await.json()["removed"], 1);
    assert_eq!(send(&server, "DELETE", "/__admin/faults/2", &[], None).await.status, 404);
    assert_eq!(send(&server, "DELETE", "/__admin/faults", &[], None).await.json()["removed"], 1);
    assert_eq!(get(&server, "/v2/identities").await.status, 401, "faults are gone");
    let refused = add(json!({"path": "*", "status": 42})).await;
    assert_eq!(refused.status, 400);
    assert!(refused.json()["error"].as_str().unwrap().contains("status"));
    let journal = get(&server, "/__admin/requests?path=/v1/identities/&method=POST").await.json();
    assert_eq!(journal["requests"][0]["status"], 0, "a dropped connection is journaled with status 0");
}

#[tokio::test]
async fn a_fault_with_a_namespace_meets_only_that_namespace() {
    let server = MockServer::start().await;
    let spec = json!({"path": "/v*/identities*", "namespace": "test-a", "status": 503});
    assert_eq!(send_json(&server, "POST", "/__admin/faults", &spec).await.status, 201);
    let count = |namespace: &'static str| {
        let server = &server;
        async move { send(server, "GET", "/v1/identities/count", &[("x-mock-namespace", namespace)], None).await.status }
    };
    assert_eq!(count("test-b").await, 200);
    assert_eq!(count("test-a").await, 503);
    assert_eq!(get(&server, "/v1/identities/count").await.status, 200, "the default namespace is spared");
    let orq = send(&server, "GET", "/v2/identities", &[("authorization", "Bearer test-a")], None).await;
    assert_eq!(orq.status, 503, "an orq API key names the namespace too");
    let letta = send(&server, "GET", "/v1/identities/count", &[("authorization", "Bearer test-a")], None).await;
    assert_eq!(letta.status, 200, "Letta ignores the bearer key, as the real server does");
    assert_eq!(get(&server, "/__admin/faults").await.json()["faults"][0]["namespace"], "test-a");
}

#[tokio::test]
async fn cors_is_on_by_default_and_can_be_turned_off() {
    let preflight = [
        ("origin", "http://localhost:5173"),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "content-type,authorization"),
    ];
    let on = MockServer::start().await;
    let reply = send(&on, "OPTIONS", "/v2/identities", &preflight, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("http://localhost:5173"));
    assert_eq!(reply.header("access-control-allow-headers"), Some("content-type,authorization"));
    let off = MockServer::builder().config(|c| c.cors = false).start().await;
    let reply = send(&off, "OPTIONS", "/v2/identities", &preflight, None).await;
    // Without CORS an OPTIONS request is one more method the route does not have.
    assert_eq!(reply.status, 405, "{}", reply.text());
    assert_eq!(reply.json()["message"], "Method Not Allowed");
    assert!(reply.header("access-control-allow-origin").is_none());
    let simple = send(&off, "GET", "/v1/identities/count", &[("origin", "http://localhost:5173")], None).await;
    assert!(simple.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let server = MockServer::start().await;
    let reply: Reply = get(&server, "/openapi.json").await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let document = reply.json();
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/v1/identities/",
        "/v1/identities/{identity_id}/properties",
        "/v2/identities/{id}",
        "/v2/contacts",
        "/__admin/faults",
    ] {
        assert!(document["paths"][path].is_object(), "{path}");
    }
    let create =
        &document["paths"]["/v1/identities/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(create, "#/components/schemas/letta.IdentityCreate");
    let schema = &document["components"]["schemas"]["letta.IdentityCreate"];
    assert_eq!(schema["properties"]["identity_type"]["$ref"], "#/components/schemas/letta.IdentityType");
    let invalid = &document["paths"]["/v1/identities/"]["post"]["responses"]["422"]["content"]["application/json"];
    assert_eq!(invalid["schema"]["$ref"], "#/components/schemas/letta.ValidationErrorBody", "{invalid}");

    let names = |operation: &Value| -> Vec<String> {
        operation["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
    };
    // Letta: a path's own ids, and an identity id only where the path has one after them.
    assert_eq!(names(&document["paths"]["/v1/agents/{agent_id}"]), ["agent_id", "X-Mock-Namespace"]);
    let attach = &document["paths"]["/v1/agents/{agent_id}/identities/attach/{identity_id}"];
    assert_eq!(names(attach), ["agent_id", "identity_id", "X-Mock-Namespace"]);

    // orq: parameters per operation, both revisions' shapes, 409 and Location on create only.
    let collection = &document["paths"]["/v2/identities"];
    let item = &document["paths"]["/v2/identities/{id}"];
    assert_eq!(names(collection), ["X-Mock-Namespace", "X-Mock-Orq-Api"]);
    assert_eq!(names(item), ["id", "X-Mock-Namespace", "X-Mock-Orq-Api"]);
    assert_eq!(
        names(&collection["get"]),
        [
            "limit",
            "starting_after",
            "ending_before",
            "search",
            "filter_by.tags",
            "include_metrics",
            "sort_by",
            "include_budget"
        ]
    );
    assert_eq!(names(&item["get"]), ["include_metrics", "include_budget"]);
    let create = &collection["post"];
    let json_schema = |node: &Value| node["content"]["application/json"]["schema"].clone();
    assert_eq!(
        json_schema(&create["responses"]["201"]),
        json!({"anyOf": [{"$ref": "#/components/schemas/orq.CreateIdentityResponse"}, {"$ref": "#/components/schemas/orq.v1.Identity"}]})
    );
    assert_eq!(create["responses"]["201"]["headers"]["Location"]["schema"]["type"], "string");
    assert_eq!(json_schema(&create["requestBody"])["anyOf"].as_array().map(Vec::len), Some(2), "{create}");
    assert!(create["responses"]["409"].is_object() && item["patch"]["responses"]["409"].is_null());
    assert!(item["patch"]["responses"]["200"]["headers"].is_null() && item["patch"]["requestBody"].is_object());
    assert!(json_schema(&item["delete"]["responses"]["200"]).is_object(), "{}", item["delete"]);
}

#[tokio::test]
async fn the_letta_api_is_namespaced_too() {
    let server = support::start(Config { fixtures: FixtureSource::Empty, ..Config::default() }).await;
    let body = json!({"identifier_key": "same-key", "name": "n", "identity_type": "user"});
    let bytes = body.to_string();
    for namespace in ["a", "b"] {
        let headers = [("x-mock-namespace", namespace), ("content-type", "application/json")];
        assert_eq!(send(&server, "POST", "/v1/identities/", &headers, Some(bytes.as_bytes())).await.status, 200);
    }
    let bearer = [("authorization", "Bearer a"), ("content-type", "application/json")];
    assert_eq!(
        send(&server, "POST", "/v1/identities/", &bearer, Some(bytes.as_bytes())).await.status,
        200,
        "a bearer key does not name a Letta namespace: this lands in default"
    );
    let by_key =
        support::start(Config { fixtures: FixtureSource::Empty, letta_namespace_by_key: true, ..Config::default() })
            .await;
    let named = [("x-mock-namespace", "a"), ("content-type", "application/json")];
    assert_eq!(send(&by_key, "POST", "/v1/identities/", &named, Some(bytes.as_bytes())).await.status, 200);
    assert_eq!(
        send(&by_key, "POST", "/v1/identities/", &bearer, Some(bytes.as_bytes())).await.status,
        409,
        "with --letta-namespace-by-key the key names namespace a"
    );
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "1", "only the bearer create landed in default");
    assert_eq!(get(&by_key, "/v1/identities/count").await.text(), "0", "there, default is untouched");
}

#[tokio::test]
async fn the_journal_names_the_v1_contacts_operation() {
    let server = MockServer::start().await;
    let headers = [("authorization", "Bearer k"), ("content-type", "application/json"), ("x-mock-orq-api", "v1")];
    let reply = send(&server, "POST", "/v2/contacts", &headers, Some(br#"{"external_id":"c1"}"#)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let journal = get(&server, "/__admin/requests?path=/v2/contacts").await.json();
    assert_eq!(journal["requests"][0]["operation"], "contacts.create", "{journal}");
}
