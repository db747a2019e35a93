//! The application: the one pipeline every request follows, and what the admin API and the
//! library handle drive. It owns the namespaces and the sources of ids and time; it knows nothing
//! of sockets, and, past [`App::vendors`], nothing of any vendor.

use crate::admin::{self, Control, LoadSummary};
use crate::clock::Clock;
use crate::config::Config;
use crate::faults::{FaultAction, Faults};
use crate::fixtures::{parse_document, FixtureError, FixtureSource, Fixtures};
use crate::http::{json, respond, ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::journal::{Body, Entry, Headers, Journal, ResponseHeaders};
use crate::letta::LettaApi;
use crate::namespaces::{namespace_of, NamespaceInfo, NamespaceRef, Namespaces};
use crate::origins::{self, Origins};
use crate::orq::OrqApi;
use crate::schema::{SchemaError, Schemas};
use crate::vendor::{Api, GenericError, Pipeline, Sources};
use hyper::header::HeaderValue;
use hyper::{HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct App {
    letta: LettaApi,
    orq: OrqApi,
    namespaces: Namespaces,
    schemas: &'static Schemas,
    ids: IdSource,
    clock: Clock,
    journal: Journal,
    faults: Faults,
    /// `/openapi.json`, built the first time it is asked for.
    openapi: std::sync::OnceLock<bytes::Bytes>,
    started: Instant,
    admin_token: Option<String>,
    test_routes: bool,
    /// Set by every request that may change the state; the state file writer clears it.
    dirty: AtomicBool,
    /// CORS, the admin API's same-origin rule and the Host check.
    origins: Origins,
    log_requests: bool,
    /// Serve the admin page; from this folder when set (else the compiled-in copy).
    admin_ui: bool,
    ui_dir: Option<std::path::PathBuf>,
    /// Turns true at shutdown, which ends the live journal streams.
    closing: tokio::sync::watch::Sender<bool>,
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

/// Where a request ends up when no vendor owns its path.
enum Other {
    OpenApi,
    AdminPage,
    Admin,
    Nowhere,
}

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
            Some(path) if path.exists() => FixtureSource::Path(path.clone()),
            _ => config.fixtures.clone(),
        };
        let fixtures = Fixtures::load(&source, schemas, &ids).map_err(StartError::Fixtures)?;
        // The start is not a write: a stepping clock's first write is one step after it.
        let started_micros = clock.peek_micros();
        let namespaces = Namespaces::new(fixtures, started_micros, config.max_namespaces);
        crate::heap::release_free();
        Ok(App {
            letta: LettaApi::new(schemas, started_micros, config),
            orq: OrqApi::new(schemas, config.orq_revision, config.orq_tag_match, config.api_keys.clone()),
            namespaces,
            schemas,
            ids,
            clock,
            journal: Journal::new(config.journal_size),
            faults: Faults::default(),
            openapi: std::sync::OnceLock::new(),
            started: Instant::now(),
            admin_token: config.admin_token.clone(),
            test_routes: config.test_routes,
            dirty: AtomicBool::new(false),
            origins: Origins::new(
                config.cors,
                &config.cors_origins,
                &config.admin_cors,
                &config.allowed_hosts,
                &config.host,
            ),
            log_requests: config.log_requests,
            admin_ui: config.admin_ui,
            ui_dir: config.ui_dir.clone(),
            closing: tokio::sync::watch::Sender::new(false),
        })
    }

    /// The vendors, in the order their paths are tried. A new vendor is one more entry here.
    fn vendors(&self) -> [&dyn Api; 2] {
        [&self.letta, &self.orq]
    }

    fn vendor_of(&self, path: &str) -> Option<&dyn Api> {
        self.vendors().into_iter().find(|vendor| vendor.owns(path))
    }

    /// Answers a request. This is the whole path of a request through the server:
    ///
    /// 1. a `Host` the server does not answer, or a cross-origin admin request, is refused;
    /// 2. faults (a delay, a given answer, or a dropped connection), for API requests;
    /// 3. a CORS preflight is answered here;
    /// 4. the vendor whose path it is ([`Api::answer`]): authentication and its route table
    ///    (refusals and unknown paths end here, before any namespace exists), then the namespace,
    ///    then validation and the handler; else `/openapi.json`, the admin API, or 404;
    /// 5. CORS headers, the `date` header of a frozen or stepping clock;
    /// 6. the console log and the journal.
    ///
    /// `None` means the connection is to be dropped without an answer.
    pub async fn answer(&self, request: ApiRequest) -> Option<ApiResponse> {
        let started = Instant::now();
        // A frozen or stepping clock also measures durations, so that journals repeat.
        let clock_started = if self.clock.is_real() { 0 } else { self.clock.peek_micros() };
        if let Some(refusal) = self.origins.refusal(&request) {
            // Nothing it asked for happens, nor is it journaled: it is not the app's traffic.
            if self.log_requests {
                log_request(&request, "-", Some(&refusal), &Answered::new(&self.clock, started, clock_started));
            }
            return Some(refusal);
        }
        if !matches!(request.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.dirty.store(true, Ordering::Release);
        }
        let vendor = self.vendor_of(&request.path);
        let namespace = vendor.map_or_else(|| namespace_of(&request), |vendor| vendor.namespace(&request));
        let fault = match vendor {
            Some(_) => self.faults.take(request.method.as_str(), &request.path, || namespace),
            None => None,
        };
        if let Some(fault) = &fault {
            if fault.delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
            }
        }
        let mut response = match fault {
            Some(fault) if fault.drop_connection => None,
            Some(FaultAction { respond: Some((status, body)), .. }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Some(match body {
                    Value::String(text) => respond(status, "text/plain; charset=utf-8", text),
                    body => json(status, serde_json::to_vec(&body).unwrap_or_default()),
                })
            }
            // A bug in a handler must cost one request, not the server.
            _ => Some(
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(vendor, &request, namespace)))
                    .unwrap_or_else(|_| self.generic_error(&request.path, &request.headers, GenericError::Internal)),
            ),
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
            log_request(&request, namespace, response.as_ref(), &answered);
        }
        // Only requests to the APIs are journaled: not admin calls, nor a browser's `/favicon.ico`.
        if let (Some(vendor), true) = (vendor, self.journal.enabled()) {
            let operation = vendor.operation_name(&request);
            let preflight = self.is_preflight(&request);
            // Most requests name no namespace: theirs is kept without allocating.
            let namespace = match namespace {
                crate::namespaces::DEFAULT_NAMESPACE => Cow::Borrowed(crate::namespaces::DEFAULT_NAMESPACE),
                named => Cow::Owned(named.to_string()),
            };
            self.journal.record(Entry {
                namespace,
                api: vendor.name(),
                operation,
                headers: Headers::copy(&request.headers),
                method: request.method,
                path: request.path,
                query: request.query,
                request_body: Body::copy(&request.body),
                status: response.as_ref().map_or(0, |r| r.status().as_u16()),
                response_headers: response
                    .as_ref()
                    .map_or_else(ResponseHeaders::none, |r| ResponseHeaders::copy(r.headers())),
                response_body: response.as_ref().map_or_else(Body::empty, |r| Body::keep(r.body())),
                time_micros: answered.time_micros,
                duration_micros: answered.duration_micros,
                preflight,
            });
        }
        response
    }

    /// Whether a request is a CORS preflight that this server answers as one.
    fn is_preflight(&self, request: &ApiRequest) -> bool {
        self.origins.cors
            && request.method == Method::OPTIONS
            && request.headers.contains_key("origin")
            && request.headers.contains_key("access-control-request-method")
    }

    /// CORS around the vendor, `/openapi.json`, the admin API, or 404.
    fn handle(&self, vendor: Option<&dyn Api>, request: &ApiRequest, namespace: &str) -> ApiResponse {
        let origin = self.origins.allowed_origin(request);
        if self.is_preflight(request) {
            let requested_headers = request.header("access-control-request-headers");
            return match (origin, vendor) {
                (Some(origin), _) => origins::preflight(origin, requested_headers),
                (None, Some(vendor)) => vendor.refused_preflight(requested_headers),
                (None, None) => origins::starlette_refused_preflight(requested_headers),
            };
        }
        let mut response = match vendor {
            Some(vendor) => vendor.answer(self, request, namespace),
            None => match other(request) {
                Other::OpenApi => json(StatusCode::OK, self.openapi_document()),
                Other::AdminPage if self.admin_ui => {
                    crate::ui::answer(&request.method, &request.path, self.ui_dir.as_deref())
                }
                Other::Admin => admin::handle(self, request, &request.path["/__admin".len()..]),
                Other::Nowhere | Other::AdminPage => json(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#),
            },
        };
        if let Some(origin) = origin {
            origins::allow_origin(&mut response, origin);
        }
        response
    }

    /// An error that is not any operation's (a body too large or unreadable, a panic), in the
    /// shape of the API the path belongs to: `{"error": …}` for the admin API, and Letta's
    /// `{"detail": …}` for paths of neither API (the real Letta server answers those).
    pub fn generic_error(&self, path: &str, headers: &HeaderMap, error: GenericError) -> ApiResponse {
        match self.vendor_of(path) {
            Some(vendor) => vendor.generic_error(error, headers),
            None if path.starts_with("/__admin") => admin::generic_error(error),
            None => crate::vendor::Vendor::generic_error(&self.letta, error, headers),
        }
    }

    /// Answers a request without faults, journal, log or the panic guard: what the fuzz targets
    /// drive, so that a panic shows.
    #[doc(hidden)]
    pub fn respond(&self, request: &ApiRequest) -> ApiResponse {
        let vendor = self.vendor_of(&request.path);
        self.handle(vendor, request, vendor.map_or_else(|| namespace_of(request), |vendor| vendor.namespace(request)))
    }

    /// `/openapi.json`: every vendor's paths and the admin API's.
    pub fn openapi_document(&self) -> bytes::Bytes {
        self.openapi.get_or_init(|| crate::openapi::document(self.schemas, &self.vendors()).into()).clone()
    }

    /// Whether the state may have changed since the last call.
    pub fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::AcqRel)
    }

    /// The whole state as a fixtures document.
    pub fn state_document(&self) -> Vec<u8> {
        serde_json::to_vec(&self.namespaces.dump()).unwrap_or_default()
    }

    /// Drops the namespaces unused for `idle`; how many went.
    pub fn drop_idle_namespaces(&self, idle: Duration) -> usize {
        self.namespaces.drop_idle(idle)
    }

    /// Opens the live journal for `GET /__admin/requests/stream`; `None` for any other request.
    pub fn open_stream(&self, request: &ApiRequest) -> Option<admin::Opening> {
        if request.method != Method::GET || request.path != admin::STREAM_PATH {
            return None;
        }
        if let Some(refusal) = self.origins.refusal(request) {
            return Some(admin::Opening::Refused(refusal));
        }
        Some(admin::open_stream(self, request))
    }

    /// What a live journal stream watches to end when the server shuts down.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends the live journal streams, so that a shutdown does not wait for their clients.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// The journal's entries, oldest first, as [`crate::MockServer::requests`] gives them.
    pub fn requests(&self) -> Vec<crate::RecordedRequest> {
        self.journal.query(&crate::journal::Filter::default(), None)
    }
}

