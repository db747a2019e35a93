//! The admin API under `/__admin`: JSON in, JSON out, never mixed with the mocked APIs. Errors are
//! `{"error": "<what went wrong>"}`.

use crate::app::App;
use crate::faults::FaultSpec;
use crate::fixtures::parse_document;
use crate::http::{json, query_pairs, ApiRequest, ApiResponse};
use crate::journal::Filter;
use crate::namespaces::DEFAULT_NAMESPACE;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};

fn reply(status: StatusCode, body: &Value) -> ApiResponse {
    json(status, serde_json::to_vec(body).unwrap_or_default())
}

/// A refused admin request: `{"error": …}`, with `problems` when there is a list of them.
struct AdminError {
    status: StatusCode,
    message: String,
    problems: Vec<String>,
}

fn error(status: StatusCode, message: impl Into<String>) -> AdminError {
    AdminError { status, message: message.into(), problems: Vec::new() }
}

impl AdminError {
    fn into_response(self) -> ApiResponse {
        if self.problems.is_empty() {
            reply(self.status, &json!({ "error": self.message }))
        } else {
            reply(self.status, &json!({ "error": self.message, "problems": self.problems }))
        }
    }
}

fn invalid_fixtures(problems: Vec<String>) -> AdminError {
    AdminError { status: StatusCode::BAD_REQUEST, message: "invalid fixtures".into(), problems }
}

/// The last value of a query parameter.
fn param(request: &ApiRequest, name: &str) -> Option<String> {
    query_pairs(&request.query).into_iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn flag(request: &ApiRequest, name: &str) -> Result<bool, AdminError> {
    match param(request, name).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(other) => Err(error(StatusCode::BAD_REQUEST, format!("{name} must be true or false, got {other:?}"))),
    }
}

/// With `--admin-token`, the admin API wants `Authorization: Bearer <token>` or
/// `X-Admin-Token: <token>`.
fn authorized(app: &App, request: &ApiRequest) -> bool {
    let Some(token) = &app.admin_token else { return true };
    let given = request.header("x-admin-token").map(str::trim).or_else(|| crate::namespaces::bearer_key(request));
    given == Some(token.as_str())
}

/// Answers `/__admin<rest>`.
pub fn handle(app: &App, request: &ApiRequest, rest: &str) -> ApiResponse {
    if !authorized(app, request) {
        return error(StatusCode::UNAUTHORIZED, "the admin API needs the admin token: Authorization: Bearer <token>")
            .into_response();
    }
    let outcome = match (&request.method, rest) {
        (&Method::GET, "/test/panic") if app.test_routes => panic!("the test route panics on purpose"),
        (&Method::GET, "/health") => Ok(health(app)),
        (&Method::POST, "/reset") => reset(app, request),
        (&Method::POST, "/fixtures") => load_fixtures(app, request),
        (&Method::GET, "/state") => Ok(reply(StatusCode::OK, &app.namespaces.dump())),
        (&Method::GET, "/requests") => requests(app, request),
        (&Method::GET, "/requests/count") => {
            filter(request).map(|f| reply(StatusCode::OK, &json!({"count": app.journal.count(&f)})))
        }
        (&Method::DELETE, "/requests") => Ok(reply(StatusCode::OK, &json!({"cleared": app.journal.clear()}))),
        (&Method::POST, "/faults") => add_fault(app, request),
        (&Method::GET, "/faults") => Ok(reply(StatusCode::OK, &json!({"faults": app.faults.list()}))),
        (&Method::DELETE, "/faults") => Ok(reply(StatusCode::OK, &json!({"removed": app.faults.remove(None)}))),
        (&Method::DELETE, path) if path.starts_with("/faults/") => remove_fault(app, &path["/faults/".len()..]),
        _ => Err(error(StatusCode::NOT_FOUND, format!("no admin route {} /__admin{rest}", request.method))),
    };
    outcome.unwrap_or_else(AdminError::into_response)
}

type Outcome = Result<ApiResponse, AdminError>;

