//! The Letta Identities API (`/v1/identities`, also mounted under `/latest/identities`), and the
//! agents and blocks routes identities reach (`entities.rs`, `agents.rs`, `blocks.rs`), as a real
//! Letta 0.16.8 server speaks them. A request travels: route, read the body the way FastAPI does,
//! check the actor header, validate path, query and body against the schemas, apply to the store,
//! encode.

mod agents;
mod blocks;
mod entities;
pub mod errors;
pub mod fixtures;
mod like;
pub mod model;
pub mod openapi;
pub mod pyjson;
pub mod pyrepr;
pub mod pyvalues;
pub mod routes;
pub mod validation;

use crate::http::{json, query_pairs, ApiRequest, ApiResponse};
use crate::namespaces::NamespaceRef;
use crate::schema::{SchemaId, Schemas};
use crate::store::{OrderKey, PageBounds, WriteError};
use crate::vendor::{GenericError, Routing, Sources, Vendor};
use errors::{LettaError, Messages};
use hyper::header::{HeaderValue, ALLOW, LOCATION};
use hyper::StatusCode;
use model::{Identity, IdentityType, LettaData, Properties, Property};
use pyvalues::Unserializable;
use routes::{route, toggle_slash, Operation, PathIds, Resource, Route, Routed};
use serde_json::{Map, Value};
use std::sync::Arc;
use validation::{CtxValue, ErrorInput, LocPart, PydanticError};

/// The prefixes the Letta routers are mounted under, before `/identities`, `/agents`, `/blocks`.
pub const PREFIXES: [&str; 2] = ["/v1", "/latest"];

/// The default page size of every Letta list.
const DEFAULT_LIMIT: i64 = 50;

/// What the Letta API needs besides the store: schemas, the fixed texts, and the choice between
/// upstream's bugs and the documented intent.
pub struct LettaApi {
    schemas: &'static Schemas,
    messages: Messages,
    fix_upstream_bugs: bool,
    /// When not empty, the passwords a secured Letta server accepts.
    api_keys: Vec<String>,
    /// Whether a bearer key names a namespace (`--letta-namespace-by-key`).
    namespace_by_key: bool,
}

type Outcome = Result<ApiResponse, LettaError>;

/// One request to an agents or blocks route, once validated.
struct Request<'a> {
    data: &'a LettaData,
    sources: &'a Sources<'a>,
    query: &'a Query,
    body: &'a Value,
    http: &'a ApiRequest,
}

/// A 200 with `value` as its JSON body.
fn answer(value: &Value) -> Outcome {
    Ok(json(StatusCode::OK, serde_json::to_vec(value).unwrap_or_default()))
}

/// A request's query, validated: known parameters only, the last value of a repeated scalar.
struct Query {
    values: Map<String, Value>,
}

impl Query {
    fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    /// A filter that applies only when given and non-empty, as upstream's truthiness checks.
    fn filter(&self, name: &str) -> Option<&str> {
        self.text(name).filter(|text| !text.is_empty())
    }

    /// As Python holds it: no bound (past `i128`, clamped; PostgreSQL refuses past `i64` anyway).
    fn limit(&self) -> i128 {
        self.values.get("limit").and_then(|v| v.as_number()?.as_i128()).unwrap_or(DEFAULT_LIMIT.into())
    }

    fn descending(&self) -> bool {
        self.text("order") != Some("asc")
    }
}

/// Whether `path` belongs to a Letta router identity-mock serves.
pub fn owns(path: &str) -> bool {
    Resource::split(path).is_some()
}

impl LettaApi {
    pub fn new(schemas: &'static Schemas, default_user_created_micros: i64, config: &crate::Config) -> LettaApi {
        LettaApi {
            schemas,
            messages: Messages::new(default_user_created_micros),
            fix_upstream_bugs: config.fix_upstream_bugs,
            api_keys: config.api_keys.clone(),
            namespace_by_key: config.letta_namespace_by_key,
        }
    }

    /// With API keys set, the server behaves as Letta started with `--secure`: its password
    /// middleware wants `Authorization: Bearer <key>` or `X-BARE-PASSWORD: password <key>`.
    fn authorized(&self, request: &ApiRequest) -> bool {
        if self.api_keys.is_empty() {
            return true;
        }
        let bearer = crate::namespaces::bearer_key(request);
        let bare = request.header("x-bare-password").and_then(|v| v.trim().strip_prefix("password ")).map(str::trim);
        [bearer, bare].into_iter().flatten().any(|key| self.api_keys.iter().any(|k| k == key))
    }
}

/// What the Letta route tables found: the resource, the operation, and where the path's ids sit
/// in the request's path.
pub struct LettaRoute {
    resource: Resource,
    route: &'static Route,
    id: Option<std::ops::Range<usize>>,
    identity_id: Option<std::ops::Range<usize>>,
}

impl Vendor for LettaApi {
    type Route = LettaRoute;

