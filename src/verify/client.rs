//! A small HTTP/1.1 client for `verify`: one request per connection, plain or TLS (rustls with
//! ring and the Mozilla roots), the headers sent exactly as given.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;

/// Where a server is: `http://host:port/base` or `https://…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// A path prefix without a trailing slash (`""` for none).
    pub path: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let (tls, rest) = if let Some(rest) = text.strip_prefix("http://") {
            (false, rest)
        } else if let Some(rest) = text.strip_prefix("https://") {
            (true, rest)
        } else {
            return Err(format!("{text:?} is not an http:// or https:// URL"));
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if path.contains(['?', '#']) {
            return Err(format!("{text:?}: give the server's base URL, without a query or fragment"));
        }
        if authority.is_empty() || authority.contains('@') {
            return Err(format!("{text:?} has no host (or carries credentials: pass them with --token/--api-key)"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                let port = port.parse::<u16>().map_err(|_| format!("{text:?}: {port:?} is not a port number"))?;
                (host.to_string(), port)
            }
            _ => (authority.to_string(), if tls { 443 } else { 80 }),
        };
        if host.is_empty() {
            return Err(format!("{text:?} has no host"));
        }
        Ok(BaseUrl { tls, host, port, path: path.trim_end_matches('/').to_string() })
    }

    /// `host` or `host:port`, as the Host header and URLs write it.
    pub fn authority(&self) -> String {
        let default = if self.tls { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The URL as given.
    pub fn origin(&self) -> String {
        format!("{}://{}{}", if self.tls { "https" } else { "http" }, self.authority(), self.path)
    }

    /// The URL as a server may write it in a redirect's `location`: as given, or, behind a proxy
    /// that ends TLS, with `http://` and the Host header's authority.
    pub fn origins(&self) -> Vec<String> {
        let mut origins = vec![self.origin()];
        if self.tls {
            origins.push(format!("http://{}{}", self.authority(), self.path));
        }
        origins
    }
}

/// One answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub reason: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Where the answers come from: a server, or a recording of one (`verify --replay`).
pub enum Client {
    Http(HttpClient),
    Replay(Replay),
}

impl Client {
    pub fn base(&self) -> &BaseUrl {
        match self {
            Client::Http(client) => client.base(),
            Client::Replay(replay) => &replay.base,
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&str>,
    ) -> Result<Answer, String> {
        match self {
            Client::Http(client) => client.send(method, path, headers, body).await,
            Client::Replay(replay) => replay.next(method, path, body),
        }
    }
}

/// One recorded exchange: the request line as sent and the answer (or why there was none).
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The scenario it belongs to: `letta/create-retrieve`.
    pub scenario: String,
    pub method: String,
    pub path: String,
    pub body: Option<String>,
    pub answer: Result<Answer, String>,
}

/// Answers from a recording, in order: each request must be the one recorded next.
pub struct Replay {
    base: BaseUrl,
    exchanges: Vec<Recorded>,
    next: parking_lot::Mutex<usize>,
}

impl Replay {
    pub fn new(base: BaseUrl, exchanges: Vec<Recorded>) -> Replay {
        Replay { base, exchanges, next: parking_lot::Mutex::new(0) }
    }

    fn next(&self, method: &str, path: &str, body: Option<&str>) -> Result<Answer, String> {
        let mut next = self.next.lock();
        let Some(recorded) = self.exchanges.get(*next) else {
            return Err("the recording ends before this request".to_string());
        };
        *next += 1;
        let full_path = format!("{}{path}", self.base.path);
        if recorded.method != method || recorded.path != full_path || recorded.body.as_deref() != body {
            return Err(format!(
                "the recording has {} {} here, not this request (recorded with another version of the scenarios?)",
                recorded.method, recorded.path
            ));
        }
        recorded.answer.clone()
    }
}

pub struct HttpClient {
    base: BaseUrl,
    tls: Option<tokio_rustls::TlsConnector>,
    timeout: Duration,
}

impl HttpClient {
    /// `extra_roots`: PEM certificates trusted besides the Mozilla roots (a private CA).
    pub fn new(base: BaseUrl, timeout: Duration, extra_roots: Option<&[u8]>) -> Result<HttpClient, String> {
        let tls = if base.tls {
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(pem) = extra_roots {
                use rustls::pki_types::pem::PemObject;
                let mut added = 0;
                for certificate in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
                    let certificate = certificate.map_err(|e| format!("--ca-file: {e}"))?;
                    roots.add(certificate).map_err(|e| format!("--ca-file: {e}"))?;
                    added += 1;
                }
                if added == 0 {
                    return Err("--ca-file holds no PEM certificate".into());
                }
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS setup: {e}"))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Some(tokio_rustls::TlsConnector::from(Arc::new(config)))
        } else {
            None
        };
        Ok(HttpClient { base, tls, timeout })
    }

    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// Sends `method path` (the path after the base, with its query) with these headers and body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&str>,
    ) -> Result<Answer, String> {
        match tokio::time::timeout(self.timeout, self.send_now(method, path, headers, body)).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", self.timeout.as_secs())),
        }
    }

    async fn send_now(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&str>,
    ) -> Result<Answer, String> {
        let address = (self.base.host.trim_start_matches('[').trim_end_matches(']'), self.base.port);
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.base.authority()))?;
        match &self.tls {
            None => exchange(TokioIo::new(stream), &self.base, method, path, headers, body).await,
            Some(connector) => {
                let name = rustls::pki_types::ServerName::try_from(self.base.host.clone())
                    .map_err(|e| format!("{}: not a TLS server name: {e}", self.base.host))?;
                let stream = connector
                    .connect(name, stream)
                    .await
                    .map_err(|e| format!("TLS handshake with {}: {e}", self.base.authority()))?;
                exchange(TokioIo::new(stream), &self.base, method, path, headers, body).await
            }
        }
    }
}

