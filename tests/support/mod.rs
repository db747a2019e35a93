//! Shared by the integration tests: a server on a free port and a plain HTTP/1.1 client that sends
//! exactly the headers it is given.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use identity_mock::{Config, MockServer as Server};

pub mod process;

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn start(config: Config) -> Server {
    Server::start_with(Config { port: 0, ..config }).await.expect("server starts")
}

/// Sends one request on a new connection. `headers` are sent as given, repeats included.
pub async fn send(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Reply {
    let stream = tokio::net::TcpStream::connect(server.addr()).await.expect("connect");
    let body = body.map(Bytes::copy_from_slice);
    let host = server.addr().to_string();
    // The server's own address, unless the test names a Host of its own.
    let mut with_host = Vec::from(headers);
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        with_host.insert(0, ("host", host.as_str()));
    }
    try_send_on(stream, method, path, &with_host, body).await.expect("response")
}

/// Sends one request on `stream`.
pub async fn send_on(
    stream: tokio::net::TcpStream,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Reply {
    try_send_on(stream, method, path, headers, body.map(Bytes::from)).await.expect("response")
}

/// Sends one request on `stream`; an error when the server closes the connection unanswered.
pub async fn try_send_on(
    stream: tokio::net::TcpStream,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Bytes>,
) -> Result<Reply, hyper::Error> {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = Request::builder().method(Method::from_bytes(method.as_bytes()).expect("method")).uri(path);
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        request = request.header("host", "localhost");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender.send_request(request.body(Full::new(body.unwrap_or_default())).expect("request")).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(Reply { status, headers, body })
}

pub async fn get(server: &Server, path: &str) -> Reply {
    send(server, "GET", path, &[], None).await
}

/// A JSON request with `content-type: application/json`.
pub async fn send_json(server: &Server, method: &str, path: &str, body: &serde_json::Value) -> Reply {
    let bytes = serde_json::to_vec(body).expect("encode");
    send(server, method, path, &[("content-type", "application/json")], Some(&bytes)).await
}
