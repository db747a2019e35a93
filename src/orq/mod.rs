//! The orq.ai Identities API (`/v2/identities`), in its current contract and in the older v1
//! shape. A request travels: revision, route, API key (which is the workspace), body and query
//! checked against the schemas, store, encode in the revision's shape.

pub mod fixtures;
pub mod model;
pub mod openapi;
pub mod query;
pub mod routes;

use crate::http::{json, ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::json_text::JsonText;
use crate::namespaces::{bearer_key, NamespaceRef};
use crate::schema::{SchemaId, Schemas};
use crate::store::{PageBounds, SortedFrom, WriteError};
use crate::vendor::{GenericError, Routing, Sources, Vendor};
use hyper::header::{HeaderValue, ALLOW, LOCATION};
use hyper::StatusCode;
use model::{Extras, OrqData, OrqIdentity, ORDER_BY_DISPLAY_NAME, ORDER_BY_UPDATED};
use query::{Cursor, ListQuery, SortBy};
use routes::{Operation, Route, Routed};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// The header a request may pick its revision with.
pub const REVISION_HEADER: &str = "x-mock-orq-api";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Revision {
    /// What orq-ai-sdk 4.9.17 and later and @orq-ai/node 4.15 speak.
    Current,
    /// The flat shape orq-ai-sdk 4.1.15 to 4.9.3 speak.
    V1,
}

impl Revision {
    pub fn parse(text: &str) -> Option<Revision> {
        match text.trim().to_ascii_lowercase().as_str() {
            "current" => Some(Revision::Current),
            "v1" => Some(Revision::V1),
            _ => None,
        }
    }
}

/// Whether an identity must carry every tag asked for, or one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TagMatch {
    All,
    Any,
}

/// The gRPC status codes the API answers with.
#[derive(Clone, Copy, Debug)]
enum Code {
    InvalidArgument = 3,
    NotFound = 5,
    AlreadyExists = 6,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    Unauthenticated = 16,
}

impl Code {
    fn status(self) -> StatusCode {
        match self {
            Code::InvalidArgument => StatusCode::BAD_REQUEST,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::AlreadyExists => StatusCode::CONFLICT,
            // The mock's own body limit; grpc-gateway itself would answer 429.
            Code::ResourceExhausted => StatusCode::PAYLOAD_TOO_LARGE,
            Code::Unimplemented => StatusCode::METHOD_NOT_ALLOWED,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        }
    }
}

/// A failed orq request, before it becomes a response.
#[derive(Debug)]
pub struct OrqError {
    code: Code,
    message: String,
    allow: Option<String>,
}

impl OrqError {
    fn new(code: Code, message: impl Into<String>) -> OrqError {
        OrqError { code, message: message.into(), allow: None }
    }

    fn invalid(message: impl Into<String>) -> OrqError {
        OrqError::new(Code::InvalidArgument, message)
    }

    fn not_found(revision: Revision) -> OrqError {
        match revision {
            // v1 documents this exact text for its 404s.
            Revision::V1 => OrqError::new(Code::NotFound, "Identity not found"),
            Revision::Current => OrqError::new(Code::NotFound, "identity not found"),
        }
    }

    /// The body: a google.rpc.Status as grpc-gateway writes it (current), or v1's `error` with the
    /// same text as `message` and the code. Both always carry `message`, which the SDKs require.
    pub fn into_response(self, revision: Revision) -> ApiResponse {
        let body = match revision {
            Revision::Current => {
                serde_json::json!({"code": self.code as u16, "message": self.message, "details": []})
            }
            Revision::V1 => {
                serde_json::json!({"error": self.message, "message": self.message, "code": self.code as u16})
            }
        };
        let mut response = json(self.code.status(), serde_json::to_vec(&body).unwrap_or_default());
        if let Some(allow) = self.allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
            response.headers_mut().insert(ALLOW, allow);
        }
        response
    }
}

type Outcome = Result<ApiResponse, OrqError>;

pub struct OrqApi {
    schemas: &'static Schemas,
    default_revision: Revision,
    tag_match: TagMatch,
    /// When set, only these API keys are accepted.
    api_keys: Option<HashSet<String>>,
}

/// What the orq route table found: the operation, where its `{id}` sits in the request's path,
/// and the revision the request speaks.
pub struct OrqRoute {
    route: &'static Route,
    item: Option<std::ops::Range<usize>>,
    revision: Revision,
}

