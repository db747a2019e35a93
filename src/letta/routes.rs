//! Which Letta operation a method and path name, with FastAPI's routing rules: routes are tried in
//! the order the upstream router declares them, `{identity_id}` matches one path segment, a path
//! that matches no route is retried with its trailing slash toggled (307), and a path that matches
//! only with another method answers 405 with the first matching route's methods.

use crate::schema::SchemaId;
use hyper::Method;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    List,
    Count,
    Retrieve,
    Create,
    Upsert,
    Update,
    ReplaceProperties,
    Delete,
    ListAgents,
    ListBlocks,
}

impl Operation {
    /// Whether the operation changes data.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Operation::Create
                | Operation::Upsert
                | Operation::Update
                | Operation::ReplaceProperties
                | Operation::Delete
        )
    }

    /// The name the SDKs give the operation: `client.identities.<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::List => "identities.list",
            Operation::Count => "identities.count",
            Operation::Retrieve => "identities.retrieve",
            Operation::Create => "identities.create",
            Operation::Upsert => "identities.upsert",
            Operation::Update => "identities.update",
            Operation::ReplaceProperties => "identities.properties.upsert",
            Operation::Delete => "identities.delete",
            Operation::ListAgents => "identities.agents.list",
            Operation::ListBlocks => "identities.blocks.list",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `/`
    Root,
    /// `/count`
    Count,
    /// `/{identity_id}`
    Id,
    /// `/{identity_id}/<sub>`
    IdThen(&'static str),
}

/// What a route answers with when it succeeds, for `/openapi.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    One(SchemaId),
    ListOf(SchemaId),
    Integer,
    Null,
}

/// How `/openapi.json` describes a route: its operationId, its success, and the errors it
/// documents (422 with the pydantic list, the others with `{"detail": …}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doc {
    pub operation_id: &'static str,
    pub ok: (&'static str, Answer),
    pub errors: &'static [(u16, &'static str)],
}

/// One route of the Letta identities router: what it matches, what it reads, and how
/// `/openapi.json` tells it. The table drives routing, 405's `Allow`, validation and the document.
#[derive(Debug, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    shape: Shape,
    pub operation: Operation,
    /// The schema the body is validated against, for a route that reads one.
    pub body: Option<SchemaId>,
    /// The schema the query is built and validated from, for a route that reads one.
    pub query: Option<SchemaId>,
    pub doc: Doc,
}

const IDENTITY: Answer = Answer::One(SchemaId::LettaIdentity);
const NOT_FOUND: (u16, &str) = (404, "No such identity");
const INVALID: (u16, &str) = (422, "Validation error: the pydantic error list as a Python repr string");

