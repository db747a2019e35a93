//! The application: which API a request is for, CORS, faults, the journal and the admin routes.
//! It owns the store and the sources of ids and time; it knows nothing of sockets.

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Faults;
use crate::fixtures::{FixtureError, Fixtures};
use crate::http::{json, respond, ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::journal::{Api, Body, Entry, Headers, Journal};
use crate::letta::{self, LettaApi, Sources};
use crate::namespaces::{namespace_of, Namespaces, DEFAULT_NAMESPACE};
use crate::orq::{self, OrqApi};
use crate::schema::{SchemaError, Schemas};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct App {
    pub(crate) letta_api: LettaApi,
    pub(crate) orq_api: OrqApi,
    pub(crate) namespaces: Namespaces,
    pub(crate) schemas: &'static Schemas,
    pub(crate) ids: IdSource,
    pub(crate) clock: Clock,
    pub(crate) journal: Journal,
    pub(crate) faults: Faults,
    pub(crate) openapi: bytes::Bytes,
    pub(crate) started: Instant,
    pub(crate) admin_token: Option<String>,
    pub(crate) test_routes: bool,
    /// Set by every request that may change the state; the state file writer clears it.
    dirty: AtomicBool,
    cors: bool,
    log_requests: bool,
}

/// Why the application could not start.
#[derive(Debug)]
pub enum StartError {
    Schema(SchemaError),
    Fixtures(FixtureError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Schema(e) => e.fmt(f),
            StartError::Fixtures(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {}

impl App {
    pub fn new(config: &Config) -> Result<App, StartError> {
        let schemas = Schemas::bundled().map_err(StartError::Schema)?;
        let ids = match config.seed {
            Some(seed) => IdSource::seeded(seed),
            None => IdSource::random(),
        };
        let clock = config.clock.clone();
        // A state file left by an earlier run wins over the fixtures; a broken one stops the start.
        let source = match &config.state_file {
            Some(path) if path.exists() => crate::fixtures::FixtureSource::Path(path.clone()),
            _ => config.fixtures.clone(),
        };
        let fixtures = Fixtures::load(&source, schemas, &ids).map_err(StartError::Fixtures)?;
        // The start is not a write: a stepping clock's first write is one step after it.
        let started_micros = clock.peek_micros();
        let namespaces = Namespaces::new(fixtures, started_micros);
        crate::fixtures::release_free_heap();
        Ok(App {
            letta_api: LettaApi::new(schemas, started_micros, config.fix_upstream_bugs, config.api_keys.clone()),
            orq_api: OrqApi::new(schemas, config.orq_revision, config.orq_tag_match, config.api_keys.clone()),
            namespaces,
            schemas,
            ids,
            clock,
            journal: Journal::new(config.journal_size),
            faults: Faults::default(),
            openapi: crate::openapi::document(schemas).into(),
            started: Instant::now(),
            admin_token: config.admin_token.clone(),
            test_routes: config.test_routes,
            dirty: AtomicBool::new(false),
            cors: config.cors,
            log_requests: config.log_requests,
        })
    }

    /// The 413 for a body over the limit, in the error shape of the API the path belongs to.
    pub fn body_too_large(&self, path: &str, max_body_bytes: usize) -> ApiResponse {
        let message = format!("Request body is larger than {max_body_bytes} bytes");
        let body = if orq::owns(path) {
            serde_json::json!({"code": 8, "message": message, "details": []})
        } else if path.starts_with("/__admin") {
            serde_json::json!({ "error": message })
        } else {
            serde_json::json!({ "detail": message })
        };
        json(StatusCode::PAYLOAD_TOO_LARGE, serde_json::to_vec(&body).unwrap_or_default())
    }

    /// Whether the state may have changed since the last call.
    pub fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::AcqRel)
    }

    /// The whole state as a fixtures document.
    pub fn state_document(&self) -> Vec<u8> {
        serde_json::to_vec(&self.namespaces.dump()).unwrap_or_default()
    }

    /// Answers a request: faults first, then the API, then the console log and the journal.
    /// `None` means the connection is to be dropped without an answer.
    pub async fn answer(&self, request: ApiRequest) -> Option<ApiResponse> {
        let started = Instant::now();
        // A frozen or stepping clock also measures durations, so that journals repeat.
        let clock_started = if self.clock.is_real() { 0 } else { self.clock.peek_micros() };
        if !matches!(request.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.dirty.store(true, Ordering::Release);
        }
        let admin = request.path.starts_with("/__admin") || request.path == "/openapi.json";
        let fault = if admin {
            None
        } else {
            self.faults.take(request.method.as_str(), &request.path, || namespace_of(&request))
        };
        if let Some(fault) = &fault {
            if fault.delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
            }
        }
        let mut response = match fault {
            Some(fault) if fault.drop_connection => None,
            Some(crate::faults::FaultAction { respond: Some((status, body)), .. }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Some(match body {
                    serde_json::Value::String(text) => respond(status, "text/plain; charset=utf-8", text),
                    body => json(status, serde_json::to_vec(&body).unwrap_or_default()),
                })
            }
            _ => Some(self.handle(&request)),
        };
        let answered = Answered::new(&self.clock, started, clock_started);
        if let Some(response) = response.as_mut() {
            if !self.clock.is_real() {
                // The date header shows the same time as the body of a write made by this request.
                if let Ok(date) = HeaderValue::from_str(&Clock::http_date(answered.time_micros)) {
                    response.headers_mut().insert(hyper::header::DATE, date);
                }
            }
        }
        if self.log_requests {
            log_request(&request, response.as_ref(), &answered);
        }
        if !admin && self.journal.enabled() {
            if let Some(api) = api_of(&request.path) {
                self.record(api, request, response.as_ref(), &answered);
            }
        }
        response
    }

    /// Whether a request is a CORS preflight that this server answers as one.
    fn is_preflight(&self, request: &ApiRequest) -> bool {
        self.cors
            && request.method == Method::OPTIONS
            && request.headers.contains_key("origin")
            && request.headers.contains_key("access-control-request-method")
    }

    /// Journals a request, taking its parts rather than copying them: this runs for every request.
    fn record(&self, api: Api, request: ApiRequest, response: Option<&ApiResponse>, answered: &Answered) {
        let namespace = match namespace_of(&request) {
            DEFAULT_NAMESPACE => Cow::Borrowed(DEFAULT_NAMESPACE),
            named => Cow::Owned(named.to_string()),
        };
        let operation = match api {
            Api::Letta => {
                letta::strip_prefix(&request.path).and_then(|rest| letta::operation_name(&request.method, rest))
            }
            Api::Orq => self.orq_api.operation_name(&request),
        };
        let preflight = self.is_preflight(&request);
        self.journal.record(Entry {
            namespace,
            api,
            operation,
            headers: Headers::copy(&request.headers),
            method: request.method,
            path: request.path,
            query: request.query,
            request_body: Body::copy(&request.body),
            status: response.map_or(0, |r| r.status().as_u16()),
            response_body: response.map_or_else(Body::empty, |r| Body::keep(r.body())),
            time_micros: answered.time_micros,
            duration_micros: answered.duration_micros,
            preflight,
        });
    }

    /// Answers a request from the APIs, the admin routes or CORS, with no fault or journal.
    pub fn handle(&self, request: &ApiRequest) -> ApiResponse {
        let origin = if self.cors { request.header("origin").map(str::to_string) } else { None };
        if let Some(origin) = origin.as_deref().filter(|_| self.is_preflight(request)) {
            return preflight(origin, request.header("access-control-request-headers"));
        }
        let mut response = self.route(request);
        if let Some(origin) = origin {
            allow_origin(&mut response, &origin);
        }
        response
    }

    fn route(&self, request: &ApiRequest) -> ApiResponse {
        if let Some(rest) = letta::strip_prefix(&request.path) {
            let sources = Sources { ids: &self.ids, clock: &self.clock };
            let namespace = self.namespaces.get(namespace_of(request));
            return self.letta_api.handle(&namespace.letta, &sources, request, rest);
        }
        if orq::owns(&request.path) {
            return self.orq_api.handle(&self.namespaces, &self.ids, &self.clock, request);
        }
        if request.path == "/openapi.json" && request.method == Method::GET {
            return json(StatusCode::OK, self.openapi.clone());
        }
        if let Some(rest) = request.path.strip_prefix("/__admin") {
            return crate::admin::handle(self, request, rest);
        }
        json(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#)
    }
}

fn set_header(response: &mut ApiResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(HeaderName::from_static(name), value);
    }
}

/// A CORS preflight, answered as Starlette's CORSMiddleware does for Letta: any origin, any method,
/// the requested headers.
fn preflight(origin: &str, requested_headers: Option<&str>) -> ApiResponse {
    let mut response = respond(StatusCode::OK, "text/plain; charset=utf-8", "OK");
    set_header(&mut response, "vary", "Origin");
    set_header(&mut response, "access-control-allow-methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    set_header(&mut response, "access-control-max-age", "600");
    set_header(&mut response, "access-control-allow-credentials", "true");
    if let Some(headers) = requested_headers {
        set_header(&mut response, "access-control-allow-headers", headers);
    }
    set_header(&mut response, "access-control-allow-origin", origin);
    response
}

fn allow_origin(response: &mut ApiResponse, origin: &str) {
    set_header(response, "access-control-allow-origin", origin);
    set_header(response, "access-control-allow-credentials", "true");
    // Without this, browser code cannot read orq's Location after a create, nor a redirect's or a
    // 405's headers. (Upstream Letta sends none: it exposes no header.)
    set_header(response, "access-control-expose-headers", "location, allow");
    set_header(response, "vary", "Origin");
}

/// When a request was answered and how long it took, by the server's clock.
struct Answered {
    time_micros: i64,
    duration_micros: u64,
}

impl Answered {
    fn new(clock: &Clock, started: Instant, clock_started: i64) -> Answered {
        let time_micros = clock.peek_micros();
        let duration_micros = if clock.is_real() {
            u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
        } else {
            u64::try_from(time_micros - clock_started).unwrap_or(0)
        };
        Answered { time_micros, duration_micros }
    }
}

/// The API a path belongs to; the journal keeps only requests to one of them.
fn api_of(path: &str) -> Option<Api> {
    if letta::strip_prefix(path).is_some() {
        Some(Api::Letta)
    } else if orq::owns(path) {
        Some(Api::Orq)
    } else {
        None
    }
}

/// `--log requests`: one line per request on stderr.
fn log_request(request: &ApiRequest, response: Option<&ApiResponse>, answered: &Answered) {
    let status = response.map_or_else(|| "dropped".to_string(), |r| r.status().as_u16().to_string());
    let query = if request.query.is_empty() { String::new() } else { format!("?{}", request.query) };
    eprintln!(
        "{} {} {} {}{query} {status} {:.1}ms",
        crate::clock::rfc3339_millis(answered.time_micros),
        namespace_of(request),
        request.method,
        request.path,
        answered.duration_micros as f64 / 1000.0,
    );
}