/// A namespace's orq data with its workspace id, as the handlers use it.
struct Workspace<'a> {
    data: &'a OrqData,
    workspace_id: &'a str,
}

impl std::ops::Deref for Workspace<'_> {
    type Target = OrqData;

    fn deref(&self) -> &OrqData {
        self.data
    }
}

/// Whether a path belongs to the orq API.
pub fn owns(path: &str) -> bool {
    path == "/v2" || path.starts_with("/v2/")
}

impl OrqApi {
    pub fn new(
        schemas: &'static Schemas,
        default_revision: Revision,
        tag_match: TagMatch,
        api_keys: Vec<String>,
    ) -> OrqApi {
        let api_keys = (!api_keys.is_empty()).then(|| api_keys.into_iter().collect());
        OrqApi { schemas, default_revision, tag_match, api_keys }
    }

    /// The revision a request asks for; an unknown one is an error in the default revision.
    fn revision(&self, request: &ApiRequest) -> Result<Revision, OrqError> {
        match request.header(REVISION_HEADER) {
            None => Ok(self.default_revision),
            Some(text) => Revision::parse(text)
                .ok_or_else(|| OrqError::invalid(format!("X-Mock-Orq-Api must be v1 or current, got {text:?}"))),
        }
    }

    /// The route table: the route a path names, 405 with `Allow` for a method it does not
    /// take; then the API key.
    fn route_request(&self, request: &ApiRequest, revision: Revision) -> Result<OrqRoute, OrqError> {
        let (route, id) = match routes::route(&request.method, &request.path, revision) {
            Routed::Found { route, id } => (route, id),
            Routed::MethodNotAllowed { allow } => {
                return Err(OrqError { allow: Some(allow), ..OrqError::new(Code::Unimplemented, "Method Not Allowed") })
            }
            Routed::NotFound => return Err(OrqError::new(Code::NotFound, "Not Found")),
        };
        self.check_api_key(request)?;
        let item = id.map(|id| {
            let start = id.as_ptr() as usize - request.path.as_ptr() as usize;
            start..start + id.len()
        });
        Ok(OrqRoute { route, item, revision })
    }

    fn dispatch(
        &self,
        route: &OrqRoute,
        workspace: &Workspace<'_>,
        sources: &Sources<'_>,
        request: &ApiRequest,
    ) -> Outcome {
        let revision = route.revision;
        let id = route.item.clone().map(|range| &request.path[range]).unwrap_or_default();
        // Only writes read the clock, so a stepping clock moves once per write.
        let now = || sources.clock.now_micros() / 1000;
        let ids = sources.ids;
        let body = route.route.body_schema(revision);
        match route.route.operation {
            Operation::List => self.list(workspace, request, revision),
            Operation::Create => self.create(workspace, ids, now(), request, body, revision),
            Operation::UpsertContact => self.upsert_contact(workspace, ids, now(), request, body),
            Operation::Retrieve => self.retrieve(workspace, id, request, revision),
            Operation::Update => self.update(workspace, id, now(), request, body, revision),
            Operation::Delete => {
                let identity = workspace.find(id).ok_or_else(|| OrqError::not_found(revision))?;
                workspace.identities.remove(&identity.id).ok_or_else(|| OrqError::not_found(revision))?;
                Ok(match revision {
                    Revision::Current => json(StatusCode::OK, "{}"),
                    Revision::V1 => {
                        let mut response = json(StatusCode::NO_CONTENT, "");
                        response.headers_mut().remove(hyper::header::CONTENT_TYPE);
                        response
                    }
                })
            }
        }
    }

    /// Every orq request needs `Authorization: Bearer <key>`, with a listed key when keys are
    /// restricted. The key also names the workspace, unless `X-Mock-Namespace` does.
    fn check_api_key(&self, request: &ApiRequest) -> Result<(), OrqError> {
        let Some(key) = bearer_key(request) else {
            return Err(OrqError::new(
                Code::Unauthenticated,
                "missing API key: send the header 'Authorization: Bearer <API key>'",
            ));
        };
        if self.api_keys.as_ref().is_some_and(|keys| !keys.contains(key)) {
            return Err(OrqError::new(Code::Unauthenticated, "invalid API key"));
        }
        Ok(())
    }

