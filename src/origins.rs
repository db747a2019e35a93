//! Who may use the server from a web page. The server runs on developers' laptops while they
//! browse, so by default:
//!
//! - the **Host check**: bound to a loopback address, it answers only requests whose `Host` is
//!   `localhost` (or a `*.localhost` name), a loopback address, or a name given with
//!   `--allowed-host`, so a DNS-rebinding page cannot reach it under a name of its own;
//! - the **admin API is same-origin**: a request to `/__admin` that carries an `Origin` other than
//!   the server's own (or one given with `--admin-cors`) is refused before it changes anything,
//!   and admin answers carry no CORS headers;
//! - the **APIs allow local origins**: any `localhost`, `127.0.0.1` or `[::1]` origin, on any port
//!   (every dev server), plus those given with `--cors-origin` (`*` for any). A preflight from
//!   another origin is refused in the vendor's way and other requests from it get no
//!   `access-control-allow-origin`.

use crate::http::{json, respond, ApiRequest, ApiResponse};
use hyper::header::{HeaderName, HeaderValue, HOST, ORIGIN};
use hyper::StatusCode;
use std::net::IpAddr;

/// The rules, from the command line.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    /// `--cors`: answer preflights and add CORS headers at all.
    pub cors: bool,
    /// `--cors-origin`: API origins allowed besides the local ones; `*` allows any.
    pub api: Vec<String>,
    /// `--admin-cors`: origins the admin API also serves.
    pub admin: Vec<String>,
    /// `Some`: the Host check is on, and these names pass it besides the loopback ones.
    pub hosts: Option<Vec<String>>,
}

impl Origins {
    /// The rules for a server bound to `bind_host`: the Host check is on when it is a loopback
    /// address or when names are given.
    pub fn new(cors: bool, api: &[String], admin: &[String], allowed_hosts: &[String], bind_host: &str) -> Origins {
        let trim = |list: &[String]| -> Vec<String> {
            list.iter().map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).filter(|o| !o.is_empty()).collect()
        };
        let hosts = (is_loopback_name(bind_host) || !allowed_hosts.is_empty()).then(|| trim(allowed_hosts));
        Origins { cors, api: trim(api), admin: trim(admin), hosts }
    }

    /// A request refused before anything else looks at it: a Host the check does not pass, or a
    /// cross-origin request to the admin API. Both are 403 with a one-line JSON error.
    pub fn refusal(&self, request: &ApiRequest) -> Option<ApiResponse> {
        if let (Some(allowed), Some(host)) = (&self.hosts, request.headers.get(HOST)) {
            if is_plain_loopback(host.as_bytes()) {
                // Almost every request: nothing more to look at.
            } else if let Some(refusal) = host_refusal(allowed, host.to_str().unwrap_or_default()) {
                return Some(refusal);
            }
        }
        if is_admin(&request.path) {
            if let Some(origin) = header(request, ORIGIN) {
                if !self.same_origin(request, origin) && !self.admin_allows(origin) {
                    return Some(forbidden(&format!(
                        "cross-origin requests to the admin API are refused (Origin {origin:?}); \
                         start the server with --admin-cors {origin} to allow that origin"
                    )));
                }
            }
        }
        None
    }

    /// The origin to name in `access-control-allow-origin` for this request, if it may have one.
    pub fn allowed_origin<'r>(&self, request: &'r ApiRequest) -> Option<&'r str> {
        let origin = header(request, ORIGIN).filter(|_| self.cors)?;
        let allowed = match is_admin(&request.path) {
            true => self.admin_allows(origin),
            false => is_local_origin(origin) || self.api.iter().any(|a| a == "*" || a.eq_ignore_ascii_case(origin)),
        };
        allowed.then_some(origin)
    }

    fn admin_allows(&self, origin: &str) -> bool {
        self.cors && self.admin.iter().any(|a| a.eq_ignore_ascii_case(origin))
    }

    /// Whether `origin` is the server's own, as the request's `Host` names it (the admin page).
    fn same_origin(&self, request: &ApiRequest, origin: &str) -> bool {
        let Some(host) = header(request, HOST) else { return false };
        let origin = origin.to_ascii_lowercase();
        let host = host.to_ascii_lowercase();
        ["http://", "https://"].iter().any(|scheme| origin.strip_prefix(scheme) == Some(host.as_str()))
    }
}