    fn name(&self) -> &'static str {
        "letta"
    }

    fn owns(&self, path: &str) -> bool {
        owns(path)
    }

    /// The real server ignores `Authorization` (unless secured), so a bearer key does not name a
    /// namespace: only `X-Mock-Namespace` does, unless `--letta-namespace-by-key`.
    fn namespace<'r>(&self, request: &'r ApiRequest) -> &'r str {
        if self.namespace_by_key {
            return crate::namespaces::namespace_of(request);
        }
        crate::namespaces::named_namespace(request).unwrap_or(crate::namespaces::DEFAULT_NAMESPACE)
    }

    /// As upstream: the password middleware (when keys are set) before the router; the router's
    /// 404, 405 with `Allow`, and 307 slash redirects.
    fn route(&self, request: &ApiRequest) -> Routing<LettaRoute> {
        if !self.authorized(request) {
            return Routing::Answered(LettaError::detail(StatusCode::UNAUTHORIZED, "Unauthorized").into_response());
        }
        let Some((resource, rest)) = Resource::split(&request.path) else {
            return Routing::Answered(LettaError::not_found_route().into_response());
        };
        Routing::Answered(match route(resource, &request.method, rest) {
            Routed::Found { route, ids } => {
                let range = |id: &str| {
                    let start = id.as_ptr() as usize - request.path.as_ptr() as usize;
                    start..start + id.len()
                };
                let (id, identity_id) = (ids.id.map(range), ids.identity_id.map(range));
                return Routing::To(LettaRoute { resource, route, id, identity_id });
            }
            Routed::MethodNotAllowed { allow } => {
                let mut response =
                    LettaError::detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response();
                response.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
                response
            }
            Routed::Redirect => redirect(request),
            Routed::NotFound => LettaError::not_found_route().into_response(),
        })
    }

    fn writes(&self, route: &LettaRoute) -> bool {
        route.route.operation.writes()
    }

    fn handle(
        &self,
        route: LettaRoute,
        namespace: &NamespaceRef,
        sources: &Sources<'_>,
        request: &ApiRequest,
    ) -> ApiResponse {
        let ids = PathIds {
            id: route.id.map(|range| &request.path[range]),
            identity_id: route.identity_id.map(|range| &request.path[range]),
        };
        self.operation(&namespace.data.letta, sources, request, route.resource, route.route, ids)
            .unwrap_or_else(LettaError::into_response)
    }

    fn operation_name(&self, request: &ApiRequest) -> Option<&'static str> {
        let (resource, rest) = Resource::split(&request.path)?;
        match route(resource, &request.method, rest) {
            Routed::Found { route, .. } => Some(route.operation.name()),
            _ => None,
        }
    }

    fn openapi(&self, schemas: &Schemas) -> serde_json::Map<String, Value> {
        openapi::paths(schemas)
    }

    fn refused_preflight(&self, requested_headers: Option<&str>) -> ApiResponse {
        crate::origins::starlette_refused_preflight(requested_headers)
    }

    fn generic_error(&self, error: GenericError, _headers: &hyper::HeaderMap) -> ApiResponse {
        let (status, text) = match error {
            GenericError::BodyTooLarge { max_bytes } => {
                (StatusCode::PAYLOAD_TOO_LARGE, format!("Request body is larger than {max_bytes} bytes"))
            }
            GenericError::UnreadableBody => (StatusCode::BAD_REQUEST, "The request body could not be read".into()),
            GenericError::NamespaceLimit { max } => (StatusCode::SERVICE_UNAVAILABLE, namespace_limit_text(max)),
            GenericError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "An unknown error occurred".into()),
        };
        LettaError::detail(status, text).into_response()
    }
}

/// Why a request that would create a namespace was refused, for every API's error body.
pub fn namespace_limit_text(max: usize) -> String {
    format!(
        "identity-mock holds its maximum of {max} namespaces (--max-namespaces); remove one with \
         DELETE /__admin/namespaces/{{name}}, or start the server with a higher --max-namespaces"
    )
}

impl LettaApi {
    fn operation(
        &self,
        data: &LettaData,
        sources: &Sources<'_>,
        request: &ApiRequest,
        resource: Resource,
        route: &Route,
        ids: PathIds<'_>,
    ) -> Outcome {
        let (operation, body_schema, query_schema) = (route.operation, route.body, route.query);
        // FastAPI reads the body before anything else: a body that is not JSON fails first.
        let body = match body_schema {
            Some(_) => read_body(request)?,
            None => Body::Absent,
        };
        check_actor(request)?;
        let mut errors = Vec::new();
        let mut path_id_example = None;
        if let Some(id) = ids.id {
            if let Some(error) = self.path_id_error(resource, id) {
                errors.push(error);
                path_id_example = self.schemas.get(resource.id_schema()).document["examples"][0].as_str();
            }
        }
        let query = match query_schema {
            Some(schema) => self.parse_query(schema, &request.query, &mut errors),
            None => Query { values: Map::new() },
        };
        let body = match (operation, body) {
            (Operation::Entity(Resource::Agents, routes::EntityOperation::Create), Body::Json(body)) => {
                agents::create_checks(&body, self.fix_upstream_bugs)?;
                Body::Json(body)
            }
            (Operation::Entity(Resource::Blocks, routes::EntityOperation::Create), Body::Json(mut body)) => {
                blocks::body_defaults(&mut body);
                Body::Json(body)
            }
            (_, body) => body,
        };
        let body_value = match (body_schema, body) {
            (Some(schema), body) => self.validate_body(schema, body, &mut errors),
            (None, _) => Value::Null,
        };
        if operation == Operation::Entity(Resource::Agents, routes::EntityOperation::Create) {
            errors.extend(agents::embedding_error(&body_value));
        }
        if !errors.is_empty() {
            return Err(LettaError::Validation { errors, path_id_example });
        }
        let id = ids.id.unwrap_or_default();
        match operation {
            Operation::Entity(resource, operation) => {
                let request = Request { data, sources, query: &query, body: &body_value, http: request };
                self.entity(resource, operation, id, ids.identity_id.unwrap_or_default(), request)
            }
            Operation::List => self.list(data, &query),
            Operation::Count => Ok(json(StatusCode::OK, data.identities.len().to_string())),
            Operation::Retrieve => {
                let identity = data.identities.get(id).ok_or_else(|| self.messages.identity_not_found(id))?;
                identity_response(&identity)
            }
            Operation::Create => self.create(data, sources, &body_value),
            Operation::Upsert => self.upsert(data, sources, &body_value),
            Operation::Update => self.update(data, sources, id, &body_value),
            Operation::ReplaceProperties => {
                if !data.identities.contains(id) {
                    return Err(self.messages.identity_not_found(id));
                }
                let properties = self.stored_properties(&body_value, None)?;
                let updated = data
                    .identities
                    .update(id, |identity| -> Result<(), ()> {
                        identity.properties = identity.properties.replaced_by(properties);
                        Ok(())
                    })
                    .map_err(|_| self.messages.identity_not_found(id))?;
                identity_response(&updated)
            }
            Operation::Delete => {
                data.identities.remove(id).ok_or_else(|| self.messages.identity_not_found(id))?;
                Ok(json(StatusCode::OK, "null"))
            }
            Operation::ListAgents => {
                let identity = data.identities.get(id).ok_or_else(|| self.messages.identity_not_found(id))?;
                self.list_linked(data, Resource::Agents, &identity.agent_ids, &query)
            }
            Operation::ListBlocks => {
                let identity = data.identities.get(id).ok_or_else(|| self.messages.identity_not_found(id))?;
                self.list_linked(data, Resource::Blocks, &identity.block_ids, &query)
            }
        }
    }

