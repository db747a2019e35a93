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
    /// `/v1/agents` and `/v1/blocks`, as far as identities reach them.
    Entity(Resource, EntityOperation),
}

/// What the agents and blocks routes do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityOperation {
    List,
    Count,
    Create,
    Update,
    Retrieve,
    Delete,
    AttachIdentity,
    DetachIdentity,
}

/// The Letta routers identity-mock serves, each under `/v1/<segment>` and `/latest/<segment>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Identities,
    Agents,
    Blocks,
}

impl Resource {
    pub const ALL: [Resource; 3] = [Resource::Identities, Resource::Agents, Resource::Blocks];

    pub fn segment(self) -> &'static str {
        match self {
            Resource::Identities => "identities",
            Resource::Agents => "agents",
            Resource::Blocks => "blocks",
        }
    }

    /// The routes in upstream's declaration order (letta/server/rest_api/routers/v1/<segment>.py).
    pub fn routes(self) -> &'static [Route] {
        match self {
            Resource::Identities => ROUTES,
            Resource::Agents => AGENT_ROUTES,
            Resource::Blocks => BLOCK_ROUTES,
        }
    }

    /// The class name upstream's messages give a record of this router.
    pub fn kind(self) -> &'static str {
        match self {
            Resource::Identities => "Identity",
            Resource::Agents => "Agent",
            Resource::Blocks => "Block",
        }
    }

    /// The name of the path's first id.
    pub fn id_parameter(self) -> &'static str {
        match self {
            Resource::Identities => "identity_id",
            Resource::Agents => "agent_id",
            Resource::Blocks => "block_id",
        }
    }

    pub fn id_schema(self) -> SchemaId {
        match self {
            Resource::Identities => SchemaId::LettaIdentityId,
            Resource::Agents => SchemaId::LettaAgentId,
            Resource::Blocks => SchemaId::LettaBlockId,
        }
    }

    /// The resource a path belongs to, and the rest of the path after its prefix.
    pub fn split(path: &str) -> Option<(Resource, &str)> {
        let rest = path.strip_prefix("/v1/").or_else(|| path.strip_prefix("/latest/"))?;
        Resource::ALL.into_iter().find_map(|resource| {
            let tail = rest.strip_prefix(resource.segment())?;
            (tail.is_empty() || tail.starts_with('/')).then_some((resource, tail))
        })
    }
}