/// Whether an `--allowed-host` entry (in lower case) names `host`: the same name, or, for an
/// entry with a leading dot, that name and every name under it.
fn names(entry: &str, host: &str) -> bool {
    match entry.strip_prefix('.') {
        Some(domain) => host.eq_ignore_ascii_case(domain) || ends_with_ignoring_case(host, entry),
        None => host.eq_ignore_ascii_case(entry),
    }
}

/// The Hosts nearly every request has, checked byte by byte before any parsing: `127.0.0.1` or
/// `localhost`, with or without a port.
fn is_plain_loopback(host: &[u8]) -> bool {
    let rest = host.strip_prefix(b"127.0.0.1").or_else(|| host.strip_prefix(b"localhost"));
    match rest {
        Some([]) => true,
        Some([b':', port @ ..]) => port.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The refusal of a `Host` that is not a loopback name nor one of the `allowed` names.
fn host_refusal(allowed: &[String], host: &str) -> Option<ApiResponse> {
    let name = host_name(host);
    if is_loopback_name(name) || allowed.iter().any(|a| names(a, name)) {
        return None;
    }
    Some(forbidden(&format!(
        "Host {host:?} is not allowed: this server answers localhost and loopback addresses; \
         start it with --allowed-host {name} to answer that name too"
    )))
}

/// A header by its constant name: every request looks up two, and a name given as text would be
/// parsed each time.
fn header(request: &ApiRequest, name: HeaderName) -> Option<&str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

fn is_admin(path: &str) -> bool {
    path == "/__admin" || path.starts_with("/__admin/")
}

fn forbidden(message: &str) -> ApiResponse {
    json(StatusCode::FORBIDDEN, serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default())
}

/// The name in a `Host` header or an origin's authority, without its port (nor an IPv6 address's
/// brackets). Runs for every request: it borrows, never allocates.
fn host_name(authority: &str) -> &str {
    let authority = authority.trim();
    match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match authority.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => authority,
        },
    }
}

/// Whether `name` ends with `suffix`, ignoring ASCII case.
fn ends_with_ignoring_case(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len() && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// `localhost`, a `*.localhost` name (browsers resolve both to the machine itself), or a loopback
/// address.
fn is_loopback_name(name: &str) -> bool {
    let name = name.trim().trim_start_matches('[').trim_end_matches(']');
    match name.as_bytes().first() {
        // Only an address can start so (loopback ones: `127.…`, `::1`, `0:…:1`).
        Some(b'0'..=b'9' | b':') => name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        _ => name.eq_ignore_ascii_case("localhost") || ends_with_ignoring_case(name, ".localhost"),
    }
}

/// An `http(s)` origin on `localhost`, a loopback address, any port: a dev server on this machine.
fn is_local_origin(origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else { return false };
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !authority.contains(['/', '@'])
        && is_loopback_name(host_name(authority))
}

fn set_header(response: &mut ApiResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(HeaderName::from_static(name), value);
    }
}