    /// The body as a JSON object, validated against `schema`. In the current revision `null` is
    /// the same as an absent field, as in proto3 JSON.
    fn body(
        &self,
        request: &ApiRequest,
        schema: Option<SchemaId>,
        revision: Revision,
    ) -> Result<Map<String, Value>, OrqError> {
        let value: Value = if request.body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(&request.body).map_err(|e| OrqError::invalid(format!("invalid JSON body: {e}")))?
        };
        if holds_number_past_f64(&value) {
            return Err(OrqError::invalid("invalid JSON body: number out of range"));
        }
        let Value::Object(mut fields) = value else {
            return Err(OrqError::invalid("invalid request body: the body must be a JSON object"));
        };
        if revision == Revision::Current {
            fields.retain(|_, value| !value.is_null());
        }
        let instance = Value::Object(fields);
        if let Some(schema) = schema {
            let problems: Vec<String> = self
                .schemas
                .get(schema)
                .validator
                .iter_errors(&instance)
                .map(|error| {
                    let path = error.instance_path().as_str();
                    let field = if path.is_empty() { String::new() } else { format!("{}: ", &path[1..]) };
                    format!("{field}{error}")
                })
                .collect();
            if !problems.is_empty() {
                return Err(OrqError::invalid(format!("invalid request body: {}", problems.join("; "))));
            }
        }
        let Value::Object(fields) = instance else { unreachable!("built as an object above") };
        Ok(fields)
    }

    fn flag(request: &ApiRequest, name: &str) -> Result<bool, OrqError> {
        let mut flag = false;
        for (key, value) in crate::http::query_pairs(&request.query) {
            if key == name {
                flag = query::parse_bool(name, &value).map_err(OrqError::invalid)?;
            }
        }
        Ok(flag)
    }

    fn retrieve(&self, workspace: &Workspace<'_>, id: &str, request: &ApiRequest, revision: Revision) -> Outcome {
        let extras =
            Extras { metrics: Self::flag(request, "include_metrics")?, budget: Self::flag(request, "include_budget")? };
        let identity = workspace.find(id).ok_or_else(|| OrqError::not_found(revision))?;
        Ok(single(workspace, &identity, revision, extras, StatusCode::OK))
    }

    fn create(
        &self,
        workspace: &Workspace<'_>,
        ids: &IdSource,
        now: i64,
        request: &ApiRequest,
        schema: Option<SchemaId>,
        revision: Revision,
    ) -> Outcome {
        let fields = self.body(request, schema, revision)?;
        let identity = insert_new(workspace, ids, now, &fields)?;
        let mut response = single(workspace, &identity, revision, Extras::default(), StatusCode::CREATED);
        if revision == Revision::Current {
            if let Ok(location) = HeaderValue::from_str(&format!("/v2/identities/{}", identity.id)) {
                response.headers_mut().insert(LOCATION, location);
            }
        }
        Ok(response)
    }

    /// v1's `POST /v2/contacts`: update the identity with this external_id, or create it.
    fn upsert_contact(
        &self,
        workspace: &Workspace<'_>,
        ids: &IdSource,
        now: i64,
        request: &ApiRequest,
        schema: Option<SchemaId>,
    ) -> Outcome {
        let fields = self.body(request, schema, Revision::V1)?;
        let external_id = fields.get("external_id").and_then(Value::as_str).unwrap_or_default();
        let identity = match workspace.identities.find_unique(external_id) {
            Some(id) => workspace
                .identities
                .update(&id, |identity| -> Result<(), ()> {
                    apply_changes(identity, &fields, now);
                    Ok(())
                })
                .map_err(|_| OrqError::not_found(Revision::V1))?,
            None => insert_new(workspace, ids, now, &fields)?,
        };
        Ok(single(workspace, &identity, Revision::V1, Extras::default(), StatusCode::OK))
    }

    fn update(
        &self,
        workspace: &Workspace<'_>,
        id: &str,
        now: i64,
        request: &ApiRequest,
        schema: Option<SchemaId>,
        revision: Revision,
    ) -> Outcome {
        let fields = self.body(request, schema, revision)?;
        let existing = workspace.find(id).ok_or_else(|| OrqError::not_found(revision))?;
        let updated = workspace
            .identities
            .update(&existing.id, |identity| -> Result<(), ()> {
                apply_changes(identity, &fields, now);
                Ok(())
            })
            .map_err(|error| match error {
                WriteError::NotFound | WriteError::Rejected(()) => OrqError::not_found(revision),
                WriteError::Conflict(_) => OrqError::new(Code::AlreadyExists, "external_id is taken"),
            })?;
        Ok(single(workspace, &updated, revision, Extras::default(), StatusCode::OK))
    }

    fn list(&self, workspace: &Workspace<'_>, request: &ApiRequest, revision: Revision) -> Outcome {
        let query = ListQuery::parse(&request.query).map_err(OrqError::invalid)?;
        let keep = |identity: &OrqIdentity| self.matches(identity, &query);
        let (page, has_more) = match query.sort_by {
            SortBy::Created => page_by_creation(workspace, &query, keep)?,
            sort => page_sorted(workspace, &query, sort, keep)?,
        };
        let extras = Extras { metrics: query.include_metrics, budget: query.include_budget };
        let mut out = Vec::with_capacity(64 + 512 * page.len());
        out.extend_from_slice(br#"{"object":"list","data":["#);
        for (i, identity) in page.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match revision {
                Revision::Current => identity.write_current(workspace.workspace_id, extras, &mut out),
                // v1 documents metrics on every list item, asked for or not.
                Revision::V1 => identity.write_v1(workspace.workspace_id, true, &mut out),
            }
        }
        out.extend_from_slice(if has_more { br#"],"has_more":true}"# } else { br#"],"has_more":false}"# });
        Ok(json(StatusCode::OK, out))
    }

    fn matches(&self, identity: &OrqIdentity, query: &ListQuery) -> bool {
        let search_ok = query.search.as_ref().is_none_or(|needle| {
            [&identity.display_name, &identity.email]
                .iter()
                .any(|field| field.as_ref().is_some_and(|text| contains_lowercase(text, needle)))
        });
        let has = |tag: &String| identity.tags.contains(tag);
        let tags_ok = query.tags.is_empty()
            || match self.tag_match {
                TagMatch::All => query.tags.iter().all(has),
                TagMatch::Any => query.tags.iter().any(has),
            };
        search_ok && tags_ok
    }
}

impl Vendor for OrqApi {
    type Route = OrqRoute;

    fn name(&self) -> &'static str {
        "orq"
    }

    fn owns(&self, path: &str) -> bool {
        owns(path)
    }

    fn route(&self, request: &ApiRequest) -> Routing<OrqRoute> {
        let revision = match self.revision(request) {
            Ok(revision) => revision,
            Err(error) => return Routing::Answered(error.into_response(self.default_revision)),
        };
        match self.route_request(request, revision) {
            Ok(route) => Routing::To(route),
            Err(error) => Routing::Answered(error.into_response(revision)),
        }
    }

    fn writes(&self, route: &OrqRoute) -> bool {
        route.route.operation.writes()
    }

    fn handle(
        &self,
        route: OrqRoute,
        namespace: &NamespaceRef,
        sources: &Sources<'_>,
        request: &ApiRequest,
    ) -> ApiResponse {
        let workspace = Workspace { data: &namespace.data.orq, workspace_id: &namespace.workspace_id };
        self.dispatch(&route, &workspace, sources, request).unwrap_or_else(|error| error.into_response(route.revision))
    }

    fn operation_name(&self, request: &ApiRequest) -> Option<&'static str> {
        // Only `/v2/contacts` depends on the revision; the header is read only for it.
        let revision = if request.path == "/v2/contacts" { self.revision(request).ok()? } else { Revision::Current };
        match routes::route(&request.method, &request.path, revision) {
            Routed::Found { route, .. } => Some(route.operation.name()),
            _ => None,
        }
    }

    fn openapi(&self, _schemas: &Schemas) -> serde_json::Map<String, Value> {
        openapi::paths()
    }

    /// Inferred (nobody here can ask api.orq.ai from a browser): 204 with the preflight headers
    /// and no `access-control-allow-origin`, as Node's CORS middlewares refuse an origin.
    fn refused_preflight(&self, requested_headers: Option<&str>) -> ApiResponse {
        crate::origins::refused_preflight(StatusCode::NO_CONTENT, "", requested_headers)
    }

    fn generic_error(&self, error: GenericError, headers: &hyper::HeaderMap) -> ApiResponse {
        let revision = headers
            .get(REVISION_HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(Revision::parse)
            .unwrap_or(self.default_revision);
        let error = match error {
            GenericError::BodyTooLarge { max_bytes } => {
                OrqError::new(Code::ResourceExhausted, format!("Request body is larger than {max_bytes} bytes"))
            }
            GenericError::UnreadableBody => OrqError::invalid("the request body could not be read"),
            GenericError::NamespaceLimit { max } => {
                OrqError::new(Code::Unavailable, crate::letta::namespace_limit_text(max))
            }
            GenericError::Internal => OrqError::new(Code::Internal, "internal error"),
        };
        error.into_response(revision)
    }
}