impl Operation {
    /// Whether the operation changes data.
    pub fn writes(self) -> bool {
        match self {
            Operation::Create
            | Operation::Upsert
            | Operation::Update
            | Operation::ReplaceProperties
            | Operation::Delete => true,
            Operation::Entity(_, operation) => {
                !matches!(operation, EntityOperation::List | EntityOperation::Count | EntityOperation::Retrieve)
            }
            _ => false,
        }
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
            Operation::Entity(resource, operation) => match (resource, operation) {
                (Resource::Blocks, EntityOperation::List) => "blocks.list",
                (Resource::Blocks, EntityOperation::Count) => "blocks.count",
                (Resource::Blocks, EntityOperation::Create) => "blocks.create",
                (Resource::Blocks, EntityOperation::Update) => "blocks.update",
                (Resource::Blocks, EntityOperation::Retrieve) => "blocks.retrieve",
                (Resource::Blocks, EntityOperation::Delete) => "blocks.delete",
                (Resource::Blocks, EntityOperation::AttachIdentity) => "blocks.identities.attach",
                (Resource::Blocks, EntityOperation::DetachIdentity) => "blocks.identities.detach",
                (_, EntityOperation::List) => "agents.list",
                (_, EntityOperation::Count) => "agents.count",
                (_, EntityOperation::Create) => "agents.create",
                (_, EntityOperation::Update) => "agents.update",
                (_, EntityOperation::Retrieve) => "agents.retrieve",
                (_, EntityOperation::Delete) => "agents.delete",
                (_, EntityOperation::AttachIdentity) => "agents.identities.attach",
                (_, EntityOperation::DetachIdentity) => "agents.identities.detach",
            },
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
    /// `/{agent_id}/<sub>/{identity_id}`, e.g. `/{agent_id}/identities/attach/{identity_id}`
    IdThenIdentity(&'static str),
}

/// What a route answers with when it succeeds, for `/openapi.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    One(SchemaId),
    ListOf(SchemaId),
    Integer,
    Null,
    /// `{"message": "…"}`
    Message,
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

const AGENT: Answer = Answer::One(SchemaId::LettaAgentState);
const BLOCK: Answer = Answer::One(SchemaId::LettaBlockResponse);
const NO_AGENT: (u16, &str) = (404, "No such agent");
const NO_BLOCK: (u16, &str) = (404, "No such block");
const MALFORMED_IDENTITY: (u16, &str) = (400, "A malformed identity id");
const NO_AGENT_OR_IDENTITY: (u16, &str) = (404, "No such agent or identity");
const NO_BLOCK_OR_IDENTITY: (u16, &str) = (404, "No such block or identity");

/// One route of `/v1/agents` or `/v1/blocks`.
const fn entity(
    method: Method,
    shape: Shape,
    resource: Resource,
    operation: EntityOperation,
    body: Option<SchemaId>,
    query: Option<SchemaId>,
    doc: Doc,
) -> Route {
    Route { method, shape, operation: Operation::Entity(resource, operation), body, query, doc }
}

/// The agents routes identity-mock serves, in upstream's declaration order (agents.py).
pub const AGENT_ROUTES: &[Route] = &[
    entity(
        Method::GET,
        Shape::Root,
        Resource::Agents,
        EntityOperation::List,
        None,
        Some(SchemaId::LettaAgentsQuery),
        Doc {
            operation_id: "list_agents",
            ok: ("Agents, newest first by default", Answer::ListOf(SchemaId::LettaAgentState)),
            errors: &[INVALID, (500, "Negative limit (as upstream)")],
        },
    ),
    entity(
        Method::GET,
        Shape::Count,
        Resource::Agents,
        EntityOperation::Count,
        None,
        None,
        Doc { operation_id: "count_agents", ok: ("How many agents", Answer::Integer), errors: &[] },
    ),
    entity(
        Method::POST,
        Shape::Root,
        Resource::Agents,
        EntityOperation::Create,
        Some(SchemaId::LettaAgentCreate),
        None,
        Doc {
            operation_id: "create_agent",
            ok: ("Created", AGENT),
            errors: &[
                (400, "No model or llm_config, a malformed model handle, an unknown embedding handle"),
                (404, "A model handle no configured provider has"),
                (409, "An unknown identity id"),
                INVALID,
                (500, "A name of characters upstream refuses, or text PostgreSQL cannot store (as upstream)"),
            ],
        },
    ),
    entity(
        Method::PATCH,
        Shape::Id,
        Resource::Agents,
        EntityOperation::Update,
        Some(SchemaId::LettaAgentUpdate),
        None,
        Doc {
            operation_id: "modify_agent",
            ok: ("Updated", AGENT),
            errors: &[
                NO_AGENT,
                (409, "An unknown identity id"),
                INVALID,
                (500, "Text PostgreSQL cannot store (as upstream)"),
            ],
        },
    ),
    entity(
        Method::GET,
        Shape::Id,
        Resource::Agents,
        EntityOperation::Retrieve,
        None,
        Some(SchemaId::LettaAgentRetrieveQuery),
        Doc { operation_id: "retrieve_agent", ok: ("The agent", AGENT), errors: &[NO_AGENT, INVALID] },
    ),
    entity(
        Method::DELETE,
        Shape::Id,
        Resource::Agents,
        EntityOperation::Delete,
        None,
        None,
        Doc { operation_id: "delete_agent", ok: ("Deleted", Answer::Message), errors: &[NO_AGENT, INVALID] },
    ),
    entity(
        Method::PATCH,
        Shape::IdThenIdentity("identities/attach"),
        Resource::Agents,
        EntityOperation::AttachIdentity,
        None,
        None,
        Doc {
            operation_id: "attach_identity_to_agent",
            ok: ("Attached", Answer::Null),
            errors: &[MALFORMED_IDENTITY, NO_AGENT_OR_IDENTITY, INVALID],
        },
    ),
    entity(
        Method::PATCH,
        Shape::IdThenIdentity("identities/detach"),
        Resource::Agents,
        EntityOperation::DetachIdentity,
        None,
        None,
        Doc {
            operation_id: "detach_identity_from_agent",
            ok: ("Detached", Answer::Null),
            errors: &[MALFORMED_IDENTITY, NO_AGENT_OR_IDENTITY, INVALID],
        },
    ),
];

/// The blocks routes identity-mock serves, in upstream's declaration order (blocks.py).
pub const BLOCK_ROUTES: &[Route] = &[
    entity(
        Method::GET,
        Shape::Root,
        Resource::Blocks,
        EntityOperation::List,
        None,
        Some(SchemaId::LettaBlocksQuery),
        Doc {
            operation_id: "list_blocks",
            ok: ("Blocks", Answer::ListOf(SchemaId::LettaBlockResponse)),
            errors: &[INVALID, (500, "Negative limit (as upstream)")],
        },
    ),
    entity(
        Method::GET,
        Shape::Count,
        Resource::Blocks,
        EntityOperation::Count,
        None,
        None,
        Doc { operation_id: "count_blocks", ok: ("How many blocks", Answer::Integer), errors: &[] },
    ),
    entity(
        Method::POST,
        Shape::Root,
        Resource::Blocks,
        EntityOperation::Create,
        Some(SchemaId::LettaBlockCreate),
        None,
        Doc {
            operation_id: "create_block",
            ok: ("Created", BLOCK),
            errors: &[INVALID, (500, "Text PostgreSQL cannot store (as upstream)")],
        },
    ),
    entity(
        Method::PATCH,
        Shape::Id,
        Resource::Blocks,
        EntityOperation::Update,
        Some(SchemaId::LettaBlockUpdate),
        None,
        Doc {
            operation_id: "modify_block",
            ok: ("Updated", BLOCK),
            errors: &[NO_BLOCK, INVALID, (500, "Text PostgreSQL cannot store (as upstream)")],
        },
    ),
    entity(
        Method::DELETE,
        Shape::Id,
        Resource::Blocks,
        EntityOperation::Delete,
        None,
        None,
        Doc { operation_id: "delete_block", ok: ("Deleted", Answer::Null), errors: &[NO_BLOCK, INVALID] },
    ),
    entity(
        Method::GET,
        Shape::Id,
        Resource::Blocks,
        EntityOperation::Retrieve,
        None,
        None,
        Doc { operation_id: "retrieve_block", ok: ("The block", BLOCK), errors: &[NO_BLOCK, INVALID] },
    ),
    entity(
        Method::PATCH,
        Shape::IdThenIdentity("identities/attach"),
        Resource::Blocks,
        EntityOperation::AttachIdentity,
        None,
        None,
        Doc {
            operation_id: "attach_identity_to_block",
            ok: ("The block", BLOCK),
            errors: &[MALFORMED_IDENTITY, NO_BLOCK_OR_IDENTITY, INVALID],
        },
    ),
    entity(
        Method::PATCH,
        Shape::IdThenIdentity("identities/detach"),
        Resource::Blocks,
        EntityOperation::DetachIdentity,
        None,
        None,
        Doc {
            operation_id: "detach_identity_from_block",
            ok: ("The block", BLOCK),
            errors: &[MALFORMED_IDENTITY, NO_BLOCK_OR_IDENTITY, INVALID],
        },
    ),
];

impl Route {
    /// The route's path under `/v1/<resource>`, as OpenAPI writes it.
    pub fn template(&self, resource: Resource) -> String {
        let id = resource.id_parameter();
        match self.shape {
            Shape::Root => "/".into(),
            Shape::Count => "/count".into(),
            Shape::Id => format!("/{{{id}}}"),
            Shape::IdThen(sub) => format!("/{{{id}}}/{sub}"),
            Shape::IdThenIdentity(sub) => format!("/{{{id}}}/{sub}/{{identity_id}}"),
        }
    }

    /// Whether the path has an id of the resource.
    pub fn has_id(&self) -> bool {
        !matches!(self.shape, Shape::Root | Shape::Count)
    }

    /// Whether the path ends with an `{identity_id}` after the resource's own id.
    pub fn has_second_identity_id(&self) -> bool {
        matches!(self.shape, Shape::IdThenIdentity(_))
    }
}

/// The ids in a path: the resource's own, and an `{identity_id}` after it.
#[derive(Debug, PartialEq, Eq, Default, Clone, Copy)]
pub struct PathIds<'a> {
    pub id: Option<&'a str>,
    pub identity_id: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Routed<'a> {
    Found {
        route: &'static Route,
        ids: PathIds<'a>,
    },
    /// The path exists for another method; `allow` lists the first matching route's method.
    MethodNotAllowed {
        allow: &'static str,
    },
    /// The path exists with its trailing slash toggled.
    Redirect,
    NotFound,
}

/// Matches `rest`, the path after the resource's prefix (e.g. `/v1/identities`).
fn shape_matches(shape: Shape, rest: &str) -> Option<PathIds<'_>> {
    let segment = |text: &str| !text.is_empty() && !text.contains('/');
    match shape {
        Shape::Root => (rest == "/").then_some(PathIds::default()),
        Shape::Count => (rest == "/count").then_some(PathIds::default()),
        Shape::Id => {
            let id = rest.strip_prefix('/')?;
            segment(id).then_some(PathIds { id: Some(id), identity_id: None })
        }
        Shape::IdThen(sub) => {
            let (id, tail) = rest.strip_prefix('/')?.split_once('/')?;
            (!id.is_empty() && tail == sub).then_some(PathIds { id: Some(id), identity_id: None })
        }
        Shape::IdThenIdentity(sub) => {
            let (id, tail) = rest.strip_prefix('/')?.split_once('/')?;
            let identity_id = tail.strip_prefix(sub)?.strip_prefix('/')?;
            (!id.is_empty() && segment(identity_id)).then_some(PathIds { id: Some(id), identity_id: Some(identity_id) })
        }
    }
}

