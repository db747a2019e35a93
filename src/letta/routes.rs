//! Which Letta operation a method and path name, with FastAPI's routing rules: routes are tried in
//! the order the upstream router declares them, `{identity_id}` matches one path segment, a path
//! that matches no route is retried with its trailing slash toggled (307), and a path that matches
//! only with another method answers 405 with the first matching route's methods.

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

/// The routes in upstream declaration order (letta/server/rest_api/routers/v1/identities.py).
const ROUTES: &[(Method, Shape, Operation)] = &[
    (Method::GET, Shape::Root, Operation::List),
    (Method::GET, Shape::Count, Operation::Count),
    (Method::GET, Shape::Id, Operation::Retrieve),
    (Method::POST, Shape::Root, Operation::Create),
    (Method::PUT, Shape::Root, Operation::Upsert),
    (Method::PATCH, Shape::Id, Operation::Update),
    (Method::PUT, Shape::IdThen("properties"), Operation::ReplaceProperties),
    (Method::DELETE, Shape::Id, Operation::Delete),
    (Method::GET, Shape::IdThen("agents"), Operation::ListAgents),
    (Method::GET, Shape::IdThen("blocks"), Operation::ListBlocks),
];

#[derive(Debug, PartialEq, Eq)]
pub enum Routed<'a> {
    Found {
        operation: Operation,
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
    for (route_method, shape, operation) in ROUTES {
        if let Some(identity_id) = shape_matches(*shape, rest) {
            if route_method == method {
                return Some(Routed::Found { operation: *operation, identity_id });
            }
            partial.get_or_insert(Routed::MethodNotAllowed { allow: route_method.as_str() });
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

    #[test]
    fn routes_in_declaration_order() {
        assert_eq!(route(&Method::GET, "/"), Routed::Found { operation: Operation::List, identity_id: None });
        assert_eq!(route(&Method::GET, "/count"), Routed::Found { operation: Operation::Count, identity_id: None });
        // /count is declared first, but DELETE reaches /{identity_id} with "count" as the id.
        assert_eq!(
            route(&Method::DELETE, "/count"),
            Routed::Found { operation: Operation::Delete, identity_id: Some("count") }
        );
        let agents = format!("/{ID}/agents");
        assert_eq!(
            route(&Method::GET, &agents),
            Routed::Found { operation: Operation::ListAgents, identity_id: Some(ID) }
        );
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
