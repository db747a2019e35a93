//! The application: which API a request is for, CORS, and the admin routes. It owns the store and
//! the sources of ids and time; it knows nothing of sockets.

use crate::clock::Clock;
use crate::config::Config;
use crate::fixtures::{FixtureError, FixtureSet};
use crate::http::{json, respond, ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::letta::{self, LettaApi, Sources};
use crate::namespaces::{Namespaces, DEFAULT_NAMESPACE};
use crate::orq::{self, OrqApi};
use crate::schema::{SchemaError, Schemas};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use std::time::Instant;

pub struct App {
    letta_api: LettaApi,
    orq_api: OrqApi,
    namespaces: Namespaces,
    ids: IdSource,
    clock: Clock,
    started: Instant,
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
        let fixtures =
            FixtureSet::load(&config.fixtures, schemas, &ids).map_err(StartError::Fixtures)?;
        let started_micros = clock.now_micros();
        Ok(App {
            letta_api: LettaApi::new(schemas, started_micros, config.fix_upstream_bugs),
            orq_api: OrqApi::new(
                schemas,
                config.orq_revision,
                config.orq_tag_match,
                config.api_keys.clone(),
            ),
            namespaces: Namespaces::new(fixtures, started_micros),
            ids,
            clock,
            started: Instant::now(),
        })
    }

    pub fn handle(&self, request: &ApiRequest) -> ApiResponse {
        let origin = request.header("origin").map(str::to_string);
        if let (&Method::OPTIONS, Some(origin)) = (&request.method, &origin) {
            if request
                .headers
                .contains_key("access-control-request-method")
            {
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
            let sources = Sources {
                ids: &self.ids,
                clock: &self.clock,
            };
            let namespace = self.namespaces.get(DEFAULT_NAMESPACE);
            return self
                .letta_api
                .handle(&namespace.letta, &sources, request, rest);
        }
        if orq::owns(&request.path) {
            return self
                .orq_api
                .handle(&self.namespaces, &self.ids, &self.clock, request);
        }
        match (&request.method, request.path.as_str()) {
            (&Method::GET, "/__admin/health") => self.health(),
            _ => json(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#),
        }
    }

    fn health(&self) -> ApiResponse {
        let letta = &self.namespaces.get(DEFAULT_NAMESPACE).letta;
        let body = serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_ms": u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "namespaces": self.namespaces.len(),
            "letta": {
                "identities": letta.identities.len(),
                "agents": letta.agents.len(),
                "blocks": letta.blocks.len(),
            },
        });
        json(
            StatusCode::OK,
            serde_json::to_vec(&body).unwrap_or_default(),
        )
    }
}

fn set_header(response: &mut ApiResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

/// A CORS preflight, answered as Starlette's CORSMiddleware does for Letta: any origin, any method,
/// the requested headers.
fn preflight(origin: &str, requested_headers: Option<&str>) -> ApiResponse {
    let mut response = respond(StatusCode::OK, "text/plain; charset=utf-8", "OK");
    set_header(&mut response, "vary", "Origin");
    set_header(
        &mut response,
        "access-control-allow-methods",
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
    );
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
