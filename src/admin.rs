//! The admin API under `/__admin`: JSON in, JSON out, never mixed with the mocked APIs. Errors are
//! `{"error": "<what went wrong>"}`.

use crate::faults::{FaultSpec, Faults};
use crate::fixtures::{FixtureError, Fixtures};
use crate::http::{json, query_pairs, ApiRequest, ApiResponse};
use crate::journal::{Filter, Journal};
use crate::namespaces::{NamespaceInfo, DEFAULT_NAMESPACE};
use crate::vendor::GenericError;
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

fn error_reply(status: StatusCode, message: impl Into<String>) -> AdminError {
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
        Some(other) => {
            Err(error_reply(StatusCode::BAD_REQUEST, format!("{name} must be true or false, got {other:?}")))
        }
    }
}

/// What the admin API drives; the application provides it.
pub trait Control {
    fn admin_token(&self) -> Option<&str>;
    /// Whether the test-only routes are served.
    fn test_routes(&self) -> bool;
    fn health(&self) -> Value;
    /// Back to the fixtures (or to nothing): one namespace, or all.
    fn reset(&self, namespace: Option<&str>, empty: bool);
    /// Loads a fixtures document into `namespace`, whole or not at all. `name` is how its problems
    /// name it.
    fn load_fixtures(&self, name: &str, text: &str, namespace: &str) -> Result<LoadSummary, FixtureError>;
    /// The whole state as a fixtures document, or one namespace's sections.
    fn state(&self, namespace: Option<&str>) -> Value;
    fn journal(&self) -> &Journal;
    fn faults(&self) -> &Faults;
    fn namespaces(&self) -> Vec<NamespaceInfo>;
    /// Removes a namespace; whether it existed.
    fn remove_namespace(&self, name: &str) -> bool;
}

/// What a fixtures document added.
pub struct LoadSummary(Value);

impl LoadSummary {
    pub fn of(fixtures: &Fixtures, namespace: &str) -> LoadSummary {
        let mut loaded = fixtures.common.counts();
        loaded.insert("named_namespaces".into(), json!(fixtures.namespaces.keys().collect::<Vec<_>>()));
        LoadSummary(json!({ "namespace": namespace, "loaded": loaded }))
    }
}

/// With `--admin-token`, the admin API wants `Authorization: Bearer <token>` or
/// `X-Admin-Token: <token>`.
fn authorized(control: &dyn Control, request: &ApiRequest) -> bool {
    let Some(token) = control.admin_token() else { return true };
    let given = request.header("x-admin-token").map(str::trim).or_else(|| crate::namespaces::bearer_key(request));
    given == Some(token)
}

/// An error that is no admin route's own (a body too large or unreadable, a panic).
pub fn generic_error(error: GenericError) -> ApiResponse {
    let (status, message) = match error {
        GenericError::BodyTooLarge { max_bytes } => {
            (StatusCode::PAYLOAD_TOO_LARGE, format!("Request body is larger than {max_bytes} bytes"))
        }
        GenericError::UnreadableBody => (StatusCode::BAD_REQUEST, "the request body could not be read".into()),
        GenericError::NamespaceLimit { max } => {
            (StatusCode::SERVICE_UNAVAILABLE, crate::letta::namespace_limit_text(max))
        }
        GenericError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()),
    };
    error_reply(status, message).into_response()
}

/// Where `GET /__admin/requests/stream` starts: which requests it sends, from which `seq` on.
pub struct StreamStart {
    pub filter: Filter,
    pub after: u64,
}

/// The live journal opened, or the admin API's refusal.
pub enum Opening {
    Open(StreamStart),
    Refused(ApiResponse),
}

/// The path of the live journal, a stream of server-sent events.
pub const STREAM_PATH: &str = "/__admin/requests/stream";

/// Opens the live journal: the filters of `GET /__admin/requests`, and where to start: after
/// `since` (or `Last-Event-ID`, as a reconnecting `EventSource` sends it), else after the last
/// request recorded so far. A refusal is the admin API's answer.
pub fn open_stream(control: &dyn Control, request: &ApiRequest) -> Opening {
    match stream_start(control, request) {
        Ok(start) => Opening::Open(start),
        Err(refusal) => Opening::Refused(refusal.into_response()),
    }
}

fn stream_start(control: &dyn Control, request: &ApiRequest) -> Result<StreamStart, AdminError> {
    if !authorized(control, request) {
        return Err(unauthorized());
    }
    if !control.journal().enabled() {
        let message = "the journal is off (--journal-size 0): there are no requests to stream";
        return Err(error_reply(StatusCode::CONFLICT, message));
    }
    let filter = filter(request)?;
    let since = param(request, "since").or_else(|| request.header("last-event-id").map(str::to_string));
    let after = match since {
        None => control.journal().last_seq(),
        Some(text) => text.trim().parse::<u64>().map_err(|_| {
            error_reply(StatusCode::BAD_REQUEST, format!("since must be a request's seq, got {text:?}"))
        })?,
    };
    Ok(StreamStart { filter, after })
}

fn unauthorized() -> AdminError {
    error_reply(StatusCode::UNAUTHORIZED, "the admin API needs the admin token: Authorization: Bearer <token>")
}