/// The headers of every preflight answer, allowed or not, as Starlette's CORSMiddleware sends
/// them for Letta: any method, the requested headers.
fn preflight_headers(response: &mut ApiResponse, requested_headers: Option<&str>) {
    set_header(response, "vary", "Origin");
    set_header(response, "access-control-allow-methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    set_header(response, "access-control-max-age", "600");
    set_header(response, "access-control-allow-credentials", "true");
    if let Some(headers) = requested_headers {
        set_header(response, "access-control-allow-headers", headers);
    }
}

/// A preflight from an allowed origin.
pub fn preflight(origin: &str, requested_headers: Option<&str>) -> ApiResponse {
    let mut response = respond(StatusCode::OK, "text/plain; charset=utf-8", "OK");
    preflight_headers(&mut response, requested_headers);
    set_header(&mut response, "access-control-allow-origin", origin);
    response
}

/// A preflight from an origin that is not allowed, as Starlette refuses it (asked of a real Letta
/// 0.16.8): 400 `Disallowed CORS origin`, the same headers, no `access-control-allow-origin`.
pub fn starlette_refused_preflight(requested_headers: Option<&str>) -> ApiResponse {
    refused_preflight(StatusCode::BAD_REQUEST, "Disallowed CORS origin", requested_headers)
}

/// A refused preflight: `status` and `text`, the preflight headers, no `access-control-allow-origin`.
pub fn refused_preflight(status: StatusCode, text: &'static str, requested_headers: Option<&str>) -> ApiResponse {
    let mut response = respond(status, "text/plain; charset=utf-8", text);
    preflight_headers(&mut response, requested_headers);
    response
}

/// The CORS headers of an answer to an allowed origin.
pub fn allow_origin(response: &mut ApiResponse, origin: &str) {
    set_header(response, "access-control-allow-origin", origin);
    set_header(response, "access-control-allow-credentials", "true");
    // Without this, browser code cannot read orq's Location after a create, nor a redirect's or a
    // 405's headers. (Upstream Letta sends none: it exposes no header.)
    set_header(response, "access-control-expose-headers", "location, allow");
    set_header(response, "vary", "Origin");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_origins_are_any_port_on_this_machine() {
        for origin in [
            "http://localhost:5173",
            "http://127.0.0.1:3000",
            "http://[::1]:8080",
            "https://localhost",
            "http://app.localhost:5173",
            "http://127.1.2.3:1",
        ] {
            assert!(is_local_origin(origin), "{origin}");
        }
        for origin in [
            "http://evil.example",
            "http://localhost.evil.example:5173",
            "null",
            "file://",
            "http://localhost@evil.example",
            "ftp://localhost",
            "http://[::2]:80",
        ] {
            assert!(!is_local_origin(origin), "{origin}");
        }
    }

    #[test]
    fn the_usual_hosts_pass_without_parsing() {
        for host in ["127.0.0.1", "127.0.0.1:8283", "localhost", "localhost:5173"] {
            assert!(is_plain_loopback(host.as_bytes()), "{host}");
        }
        for host in ["127.0.0.1.evil.example", "localhost.evil.example:80", "localhost:80x", "127.0.0.10"] {
            assert!(!is_plain_loopback(host.as_bytes()), "{host}");
        }
    }

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("LocalHost:8283"), "LocalHost");
        assert!(is_loopback_name("LocalHost") && is_loopback_name("App.LOCALHOST"));
        assert_eq!(host_name("[::1]:8283"), "::1");
        assert_eq!(host_name("evil.example"), "evil.example");
        assert!(is_loopback_name("127.0.0.1") && is_loopback_name("::1") && is_loopback_name("[::1]"));
        assert!(!is_loopback_name("0.0.0.0") && !is_loopback_name("192.168.1.5"));
    }

    #[test]
    fn the_host_check_is_on_for_loopback_binds_or_named_hosts() {
        assert!(Origins::new(true, &[], &[], &[], "127.0.0.1").hosts.is_some());
        assert!(Origins::new(true, &[], &[], &[], "localhost").hosts.is_some());
        assert!(Origins::new(true, &[], &[], &[], "0.0.0.0").hosts.is_none());
        let named = Origins::new(true, &[], &[], &["Mock.Test".into()], "0.0.0.0");
        assert_eq!(named.hosts, Some(vec!["mock.test".to_string()]));
    }
}