    /// A malformed path id gets upstream's rewritten error, whatever check failed.
    fn path_id_error(&self, resource: Resource, id: &str) -> Option<PydanticError> {
        let schema = self.schemas.get(resource.id_schema());
        if schema.validator.is_valid(&Value::from(id)) {
            return None;
        }
        let pattern = schema.document["pattern"].as_str().unwrap_or_default().to_string();
        let prefix = pattern.trim_start_matches('^').split('-').next().unwrap_or_default();
        Some(
            PydanticError::new(
                "string_pattern_mismatch",
                "path",
                vec![LocPart::Key(resource.id_parameter().into())],
                format!("String should match pattern '{prefix}-{{uuid4}}'"),
                ErrorInput::Text(id.to_string()),
            )
            .with_ctx("pattern", CtxValue::Text(pattern)),
        )
    }

    /// Builds the query object the schema describes (integers parsed, arrays collected) and
    /// validates it; unknown parameters are ignored, as upstream.
    fn parse_query(&self, schema_name: SchemaId, raw: &str, errors: &mut Vec<PydanticError>) -> Query {
        let schema = self.schemas.get(schema_name);
        let pairs = query_pairs(raw);
        let mut values = Map::new();
        let mut parse_errors = Vec::new();
        let no_fields = Map::new();
        let fields = schema.document["properties"].as_object().unwrap_or(&no_fields);
        for (name, field) in fields {
            let given: Vec<&str> = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
            let Some(last) = given.last() else { continue };
            // pydantic's lax parsing of a query string, or the error it reports.
            let parsed = match field.get("type").and_then(Value::as_str) {
                Some("array") => Ok(Value::from(given.iter().map(|v| Value::from(*v)).collect::<Vec<_>>())),
                Some("boolean") => parse_python_bool(last)
                    .map(Value::from)
                    .ok_or(("bool_parsing", "Input should be a valid boolean, unable to interpret input")),
                Some("integer") => parse_python_int(last)
                    .and_then(serde_json::Number::from_i128)
                    .map(Value::Number)
                    .ok_or(("int_parsing", "Input should be a valid integer, unable to parse string as an integer")),
                _ => Ok(Value::from(*last)),
            };
            let value = match parsed {
                Ok(value) => value,
                Err((kind, message)) => {
                    let input = ErrorInput::Text(last.to_string());
                    parse_errors.push(PydanticError::new(
                        kind,
                        "query",
                        vec![LocPart::Key(name.clone())],
                        message,
                        input,
                    ));
                    continue;
                }
            };
            values.insert(name.clone(), value);
        }
        let instance = Value::Object(values);
        let mut found = validation::validate(self.schemas, schema_name, "query", &instance);
        found.extend(parse_errors);
        // Query errors are reported in parameter declaration order.
        found.sort_by_key(|error| match error.loc.first() {
            Some(LocPart::Key(name)) => fields.keys().position(|k| k == name).unwrap_or(usize::MAX),
            _ => usize::MAX,
        });
        if self.fix_upstream_bugs {
            self.negative_limit_error(&instance, raw, &mut found);
        }
        errors.extend(found);
        let Value::Object(values) = instance else { unreachable!("built as an object above") };
        Query { values }
    }

    /// With `--fix-upstream-bugs`, a `limit` PostgreSQL refuses (negative, or past a `bigint`) is
    /// the 422 the documented API implies.
    fn negative_limit_error(&self, instance: &Value, raw: &str, errors: &mut Vec<PydanticError>) {
        let Some(limit) = instance.get("limit").and_then(|v| v.as_number()?.as_i128()) else { return };
        let given = || query_pairs(raw).into_iter().rev().find(|(k, _)| k == "limit").map(|(_, v)| v);
        let (kind, message, ctx, bound) = if limit < 0 {
            ("greater_than_equal", "Input should be greater than or equal to 0", "ge", 0)
        } else if limit > i128::from(i64::MAX) {
            ("less_than_equal", "Input should be less than or equal to 9223372036854775807", "le", i64::MAX as u64)
        } else {
            return;
        };
        errors.push(
            PydanticError::new(
                kind,
                "query",
                vec![LocPart::Key("limit".into())],
                message,
                ErrorInput::Text(given().unwrap_or_default()),
            )
            .with_ctx(ctx, CtxValue::Int(bound)),
        );
    }