/// The routes in upstream declaration order (letta/server/rest_api/routers/v1/identities.py).
pub const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        shape: Shape::Root,
        operation: Operation::List,
        body: None,
        query: Some(SchemaId::LettaListIdentitiesQuery),
        doc: Doc {
            operation_id: "list_identities",
            ok: ("Identities, newest first by default", Answer::ListOf(SchemaId::LettaIdentity)),
            errors: &[
                (400, "Cursors in the wrong order"),
                (404, "Unknown cursor"),
                INVALID,
                (500, "limit <= -2 (as upstream)"),
            ],
        },
    },
    Route {
        method: Method::GET,
        shape: Shape::Count,
        operation: Operation::Count,
        body: None,
        query: None,
        doc: Doc { operation_id: "count_identities", ok: ("How many identities", Answer::Integer), errors: &[] },
    },
    Route {
        method: Method::GET,
        shape: Shape::Id,
        operation: Operation::Retrieve,
        body: None,
        query: None,
        doc: Doc { operation_id: "retrieve_identity", ok: ("The identity", IDENTITY), errors: &[NOT_FOUND, INVALID] },
    },
    Route {
        method: Method::POST,
        shape: Shape::Root,
        operation: Operation::Create,
        body: Some(SchemaId::LettaIdentityCreate),
        query: None,
        doc: Doc {
            operation_id: "create_identity",
            ok: ("Created", IDENTITY),
            errors: &[
                (404, "Unknown agent or block (--fix-upstream-bugs)"),
                (409, "Duplicate identifier_key and project_id"),
                INVALID,
                (500, "Unknown agent or block (as upstream)"),
            ],
        },
    },
    Route {
        method: Method::PUT,
        shape: Shape::Root,
        operation: Operation::Upsert,
        body: Some(SchemaId::LettaIdentityUpsert),
        query: None,
        doc: Doc {
            operation_id: "upsert_identity",
            ok: ("Updated (or created with --fix-upstream-bugs)", IDENTITY),
            errors: &[(404, "No match (as upstream)"), INVALID, (500, "Unknown agent (as upstream)")],
        },
    },
    Route {
        method: Method::PATCH,
        shape: Shape::Id,
        operation: Operation::Update,
        body: Some(SchemaId::LettaIdentityUpdate),
        query: None,
        doc: Doc {
            operation_id: "update_identity",
            ok: ("Updated", IDENTITY),
            errors: &[NOT_FOUND, (409, "identifier_key taken"), INVALID, (500, "Unknown agent or block (as upstream)")],
        },
    },
    Route {
        method: Method::PUT,
        shape: Shape::IdThen("properties"),
        operation: Operation::ReplaceProperties,
        body: Some(SchemaId::LettaIdentityPropertyList),
        query: None,
        doc: Doc {
            operation_id: "upsert_properties_for_identity",
            ok: ("The identity with its new properties", IDENTITY),
            errors: &[NOT_FOUND, INVALID],
        },
    },
    Route {
        method: Method::DELETE,
        shape: Shape::Id,
        operation: Operation::Delete,
        body: None,
        query: None,
        doc: Doc { operation_id: "delete_identity", ok: ("Deleted", Answer::Null), errors: &[NOT_FOUND, INVALID] },
    },
    Route {
        method: Method::GET,
        shape: Shape::IdThen("agents"),
        operation: Operation::ListAgents,
        body: None,
        query: Some(SchemaId::LettaListAgentsQuery),
        doc: Doc {
            operation_id: "list_agents_for_identity",
            ok: ("Linked records", Answer::ListOf(SchemaId::LettaAgentState)),
            errors: &[
                (400, "Cursors in the wrong order"),
                (404, "No such identity or cursor"),
                INVALID,
                (500, "Negative limit (as upstream)"),
            ],
        },
    },
    Route {
        method: Method::GET,
        shape: Shape::IdThen("blocks"),
        operation: Operation::ListBlocks,
        body: None,
        query: Some(SchemaId::LettaListBlocksQuery),
        doc: Doc {
            operation_id: "list_blocks_for_identity",
            ok: ("Linked records", Answer::ListOf(SchemaId::LettaBlockResponse)),
            errors: &[
                (400, "Cursors in the wrong order"),
                (404, "No such identity or cursor"),
                INVALID,
                (500, "Negative limit (as upstream)"),
            ],
        },
    },
];

impl Route {
    /// The route's path under `/v1/identities`, as OpenAPI writes it.
    pub fn template(&self) -> String {
        match self.shape {
            Shape::Root => "/".into(),
            Shape::Count => "/count".into(),
            Shape::Id => "/{identity_id}".into(),
            Shape::IdThen(sub) => format!("/{{identity_id}}/{sub}"),
        }
    }