fn other(request: &ApiRequest) -> Other {
    if request.path == "/openapi.json" && request.method == Method::GET {
        Other::OpenApi
    } else if crate::ui::owns(&request.path) {
        Other::AdminPage
    } else if request.path == "/__admin" || request.path.starts_with("/__admin/") {
        Other::Admin
    } else {
        Other::Nowhere
    }
}

impl Pipeline for App {
    fn namespace(&self, name: &str, writes: bool) -> Result<NamespaceRef, usize> {
        self.namespaces.resolve(name, writes, || self.clock.peek_micros())
    }

    fn sources(&self) -> Sources<'_> {
        Sources { ids: &self.ids, clock: &self.clock }
    }
}

/// What the admin API and the library handle drive.
impl Control for App {
    fn admin_token(&self) -> Option<&str> {
        self.admin_token.as_deref()
    }

    fn test_routes(&self) -> bool {
        self.test_routes
    }

    fn health(&self) -> Value {
        let (namespaces, letta, orq) = self.namespaces.counts();
        json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_ms": u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "namespaces": namespaces,
            "letta": {"identities": letta},
            "orq": {"identities": orq},
        })
    }

    fn reset(&self, namespace: Option<&str>, empty: bool) {
        self.namespaces.reset(namespace, empty, self.clock.peek_micros());
    }

    fn load_fixtures(&self, name: &str, text: &str, namespace: &str) -> Result<LoadSummary, FixtureError> {
        let fixtures = parse_document(name, text, self.schemas, &self.ids)?;
        self.namespaces
            .load(&fixtures, namespace, self.clock.now_micros())
            .map_err(|problems| FixtureError { problems })?;
        if text.len() >= crate::heap::LARGE_DOCUMENT_BYTES {
            crate::heap::release_free();
        }
        Ok(LoadSummary::of(&fixtures, namespace))
    }

    fn state(&self, namespace: Option<&str>) -> Value {
        match namespace {
            Some(name) => self.namespaces.dump_one(name),
            None => self.namespaces.dump(),
        }
    }

    fn journal(&self) -> &Journal {
        &self.journal
    }

    fn faults(&self) -> &Faults {
        &self.faults
    }

    fn namespaces(&self) -> Vec<NamespaceInfo> {
        self.namespaces.list()
    }

    fn remove_namespace(&self, name: &str) -> bool {
        self.namespaces.remove(name)
    }
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

/// `--log requests`: one line per request on stderr.
fn log_request(request: &ApiRequest, namespace: &str, response: Option<&ApiResponse>, answered: &Answered) {
    let status = response.map_or_else(|| "dropped".to_string(), |r| r.status().as_u16().to_string());
    let query = if request.query.is_empty() { String::new() } else { format!("?{}", request.query) };
    eprintln!(
        "{} {} {} {}{query} {status} {:.1}ms",
        crate::clock::rfc3339_millis(answered.time_micros),
        namespace,
        request.method,
        request.path,
        answered.duration_micros as f64 / 1000.0,
    );
}
