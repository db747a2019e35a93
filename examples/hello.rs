//! A bare hyper 1.x server: the baseline `benches/load.sh` compares identity-mock with.
//!
//! It does what any HTTP server must and nothing more: HTTP/1.1 on a multi-threaded tokio runtime,
//! one task per connection, `GET` answered with a small fixed body, `POST` read to the end and then
//! answered the same way. It is started like the main binary (`--host`, `--port`, `0` for a free
//! port) and prints the same `listening on http://HOST:PORT` line, so the harness treats both alike.
//!
//! ```sh
//! cargo run --release --example hello -- --port 0
//! ```

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;
use tokio::net::TcpListener;

const BODY: &[u8] = b"{\"hello\":\"world\"}";

async fn reply(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let status = match *request.method() {
        Method::GET => StatusCode::OK,
        Method::POST => {
            // Read the whole body, as a server that parses it would; a broken body is a 400.
            match request.into_body().collect().await {
                Ok(collected) => {
                    std::hint::black_box(collected.to_bytes());
                    StatusCode::OK
                }
                Err(_) => StatusCode::BAD_REQUEST,
            }
        }
        _ => StatusCode::METHOD_NOT_ALLOWED,
    };
    let mut response = Response::new(Full::new(Bytes::from_static(BODY)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    Ok(response)
}

/// `--host HOST` and `--port PORT` (also as `--port=PORT`); anything else is refused.
fn parse_args() -> Result<(String, u16), String> {
    let mut host = String::from("127.0.0.1");
    let mut port: u16 = 8080;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"));
        match name.as_str() {
            "--host" => host = value()?,
            "--port" => {
                let text = value()?;
                port = text.parse().map_err(|_| format!("--port: not a port number: {text:?}"))?;
            }
            "-h" | "--help" => return Err("usage: hello [--host HOST] [--port PORT]".into()),
            other => return Err(format!("unknown argument {other:?}; usage: hello [--host HOST] [--port PORT]")),
        }
    }
    Ok((host, port))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (host, port) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("hello: {message}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind((host.as_str(), port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("hello: cannot listen on {host}:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("hello: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => continue,
        };
        // Same socket option as identity-mock's accept loop, so the comparison is like for like.
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(reply)).await;
        });
    }
}
