//! The Letta scenarios. Every identity is created under `{s}` (its key and its name start with
//! it), every list is scoped by `name={s}` (upstream's filter is a case-insensitive "contains"),
//! and every scenario deletes what it created; the runner deletes whatever is left.

use super::scenario::{Auth, Check, Scenario, Step};
use serde_json::json;

const BASE: &str = "/v1/identities/";

fn get(path: &str) -> Step {
    Step::new("GET", path)
}

fn create(name: &'static str, kind: &str) -> Step {
    Step::new("POST", BASE)
        .json(
            json!({"identifier_key": format!("{{s}}-{name}"), "name": format!("{{s}}-{name}"), "identity_type": kind}),
        )
        .save(name)
}

fn delete(name: &str) -> Step {
    Step::new("DELETE", format!("{BASE}{{id:{name}}}"))
}

fn one(name: &str) -> String {
    format!("{BASE}{{id:{name}}}")
}

fn list(query: &str) -> Step {
    get(&format!("{BASE}?name={{s}}{}{query}", if query.is_empty() { "" } else { "&" }))
}

pub fn scenarios() -> Vec<Scenario> {
    let properties = json!([
        {"key": "tier", "value": "gold", "type": "string"},
        {"key": "n", "value": 3, "type": "number"},
        {"key": "f", "value": 1.5, "type": "number"},
        {"key": "b", "value": true, "type": "boolean"},
        {"key": "j", "value": {"a": [1, 2]}, "type": "json"}
    ]);
    vec![
        Scenario::new("letta", "create-retrieve", vec![create("a", "user"), get(&one("a")), delete("a")]),
        Scenario::new(
            "letta",
            "create-properties",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-Acme", "identity_type": "org",
                        "project_id": "{s}-proj", "properties": properties}))
                    .save("a"),
                get(&one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "create-duplicate",
            vec![
                create("a", "user"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-again", "identity_type": "user"}))
                    .save("dup"),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "duplicate-per-project",
            vec![
                create("a", "user"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-p2", "identity_type": "user", "project_id": "{s}-p2"}))
                    .save("b"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-p2-again", "identity_type": "user", "project_id": "{s}-p2"}))
                    .save("dup"),
                list("order=asc"),
                delete("a"),
                delete("b"),
            ],
        ),
        Scenario::new(
            "letta",
            "create-validation",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-x", "name": "{s}-X", "identity_type": "robot"}))
                    .save("x1"),
                Step::new("POST", BASE).json(json!({"name": "{s}-X"})).save("x2"),
                Step::new("POST", BASE).text("{bad").save("x3"),
                Step::new("POST", BASE).save("x4"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-y", "name": "{s}-Y", "identity_type": "user",
                        "properties": [{"key": "k", "value": "v", "type": "str"}]}))
                    .save("x5"),
                list(""),
            ],
        ),
        Scenario::new(
            "letta",
            "not-found",
            vec![
                create("a", "user"),
                delete("a"),
                get(&one("a")),
                delete("a"),
                Step::new("PATCH", one("a")).json(json!({"name": "{s}-z"})),
                Step::new("PUT", format!("{}/properties", one("a"))).json(json!([])),
                get(&format!("{}/agents", one("a"))),
            ],
        ),
        Scenario::new(
            "letta",
            "malformed-ids",
            vec![
                get(&format!("{BASE}abc")),
                get(&format!("{BASE}identity-C24CF4CC-C4AC-4722-AB2D-A7CEFA5B8544")),
                get(&format!("{BASE}identity-c24cf4cc-c4ac-1722-ab2d-a7cefa5b8544")),
                Step::new("DELETE", format!("{BASE}identity-1")),
            ],
        ),
        Scenario::new(
            "letta",
            "upsert-existing",
            vec![
                create("a", "user"),
                Step::new("PUT", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-renamed", "identity_type": "org",
                        "properties": [{"key": "only", "value": 1, "type": "number"}]}))
                    .save("a2"),
                get(&one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "upsert-project",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-A", "identity_type": "org", "project_id": "{s}-proj",
                        "properties": [{"key": "x", "value": "1", "type": "string"}]}))
                    .save("a"),
                Step::new("PUT", BASE)
                    .json(json!({"identifier_key": "{s}-a", "project_id": "{s}-proj", "name": "{s}-A2", "identity_type": "org"}))
                    .save("a2"),
                Step::new("PUT", BASE)
                    .json(json!({"identifier_key": "{s}-a", "project_id": "{s}-other", "name": "{s}-A3", "identity_type": "org"}))
                    .save("missing"),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "upsert-missing-key",
            vec![Step::new("PUT", BASE)
                .json(json!({"identifier_key": "{s}-new", "name": "{s}-New", "identity_type": "user"}))
                .save("new")],
        ),
        Scenario::new(
            "letta",
            "properties-replace",
            vec![
                create("a", "user"),
                Step::new("PUT", format!("{}/properties", one("a"))).json(json!([
                    {"key": "a", "value": "1", "type": "string"}, {"key": "b", "value": 2, "type": "number"}
                ])),
                Step::new("PUT", format!("{}/properties", one("a"))).json(json!([
                    {"key": "i", "value": 1, "type": "string"}, {"key": "f", "value": 1.0, "type": "number"},
                    {"key": "b", "value": false, "type": "json"}, {"key": "d", "value": {}, "type": "json"}
                ])),
                Step::new("PUT", format!("{}/properties", one("a")))
                    .json(json!({"key": "a", "value": "1", "type": "string"})),
                Step::new("PUT", format!("{}/properties", one("a")))
                    .json(json!([{"key": "a", "value": "1", "type": "str"}])),
                Step::new("PUT", format!("{}/properties", one("a")))
                    .json(json!([{"key": "n", "value": null, "type": "json"}])),
                Step::new("PUT", format!("{}/properties", one("a"))).json(json!([])),
                get(&one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "patch",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-A", "identity_type": "user",
                        "properties": [{"key": "a", "value": "1", "type": "string"}, {"key": "b", "value": 2, "type": "number"}]}))
                    .save("a"),
                Step::new("PATCH", one("a")).json(json!({"properties": [
                    {"key": "b", "value": 3, "type": "number"}, {"key": "c", "value": false, "type": "boolean"}
                ]})),
                Step::new("PATCH", one("a")).json(json!({"name": "{s}-A renamed", "identity_type": "org"})),
                Step::new("PATCH", one("a")).json(json!({})),
                Step::new("PATCH", one("a")).json(json!({"identity_type": "robot"})),
                Step::new("PATCH", one("a")).json(json!({"project_id": "{s}-p"})),
                Step::new("PATCH", one("a")).json(json!({"agent_ids": ["agent-1"]})),
                get(&one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "patch-duplicate-key",
            vec![
                create("a", "user"),
                create("b", "user"),
                Step::new("PATCH", one("a")).json(json!({"identifier_key": "{s}-b"})),
                Step::new("PATCH", one("a")).json(json!({"identifier_key": "{s}-c"})),
                get(&one("a")),
                delete("a"),
                delete("b"),
            ],
        ),
        Scenario::new(
            "letta",
            "delete",
            vec![create("a", "user"), delete("a"), get(&one("a")), delete("a"), list("")],
        ),
        Scenario::new(
            "letta",
            "count",
            vec![
                get(&format!("{BASE}count")).check(Check::SaveCount("before")),
                create("a", "user"),
                create("b", "org"),
                get(&format!("{BASE}count")).check(Check::CountSince("before")),
                delete("a"),
                get(&format!("{BASE}count")).check(Check::CountSince("before")),
                delete("b"),
                get(&format!("{BASE}count")).check(Check::CountSince("before")),
                get(&format!("{BASE}count/")),
            ],
        ),
        Scenario::new(
            "letta",
            "list-filters",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-Alice", "identity_type": "user", "project_id": "{s}-px"}))
                    .save("a"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-b", "name": "{s}-Acme", "identity_type": "org"}))
                    .save("b"),
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-c", "name": "{s}-axb", "identity_type": "other", "project_id": "{s}-px"}))
                    .save("c"),
                list(""),
                get(&format!("{BASE}?identifier_key={{s}}-b")),
                list("identity_type=org"),
                list("identity_type=user"),
                list("project_id={s}-px"),
                get(&format!("{BASE}?name={{s}}-A_b")),
                get(&format!("{BASE}?name={{s}}-ALICE")),
                get(&format!("{BASE}?name={{s}}-a%25e")),
                list("identity_type=robot"),
                list("").header("x-project-id", "{s}-px"),
                delete("a"),
                delete("b"),
                delete("c"),
            ],
        ),
        Scenario::new("letta", "list-pagination-desc", pages("desc")),
        Scenario::new("letta", "list-pagination-asc", pages("asc")),
        Scenario::new(
            "letta",
            "list-cursor-window",
            vec![
                create("a", "user"),
                create("b", "user"),
                create("c", "user"),
                create("d", "user"),
                list("order=asc&after={id:a}&before={id:d}"),
                list("after={id:a}&before={id:d}"),
                list("order=asc&after={id:a}&before={id:d}&limit=1"),
                list("after={id:d}&before={id:a}"),
                list("order=asc&after={id:a}&before={id:d}&limit=0"),
                delete("a"),
                delete("b"),
                delete("c"),
                delete("d"),
            ],
        ),
        Scenario::new(
            "letta",
            "list-unknown-cursor",
            vec![
                create("a", "user"),
                create("gone", "user"),
                delete("gone"),
                list("after={id:gone}"),
                list("before={id:gone}"),
                list("after=foo"),
                list("before={id:gone}&limit=-2"),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "list-limits",
            vec![
                create("a", "user"),
                create("b", "user"),
                create("c", "user"),
                list("limit=0"),
                list("limit=1"),
                list("limit=-1"),
                list("limit=-5"),
                list("limit=abc"),
                list("limit=1.5"),
                list("limit=2.0"),
                list("limit=1_0"),
                list("order=sideways"),
                delete("a"),
                delete("b"),
                delete("c"),
            ],
        ),
        Scenario::new(
            "letta",
            "identity-agents-blocks",
            vec![
                create("a", "user"),
                get(&format!("{}/agents", one("a"))),
                get(&format!("{}/blocks", one("a"))),
                get(&format!("{}/blocks?limit=0", one("a"))),
                get(&format!("{}/agents?order=asc&limit=5", one("a"))),
                get(&format!("{BASE}abc/agents")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "slash-redirects",
            vec![
                get("/v1/identities?name={s}"),
                Step::new("POST", "/v1/identities")
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-A", "identity_type": "user"}))
                    .save("a"),
                Step::new("PUT", "/v1/identities")
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-A", "identity_type": "user"}))
                    .save("a2"),
            ],
        ),
        Scenario::new(
            "letta",
            "unknown-routes",
            vec![
                create("a", "user"),
                get(&format!("{}/nope", one("a"))),
                Step::new("PATCH", BASE).json(json!({})),
                Step::new("POST", format!("{BASE}count")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "headers",
            vec![
                list("").header("user_id", "bob"),
                list("").auth(Auth::Wrong),
                Step::new("OPTIONS", BASE)
                    .header("origin", "http://localhost:3000")
                    .header("access-control-request-method", "GET"),
            ],
        ),
        Scenario::new(
            "letta",
            "numbers",
            vec![
                Step::new("POST", BASE)
                    // Written as text: these spellings are the point, and a transcript wants one line.
                    .text(concat!(
                        r#"{"identifier_key":"{s}-a","name":"{s}-A","identity_type":"user","properties":["#,
                        r#"{"key":"big","value":1e16,"type":"number"},"#,
                        r#"{"key":"max","value":1.7976931348623157e308,"type":"number"},"#,
                        r#"{"key":"negzero","value":-0.0,"type":"number"},"#,
                        r#"{"key":"tiny","value":1.5e-7,"type":"number"},"#,
                        r#"{"key":"int","value":12345678901234567,"type":"number"},"#,
                        r#"{"key":"exp","value":2E+3,"type":"json"}]}"#,
                    ))
                    .save("a"),
                get(&one("a")),
                Step::new("PATCH", one("a")).text(r#"{"properties":[{"key":"big","value":100000000000000000000,"type":"number"}]}"#),
                delete("a"),
            ],
        ),
        Scenario::new(
            "letta",
            "hostile-values",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-nul", "name": "{s}-a\u{0}b", "identity_type": "user"}))
                    .save("nul"),
                Step::new("POST", BASE)
                    .text(r#"{"identifier_key":"{s}-nan","name":"{s}-nan","identity_type":"user","properties":[{"key":"x","value":NaN,"type":"number"}]}"#)
                    .save("nan"),
                Step::new("POST", BASE).text("null").save("null"),
                Step::new("POST", BASE)
                    .text(r#"{"identifier_key":"{s}-first","identifier_key":"{s}-dup","name":"{s}-dup","identity_type":"user"}"#)
                    .save("dup"),
                list("limit=%205%20"),
                list(""),
                delete("dup"),
            ],
        ),
        Scenario::new(
            "letta",
            "create-unknown-agent",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"identifier_key": "{s}-a", "name": "{s}-A", "identity_type": "user",
                        // A well-formed id nobody holds: its last part is the run's own.
                        "agent_ids": ["agent-00000000-0000-4000-8000-{hex}"]}))
                    .save("a"),
                list(""),
            ],
        ),
    ]
}

/// Five identities, then every page in one direction, forwards and back.
fn pages(order: &str) -> Vec<Step> {
    let o = format!("order={order}");
    let (first, last) = if order == "asc" { ("a", "e") } else { ("e", "a") };
    let mut steps: Vec<Step> = ["a", "b", "c", "d", "e"].into_iter().map(|n| create(n, "user")).collect();
    steps.extend([
        list(&format!("{o}&limit=2")),
        list(&format!("{o}&limit=2&after={{id:{first}}}")),
        list(&format!("{o}&limit=2&after={{id:c}}")),
        list(&format!("{o}&limit=2&after={{id:{last}}}")),
        list(&format!("{o}&limit=2&before={{id:{last}}}")),
        list(&format!("{o}&before={{id:c}}")),
        list(&format!("{o}&limit=2&before={{id:{first}}}")),
        list(&format!("{o}&order_by=created_at&limit=3")),
    ]);
    steps.extend(["a", "b", "c", "d", "e"].into_iter().map(delete));
    steps
}