    /// Whether the path has an `{identity_id}`.
    pub fn has_identity_id(&self) -> bool {
        matches!(self.shape, Shape::Id | Shape::IdThen(_))
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Routed<'a> {
    Found {
        route: &'static Route,
        identity_id: Option<&'a str>,
    },
    /// The path exists for another method; `allow` lists the first matching route's method.
    MethodNotAllowed {
        allow: &'static str,
    },
    /// The path exists with its trailing slash toggled.
    Redirect,
    NotFound,
}

/// Matches `rest`, the path after the `/v1/identities` (or `/latest/identities`) prefix.
fn shape_matches(shape: Shape, rest: &str) -> Option<Option<&str>> {
    match shape {
        Shape::Root => (rest == "/").then_some(None),
        Shape::Count => (rest == "/count").then_some(None),
        Shape::Id => {
            let id = rest.strip_prefix('/')?;
            (!id.is_empty() && !id.contains('/')).then_some(Some(id))
        }
        Shape::IdThen(sub) => {
            let (id, tail) = rest.strip_prefix('/')?.split_once('/')?;
            (!id.is_empty() && tail == sub).then_some(Some(id))
        }
    }
}

fn match_path<'a>(method: &Method, rest: &'a str) -> Option<Routed<'a>> {
    let mut partial = None;
    for route in ROUTES {
        if let Some(identity_id) = shape_matches(route.shape, rest) {
            if route.method == method {
                return Some(Routed::Found { route, identity_id });
            }
            partial.get_or_insert(Routed::MethodNotAllowed { allow: route.method.as_str() });
        }
    }
    partial
}

pub fn route<'a>(method: &Method, rest: &'a str) -> Routed<'a> {
    if let Some(routed) = match_path(method, rest) {
        return routed;
    }
    let toggled = toggle_slash(rest);
    if match_path(method, &toggled).is_some() {
        Routed::Redirect
    } else {
        Routed::NotFound
    }
}

/// The same path with its trailing slash added or removed.
pub fn toggle_slash(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(stripped) => stripped.to_string(),
        None => format!("{path}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "identity-c24cf4cc-c4ac-4722-ab2d-a7cefa5b8544";

    fn found(method: &Method, rest: &str) -> Option<(Operation, Option<String>)> {
        match route(method, rest) {
            Routed::Found { route, identity_id } => Some((route.operation, identity_id.map(str::to_string))),
            _ => None,
        }
    }

    #[test]
    fn routes_in_declaration_order() {
        assert_eq!(found(&Method::GET, "/"), Some((Operation::List, None)));
        assert_eq!(found(&Method::GET, "/count"), Some((Operation::Count, None)));
        // /count is declared first, but DELETE reaches /{identity_id} with "count" as the id.
        assert_eq!(found(&Method::DELETE, "/count"), Some((Operation::Delete, Some("count".into()))));
        assert_eq!(found(&Method::GET, &format!("/{ID}/agents")), Some((Operation::ListAgents, Some(ID.into()))));
    }

    #[test]
    fn the_table_names_each_operation_once_with_its_schemas() {
        for operation in ROUTES.iter().map(|r| r.operation) {
            assert_eq!(ROUTES.iter().filter(|r| r.operation == operation).count(), 1, "{operation:?}");
        }
        for route in ROUTES {
            assert_eq!(route.body.is_some(), route.operation.writes() && route.operation != Operation::Delete);
            assert_eq!(route.has_identity_id(), route.template().contains("{identity_id}"));
        }
    }

    #[test]
    fn wrong_method_lists_the_first_matching_route() {
        assert_eq!(route(&Method::DELETE, "/"), Routed::MethodNotAllowed { allow: "GET" });
        assert_eq!(route(&Method::POST, "/count"), Routed::MethodNotAllowed { allow: "GET" });
        assert_eq!(route(&Method::GET, &format!("/{ID}/properties")), Routed::MethodNotAllowed { allow: "PUT" });
        assert_eq!(route(&Method::HEAD, "/"), Routed::MethodNotAllowed { allow: "GET" });
    }

    #[test]
    fn toggled_slash_redirects_and_unknown_paths_do_not() {
        assert_eq!(route(&Method::GET, ""), Routed::Redirect);
        assert_eq!(route(&Method::POST, ""), Routed::Redirect);
        assert_eq!(route(&Method::GET, &format!("/{ID}/")), Routed::Redirect);
        assert_eq!(route(&Method::GET, "/count/"), Routed::Redirect);
        assert_eq!(route(&Method::GET, &format!("/{ID}/foo")), Routed::NotFound);
        assert_eq!(route(&Method::GET, "//"), Routed::Redirect);
        assert_eq!(route(&Method::GET, "/a/b/c"), Routed::NotFound);
    }
}