    fn validate_body(&self, schema_name: SchemaId, body: Body, errors: &mut Vec<PydanticError>) -> Value {
        match body {
            // FastAPI reads a JSON `null` body as no body at all.
            Body::Absent | Body::Json(Value::Null) => {
                errors.push(PydanticError::new("missing", "body", vec![], "Field required", ErrorInput::Nothing));
                Value::Null
            }
            Body::Raw(bytes) => {
                // A body FastAPI does not parse as JSON is validated as the bytes it is.
                let is_list = self.schemas.get(schema_name).document["type"] == "array";
                let (kind, msg) = if is_list {
                    ("list_type", "Input should be a valid list")
                } else {
                    ("model_attributes_type", "Input should be a valid dictionary or object to extract fields from")
                };
                errors.push(PydanticError::new(kind, "body", vec![], msg, ErrorInput::Bytes(bytes)));
                Value::Null
            }
            Body::Json(value) => {
                errors.extend(validation::validate(self.schemas, schema_name, "body", &value));
                value
            }
        }
    }

    fn missing_link(&self, kind: &str, id: &str) -> LettaError {
        if self.fix_upstream_bugs {
            errors::cursor_not_found(kind, id)
        } else {
            LettaError::unknown()
        }
    }

    /// A request's properties (`field` of the body, or the whole body) as upstream stores them:
    /// PostgreSQL refuses NaN and infinities (a 500), and upstream fails in Python's recursion
    /// limit on a value nested 931 levels or more. With `--fix-upstream-bugs`, those and the values
    /// no answer could show (see [`Shown`]) are refused with a 422 instead.
    fn stored_properties(&self, value: &Value, field: Option<&str>) -> Result<Properties, LettaError> {
        let (faithful, why) = match Properties::stored(value) {
            Err(_) => (LettaError::database(), "PostgreSQL cannot store NaN or Infinity"),
            Ok(properties) if properties.findings().nesting >= 931 => {
                (LettaError::unknown(), "a value is nested deeper than Python's recursion limit allows")
            }
            Ok(properties) => match Shown::of(&properties).problem(IN_LIST) {
                Some((_, why)) if self.fix_upstream_bugs => (LettaError::unknown(), why),
                _ => return Ok(properties),
            },
        };
        Err(if self.fix_upstream_bugs { unstorable(field, why, value) } else { faithful })
    }

    /// PostgreSQL refuses a NUL or a lone surrogate in the text columns: a 500, or with
    /// `--fix-upstream-bugs` a 422 at the field.
    fn check_storable(&self, identity: &Identity) -> Result<(), LettaError> {
        let texts = [
            ("identifier_key", Some(identity.identifier_key.as_str())),
            ("name", Some(identity.name.as_str())),
            ("project_id", identity.project_id.as_deref()),
        ];
        self.check_texts(texts.into_iter().filter_map(|(field, text)| Some((field, text?))))
    }