fn match_path<'a>(resource: Resource, method: &Method, rest: &'a str) -> Option<Routed<'a>> {
    let mut partial = None;
    for route in resource.routes() {
        if let Some(ids) = shape_matches(route.shape, rest) {
            if route.method == method {
                return Some(Routed::Found { route, ids });
            }
            partial.get_or_insert(Routed::MethodNotAllowed { allow: route.method.as_str() });
        }
    }
    partial
}

/// Routes `rest`, the path after `resource`'s prefix.
pub fn route<'a>(resource: Resource, method: &Method, rest: &'a str) -> Routed<'a> {
    if let Some(routed) = match_path(resource, method, rest) {
        return routed;
    }
    let toggled = toggle_slash(rest);
    if match_path(resource, method, &toggled).is_some() {
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
        match route(Resource::Identities, method, rest) {
            Routed::Found { route, ids } => Some((route.operation, ids.id.map(str::to_string))),
            _ => None,
        }
    }

    fn identities<'a>(method: &Method, rest: &'a str) -> Routed<'a> {
        route(Resource::Identities, method, rest)
    }

    #[test]
    fn agents_and_blocks_route_their_identity_links() {
        let agent = "agent-123e4567-e89b-42d3-8456-426614174000";
        let path = format!("/{agent}/identities/attach/{ID}");
        match route(Resource::Agents, &Method::PATCH, &path) {
            Routed::Found { route, ids } => {
                assert_eq!(route.operation, Operation::Entity(Resource::Agents, EntityOperation::AttachIdentity));
                assert_eq!((ids.id, ids.identity_id), (Some(agent), Some(ID)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(route(Resource::Blocks, &Method::PUT, "/x"), Routed::MethodNotAllowed { allow: "PATCH" });
        assert_eq!(Resource::split("/latest/blocks/"), Some((Resource::Blocks, "/")));
        assert_eq!(Resource::split("/v1/agentsx"), None);
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
        for resource in Resource::ALL {
            let routes = resource.routes();
            for operation in routes.iter().map(|r| r.operation) {
                assert_eq!(routes.iter().filter(|r| r.operation == operation).count(), 1, "{operation:?}");
            }
            for route in routes {
                assert_eq!(route.has_id(), route.template(resource).contains(resource.id_parameter()));
            }
        }
        for route in ROUTES {
            assert_eq!(route.body.is_some(), route.operation.writes() && route.operation != Operation::Delete);
        }
    }

    #[test]
    fn wrong_method_lists_the_first_matching_route() {
        assert_eq!(identities(&Method::DELETE, "/"), Routed::MethodNotAllowed { allow: "GET" });
        assert_eq!(identities(&Method::POST, "/count"), Routed::MethodNotAllowed { allow: "GET" });
        assert_eq!(identities(&Method::GET, &format!("/{ID}/properties")), Routed::MethodNotAllowed { allow: "PUT" });
        assert_eq!(identities(&Method::HEAD, "/"), Routed::MethodNotAllowed { allow: "GET" });
    }

    #[test]
    fn toggled_slash_redirects_and_unknown_paths_do_not() {
        assert_eq!(identities(&Method::GET, ""), Routed::Redirect);
        assert_eq!(identities(&Method::POST, ""), Routed::Redirect);
        assert_eq!(identities(&Method::GET, &format!("/{ID}/")), Routed::Redirect);
        assert_eq!(identities(&Method::GET, "/count/"), Routed::Redirect);
        assert_eq!(identities(&Method::GET, &format!("/{ID}/foo")), Routed::NotFound);
        assert_eq!(identities(&Method::GET, "//"), Routed::Redirect);
        assert_eq!(identities(&Method::GET, "/a/b/c"), Routed::NotFound);
    }
}
