//! The orq route table: every operation with its method and path, the schema of its body in each
//! revision, and how `/openapi.json` tells it. The table drives routing, 405's `Allow`,
//! validation and the document.

use super::Revision;
use crate::schema::SchemaId;
use hyper::Method;

/// The operations, each a method on a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    List,
    Create,
    Retrieve,
    Update,
    Delete,
    UpsertContact,
}

impl Operation {
    /// The name the SDKs give the operation.
    pub fn name(self) -> &'static str {
        match self {
            Operation::List => "identities.list",
            Operation::Create => "identities.create",
            Operation::Retrieve => "identities.retrieve",
            Operation::Update => "identities.update",
            Operation::Delete => "identities.delete",
            Operation::UpsertContact => "contacts.create",
        }
    }

    pub fn writes(self) -> bool {
        !matches!(self, Operation::List | Operation::Retrieve)
    }
}

/// The paths of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// `/v2/identities`
    Collection,
    /// `/v2/identities/{id}`
    Item,
    /// `/v2/contacts`, v1 only
    Contacts,
}

impl Path {
    /// The path a request names in a revision, with its `{id}`.
    fn of(path: &str, revision: Revision) -> Option<(Path, Option<&str>)> {
        match path {
            "/v2/identities" => Some((Path::Collection, None)),
            "/v2/contacts" if revision == Revision::V1 => Some((Path::Contacts, None)),
            path => match path.strip_prefix("/v2/identities/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Some((Path::Item, Some(id))),
                _ => None,
            },
        }
    }

    /// As OpenAPI writes it.
    pub fn template(self) -> &'static str {
        match self {
            Path::Collection => "/v2/identities",
            Path::Item => "/v2/identities/{id}",
            Path::Contacts => "/v2/contacts",
        }
    }
}

/// One response an operation documents: its status, description, and body in each revision (no
/// body for `None`; a revision that never answers with it is `Absent`).
#[derive(Clone, Copy, Debug)]
pub struct Response {
    pub status: u16,
    pub description: &'static str,
    pub current: Body,
    pub v1: Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    Schema(SchemaId),
    Empty,
    Absent,
}

pub struct Route {
    pub method: Method,
    pub path: Path,
    pub operation: Operation,
    /// The request body's schema: in the current revision, and in v1.
    pub body: Option<(Option<SchemaId>, SchemaId)>,
    pub operation_id: &'static str,
    pub description: Option<&'static str>,
    pub ok: &'static [Response],
}

impl Route {
    /// The body schema of the revision, for a route that reads a body.
    pub fn body_schema(&self, revision: Revision) -> Option<SchemaId> {
        let (current, v1) = self.body?;
        match revision {
            Revision::Current => current,
            Revision::V1 => Some(v1),
        }
    }
}

const fn ok(description: &'static str, current: SchemaId, v1: SchemaId) -> Response {
    Response { status: 200, description, current: Body::Schema(current), v1: Body::Schema(v1) }
}