fn single(
    workspace: &Workspace<'_>,
    identity: &OrqIdentity,
    revision: Revision,
    extras: Extras,
    status: StatusCode,
) -> ApiResponse {
    let mut out = Vec::with_capacity(512);
    match revision {
        Revision::Current => {
            out.extend_from_slice(br#"{"identity":"#);
            identity.write_current(workspace.workspace_id, extras, &mut out);
            out.push(b'}');
        }
        Revision::V1 => identity.write_v1(workspace.workspace_id, extras.metrics, &mut out),
    }
    json(status, out)
}

fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    fields.get(name).and_then(Value::as_str).map(str::to_string)
}

fn string_list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Stores a new identity from a create body; 409 when its external_id is taken.
fn insert_new(
    workspace: &Workspace<'_>,
    ids: &IdSource,
    now: i64,
    fields: &Map<String, Value>,
) -> Result<Arc<OrqIdentity>, OrqError> {
    let identity = Arc::new(new_identity(ids, now, fields));
    workspace.identities.insert(identity.clone(), now * 1000).map_err(|_| {
        OrqError::new(
            Code::AlreadyExists,
            format!("an identity with external_id {:?} already exists", identity.external_id),
        )
    })?;
    Ok(identity)
}

/// A new identity from a create body the schema accepted.
fn new_identity(ids: &IdSource, now: i64, fields: &Map<String, Value>) -> OrqIdentity {
    let mut identity = OrqIdentity {
        id: ids.ulid(u64::try_from(now).unwrap_or(0)).into(),
        external_id: text(fields, "external_id").unwrap_or_default(),
        display_name: None,
        email: None,
        avatar_url: None,
        tags: Vec::new(),
        metadata: JsonText::encode(&Map::new()),
        created_millis: now,
        updated_millis: now,
        metrics: None,
        budget: None,
    };
    apply_changes(&mut identity, fields, now);
    identity
}