    /// The first text PostgreSQL refuses among `(field, text)`, as [`Self::check_storable`] says.
    fn check_texts<'t>(&self, texts: impl IntoIterator<Item = (&'t str, &'t str)>) -> Result<(), LettaError> {
        match texts.into_iter().find(|(_, text)| !pyvalues::storable_text(text)) {
            None => Ok(()),
            Some((field, text)) if self.fix_upstream_bugs => Err(unstorable(
                Some(field),
                "PostgreSQL cannot store a NUL character or a lone surrogate",
                &Value::from(text),
            )),
            Some(_) => Err(LettaError::database()),
        }
    }

    /// Upstream resolves every linked id before it writes, and fails on the first unknown one.
    fn check_links(
        &self,
        data: &LettaData,
        agent_ids: Option<&[String]>,
        block_ids: Option<&[String]>,
    ) -> Result<(), LettaError> {
        for id in agent_ids.unwrap_or_default() {
            if !data.agents.contains(id) {
                return Err(self.missing_link("Agent", id));
            }
        }
        for id in block_ids.unwrap_or_default() {
            if !data.blocks.contains(id) {
                return Err(self.missing_link("Block", id));
            }
        }
        Ok(())
    }

    /// As upstream's manager and ORM: both cursors are looked up (`before` first) and checked for
    /// their order before the limit reaches SQL; the manager asks for `limit + 1` rows (all when
    /// `limit` is 0) and trims to `limit`; with both cursors the ORM asks for twice that and
    /// keeps the middle rows.
    fn list(&self, data: &LettaData, query: &Query) -> Outcome {
        let before = self.cursor(query.filter("before"), |id| data.identities.order_of(id), "Identity")?;
        let after = self.cursor(query.filter("after"), |id| data.identities.order_of(id), "Identity")?;
        let both = before.is_some() && after.is_some();
        // The cursors' order is checked before the limit reaches the query.
        let bounds = page_bounds(after, before, query.descending(), None)?;
        let limit = query.limit();
        let fetch = (limit != 0).then(|| limit.saturating_add(1));
        let sql_limit = match (fetch, both) {
            // `None * 2` in upstream's ORM: a TypeError.
            // With `--fix-upstream-bugs`, `limit=0` is no limit here too.
            (None, true) if !self.fix_upstream_bugs => return Err(LettaError::unknown()),
            (fetch, true) => fetch.map(|n| n.saturating_mul(2)),
            (fetch, false) => fetch,
        };
        // Upstream's `limit + 1` (or twice that) passes a `bigint` for the largest limits, a 500.
        // With `--fix-upstream-bugs` every limit the 422 allows answers: the rows asked for stop
        // at the largest `bigint`.
        let sql_limit = sql_limit.map(|n| if self.fix_upstream_bugs { n.min(i128::from(i64::MAX)) } else { n });
        let bounds = PageBounds { limit: sql_limit.map(sql_limit_rows).transpose()?, ..bounds };
        let name = query.filter("name").map(like::ContainsIgnoringCase::new);
        let project_id = query.filter("project_id");
        let identifier_key = query.filter("identifier_key");
        let identity_type = query.filter("identity_type").and_then(IdentityType::parse);
        let keep = |identity: &Identity| {
            name.as_ref().is_none_or(|n| n.matches(&identity.name))
                && project_id.is_none_or(|p| identity.project_id.as_deref() == Some(p))
                && identifier_key.is_none_or(|k| identity.identifier_key == k)
                && identity_type.is_none_or(|t| identity.identity_type == t)
        };
        // The manager's trim: the page holds at most `limit` rows (`limit` 0: no trim).
        let trim = usize::try_from(limit).ok().filter(|n| *n > 0);
        let mut out = Vec::with_capacity(256 * trim.unwrap_or(50).min(64) + 2);
        out.push(b'[');
        let mut shown = Shown::default();
        let mut write = |identity: &Arc<Identity>| {
            shown.add(&identity.properties);
            if out.len() > 1 {
                out.push(b',');
            }
            identity.write_json(&mut out);
        };
        if both {
            let mut rows = Vec::new();
            data.identities.visit_page(bounds, keep, |identity| rows.push(identity.clone()));
            // The ORM's middle slice: the `wanted` rows around the middle (all of them when fewer).
            let wanted = fetch.and_then(|n| usize::try_from(n).ok()).unwrap_or(usize::MAX);
            let start = (rows.len() / 2).saturating_sub(wanted / 2);
            let middle = &rows[start..start.saturating_add(wanted).min(rows.len())];
            middle.iter().take(trim.unwrap_or(usize::MAX)).for_each(&mut write);
        } else {
            // Written straight from the store: no identity is copied for the page.
            let bounds = PageBounds { limit: bounds.limit.map(|n| n.min(trim.unwrap_or(usize::MAX))), ..bounds };
            data.identities.visit_page(bounds, keep, write);
        }
        if let Some(error) = shown.unwritable(IN_LIST) {
            return Err(error);
        }
        out.push(b']');
        Ok(json(StatusCode::OK, out))
    }

    fn cursor(
        &self,
        id: Option<&str>,
        order_of: impl Fn(&str) -> Option<OrderKey>,
        kind: &str,
    ) -> Result<Option<OrderKey>, LettaError> {
        match id {
            None => Ok(None),
            Some(id) => order_of(id).map(Some).ok_or_else(|| errors::cursor_not_found(kind, id)),
        }
    }

    /// The agents or blocks linked to an identity, with their own cursors, limit and order.
    /// Agents are shown without relationships (but those `include` names), blocks without tags.
    fn list_linked(&self, data: &LettaData, resource: Resource, linked: &[String], query: &Query) -> Outcome {
        let collection = data.entities(resource);
        let kind = resource.kind();
        let after = self.cursor(query.filter("after"), |id| collection.order_of(id), kind)?;
        let before = self.cursor(query.filter("before"), |id| collection.order_of(id), kind)?;
        let bounds = page_bounds(after, before, query.descending(), None)?;
        let bounds = PageBounds { limit: Some(sql_limit_rows(query.limit())?), ..bounds };
        let page = collection.page(bounds, |entity| linked.iter().any(|l| **l == *entity.id));
        let items: Vec<Value> = page
            .iter()
            .map(|entity| match resource {
                Resource::Blocks => {
                    let mut block = entity.json.clone();
                    block["tags"] = Value::Array(Vec::new());
                    block
                }
                _ => agents::shown(data, entity, agents::included(query)),
            })
            .collect();
        answer(&Value::from(items))
    }

    fn create(&self, data: &LettaData, sources: &Sources<'_>, body: &Value) -> Outcome {
        let agent_ids = string_list(body.get("agent_ids"));
        let block_ids = string_list(body.get("block_ids"));
        self.check_links(data, agent_ids.as_deref(), block_ids.as_deref())?;
        let identity = Identity {
            id: format!("identity-{}", sources.ids.uuid4()).into(),
            identifier_key: text_field(body, "identifier_key").unwrap_or_default(),
            name: text_field(body, "name").unwrap_or_default(),
            identity_type: identity_type_field(body).unwrap_or(IdentityType::Other),
            project_id: text_field(body, "project_id"),
            properties: match body.get("properties") {
                Some(properties) => self.stored_properties(properties, Some("properties"))?,
                None => Properties::default(),
            },
            agent_ids: dedup(agent_ids.unwrap_or_default()),
            block_ids: dedup(block_ids.unwrap_or_default()),
        };
        self.check_storable(&identity)?;
        let identity = Arc::new(identity);
        match data.identities.insert(identity.clone(), sources.clock.now_micros()) {
            Ok(()) => identity_response(&identity),
            Err(_) => Err(errors::create_conflict(&identity)),
        }
    }

    fn upsert(&self, data: &LettaData, sources: &Sources<'_>, body: &Value) -> Outcome {
        let identifier_key = text_field(body, "identifier_key").unwrap_or_default();
        let project_id = text_field(body, "project_id");
        let existing = data.identities.find_unique(&model::unique_key(&identifier_key, project_id.as_deref()));
        let Some(id) = existing else {
            if self.fix_upstream_bugs {
                return self.create(data, sources, body);
            }
            return Err(self.messages.upsert_not_found(&identifier_key, project_id.as_deref()));
        };
        let agent_ids = string_list(body.get("agent_ids"));
        self.check_links(data, agent_ids.as_deref(), None)?;
        let properties = body
            .get("properties")
            .filter(|p| !p.is_null())
            .map(|p| self.stored_properties(p, Some("properties")))
            .transpose()?;
        let updated = data
            .identities
            .update(&id, |identity| -> Result<(), LettaError> {
                identity.name = text_field(body, "name").unwrap_or_default();
                if let Some(kind) = identity_type_field(body) {
                    identity.identity_type = kind;
                }
                if let Some(properties) = properties {
                    identity.properties = identity.properties.replaced_by(properties);
                }
                // Upstream replaces the agents and ignores block_ids on upsert.
                if let Some(agent_ids) = agent_ids {
                    identity.agent_ids = dedup(agent_ids);
                }
                self.check_storable(identity)
            })
            .map_err(|error| match error {
                WriteError::Rejected(error) => error,
                _ => self.messages.upsert_not_found(&identifier_key, project_id.as_deref()),
            })?;
        identity_response(&updated)
    }

    fn update(&self, data: &LettaData, sources: &Sources<'_>, id: &str, body: &Value) -> Outcome {
        let before = data.identities.get(id).ok_or_else(|| self.messages.identity_not_found(id))?;
        let new_properties = body.get("properties").filter(|p| !p.is_null()).map(Property::list_from_json);
        if new_properties.is_some() && before.properties.is_null() && !self.fix_upstream_bugs {
            // Upstream merges by iterating the stored properties: a stored JSON null is a TypeError.
            // With `--fix-upstream-bugs` the updates merge into an empty list.
            return Err(LettaError::unknown());
        }
        let agent_ids = string_list(body.get("agent_ids"));
        let block_ids = string_list(body.get("block_ids"));
        self.check_links(data, agent_ids.as_deref(), block_ids.as_deref())?;
        let mut attempted = None;
        let result = data.identities.update(id, |identity| -> Result<(), LettaError> {
            if let Some(key) = text_field(body, "identifier_key") {
                identity.identifier_key = key;
            }
            if let Some(name) = text_field(body, "name") {
                identity.name = name;
            }
            if let Some(kind) = identity_type_field(body) {
                identity.identity_type = kind;
            }
            if let Some(new_properties) = new_properties {
                // Upstream merges first and stores the result: an update replaced by a later one
                // with the same key is never stored.
                let merged = merge_properties(identity.properties.list(), new_properties);
                let merged = pyvalues::with_stack(|| serde_json::to_value(&merged).unwrap_or_default());
                let stored = self.stored_properties(&merged, Some("properties"))?;
                identity.properties = identity.properties.replaced_by(stored);
            }
            // Links are only ever added by PATCH.
            for agent_id in agent_ids.unwrap_or_default() {
                if !identity.agent_ids.contains(&agent_id) {
                    identity.agent_ids.push(agent_id);
                }
            }
            for block_id in block_ids.unwrap_or_default() {
                if !identity.block_ids.contains(&block_id) {
                    identity.block_ids.push(block_id);
                }
            }
            self.check_storable(identity)?;
            attempted = Some(identity.clone());
            Ok(())
        });
        match result {
            Ok(updated) => identity_response(&updated),
            Err(WriteError::Conflict(_)) => {
                let attempted = attempted.unwrap_or_else(|| Identity::clone(&before));
                Err(errors::update_conflict(&before, &attempted, sources.clock.now_micros()))
            }
            Err(WriteError::Rejected(error)) => Err(error),
            Err(WriteError::NotFound) => Err(self.messages.identity_not_found(id)),
        }
    }
}