async fn exchange<T>(
    io: TokioIo<T>,
    base: &BaseUrl,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Result<Answer, String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(io).await.map_err(|e| format!("HTTP handshake: {e}"))?;
    let connection = tokio::spawn(connection);
    let method = hyper::Method::from_bytes(method.as_bytes()).map_err(|e| format!("method {method:?}: {e}"))?;
    let uri = format!("{}{}", base.path, path);
    let mut request = Request::builder().method(method).uri(uri).header("host", base.authority());
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(body.unwrap_or_default().to_string())))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let result = async {
        let response = sender.send_request(request).await.map_err(|e| format!("no answer: {e}"))?;
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response.into_body().collect().await.map_err(|e| format!("reading the body: {e}"))?.to_bytes();
        Ok(Answer {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }
    .await;
    connection.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_parse() {
        let url = BaseUrl::parse("http://127.0.0.1:18283").unwrap();
        assert_eq!((url.tls, url.host.as_str(), url.port, url.path.as_str()), (false, "127.0.0.1", 18283, ""));
        assert_eq!(url.origin(), "http://127.0.0.1:18283");
        let url = BaseUrl::parse("https://api.orq.ai/").unwrap();
        assert_eq!((url.tls, url.host.as_str(), url.port, url.path.as_str()), (true, "api.orq.ai", 443, ""));
        assert_eq!(url.authority(), "api.orq.ai");
        let url = BaseUrl::parse("http://proxy:8080/letta/").unwrap();
        assert_eq!(url.path, "/letta");
        assert!(BaseUrl::parse("ftp://x").is_err());
        assert!(BaseUrl::parse("http://").is_err());
        assert!(BaseUrl::parse("http://h:99999").is_err());
        assert!(BaseUrl::parse("http://h/?q=1").is_err());
        assert!(BaseUrl::parse("http://user:pw@h").is_err());
    }
}