/// Applies the fields of a body: only the fields sent change; `external_id` never does. An empty
/// `email` clears it (both revisions); `null` clears a text field (only v1 gets here with one:
/// `body` drops the current revision's nulls, as absent). `tags` and `metadata` are replaced whole.
fn apply_changes(identity: &mut OrqIdentity, fields: &Map<String, Value>, now: i64) {
    for (name, slot) in [
        ("display_name", &mut identity.display_name),
        ("email", &mut identity.email),
        ("avatar_url", &mut identity.avatar_url),
    ] {
        match fields.get(name) {
            Some(Value::String(value)) if name == "email" && value.is_empty() => *slot = None,
            Some(Value::String(value)) => *slot = Some(value.clone()),
            Some(Value::Null) => *slot = None,
            _ => {}
        }
    }
    if let Some(tags) = fields.get("tags").filter(|t| !t.is_null()) {
        identity.tags = string_list(tags);
    }
    if let Some(metadata @ Value::Object(_)) = fields.get("metadata") {
        identity.metadata = JsonText::encode(metadata);
    }
    identity.updated_millis = now;
}

/// Whether `text`, lowercased, contains `needle` (already lowercase), without lowercasing a copy of
/// `text` when it is ASCII: the search filter runs for every identity a list page walks past.
fn contains_lowercase(text: &str, needle: &str) -> bool {
    if !text.is_ascii() {
        return text.to_lowercase().contains(needle);
    }
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || text.windows(needle.len()).any(|window| window.iter().zip(needle).all(|(t, n)| t.to_ascii_lowercase() == *n))
}

fn unknown_cursor(name: &str, id: &str) -> OrqError {
    OrqError::invalid(format!("{name}: no identity with _id {id:?} in this workspace"))
}

