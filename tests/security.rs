//! Safe on a laptop: what a web page the developer visits can and cannot do to a server on
//! 127.0.0.1, through real sockets. The Host check, the admin API's same-origin rule, and which
//! origins the APIs answer with CORS headers.

mod support;

use identity_mock::{Config, MockServer};
use support::process::Process;
use support::{send, start, Reply};

const EVIL: &str = "http://evil.example";

fn preflight(origin: &str) -> [(&str, &str); 3] {
    [("origin", origin), ("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")]
}

async fn letta_count(server: &MockServer) -> String {
    send(server, "GET", "/v1/identities/count", &[], None).await.text()
}

async fn create_letta(server: &MockServer) {
    let body = br#"{"identifier_key":"made-by-a-test","name":"T","identity_type":"user"}"#;
    let reply = send(server, "POST", "/v1/identities/", &[("content-type", "application/json")], Some(body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

fn own_origin(server: &MockServer) -> String {
    format!("http://{}", server.addr())
}

#[tokio::test]
async fn a_foreign_page_can_neither_read_nor_reset_the_admin_api() {
    let server = start(Config::default()).await;
    create_letta(&server).await;
    let before = letta_count(&server).await;
    // Reading the state: a CORS request, which the browser lets the page read only with an
    // allow-origin header; there is none, and the server refuses it outright.
    let state = send(&server, "GET", "/__admin/state", &[("origin", EVIL)], None).await;
    assert_eq!(state.status, 403);
    assert!(state.header("access-control-allow-origin").is_none());
    assert!(state.json()["error"].as_str().unwrap().contains("--admin-cors"));
    let check = send(&server, "OPTIONS", "/__admin/reset", &preflight(EVIL), None).await;
    assert_eq!(check.status, 403);
    assert!(check.header("access-control-allow-origin").is_none());
    // A form post or a no-cors fetch needs no preflight: refused, and nothing is reset.
    let reset = send(&server, "POST", "/__admin/reset", &[("origin", EVIL)], None).await;
    assert_eq!(reset.status, 403);
    assert_eq!(letta_count(&server).await, before, "the refused reset changed nothing");
    let null = send(&server, "POST", "/__admin/reset", &[("origin", "null")], None).await;
    assert_eq!(null.status, 403, "a sandboxed page's null origin is not the server's");
    // The admin page itself (same origin), and clients that send no Origin, are served.
    let own = send(&server, "POST", "/__admin/reset", &[("origin", &own_origin(&server))], None).await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert!(own.header("access-control-allow-origin").is_none(), "admin answers carry no CORS headers");
    assert_eq!(letta_count(&server).await, "5");
    create_letta(&server).await;
    assert_eq!(send(&server, "POST", "/__admin/reset", &[], None).await.status, 200);
    assert_eq!(letta_count(&server).await, "5");
    let page = send(&server, "GET", "/__admin/ui/", &[], None).await;
    assert_eq!(page.status, 200);
    let stream = send(&server, "GET", "/__admin/requests/stream", &[("origin", EVIL)], None).await;
    assert_eq!(stream.status, 403, "the live journal is admin too");
}

#[tokio::test]
async fn a_local_dev_server_on_any_port_may_call_the_apis() {
    let server = start(Config::default()).await;
    for origin in ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"] {
        for path in ["/v1/identities/", "/v2/identities"] {
            let check = send(&server, "OPTIONS", path, &preflight(origin), None).await;
            assert_eq!(
                (check.status.as_u16(), check.header("access-control-allow-origin")),
                (200, Some(origin)),
                "{path}"
            );
            assert_eq!(check.header("access-control-allow-headers"), Some("content-type"));
        }
        let read = send(&server, "GET", "/v1/identities/count", &[("origin", origin)], None).await;
        assert_eq!(read.header("access-control-allow-origin"), Some(origin));
        assert_eq!(read.header("access-control-allow-credentials"), Some("true"));
    }
}

/// The headers every preflight answer has, allowed or not.
fn assert_preflight_headers(reply: &Reply) {
    assert_eq!(reply.header("vary"), Some("Origin"));
    assert_eq!(reply.header("access-control-allow-methods"), Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"));
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
    assert_eq!(reply.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(reply.header("access-control-allow-headers"), Some("content-type"));
    assert!(reply.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn another_origin_is_refused_in_each_vendors_way() {
    let server = start(Config::default()).await;
    // Letta, as a real Letta 0.16.8 answered on 2026-11-30.
    let letta = send(&server, "OPTIONS", "/v1/identities/", &preflight(EVIL), None).await;
    assert_eq!((letta.status.as_u16(), letta.text().as_str()), (400, "Disallowed CORS origin"));
    assert_eq!(letta.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_preflight_headers(&letta);
    // orq: inferred (see the README's compatibility table).
    let orq = send(&server, "OPTIONS", "/v2/identities", &preflight(EVIL), None).await;
    assert_eq!((orq.status.as_u16(), orq.body.len()), (204, 0));
    assert_preflight_headers(&orq);
    // A simple request is answered (the browser hides the answer): without allow-origin.
    for path in ["/v1/identities/count", "/v2/identities"] {
        let read = send(&server, "GET", path, &[("origin", EVIL), ("authorization", "Bearer k")], None).await;
        assert_eq!(read.status, 200);
        assert!(read.header("access-control-allow-origin").is_none(), "{path}");
    }
}

#[tokio::test]
async fn the_flags_open_exactly_the_origins_they_name() {
    let lan = "http://192.168.1.20:5173";
    let server = start(Config {
        cors_origins: vec![format!("{lan}/")],
        admin_cors: vec!["http://tools.test".into()],
        ..Config::default()
    })
    .await;
    let api = send(&server, "OPTIONS", "/v1/identities/", &preflight(lan), None).await;
    assert_eq!(api.header("access-control-allow-origin"), Some(lan), "a trailing slash in the flag is forgiven");
    assert_eq!(
        send(&server, "OPTIONS", "/v1/identities/", &preflight("http://192.168.1.21:5173"), None).await.status,
        400
    );
    // --cors-origin is for the APIs only.
    assert_eq!(send(&server, "GET", "/__admin/health", &[("origin", lan)], None).await.status, 403);
    let admin = send(&server, "GET", "/__admin/health", &[("origin", "http://tools.test")], None).await;
    assert_eq!((admin.status.as_u16(), admin.header("access-control-allow-origin")), (200, Some("http://tools.test")));
    let admin_check = send(&server, "OPTIONS", "/__admin/reset", &preflight("http://tools.test"), None).await;
    assert_eq!(admin_check.header("access-control-allow-origin"), Some("http://tools.test"));
    // --admin-cors is for the admin API only.
    let api = send(&server, "OPTIONS", "/v2/identities", &preflight("http://tools.test"), None).await;
    assert!(api.header("access-control-allow-origin").is_none());
    let any = start(Config { cors_origins: vec!["*".into()], ..Config::default() }).await;
    let read = send(&any, "GET", "/v1/identities/count", &[("origin", EVIL)], None).await;
    assert_eq!(read.header("access-control-allow-origin"), Some(EVIL));
    assert_eq!(send(&any, "POST", "/__admin/reset", &[("origin", EVIL)], None).await.status, 403);
}

#[tokio::test]
async fn a_rebinding_host_is_refused_when_bound_to_loopback() {
    let server = start(Config::default()).await;
    let port = server.addr().port();
    create_letta(&server).await;
    for path in ["/v1/identities/count", "/__admin/state"] {
        for host in ["evil.example".to_string(), format!("evil.example:{port}"), format!("192.168.1.20:{port}")] {
            let refused = send(&server, "GET", path, &[("host", &host)], None).await;
            assert_eq!(refused.status, 403, "{path} with Host {host}");
            let error = refused.json()["error"].as_str().unwrap().to_string();
            assert!(error.contains("--allowed-host"), "{error}");
        }
    }
    let reset = send(&server, "POST", "/__admin/reset", &[("host", "evil.example")], None).await;
    assert_eq!(reset.status, 403);
    assert_eq!(letta_count(&server).await, "6", "the refused reset changed nothing");
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("app.localhost:{port}"),
        "localhost".into(),
    ] {
        assert_eq!(send(&server, "GET", "/v1/identities/count", &[("host", &host)], None).await.status, 200, "{host}");
    }
    let named =
        start(Config { allowed_hosts: vec!["mock.test".into(), ".dev.test".into()], ..Config::default() }).await;
    for host in ["mock.test:8283", "api.dev.test", "dev.test"] {
        assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", host)], None).await.status, 200, "{host}");
    }
    assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", "other.test")], None).await.status, 403);
    assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", "notdev.test")], None).await.status, 403);
}

#[tokio::test]
async fn bound_to_every_address_the_host_is_not_checked_unless_names_are_given() {
    let open = start(Config { host: "0.0.0.0".into(), ..Config::default() }).await;
    assert_eq!(send(&open, "GET", "/v1/identities/count", &[("host", "192.168.1.20:8283")], None).await.status, 200);
    let named =
        start(Config { host: "0.0.0.0".into(), allowed_hosts: vec!["mock.lan".into()], ..Config::default() }).await;
    assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", "mock.lan:8283")], None).await.status, 200);
    assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", "localhost:8283")], None).await.status, 200);
    assert_eq!(send(&named, "GET", "/v1/identities/count", &[("host", "192.168.1.20")], None).await.status, 403);
}

#[test]
fn the_new_flags_have_environment_variables() {
    let server = Process::start(
        std::process::Command::new(env!("CARGO_BIN_EXE_identity-mock"))
            .args(["--port", "0"])
            .env("IDENTITY_MOCK_CORS_ORIGIN", "http://a.test,http://b.test")
            .env("IDENTITY_MOCK_ADMIN_CORS", "http://tools.test")
            .env("IDENTITY_MOCK_ALLOWED_HOST", "mock.test"),
    );
    let ask = |request: String| -> String {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.to_ascii_lowercase()
    };
    let get = |path: &str, host: &str, origin: &str| {
        ask(format!("GET {path} HTTP/1.1\r\nhost: {host}\r\norigin: {origin}\r\nconnection: close\r\n\r\n"))
    };
    assert!(get("/v1/identities/count", "mock.test", "http://b.test")
        .contains("access-control-allow-origin: http://b.test"));
    assert!(get("/__admin/health", "mock.test", "http://tools.test")
        .contains("access-control-allow-origin: http://tools.test"));
    assert!(get("/v1/identities/count", "other.test", "http://b.test").starts_with("http/1.1 403"));
    let (status, _) = server.stop();
    assert!(status.success());
}
