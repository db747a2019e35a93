//! The application: which API a request is for, CORS, faults, the journal and the admin routes.
//! It owns the store and the sources of ids and time; it knows nothing of sockets.

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Faults;
use crate::fixtures::{FixtureError, Fixtures};
use crate::http::{json, respond, ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::journal::{Body, Entry, Journal};
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
        let started_micros = clock.now_micros();
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

    /// Answers a request: faults first, then the API, then the journal. `None` means the
    /// connection is to be dropped without an answer.
    pub async fn answer(&self, request: ApiRequest) -> Option<ApiResponse> {
        let started = Instant::now();
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
        let response = match fault {
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
        let mut response = response;
        if let Some(response) = response.as_mut() {
            if !matches!(self.clock, Clock::Real) {
                // With a frozen or stepping clock the date header follows it, so output repeats.
                if let Ok(date) = HeaderValue::from_str(&Clock::http_date(self.clock.peek_micros())) {
                    response.headers_mut().insert(hyper::header::DATE, date);
                }
            }
        }
        if !admin && self.journal.enabled() {
            self.record(request, response.as_ref(), started.elapsed());
        }
        response
    }

    /// Journals a request, taking its parts rather than copying them: this runs for every request.
    fn record(&self, request: ApiRequest, response: Option<&ApiResponse>, took: Duration) {
        let namespace = match namespace_of(&request) {
            DEFAULT_NAMESPACE => Cow::Borrowed(DEFAULT_NAMESPACE),
            named => Cow::Owned(named.to_string()),
        };
        self.journal.record(Entry {
            namespace,
            method: request.method,
            path: request.path,
            query: request.query,
            request_body: Body::copy(&request.body),
            status: response.map_or(0, |r| r.status().as_u16()),
            response_body: response.map_or_else(Body::empty, |r| Body::keep(r.body())),
            duration_micros: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        });
    }

    /// Answers a request from the APIs, the admin routes or CORS, with no fault or journal.
    pub fn handle(&self, request: &ApiRequest) -> ApiResponse {
        let origin = if self.cors { request.header("origin").map(str::to_string) } else { None };
        if let (&Method::OPTIONS, Some(origin)) = (&request.method, &origin) {
            if request.headers.contains_key("access-control-request-method") {
                return preflight(origin, request.header("access-control-request-headers"));
            }
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
    set_header(response, "vary", "Origin");
}
