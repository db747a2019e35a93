//! The admin web page's server side: its files at `/__admin/ui/`, one namespace's state, and the
//! live journal at `GET /__admin/requests/stream` (server-sent events), through real sockets.

mod support;

use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use identity_mock::{Config, FixtureSource, MockServer};
use serde_json::Value;
use std::time::Duration;
use support::{send, start};

/// Opens the stream with `query` and `headers`; the response, its body still arriving.
async fn open(server: &MockServer, query: &str, headers: &[(&str, &str)]) -> Response<Incoming> {
    let stream = tokio::net::TcpStream::connect(server.addr()).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    let mut request =
        Request::get(format!("/__admin/requests/stream{query}")).header("host", server.addr().to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    sender.send_request(request.body(Full::new(bytes::Bytes::new())).unwrap()).await.expect("response")
}

/// Reads events until `count` `request` events have arrived; their data, parsed.
async fn events(body: &mut Incoming, count: usize) -> Vec<Value> {
    let mut text = String::new();
    let mut found = Vec::new();
    while found.len() < count {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .unwrap_or_else(|_| panic!("no event within 5 s; so far: {text}"))
            .expect("the stream goes on")
            .expect("a frame");
        text.push_str(std::str::from_utf8(&frame.into_data().expect("data")).unwrap());
        found = parse(&text);
    }
    found
}

/// The `request` events in a stream's text: each must have its `id` equal to its `seq`.
fn parse(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    for block in text.split("\n\n").filter(|b| b.contains("event: request")) {
        let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::to_string);
        let Some(data) = field("data: ") else { continue };
        let entry: Value = serde_json::from_str(&data).expect("data is one line of JSON");
        assert_eq!(field("id: ").unwrap(), entry["seq"].to_string(), "the event id is the seq");
        found.push(entry);
    }
    found
}