/// A page in the default order (newest first), walked from the cursor in the ordered index:
/// O(log n + page) however many identities the workspace holds.
fn page_by_creation(
    workspace: &Workspace<'_>,
    query: &ListQuery,
    keep: impl FnMut(&OrqIdentity) -> bool,
) -> Result<(Vec<Arc<OrqIdentity>>, bool), OrqError> {
    let identities = &workspace.identities;
    let fetch = Some(query.limit + 1);
    let (bounds, backwards) = match &query.cursor {
        Cursor::None => (PageBounds { lower: None, upper: None, descending: true, limit: fetch }, false),
        Cursor::After(id) => {
            let at = identities.order_of(id).ok_or_else(|| unknown_cursor("starting_after", id))?;
            (PageBounds { lower: None, upper: Some(at), descending: true, limit: fetch }, false)
        }
        Cursor::Before(id) => {
            // The identities before the cursor in list order are the newer ones: walk up from it.
            let at = identities.order_of(id).ok_or_else(|| unknown_cursor("ending_before", id))?;
            (PageBounds { lower: Some(at), upper: None, descending: false, limit: fetch }, true)
        }
    };
    let mut page = identities.page(bounds, keep);
    let has_more = page.len() > query.limit;
    page.truncate(query.limit);
    if backwards {
        page.reverse();
    }
    Ok((page, has_more))
}

/// A page in another order, walked from the cursor in that order's index: O(log n + page) too,
/// once the first request in that order has built the index.
fn page_sorted(
    workspace: &Workspace<'_>,
    query: &ListQuery,
    sort: SortBy,
    keep: impl FnMut(&OrqIdentity) -> bool,
) -> Result<(Vec<Arc<OrqIdentity>>, bool), OrqError> {
    let order = if sort == SortBy::Updated { ORDER_BY_UPDATED } else { ORDER_BY_DISPLAY_NAME };
    let (from, backwards) = match &query.cursor {
        Cursor::None => (SortedFrom::Start, false),
        Cursor::After(id) => (SortedFrom::After(id), false),
        Cursor::Before(id) => (SortedFrom::Before(id), true),
    };
    let page = workspace.identities.sorted_page(order, from, query.limit + 1, keep);
    let mut page = match (page, from) {
        (Some(page), _) => page,
        (None, SortedFrom::After(id)) => return Err(unknown_cursor("starting_after", id)),
        (None, SortedFrom::Before(id)) => return Err(unknown_cursor("ending_before", id)),
        (None, SortedFrom::Start) => Vec::new(),
    };
    let has_more = page.len() > query.limit;
    page.truncate(query.limit);
    if backwards {
        page.reverse();
    }
    Ok((page, has_more))
}

/// Whether a number of the body does not fit a double (numbers keep their text: serde_json is
/// built with `arbitrary_precision` for Letta's sake), which the API refuses.
fn holds_number_past_f64(value: &Value) -> bool {
    match value {
        Value::Number(number) => !number.to_string().parse::<f64>().is_ok_and(f64::is_finite),
        Value::Array(items) => items.iter().any(holds_number_past_f64),
        Value::Object(members) => members.values().any(holds_number_past_f64),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{contains_lowercase, holds_number_past_f64};
    use serde_json::Value;

    #[test]
    fn a_number_past_a_double_is_found_at_any_depth() {
        for (text, past) in [
            ("1e999", true),
            ("-1e999", true),
            ("1e308", false),
            ("[1, [2e999]]", true),
            (r#"{"a": {"b": [3e999]}}"#, true),
            (r#"{"a": [1.5, "1e999", null]}"#, false),
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(holds_number_past_f64(&value), past, "{text}");
        }
    }

    #[test]
    fn search_matching_ignores_case_without_copying_ascii() {
        assert!(contains_lowercase("Ada Lovelace", "lovel"));
        assert!(contains_lowercase("ADA@EXAMPLE.COM", "example"));
        assert!(!contains_lowercase("Ada", "adam"));
        assert!(!contains_lowercase("Ada Lovelace", "grace"));
        assert!(contains_lowercase("Ada", ""));
        assert!(contains_lowercase("ÉLODIE Dupont", "élodie"));
        assert!(!contains_lowercase("Elodie", "élodie"));
    }
}