/// In the order of `Allow`: a path's methods are listed as they come here.
pub const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: Path::Collection,
        operation: Operation::List,
        body: None,
        operation_id: "ListIdentities",
        description: None,
        ok: &[ok("A page", SchemaId::OrqListIdentitiesResponse, SchemaId::OrqV1ListIdentitiesResponse)],
    },
    Route {
        method: Method::POST,
        path: Path::Collection,
        operation: Operation::Create,
        body: Some((Some(SchemaId::OrqCreateIdentityRequest), SchemaId::OrqV1CreateIdentityRequest)),
        operation_id: "CreateIdentity",
        description: None,
        ok: &[Response {
            status: 201,
            description: "Created",
            current: Body::Schema(SchemaId::OrqCreateIdentityResponse),
            v1: Body::Schema(SchemaId::OrqV1Identity),
        }],
    },
    Route {
        method: Method::GET,
        path: Path::Item,
        operation: Operation::Retrieve,
        body: None,
        operation_id: "RetrieveIdentity",
        description: None,
        ok: &[ok("The identity", SchemaId::OrqRetrieveIdentityResponse, SchemaId::OrqV1Identity)],
    },
    Route {
        method: Method::PATCH,
        path: Path::Item,
        operation: Operation::Update,
        body: Some((Some(SchemaId::OrqUpdateIdentityRequest), SchemaId::OrqV1UpdateIdentityRequest)),
        operation_id: "UpdateIdentity",
        description: None,
        ok: &[ok("Updated", SchemaId::OrqUpdateIdentityResponse, SchemaId::OrqV1Identity)],
    },
    Route {
        method: Method::DELETE,
        path: Path::Item,
        operation: Operation::Delete,
        body: None,
        operation_id: "DeleteIdentity",
        description: None,
        ok: &[
            Response {
                status: 200,
                description: "Deleted (current)",
                current: Body::Schema(SchemaId::OrqDeleteIdentityResponse),
                v1: Body::Absent,
            },
            Response { status: 204, description: "Deleted (v1)", current: Body::Absent, v1: Body::Empty },
        ],
    },
    Route {
        method: Method::POST,
        path: Path::Contacts,
        operation: Operation::UpsertContact,
        body: Some((None, SchemaId::OrqV1CreateIdentityRequest)),
        operation_id: "CreateContact",
        description: Some("v1 only: upsert by external_id."),
        ok: &[Response {
            status: 200,
            description: "Created or updated (v1)",
            current: Body::Absent,
            v1: Body::Schema(SchemaId::OrqV1Identity),
        }],
    },
];

/// What the table says of a request's method and path.
pub enum Routed<'a> {
    Found {
        route: &'static Route,
        id: Option<&'a str>,
    },
    /// The path exists, not with this method: the methods it takes, for `Allow`.
    MethodNotAllowed {
        allow: String,
    },
    NotFound,
}

pub fn route<'a>(method: &Method, path: &'a str, revision: Revision) -> Routed<'a> {
    let Some((shape, id)) = Path::of(path, revision) else { return Routed::NotFound };
    let mut on_path = ROUTES.iter().filter(|route| route.path == shape).peekable();
    if let Some(route) = on_path.clone().find(|route| route.method == method) {
        return Routed::Found { route, id };
    }
    let allow: Vec<&str> = on_path.by_ref().map(|route| route.method.as_str()).collect();
    Routed::MethodNotAllowed { allow: allow.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_allow_and_revisions() {
        let found = |method: &Method, path: &str, revision| match route(method, path, revision) {
            Routed::Found { route, id } => Some((route.operation, id.map(str::to_string))),
            _ => None,
        };
        assert_eq!(found(&Method::GET, "/v2/identities", Revision::Current), Some((Operation::List, None)));
        assert_eq!(
            found(&Method::DELETE, "/v2/identities/x", Revision::V1),
            Some((Operation::Delete, Some("x".into())))
        );
        assert_eq!(found(&Method::POST, "/v2/contacts", Revision::Current), None, "contacts are v1 only");
        assert_eq!(found(&Method::POST, "/v2/contacts", Revision::V1), Some((Operation::UpsertContact, None)));
        match route(&Method::PUT, "/v2/identities/x", Revision::Current) {
            Routed::MethodNotAllowed { allow } => assert_eq!(allow, "GET, PATCH, DELETE"),
            _ => panic!("405 expected"),
        }
        match route(&Method::DELETE, "/v2/identities", Revision::Current) {
            Routed::MethodNotAllowed { allow } => assert_eq!(allow, "GET, POST"),
            _ => panic!("405 expected"),
        }
        assert!(matches!(route(&Method::GET, "/v2/identities/a/b", Revision::Current), Routed::NotFound));
    }

    #[test]
    fn body_schemas_follow_the_revision() {
        let create = ROUTES.iter().find(|r| r.operation == Operation::Create).unwrap();
        assert_eq!(create.body_schema(Revision::Current), Some(SchemaId::OrqCreateIdentityRequest));
        assert_eq!(create.body_schema(Revision::V1), Some(SchemaId::OrqV1CreateIdentityRequest));
        for route in ROUTES {
            assert_eq!(route.body.is_some(), route.method == Method::POST || route.method == Method::PATCH);
        }
    }
}
