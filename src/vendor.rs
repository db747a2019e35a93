//! The seam between the request pipeline ([`crate::app::App::run`]) and a vendor's API. Each
//! vendor (`src/letta/`, `src/orq/`) implements [`Vendor`]: it owns its paths, authenticates,
//! routes with its own route table, validates, answers, and writes every error in its own shape.
//! The pipeline owns the order of those steps and the namespace in between.

use crate::clock::Clock;
use crate::http::{ApiRequest, ApiResponse};
use crate::ids::IdSource;
use crate::namespaces::{namespace_of, NamespaceRef};
use crate::schema::Schemas;
use hyper::HeaderMap;
use serde_json::{Map, Value};

/// The id and time sources a write uses.
pub struct Sources<'a> {
    pub ids: &'a IdSource,
    pub clock: &'a Clock,
}

/// Errors that are not any one operation's, which each vendor writes in its own shape (and, for
/// orq, in the revision the request asked for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenericError {
    /// The body is larger than `--max-body`.
    BodyTooLarge { max_bytes: usize },
    /// The body could not be read from the connection.
    UnreadableBody,
    /// A new namespace would pass `--max-namespaces`.
    NamespaceLimit { max: usize },
    /// A handler panicked; the server goes on.
    Internal,
}

/// What routing a request came to.
pub enum Routing<R> {
    /// An operation to run, with a namespace.
    To(R),
    /// The answer that ends the request here (401, 404, 405 with `Allow`, a redirect, ...): it
    /// needs no namespace.
    Answered(ApiResponse),
}

/// What a vendor's API provides to the pipeline.
pub trait Vendor: Send + Sync {
    /// What the route table found for a request: the operation and what it needs from the path.
    type Route;

    /// The API's name in the journal and in `/openapi.json` tags.
    fn name(&self) -> &'static str;

    /// Whether a path belongs to this API.
    fn owns(&self, path: &str) -> bool;

    /// The namespace a request belongs to: by default the `X-Mock-Namespace` header, else the
    /// API key, else `default`.
    fn namespace<'r>(&self, request: &'r ApiRequest) -> &'r str {
        namespace_of(request)
    }

    /// Authentication and the route table.
    fn route(&self, request: &ApiRequest) -> Routing<Self::Route>;

    /// Whether the operation changes data (a namespace gets its own copy of the fixtures first).
    fn writes(&self, route: &Self::Route) -> bool;

    /// Validates the request and answers it with the namespace's data.
    fn handle(
        &self,
        route: Self::Route,
        namespace: &NamespaceRef,
        sources: &Sources<'_>,
        request: &ApiRequest,
    ) -> ApiResponse;

    /// The SDK's name for the operation a request names (`identities.create`, ...), for the
    /// journal; `None` when its method and path name none.
    fn operation_name(&self, request: &ApiRequest) -> Option<&'static str>;

    /// A [`GenericError`] in the API's own shape; `headers` are the request's.
    fn generic_error(&self, error: GenericError, headers: &HeaderMap) -> ApiResponse;

    /// The API's paths in `/openapi.json`, from its route table.
    fn openapi(&self, schemas: &Schemas) -> Map<String, Value>;

    /// The answer to a CORS preflight from an origin the server does not allow; `requested_headers`
    /// is its `Access-Control-Request-Headers`.
    fn refused_preflight(&self, requested_headers: Option<&str>) -> ApiResponse;
}

/// The object-safe face of a [`Vendor`], so that the app can keep its vendors in one list.
pub trait Api: Send + Sync {
    fn name(&self) -> &'static str;
    fn owns(&self, path: &str) -> bool;
    fn namespace<'r>(&self, request: &'r ApiRequest) -> &'r str;
    fn operation_name(&self, request: &ApiRequest) -> Option<&'static str>;
    fn generic_error(&self, error: GenericError, headers: &HeaderMap) -> ApiResponse;
    fn openapi(&self, schemas: &Schemas) -> Map<String, Value>;
    fn refused_preflight(&self, requested_headers: Option<&str>) -> ApiResponse;
    /// Runs a request through the pipeline with this vendor.
    fn answer(&self, pipeline: &dyn Pipeline, request: &ApiRequest, namespace: &str) -> ApiResponse;
}

/// What the pipeline gives a vendor between routing and handling.
pub trait Pipeline {
    /// The namespace called `name`, for a request that reads or writes; `Err` when it would be
    /// one namespace too many.
    fn namespace(&self, name: &str, writes: bool) -> Result<NamespaceRef, usize>;
    fn sources(&self) -> Sources<'_>;
}

impl<V: Vendor> Api for V {
    fn name(&self) -> &'static str {
        Vendor::name(self)
    }

    fn owns(&self, path: &str) -> bool {
        Vendor::owns(self, path)
    }

    fn namespace<'r>(&self, request: &'r ApiRequest) -> &'r str {
        Vendor::namespace(self, request)
    }

    fn operation_name(&self, request: &ApiRequest) -> Option<&'static str> {
        Vendor::operation_name(self, request)
    }

    fn generic_error(&self, error: GenericError, headers: &HeaderMap) -> ApiResponse {
        Vendor::generic_error(self, error, headers)
    }

    fn openapi(&self, schemas: &Schemas) -> Map<String, Value> {
        Vendor::openapi(self, schemas)
    }

    fn refused_preflight(&self, requested_headers: Option<&str>) -> ApiResponse {
        Vendor::refused_preflight(self, requested_headers)
    }

    /// The path of a request through the server, once a vendor owns its path: authentication and
    /// the route table first, so that a refused request or an unknown path never creates a
    /// namespace; then the namespace (shared with the fixtures until its first write); then the
    /// vendor's validation and handler.
    fn answer(&self, pipeline: &dyn Pipeline, request: &ApiRequest, namespace: &str) -> ApiResponse {
        let route = match self.route(request) {
            Routing::To(route) => route,
            Routing::Answered(answered) => return answered,
        };
        let namespace = match pipeline.namespace(namespace, self.writes(&route)) {
            Ok(namespace) => namespace,
            Err(max) => return self.generic_error(GenericError::NamespaceLimit { max }, &request.headers),
        };
        self.handle(route, &namespace, &pipeline.sources(), request)
    }
}