/// Answers `/__admin<rest>`.
pub fn handle(control: &dyn Control, request: &ApiRequest, rest: &str) -> ApiResponse {
    if !authorized(control, request) {
        return unauthorized().into_response();
    }
    let outcome = match (&request.method, rest) {
        (&Method::GET, "/test/panic") if control.test_routes() => panic!("the test route panics on purpose"),
        (&Method::GET, "/health") => Ok(reply(StatusCode::OK, &control.health())),
        (&Method::POST, "/reset") => reset(control, request),
        (&Method::POST, "/fixtures") => load_fixtures(control, request),
        (&Method::GET, "/state") => {
            let namespace = param(request, "namespace").filter(|n| !n.is_empty());
            Ok(reply(StatusCode::OK, &control.state(namespace.as_deref())))
        }
        (&Method::GET, "/requests") => requests(control.journal(), request),
        (&Method::GET, "/requests/count") => {
            filter(request).map(|f| reply(StatusCode::OK, &json!({"count": control.journal().count(&f)})))
        }
        (&Method::DELETE, "/requests") => Ok(reply(StatusCode::OK, &json!({"cleared": control.journal().clear()}))),
        (&Method::POST, "/faults") => add_fault(control.faults(), request),
        (&Method::GET, "/faults") => Ok(reply(StatusCode::OK, &json!({"faults": control.faults().list()}))),
        (&Method::DELETE, "/faults") => Ok(reply(StatusCode::OK, &json!({"removed": control.faults().remove(None)}))),
        (&Method::DELETE, path) if path.starts_with("/faults/") => {
            remove_fault(control.faults(), &path["/faults/".len()..])
        }
        (&Method::GET, "/namespaces") => {
            let list: Vec<Value> = control.namespaces().iter().map(NamespaceInfo::to_json).collect();
            Ok(reply(StatusCode::OK, &json!({ "namespaces": list })))
        }
        (&Method::DELETE, path) if path.starts_with("/namespaces/") => {
            let name = &path["/namespaces/".len()..];
            match control.remove_namespace(name) {
                true => Ok(reply(StatusCode::OK, &json!({ "removed": name }))),
                false => Err(error_reply(StatusCode::NOT_FOUND, format!("no namespace {name:?}"))),
            }
        }
        _ => Err(error_reply(StatusCode::NOT_FOUND, format!("no admin route {} /__admin{rest}", request.method))),
    };
    outcome.unwrap_or_else(AdminError::into_response)
}

type Outcome = Result<ApiResponse, AdminError>;

fn reset(control: &dyn Control, request: &ApiRequest) -> Outcome {
    let empty = flag(request, "empty")?;
    let namespace = param(request, "namespace").filter(|n| !n.is_empty());
    control.reset(namespace.as_deref(), empty);
    Ok(reply(
        StatusCode::OK,
        &json!({"reset": namespace.as_deref().unwrap_or("all namespaces"), "to": if empty { "empty" } else { "fixtures" }}),
    ))
}

fn load_fixtures(control: &dyn Control, request: &ApiRequest) -> Outcome {
    let text = std::str::from_utf8(&request.body)
        .map_err(|_| error_reply(StatusCode::BAD_REQUEST, "the body is not UTF-8"))?;
    let target = param(request, "namespace").filter(|n| !n.is_empty()).unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let summary = control.load_fixtures("body", text, &target).map_err(|e| invalid_fixtures(e.problems))?;
    Ok(reply(StatusCode::OK, &summary.0))
}

fn filter(request: &ApiRequest) -> Result<Filter, AdminError> {
    let status = match param(request, "status") {
        None => None,
        Some(text) => Some(
            text.parse::<u16>()
                .map_err(|_| error_reply(StatusCode::BAD_REQUEST, format!("status must be a number, got {text:?}")))?,
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

fn requests(journal: &Journal, request: &ApiRequest) -> Outcome {
    let filter = filter(request)?;
    let limit = match param(request, "limit") {
        None => None,
        Some(text) => Some(
            text.parse::<usize>()
                .map_err(|_| error_reply(StatusCode::BAD_REQUEST, format!("limit must be a number, got {text:?}")))?,
        ),
    };
    Ok(reply(StatusCode::OK, &json!({"requests": journal.query(&filter, limit)})))
}

fn add_fault(faults: &Faults, request: &ApiRequest) -> Outcome {
    let spec: FaultSpec = serde_json::from_slice(&request.body)
        .map_err(|e| error_reply(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    let added = faults.add(spec).map_err(|e| error_reply(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    Ok(reply(StatusCode::CREATED, &serde_json::to_value(added).unwrap_or(Value::Null)))
}

fn remove_fault(faults: &Faults, id: &str) -> Outcome {
    let id: u64 =
        id.parse().map_err(|_| error_reply(StatusCode::BAD_REQUEST, format!("a fault id is a number, got {id:?}")))?;
    match faults.remove(Some(id)) {
        0 => Err(error_reply(StatusCode::NOT_FOUND, format!("no fault {id}"))),
        removed => Ok(reply(StatusCode::OK, &json!({ "removed": removed }))),
    }
}