fn health(app: &App) -> ApiResponse {
    let (namespaces, letta, orq) = app.namespaces.counts();
    reply(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_ms": u64::try_from(app.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "namespaces": namespaces,
            "letta": {"identities": letta},
            "orq": {"identities": orq},
        }),
    )
}

fn reset(app: &App, request: &ApiRequest) -> Outcome {
    let empty = flag(request, "empty")?;
    let namespace = param(request, "namespace").filter(|n| !n.is_empty());
    app.namespaces.reset(namespace.as_deref(), empty);
    Ok(reply(
        StatusCode::OK,
        &json!({"reset": namespace.as_deref().unwrap_or("all namespaces"), "to": if empty { "empty" } else { "fixtures" }}),
    ))
}

fn load_fixtures(app: &App, request: &ApiRequest) -> Outcome {
    let text =
        std::str::from_utf8(&request.body).map_err(|_| error(StatusCode::BAD_REQUEST, "the body is not UTF-8"))?;
    let fixtures = parse_document("body", text, app.schemas, &app.ids).map_err(|e| invalid_fixtures(e.problems))?;
    let target = param(request, "namespace").filter(|n| !n.is_empty()).unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    app.namespaces.load(&fixtures, &target, app.clock.now_micros()).map_err(invalid_fixtures)?;
    if request.body.len() >= crate::fixtures::LARGE_DOCUMENT_BYTES {
        crate::fixtures::release_free_heap();
    }
    let set = &fixtures.common;
    Ok(reply(
        StatusCode::OK,
        &json!({
            "namespace": target,
            "loaded": {
                "letta_identities": set.letta_identities.len(),
                "letta_agents": set.letta_agents.len(),
                "letta_blocks": set.letta_blocks.len(),
                "orq_identities": set.orq_identities.len(),
                "named_namespaces": fixtures.namespaces.keys().collect::<Vec<_>>(),
            }
        }),
    ))
}

fn filter(request: &ApiRequest) -> Result<Filter, AdminError> {
    let status = match param(request, "status") {
        None => None,
        Some(text) => Some(
            text.parse::<u16>()
                .map_err(|_| error(StatusCode::BAD_REQUEST, format!("status must be a number, got {text:?}")))?,
        ),
    };
    let headers = query_pairs(&request.query)
        .into_iter()
        .filter(|(key, _)| key == "header")
        .map(|(_, spec)| match spec.split_once(':') {
            Some((name, value)) => (name.trim().to_string(), Some(value.trim().to_string())),
            None => (spec.trim().to_string(), None),
        })
        .collect();
    Ok(Filter {
        method: param(request, "method"),
        path: param(request, "path"),
        status,
        namespace: param(request, "namespace"),
        api: param(request, "api"),
        operation: param(request, "operation"),
        headers,
        preflight: flag(request, "preflight")?,
    })
}

fn requests(app: &App, request: &ApiRequest) -> Outcome {
    let filter = filter(request)?;
    let limit = match param(request, "limit") {
        None => None,
        Some(text) => Some(
            text.parse::<usize>()
                .map_err(|_| error(StatusCode::BAD_REQUEST, format!("limit must be a number, got {text:?}")))?,
        ),
    };
    Ok(reply(StatusCode::OK, &json!({"requests": app.journal.query(&filter, limit)})))
}

fn add_fault(app: &App, request: &ApiRequest) -> Outcome {
    let spec: FaultSpec = serde_json::from_slice(&request.body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    let added = app.faults.add(spec).map_err(|e| error(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    Ok(reply(StatusCode::CREATED, &serde_json::to_value(added).unwrap_or(Value::Null)))
}

fn remove_fault(app: &App, id: &str) -> Outcome {
    let id: u64 =
        id.parse().map_err(|_| error(StatusCode::BAD_REQUEST, format!("a fault id is a number, got {id:?}")))?;
    match app.faults.remove(Some(id)) {
        0 => Err(error(StatusCode::NOT_FOUND, format!("no fault {id}"))),
        removed => Ok(reply(StatusCode::OK, &json!({ "removed": removed }))),
    }
}