async fn create_letta(server: &MockServer, key: &str) -> StatusCode {
    let body = format!(r#"{{"identifier_key":"{key}","name":"{key}","identity_type":"user"}}"#);
    send(server, "POST", "/v1/identities/", &[("content-type", "application/json")], Some(body.as_bytes())).await.status
}

#[tokio::test]
async fn a_client_sees_the_requests_made_after_it_connected_in_order() {
    let server = start(Config { fixtures: FixtureSource::Empty, ..Config::default() }).await;
    assert_eq!(send(&server, "GET", "/v1/identities/", &[], None).await.status, StatusCode::OK);
    let response = open(&server, "", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    for key in ["first", "second", "third"] {
        assert_eq!(create_letta(&server, key).await, StatusCode::OK);
    }
    let seen = events(&mut body, 3).await;
    let keys: Vec<&Value> = seen.iter().map(|e| &e["request_json"]["identifier_key"]).collect();
    assert_eq!(keys, ["first", "second", "third"], "only what came after connecting, in order");
    assert_eq!(seen[0]["seq"], 2);
    assert!(seen.iter().all(|e| e["operation"] == "identities.create" && e["status"] == 200 && e["api"] == "letta"));
    assert!(seen[0]["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(seen[0]["request_headers"]["content-type"], "application/json");
    assert_eq!(seen[0]["response_headers"]["content-type"], "application/json", "the page shows both sides' headers");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn since_replays_what_the_journal_holds_and_filters_apply() {
    let server = start(Config { fixtures: FixtureSource::Empty, ..Config::default() }).await;
    assert_eq!(create_letta(&server, "before").await, StatusCode::OK);
    assert_eq!(
        send(&server, "GET", "/v2/identities", &[("authorization", "Bearer k")], None).await.status,
        StatusCode::OK
    );
    // A reconnecting EventSource names the last event it saw; `since=0` asks for everything held.
    let mut from_start = open(&server, "?since=0&method=POST", &[]).await.into_body();
    let mut resumed = open(&server, "?api=orq", &[("last-event-id", "1")]).await.into_body();
    assert_eq!(create_letta(&server, "after").await, StatusCode::OK);
    let posts = events(&mut from_start, 2).await;
    assert_eq!(posts.iter().map(|e| e["seq"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 3]);
    let orq = events(&mut resumed, 1).await;
    assert_eq!((orq[0]["seq"].as_u64(), orq[0]["api"].as_str()), (Some(2), Some("orq")));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_stream_ends_cleanly_at_shutdown() {
    let server = start(Config::default()).await;
    let mut body = open(&server, "", &[]).await.into_body();
    // The stream is open: its first frame is the `connected` comment.
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert!(std::str::from_utf8(&first).unwrap().contains(": connected"));
    let stopped = tokio::spawn(server.stop());
    // The body ends (no error: the chunked stream is closed properly) well before the 10 s drain.
    let rest = tokio::time::timeout(Duration::from_secs(3), body.collect()).await.expect("the stream ends at shutdown");
    assert!(rest.is_ok(), "the stream ended with an error: {rest:?}");
    tokio::time::timeout(Duration::from_secs(3), stopped).await.expect("shutdown does not wait").unwrap().unwrap();
}

#[tokio::test]
async fn the_stream_is_refused_in_the_admin_apis_way() {
    let server = start(Config { admin_token: Some("s3cret".into()), ..Config::default() }).await;
    let refused = open(&server, "", &[]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let allowed = open(&server, "", &[("x-admin-token", "s3cret")]).await;
    assert_eq!(allowed.status(), StatusCode::OK);
    let bad = send(&server, "GET", "/__admin/requests/stream?since=later", &[("x-admin-token", "s3cret")], None).await;
    assert_eq!(
        (bad.status, bad.json()["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("since must be a request's seq, got \"later\""))
    );
    let off = start(Config { journal_size: 0, ..Config::default() }).await;
    let refused = send(&off, "GET", "/__admin/requests/stream", &[], None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.json()["error"].as_str().unwrap().contains("--journal-size 0"));
}

#[tokio::test]
async fn the_page_is_served_without_the_token_and_can_be_turned_off() {
    let server = start(Config { admin_token: Some("s3cret".into()), ..Config::default() }).await;
    let redirect = send(&server, "GET", "/__admin/ui", &[], None).await;
    assert_eq!((redirect.status, redirect.header("location")), (StatusCode::PERMANENT_REDIRECT, Some("/__admin/ui/")));
    let page = send(&server, "GET", "/__admin/ui/", &[], None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.text(), std::fs::read_to_string("ui/index.html").unwrap(), "the page is the one under ui/");
    // The data stays behind the token.
    assert_eq!(send(&server, "GET", "/__admin/state", &[], None).await.status, StatusCode::UNAUTHORIZED);
    let off = start(Config { admin_ui: false, ..Config::default() }).await;
    assert_eq!(send(&off, "GET", "/__admin/ui/", &[], None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_can_be_served_from_a_folder() {
    let folder = std::env::temp_dir().join(format!("identity-mock-ui-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("views")).unwrap();
    std::fs::write(folder.join("views/app.js"), "export const edited = true;\n").unwrap();
    let server = start(Config { ui_dir: Some(folder.clone()), ..Config::default() }).await;
    let script = send(&server, "GET", "/__admin/ui/views/app.js", &[], None).await;
    assert_eq!((script.status, script.text().as_str()), (StatusCode::OK, "export const edited = true;\n"));
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(send(&server, "GET", "/__admin/ui/../Cargo.toml", &[], None).await.status, StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(folder).unwrap();
}

#[tokio::test]
async fn one_namespaces_state_is_what_it_holds_or_would_start_with() {
    let server = start(Config::default()).await;
    let headers = [("content-type", "application/json"), ("x-mock-namespace", "team-a")];
    let body = br#"{"identifier_key":"only-in-a","name":"A","identity_type":"user"}"#;
    assert_eq!(send(&server, "POST", "/v1/identities/", &headers, Some(body)).await.status, StatusCode::OK);
    let keys = |state: Value| -> Vec<String> {
        state["letta"]["identities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["identifier_key"].as_str().unwrap().to_string())
            .collect()
    };
    let team_a = keys(send(&server, "GET", "/__admin/state?namespace=team-a", &[], None).await.json());
    let fresh = keys(send(&server, "GET", "/__admin/state?namespace=never-named", &[], None).await.json());
    assert_eq!(team_a.last().map(String::as_str), Some("only-in-a"));
    assert_eq!(team_a.len(), fresh.len() + 1, "a fresh namespace holds the fixtures");
    assert!(!fresh.contains(&"only-in-a".to_string()));
    let names: Vec<Value> = send(&server, "GET", "/__admin/namespaces", &[], None).await.json()["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].clone())
        .collect();
    assert!(!names.contains(&Value::from("never-named")), "reading a namespace's state does not create it");
}