/// The rows a `LIMIT` of `n` allows; PostgreSQL refuses a negative one and one past a `bigint`.
fn sql_limit_rows(n: i128) -> Result<usize, LettaError> {
    if n < 0 || n > i128::from(i64::MAX) {
        return Err(LettaError::database());
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// With `--fix-upstream-bugs`: a value upstream would fail to store or to answer with is refused
/// before anything is written, with a 422 at the field that holds it.
fn unstorable(field: Option<&str>, why: &str, input: &Value) -> LettaError {
    let loc = field.map(|name| LocPart::Key(name.into())).into_iter().collect();
    let error =
        PydanticError::new("value_error", "body", loc, format!("Value error, {why}"), ErrorInput::Json(input.clone()));
    LettaError::Validation { errors: vec![error], path_id_example: None }
}

/// Cursor bounds as upstream computes them: one cursor is relative to the requested order; two
/// cursors are a time window (`after` older than `before`) whatever the order.
fn page_bounds(
    after: Option<OrderKey>,
    before: Option<OrderKey>,
    descending: bool,
    limit: Option<usize>,
) -> Result<PageBounds, LettaError> {
    let (lower, upper) = match (after, before) {
        (Some(after), Some(before)) => {
            if before.created_at_micros < after.created_at_micros {
                return Err(errors::cursors_reversed());
            }
            (Some(after), Some(before))
        }
        (after, before) if descending => (before, after),
        (after, before) => (after, before),
    };
    Ok(PageBounds { lower, upper, descending, limit })
}

/// The body as FastAPI sees it before validation.
enum Body {
    Absent,
    Json(Value),
    /// A body sent with a content type FastAPI does not parse as JSON.
    Raw(Vec<u8>),
}

fn is_json_content_type(value: &str) -> bool {
    let media = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

fn read_body(request: &ApiRequest) -> Result<Body, LettaError> {
    if request.body.is_empty() {
        return Ok(Body::Absent);
    }
    // Starlette reads the first Content-Type header; none at all means JSON.
    if let Some(content_type) = request.headers.get(hyper::header::CONTENT_TYPE) {
        if !is_json_content_type(content_type.to_str().unwrap_or_default()) {
            return Ok(Body::Raw(request.body.to_vec()));
        }
    }
    match pyjson::decode(&request.body) {
        Err(pyjson::Outcome::Invalid(error)) => Err(LettaError::Validation {
            errors: vec![PydanticError::new(
                "json_invalid",
                "body",
                vec![LocPart::Index(error.pos)],
                "JSON decode error",
                ErrorInput::EmptyDict,
            )
            .with_ctx("error", CtxValue::Text(error.msg))],
            path_id_example: None,
        }),
        Err(_) => Err(errors::body_parse_failed()),
        // What Python read, with its NaN, infinities, big integers and lone surrogates (see
        // pyvalues), as deep as Python read it: the stack grows as the nesting needs.
        Ok(text) => crate::json_text::parse_deep(&text).map(Body::Json).map_err(|_| errors::body_parse_failed()),
    }
}

/// The `user_id` header names the actor; a malformed one is refused, an unknown one is the default.
fn check_actor(request: &ApiRequest) -> Result<(), LettaError> {
    let Some(user_id) = request.header("user_id") else {
        return Ok(());
    };
    let uuid = user_id.strip_prefix("user-").unwrap_or_default();
    let well_formed = uuid.len() == 36
        && uuid::Uuid::try_parse(uuid).is_ok_and(|u| u.get_version_num() == 4)
        && uuid == uuid.to_ascii_lowercase()
        && matches!(uuid.as_bytes().get(19), Some(b'8' | b'9' | b'a' | b'b'));
    if well_formed {
        Ok(())
    } else {
        Err(errors::invalid_user_id(user_id))
    }
}

fn redirect(request: &ApiRequest) -> ApiResponse {
    let host = request.header("host").unwrap_or("localhost");
    let mut location = format!("http://{host}{}", toggle_slash(&request.path));
    if !request.query.is_empty() {
        location.push('?');
        location.push_str(&request.query);
    }
    let mut response = json(StatusCode::TEMPORARY_REDIRECT, "");
    response.headers_mut().remove(hyper::header::CONTENT_TYPE);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// An identity as the answer, or the error upstream's serializers end in (see [`Shown`]).
fn identity_response(identity: &Identity) -> Outcome {
    let mut shown = Shown::default();
    shown.add(&identity.properties);
    if let Some(error) = shown.unwritable(ALONE) {
        return Err(error);
    }
    let mut out = Vec::with_capacity(512);
    identity.write_json(&mut out);
    Ok(json(StatusCode::OK, out))
}

/// How deep an identity's property values sit in an answer: under the identity, its properties
/// list and the property object (`ALONE`), and under the page's list (`IN_LIST`).
const ALONE: usize = 3;
const IN_LIST: usize = 4;

/// What upstream's serializers meet in the identities of one answer. An object key holding a lone
/// surrogate fails to encode (a 400 with Python's text); pydantic's serializer gives up on a value
/// nested 256 levels or more (a 400); orjson, which runs next, on an integer past 64 bits or on
/// an answer nested past 254 levels (a 500). Measured on a real Letta 0.16.8 server.
#[derive(Default)]
struct Shown(pyvalues::Findings);

impl Shown {
    fn of(properties: &Properties) -> Shown {
        let mut shown = Shown::default();
        shown.add(properties);
        shown
    }

    fn add(&mut self, properties: &Properties) {
        self.0.merge(properties.findings());
    }

    fn unwritable(&self, values_at: usize) -> Option<LettaError> {
        self.problem(values_at).map(|(error, _)| error)
    }

    /// The error upstream answers with, and why, in words.
    fn problem(&self, values_at: usize) -> Option<(LettaError, &'static str)> {
        let found = &self.0;
        // pydantic's serializer fails on the first of these it meets, before orjson runs.
        if let Some(failure) = &found.unserializable {
            Some(match failure {
                Unserializable::TooDeep => {
                    (LettaError::serializer_depth(), "a value is nested too deep for an answer to hold it")
                }
                Unserializable::SurrogateKey(text) => (
                    LettaError::detail(StatusCode::BAD_REQUEST, text),
                    "a key holds a lone surrogate, which no answer can encode",
                ),
            })
        } else if found.big_int {
            Some((LettaError::unknown(), "an integer does not fit in 64 bits, which answers cannot hold"))
        } else if values_at + found.nesting > 254 {
            Some((LettaError::unknown(), "a value is nested too deep for an answer to hold it"))
        } else {
            None
        }
    }
}

/// pydantic's lax boolean parsing of a query string.
fn parse_python_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// pydantic's lax integer parsing of a query string: surrounding whitespace, a sign, digits
/// with single underscores between them (as Python's `int()`), and a fraction of zeros.
fn parse_python_int(text: &str) -> Option<i128> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    if fraction.is_empty() || !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    let digits = whole.strip_prefix(['-', '+']).unwrap_or(whole);
    if digits.split('_').any(|group| group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let whole: String = whole.chars().filter(|c| *c != '_').collect();
    // Past i128 (39 digits) the value saturates: any such limit is refused all the same.
    Some(whole.parse::<i128>().unwrap_or(if whole.starts_with('-') { i128::MIN } else { i128::MAX }))
}

fn text_field(body: &Value, name: &str) -> Option<String> {
    body.get(name).and_then(Value::as_str).map(str::to_string)
}

fn identity_type_field(body: &Value) -> Option<IdentityType> {
    body.get("identity_type").and_then(Value::as_str).and_then(IdentityType::parse)
}

fn string_list(value: Option<&Value>) -> Option<Vec<String>> {
    value?.as_array().map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
}

fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// PATCH merges by key as upstream's `{old["key"]: old …} | {new.key: new …}`: the stored list
/// becomes a dict first (a repeated key collapses to its last value, in the place of its first),
/// then each update takes its key's place or is appended.
fn merge_properties(stored: Vec<Property>, updates: Vec<Property>) -> Vec<Property> {
    let mut merged: Vec<Property> = Vec::with_capacity(stored.len() + updates.len());
    for property in stored.into_iter().chain(updates) {
        match merged.iter_mut().find(|p| p.key == property.key) {
            Some(existing) => *existing = property,
            None => merged.push(property),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(key: &str, value: i64) -> Property {
        Property { key: key.into(), value: Value::from(value), kind: "number".into() }
    }

    #[test]
    fn merge_keeps_positions_and_appends_new_keys() {
        let properties =
            merge_properties(vec![prop("a", 1), prop("b", 2)], vec![prop("b", 3), prop("c", 4), prop("b", 5)]);
        let keys: Vec<(&str, i64)> = properties.iter().map(|p| (p.key.as_str(), p.value.as_i64().unwrap())).collect();
        assert_eq!(keys, vec![("a", 1), ("b", 5), ("c", 4)]);
        let collapsed = merge_properties(vec![prop("a", 1), prop("b", 2), prop("a", 3)], vec![]);
        let keys: Vec<(&str, i64)> = collapsed.iter().map(|p| (p.key.as_str(), p.value.as_i64().unwrap())).collect();
        assert_eq!(keys, vec![("a", 3), ("b", 2)], "a repeated stored key collapses, as a Python dict does");
    }

    #[test]
    fn python_bool_parsing() {
        for (text, value) in [("1", Some(true)), ("YES", Some(true)), ("On", Some(true)), ("t", Some(true))] {
            assert_eq!(parse_python_bool(text), value, "{text}");
        }
        for (text, value) in [("0", Some(false)), ("No", Some(false)), ("OFF", Some(false)), ("f", Some(false))] {
            assert_eq!(parse_python_bool(text), value, "{text}");
        }
        for refused in ["", "2", "tru", "yes please"] {
            assert_eq!(parse_python_bool(refused), None, "{refused}");
        }
    }

    #[test]
    fn python_int_parsing() {
        assert_eq!(parse_python_int("5"), Some(5));
        assert_eq!(parse_python_int(" -5 "), Some(-5));
        assert_eq!(parse_python_int("+7"), Some(7));
        assert_eq!(parse_python_int("2.0"), Some(2));
        assert_eq!(parse_python_int("1.5"), None);
        assert_eq!(parse_python_int("abc"), None);
        assert_eq!(parse_python_int(""), None);
        assert_eq!(parse_python_int("-"), None);
        assert_eq!(parse_python_int("99999999999999999999"), Some(99_999_999_999_999_999_999));
        assert_eq!(parse_python_int(&"9".repeat(50)), Some(i128::MAX));
        assert_eq!(parse_python_int("1_000.00"), Some(1000));
        assert_eq!(parse_python_int("-0_0"), Some(0));
        for refused in ["1.", ".0", "1__0", "_1", "1_", "-_1", "1.0_0", "1e1", "١"] {
            assert_eq!(parse_python_int(refused), None, "{refused}");
        }
    }

    #[test]
    fn cursor_bounds_follow_the_order_and_two_cursors_are_a_window() {
        let key = |t| OrderKey { created_at_micros: t, sequence: 0 };
        let desc_after = page_bounds(Some(key(5)), None, true, None).unwrap();
        assert_eq!((desc_after.lower, desc_after.upper), (None, Some(key(5))));
        let asc_after = page_bounds(Some(key(5)), None, false, None).unwrap();
        assert_eq!((asc_after.lower, asc_after.upper), (Some(key(5)), None));
        let window = page_bounds(Some(key(1)), Some(key(9)), true, None).unwrap();
        assert_eq!((window.lower, window.upper), (Some(key(1)), Some(key(9))));
        assert!(page_bounds(Some(key(9)), Some(key(1)), false, None).is_err());
    }

    #[test]
    fn path_ids_are_lowercase_uuid4_of_exactly_45_characters() {
        let api = LettaApi::new(Schemas::bundled().unwrap(), 0, &crate::Config::default());
        assert!(api.path_id_error(Resource::Identities, "identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544").is_none());
        for bad in [
            "abc",
            "identity-C24CF4CC-C4AC-4722-AB2D-A7CEFA5B8544",
            "identity-c24cf4cc-c4ac-1722-ab2d-a7cefa5b8544",
            "identity-c24cf4cc-c4ac-4722-7b2d-a7cefa5b8544",
            "identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b85440",
            "agent-c24cf4cc-c4ac-4722-ab2d-a7cefa5b854400",
        ] {
            let error = api.path_id_error(Resource::Identities, bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(error.kind, "string_pattern_mismatch");
            assert_eq!(error.msg, "String should match pattern 'identity-{uuid4}'");
        }
    }

    #[test]
    fn actor_header_must_be_a_user_uuid4() {
        let request = |value: &str| ApiRequest {
            method: hyper::Method::GET,
            path: "/v1/identities/".into(),
            query: String::new(),
            headers: [(hyper::header::HeaderName::from_static("user_id"), HeaderValue::from_str(value).unwrap())]
                .into_iter()
                .collect(),
            body: bytes::Bytes::new(),
        };
        assert!(check_actor(&request("user-00000000-0000-4000-8000-000000000000")).is_ok());
        assert!(check_actor(&request("user-123e4567-e89b-42d3-8456-426614174000")).is_ok());
        for bad in [
            "bob",
            "user-123E4567-e89b-42d3-8456-426614174000",
            "user-123e4567-e89b-12d3-8456-426614174000",
            "user-{123e4567-e89b-42d3-8456-426614174000}",
        ] {
            assert!(check_actor(&request(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("application/json; charset=utf-8"));
        assert!(is_json_content_type("application/vnd.api+json"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/x-www-form-urlencoded"));
    }
}
