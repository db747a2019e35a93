//! Letta behaviour beyond the recorded exchanges: the bundled fixtures, agent and block lists,
//! pagination as letta-client drives it, `--fix-upstream-bugs`, and input the server must survive.

mod support;

use identity_mock::{Config, FixtureSource};
use serde_json::{json, Value};
use support::{get, send, send_json};

const ALICE: &str = "identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f";
const BOB: &str = "identity-8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
const SUPPORT_AGENT: &str = "agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b";
const SALES_AGENT: &str = "agent-7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";
const MISSING_BLOCK: &str = "block-123e4567-e89b-42d3-8456-426614174000";
const ALICE_BLOCK: &str = "block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const BOB_BLOCKS: [&str; 2] =
    ["block-2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "block-3c4d5e6f-7a8b-4c9d-a0e1-2f3a4b5c6d7e"];

fn ids(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_string()).collect()
}

fn empty() -> Config {
    Config { fixtures: FixtureSource::Empty, ..Config::default() }
}

/// The bundled fixtures document, to build test fixtures from its records.
fn bundled_fixtures() -> Value {
    serde_json::from_str(&std::fs::read_to_string("fixtures/letta.json").unwrap()).unwrap()
}

async fn delete_agent(server: &identity_mock::MockServer, agent: &Value) {
    let path = format!("/v1/agents/{}", agent["id"].as_str().unwrap());
    assert_eq!(send(server, "DELETE", &path, &[], None).await.status, 200, "{path}");
}

async fn create(server: &identity_mock::MockServer, key: &str) -> String {
    let reply = send_json(
        server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": key, "name": key, "identity_type": "user"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn bundled_fixtures_are_served_newest_first() {
    let server = support::start(Config::default()).await;
    let list = get(&server, "/v1/identities/").await.json();
    let listed = ids(&list);
    assert_eq!(listed.len(), 5);
    // Fixtures are created in document order, so the first one is the oldest.
    assert_eq!(listed.last().map(String::as_str), Some(ALICE));
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "5");
    let alice = get(&server, &format!("/v1/identities/{ALICE}")).await.json();
    assert_eq!(alice["properties"][2], json!({"key": "score", "value": 1.5, "type": "number"}));
    assert_eq!(alice["agent_ids"], json!([]), "links never show on the wire");
}

#[tokio::test]
async fn agents_and_blocks_lists_have_their_own_cursor_limit_and_order() {
    let server = support::start(Config::default()).await;
    let agents = get(&server, &format!("/v1/identities/{BOB}/agents")).await.json();
    assert_eq!(ids(&agents), vec![SALES_AGENT, SUPPORT_AGENT], "newest first by created_at");
    assert_eq!(agents[0]["name"], "sales-agent");
    let asc = get(&server, &format!("/v1/identities/{BOB}/agents?order=asc&limit=1")).await.json();
    assert_eq!(ids(&asc), vec![SUPPORT_AGENT]);
    let after = get(&server, &format!("/v1/identities/{BOB}/agents?order=asc&after={SUPPORT_AGENT}")).await.json();
    assert_eq!(ids(&after), vec![SALES_AGENT]);
    let zero = get(&server, &format!("/v1/identities/{BOB}/agents?limit=0")).await.json();
    assert_eq!(zero, json!([]), "LIMIT 0 on sub-lists, unlike the identities list");
    let blocks = get(&server, &format!("/v1/identities/{BOB}/blocks?order=asc")).await.json();
    assert_eq!(blocks.as_array().unwrap().len(), 2);
    let unknown = get(&server, &format!("/v1/identities/{BOB}/blocks?after={MISSING_BLOCK}")).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.text(), format!(r#"{{"detail":"No Block found with id {MISSING_BLOCK}"}}"#));
    let negative = get(&server, &format!("/v1/identities/{BOB}/blocks?limit=-1")).await;
    assert_eq!(negative.status, 500);
}

#[tokio::test]
async fn links_follow_create_patch_and_upsert_semantics() {
    let server = support::start(Config::default()).await;
    let created = send_json(
        &server,
        "POST",
        "/v1/identities/",
        &json!({"identifier_key": "linked", "name": "L", "identity_type": "user", "agent_ids": [SUPPORT_AGENT]}),
    )
    .await
    .json();
    let id = created["id"].as_str().unwrap();
    let agents_path = format!("/v1/identities/{id}/agents");
    assert_eq!(ids(&get(&server, &agents_path).await.json()), vec![SUPPORT_AGENT]);
    // PATCH only adds.
    send_json(&server, "PATCH", &format!("/v1/identities/{id}"), &json!({"agent_ids": [SALES_AGENT]})).await;
    assert_eq!(ids(&get(&server, &agents_path).await.json()), vec![SALES_AGENT, SUPPORT_AGENT]);
    send_json(&server, "PATCH", &format!("/v1/identities/{id}"), &json!({"agent_ids": []})).await;
    assert_eq!(get(&server, &agents_path).await.json().as_array().unwrap().len(), 2);
    // Blocks the same way: added once, however often they are sent.
    let block = "block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    for _ in 0..2 {
        let patched =
            send_json(&server, "PATCH", &format!("/v1/identities/{id}"), &json!({"block_ids": [block]})).await;
        assert_eq!(patched.status, 200, "{}", patched.text());
    }
    assert_eq!(ids(&get(&server, &format!("/v1/identities/{id}/blocks")).await.json()), vec![block]);
    // Upsert replaces the agents and ignores block_ids.
    let upsert = json!({"identifier_key": "linked", "name": "L2", "identity_type": "org", "agent_ids": [SALES_AGENT], "block_ids": [MISSING_BLOCK]});
    let upserted = send_json(&server, "PUT", "/v1/identities/", &upsert).await;
    assert_eq!(upserted.status, 200, "{}", upserted.text());
    assert_eq!(upserted.json()["name"], "L2");
    assert_eq!(ids(&get(&server, &agents_path).await.json()), vec![SALES_AGENT]);
    // Deleting the identity leaves the agent in place for others.
    assert_eq!(send(&server, "DELETE", &format!("/v1/identities/{id}"), &[], None).await.text(), "null");
    assert_eq!(get(&server, &format!("/v1/identities/{BOB}/agents")).await.json().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn auto_pagination_by_after_reaches_an_empty_page() {
    let server = support::start(empty()).await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(create(&server, &format!("page-{i}")).await);
    }
    // letta-client repeats the query with after=<last id> until a page is empty. Pages of 2 leave
    // more than a page after the cursor, which only one cursor must not cut in the middle.
    let mut seen = Vec::new();
    let mut path = "/v1/identities/?limit=2".to_string();
    for request in 1.. {
        // Four pages and the empty one; a cursor that is not followed would loop for ever.
        assert!(request <= 5, "no empty page after {seen:?}");
        let page = ids(&get(&server, &path).await.json());
        if page.is_empty() {
            break;
        }
        path = format!("/v1/identities/?limit=2&after={}", page.last().unwrap());
        seen.extend(page);
    }
    created.reverse();
    assert_eq!(seen, created, "every identity once, newest first");
    // The same backwards with before, in ascending order.
    // An empty cursor is no cursor, as upstream's truthiness checks have it.
    assert_eq!(ids(&get(&server, "/v1/identities/?order=asc&before=").await.json()).len(), 7);
    let before_last = ids(&get(&server, &format!("/v1/identities/?order=asc&before={}", created[0])).await.json());
    assert_eq!(before_last.len(), 6);
    assert_eq!(before_last.first(), created.last());
    // The same identity as both cursors: an empty window, not reversed cursors.
    let same = get(&server, &format!("/v1/identities/?after={0}&before={0}", created[3])).await;
    assert_eq!((same.status.as_u16(), same.text()), (200, "[]".to_string()));
}

#[tokio::test]
async fn both_cursors_keep_the_middle_of_twice_the_page_as_upstream_orm() {
    let server = support::start(empty()).await;
    let mut created = Vec::new();
    for i in 0..10 {
        created.push(create(&server, &format!("mid-{i}")).await);
    }
    // Created after mid-0 and before mid-9, newest first: mid-8 … mid-1. The ORM fetches
    // 2 × (limit + 1) = 6 of them (mid-8 … mid-3), keeps the 3 around the middle (mid-6, mid-5,
    // mid-4) and the manager trims to the limit (NOTES.md, "Both cursors"; README's table).
    let path = format!("/v1/identities/?after={}&before={}&limit=2", created[0], created[9]);
    assert_eq!(ids(&get(&server, &path).await.json()), created[5..7].iter().rev().cloned().collect::<Vec<_>>());
    // With limit 3 the ORM fetches all 8 (mid-8 … mid-1) and keeps 4 from the middle (mid-6 …
    // mid-3); the manager keeps the first 3.
    let path = format!("/v1/identities/?after={}&before={}&limit=3", created[0], created[9]);
    assert_eq!(ids(&get(&server, &path).await.json()), created[4..7].iter().rev().cloned().collect::<Vec<_>>());
}

#[tokio::test]
async fn a_properties_write_equal_in_python_keeps_what_was_stored() {
    // SQLAlchemy writes the JSON column only when the new list is not `==` the old one in Python,
    // where `0 == False`: the stored `false` stays.
    let server = support::start(empty()).await;
    let body = json!({"identifier_key": "flags", "name": "F", "identity_type": "user",
                      "properties": [{"key": "on", "value": false, "type": "boolean"}]});
    let id = send_json(&server, "POST", "/v1/identities/", &body).await.json()["id"].as_str().unwrap().to_string();
    let path = format!("/v1/identities/{id}/properties");
    for (sent, kept) in
        [(json!(0), json!(false)), (json!(1), json!(1)), (json!(true), json!(1)), (json!(0.0), json!(0.0))]
    {
        let reply = send_json(&server, "PUT", &path, &json!([{"key": "on", "value": sent, "type": "boolean"}])).await;
        assert_eq!(reply.json()["properties"][0]["value"], kept, "{sent} sent: {}", reply.text());
        assert_eq!(get(&server, &format!("/v1/identities/{id}")).await.json()["properties"][0]["value"], kept);
    }
}

#[tokio::test]
async fn links_follow_attach_detach_and_delete() {
    // Detaching what is not attached attaches nothing; attaching twice links once; deleting the
    // agent of an identity's only link leaves no link stored.
    let server = support::start(Config::default()).await;
    let identity = create(&server, "linked").await;
    let attached = vec![SUPPORT_AGENT.to_string()];
    for (verb, expected) in [("detach", vec![]), ("attach", attached.clone()), ("attach", attached), ("detach", vec![])]
    {
        let path = format!("/v1/agents/{SUPPORT_AGENT}/identities/{verb}/{identity}");
        assert_eq!(send(&server, "PATCH", &path, &[], None).await.status, 200);
        assert_eq!(ids(&get(&server, &format!("/v1/identities/{identity}/agents")).await.json()), expected, "{verb}");
    }
    let attach = format!("/v1/agents/{SUPPORT_AGENT}/identities/attach/{identity}");
    assert_eq!(send(&server, "PATCH", &attach, &[], None).await.status, 200);
    assert_eq!(send(&server, "DELETE", &format!("/v1/agents/{SUPPORT_AGENT}"), &[], None).await.status, 200);
    let state = get(&server, "/__admin/state?namespace=default").await.json();
    let stored =
        state["letta"]["identities"].as_array().unwrap().iter().find(|i| i["id"] == identity.as_str()).cloned();
    assert_eq!(stored.map(|i| i["agent_ids"].clone()), Some(json!([])));
}

#[tokio::test]
async fn agents_sort_by_the_time_column_named() {
    // The support agent was created first but updated last; only the sales agent has run.
    let server = support::start(empty()).await;
    let bundled = bundled_fixtures();
    let mut agents = bundled["letta"]["agents"].as_array().unwrap()[..2].to_vec();
    agents[0]["updated_at"] = json!("2026-03-01T09:00:00.000000Z");
    agents[1]["updated_at"] = json!("2026-02-01T09:00:00.000000Z");
    agents[1]["last_run_completion"] = json!("2026-02-02T09:00:00.000000Z");
    let loaded = send_json(&server, "POST", "/__admin/fixtures", &json!({"letta": {"agents": agents}})).await;
    assert_eq!(loaded.status, 200, "{}", loaded.text());
    let (support, sales) = (SUPPORT_AGENT.to_string(), SALES_AGENT.to_string());
    for (order_by, expected) in [
        ("created_at", [&support, &sales]),
        ("updated_at", [&sales, &support]),
        ("last_run_completion", [&sales, &support]),
    ] {
        let listed = get(&server, &format!("/v1/agents/?order=asc&order_by={order_by}")).await;
        assert_eq!(ids(&listed.json()), expected.map(String::as_str), "{order_by}: {}", listed.text());
    }
}

#[tokio::test]
async fn both_cursors_with_limit_zero_is_upstreams_type_error() {
    // Upstream's ORM doubles a `None` limit: a TypeError, the 500 (`--fix-upstream-bugs`: the window).
    let server = support::start(Config::default()).await;
    let reply = get(&server, &format!("/v1/identities/?after={ALICE}&before={BOB}&limit=0")).await;
    assert_eq!((reply.status.as_u16(), reply.text()), (500, r#"{"detail":"An unknown error occurred"}"#.into()));
}

#[tokio::test]
async fn identity_list_filters_all_apply() {
    let server = support::start(Config::default()).await;
    for (query, expected) in [
        ("name=Alice&identifier_key=user-alice&identity_type=user", vec![ALICE]),
        ("name=zzz&identifier_key=user-alice&identity_type=user", vec![]),
        ("name=Alice&identifier_key=nobody&identity_type=user", vec![]),
        ("name=Alice&identifier_key=user-alice&identity_type=org", vec![]),
        ("name=Alice&project_id=elsewhere", vec![]),
    ] {
        assert_eq!(ids(&get(&server, &format!("/v1/identities/?{query}")).await.json()), expected, "{query}");
    }
}

#[tokio::test]
async fn a_path_with_an_unknown_tail_is_not_found() {
    let server = support::start(Config::default()).await;
    for path in
        [format!("/v1/identities/{ALICE}/bogus"), format!("/v1/agents/{SUPPORT_AGENT}/identities/bogus/{ALICE}")]
    {
        let reply = get(&server, &path).await;
        assert_eq!((reply.status.as_u16(), reply.text()), (404, r#"{"detail":"Not Found"}"#.to_string()), "{path}");
    }
    // Path parameters are one non-empty segment each.
    for path in [
        format!("/v1/agents/{SUPPORT_AGENT}/identities/attach/{ALICE}/more"),
        format!("/v1/agents//identities/attach/{ALICE}"),
        format!("/v1/blocks/{ALICE_BLOCK}/identities/detach/a/b"),
    ] {
        let reply = send(&server, "PATCH", &path, &[], None).await;
        assert_eq!((reply.status.as_u16(), reply.text()), (404, r#"{"detail":"Not Found"}"#.to_string()), "{path}");
    }
}

#[tokio::test]
async fn query_errors_come_in_the_order_the_parameters_are_declared() {
    let server = support::start(empty()).await;
    // `limit` (an int that does not parse) is declared before `order` (not in its enum).
    let reply = get(&server, "/v1/identities/?order=up&limit=abc").await;
    let detail = reply.json()["detail"].as_str().unwrap_or_default().to_string();
    let (limit, order) = (detail.find("('query', 'limit')"), detail.find("('query', 'order')"));
    assert!(limit.is_some() && order.is_some() && limit < order, "{}", reply.text());
    // Body errors too, as pydantic validates the model's fields: identifier_key before identity_type.
    let body = br#"{"identity_type":"robot","identifier_key":5,"name":"n"}"#;
    let reply = send(&server, "POST", "/v1/identities/", &[("content-type", "application/json")], Some(body)).await;
    let detail = reply.json()["detail"].as_str().unwrap_or_default().to_string();
    let (key, kind) = (detail.find("('body', 'identifier_key')"), detail.find("('body', 'identity_type')"));
    assert!(key.is_some() && kind.is_some() && key < kind, "{}", reply.text());
    // Unknown keys come after the fields, in the order the body has them.
    let body = br#"{"identifier_key":"k","name":"n","identity_type":"user","properties":[{"key":"a","value":1,"type":"number","zz":1,"aa":2}]}"#;
    let reply = send(&server, "POST", "/v1/identities/", &[("content-type", "application/json")], Some(body)).await;
    let detail = reply.json()["detail"].as_str().unwrap_or_default().to_string();
    let (zz, aa) = (detail.find("0, 'zz')"), detail.find("0, 'aa')"));
    assert!(zz.is_some() && aa.is_some() && zz < aa, "{}", reply.text());
}

#[tokio::test]
async fn blocks_filter_page_update_and_delete_as_upstream() {
    let server = support::start(Config::default()).await;
    let (cats, email, persona) = (ALICE_BLOCK, BOB_BLOCKS[0], BOB_BLOCKS[1]);
    let labels = |reply: support::Reply| -> Vec<String> {
        reply.json().as_array().unwrap().iter().map(|b| b["label"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(labels(get(&server, "/v1/blocks/?label=persona").await), ["persona"]);
    // `after` starts past the cursor's row.
    let all = ids(&get(&server, "/v1/blocks/").await.json());
    assert_eq!(ids(&get(&server, &format!("/v1/blocks/?after={}", all[0])).await.json()), all[1..]);

    // Only the fields sent, and not null, change; a value loses its NUL characters.
    let patch = json!({"value": "likes\0 dogs", "label": null, "unknown": 1});
    let patched = send_json(&server, "PATCH", &format!("/v1/blocks/{cats}"), &patch).await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let block = get(&server, &format!("/v1/blocks/{cats}")).await.json();
    assert_eq!((&block["value"], &block["label"], block.get("unknown")), (&json!("likes dogs"), &json!("human"), None));
    // A NUL in any other text column fails in PostgreSQL, and nothing changes.
    let refused = send_json(&server, "PATCH", &format!("/v1/blocks/{email}"), &json!({"label": "a\0b"})).await;
    assert_eq!((refused.status.as_u16(), refused.text()), (500, r#"{"detail":"A database error occurred."}"#.into()));
    assert_eq!(get(&server, &format!("/v1/blocks/{email}")).await.json()["label"], "human");

    // Deleting a block answers null and unlinks it from every identity.
    let deleted = send(&server, "DELETE", &format!("/v1/blocks/{persona}"), &[], None).await;
    assert_eq!((deleted.status.as_u16(), deleted.text()), (200, "null".into()));
    assert_eq!(ids(&get(&server, &format!("/v1/identities/{BOB}/blocks")).await.json()), [email]);
    // The stored link is gone too: the state dump (which a server can start from) names no block
    // that does not exist.
    let state = get(&server, "/__admin/state?namespace=default").await.json();
    let identities = state["letta"]["identities"].as_array().unwrap();
    let bob = identities.iter().find(|identity| identity["id"] == BOB).unwrap();
    assert_eq!(bob["block_ids"], json!([email]), "{bob}");
}

#[tokio::test]
async fn agent_and_block_lists_filter_by_every_query_field() {
    // A seed whose block ids do not sort in the order the blocks are created.
    let server = support::start(Config { seed: Some(3), ..empty() }).await;
    let mut blocks = Vec::new();
    for (label, project, tags, hidden) in
        [("l1", "p1", json!(["a", "b"]), false), ("l2", "p2", json!(["a"]), false), ("l3", "p1", json!(["b"]), true)]
    {
        let body = json!({"label": label, "value": "v", "project_id": project, "tags": tags, "hidden": hidden});
        let created = send_json(&server, "POST", "/v1/blocks/", &body).await;
        assert_eq!(created.status, 200, "{}", created.text());
        blocks.push(created.json()["id"].as_str().unwrap().to_string());
    }
    let linked = json!({"identifier_key": "k", "name": "K", "identity_type": "user", "block_ids": &blocks});
    let identity =
        send_json(&server, "POST", "/v1/identities/", &linked).await.json()["id"].as_str().unwrap().to_string();
    let labels = |query: String| {
        let server = &server;
        async move {
            let reply = get(server, &format!("/v1/blocks/?{query}")).await;
            let list = reply.json();
            let labels = list.as_array().unwrap_or_else(|| panic!("{query}: {list}")).iter();
            labels.map(|b| b["label"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    for (query, expected) in [
        ("", vec!["l1", "l2"]),
        ("order=desc", vec!["l2", "l1"]),
        ("project_id=p1", vec!["l1"]),
        ("tags=a&tags=b", vec!["l1", "l2"]),
        ("tags=a&tags=b&match_all_tags=true", vec!["l1"]),
        ("show_hidden_blocks=true", vec!["l1", "l2", "l3"]),
        ("show_hidden_blocks=true&project_id=p1&tags=b", vec!["l1", "l3"]),
        ("templates_only=true", vec![]),
        ("name=l1", vec![]),
        ("identifier_keys=other", vec![]),
    ] {
        assert_eq!(labels(query.to_string()).await, expected, "{query}");
    }
    // An identity's blocks come by id first (upstream's DISTINCT ON (id)).
    let mut by_id = [(&blocks[0], "l1"), (&blocks[1], "l2"), (&blocks[2], "l3")];
    by_id.sort();
    let by_id = by_id.map(|(_, label)| label);
    assert_ne!(by_id, ["l1", "l2", "l3"], "the seed must give ids out of creation order");
    assert_eq!(labels("identifier_keys=k&show_hidden_blocks=true".into()).await, by_id);
    assert_eq!(labels(format!("identity_id={identity}&project_id=p2")).await, ["l2"]);

    for (name, project, template, base) in [("a1", "p1", "t1", "b1"), ("a2", "p1", "t2", "b2")] {
        let body = json!({"name": name, "project_id": project, "template_id": template, "base_template_id": base,
                          "model": "openai/gpt-4o-mini", "embedding": "openai/text-embedding-3-small"});
        let created = send_json(&server, "POST", "/v1/agents/", &body).await;
        assert_eq!(created.status, 200, "{}", created.text());
    }
    for (query, expected) in [
        ("", vec!["a2", "a1"]),
        ("order=asc", vec!["a1", "a2"]),
        ("template_id=t1", vec!["a1"]),
        ("base_template_id=b2", vec!["a2"]),
        ("project_id=p1&base_template_id=b1", vec!["a1"]),
        ("query_text=A2", vec!["a2"]),
    ] {
        let list = get(&server, &format!("/v1/agents/?{query}")).await.json();
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        assert_eq!(names, expected, "{query}");
    }
}

/// The two writes where upstream's behaviour and its documented intent part ways.
async fn upsert_new_key(server: &identity_mock::MockServer) -> support::Reply {
    let body = json!({"identifier_key": "new", "name": "N", "identity_type": "user"});
    send_json(server, "PUT", "/v1/identities/", &body).await
}

async fn create_with_missing_block(server: &identity_mock::MockServer) -> support::Reply {
    let body = json!({"identifier_key": "b", "name": "B", "identity_type": "user", "block_ids": [MISSING_BLOCK]});
    send_json(server, "POST", "/v1/identities/", &body).await
}

#[tokio::test]
async fn upstream_bugs_by_default() {
    let server = support::start(empty()).await;
    let upsert = upsert_new_key(&server).await;
    assert_eq!(upsert.status, 404);
    assert!(upsert.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("Identity not found with identifier_key='new', project_id='None'"));
    let unknown_block = create_with_missing_block(&server).await;
    assert_eq!(
        (unknown_block.status.as_u16(), unknown_block.text().as_str()),
        (500, r#"{"detail":"An unknown error occurred"}"#)
    );
    assert_eq!(get(&server, "/v1/identities/?limit=-2").await.text(), r#"{"detail":"A database error occurred."}"#);
    // A LIMIT past a bigint is refused by PostgreSQL; the largest one is not, on the routes that
    // pass `limit` straight through.
    for (limit, status) in [("9223372036854775808", 500), ("9223372036854775807", 200)] {
        assert_eq!(get(&server, &format!("/v1/blocks/?limit={limit}")).await.status.as_u16(), status, "{limit}");
    }
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "0", "failed writes store nothing");
}

#[tokio::test]
async fn fix_upstream_bugs_gives_the_documented_intent() {
    let server = support::start(Config { fix_upstream_bugs: true, ..empty() }).await;
    let upsert = upsert_new_key(&server).await;
    assert_eq!(upsert.status, 200);
    assert_eq!(upsert.json()["identifier_key"], "new");
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "1");
    let unknown_block = create_with_missing_block(&server).await;
    assert_eq!(unknown_block.status, 404);
    assert_eq!(unknown_block.text(), format!(r#"{{"detail":"No Block found with id {MISSING_BLOCK}"}}"#));
    let negative = get(&server, "/v1/identities/?limit=-1").await;
    assert_eq!(negative.status, 422);
    assert_eq!(
        negative.text(),
        r#"{"trace_id":"","detail":"[{'type': 'greater_than_equal', 'loc': ('query', 'limit'), 'msg': 'Input should be greater than or equal to 0', 'input': '-1', 'ctx': {'ge': 0}}]"}"#
    );
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "1");
}

#[tokio::test]
async fn fix_upstream_bugs_refuses_what_upstream_cannot_store_or_answer_before_writing() {
    let server = support::start(Config { fix_upstream_bugs: true, ..empty() }).await;
    let json_ct = [("content-type", "application/json")];
    let id = create(&server, "kept").await;
    let value_error = |loc: &str, why: &str, input: &str| {
        format!(
            r#"{{"trace_id":"","detail":"[{{'type': 'value_error', 'loc': ({loc}), 'msg': 'Value error, {why}', 'input': {input}}}]"}}"#
        )
    };
    let nan_list = r#"[{'key': 'a', 'value': nan, 'type': 'number'}]"#;
    let cases: Vec<(&str, String, &[u8], String)> = vec![
        (
            "POST",
            "/v1/identities/".into(),
            br#"{"identifier_key":"a\u0000b","name":"n","identity_type":"user"}"#,
            value_error(
                "'body', 'identifier_key'",
                "PostgreSQL cannot store a NUL character or a lone surrogate",
                r"'a\\x00b'",
            ),
        ),
        (
            "PATCH",
            format!("/v1/identities/{id}"),
            br#"{"name":"\ud800"}"#,
            value_error("'body', 'name'", "PostgreSQL cannot store a NUL character or a lone surrogate", r"'\\ud800'"),
        ),
        (
            "PUT",
            format!("/v1/identities/{id}/properties"),
            br#"[{"key":"a","value":NaN,"type":"number"}]"#,
            value_error("'body',", "PostgreSQL cannot store NaN or Infinity", nan_list),
        ),
        (
            "PATCH",
            format!("/v1/identities/{id}"),
            br#"{"properties":[{"key":"a","value":NaN,"type":"number"}]}"#,
            value_error("'body', 'properties'", "PostgreSQL cannot store NaN or Infinity", nan_list),
        ),
        (
            "PUT",
            format!("/v1/identities/{id}/properties"),
            br#"[{"key":"a","value":18446744073709551616,"type":"number"}]"#,
            value_error(
                "'body',",
                "an integer does not fit in 64 bits, which answers cannot hold",
                r#"[{'key': 'a', 'value': 18446744073709551616, 'type': 'number'}]"#,
            ),
        ),
    ];
    for (method, path, body, expected) in cases {
        let reply = send(&server, method, &path, &json_ct, Some(body)).await;
        assert_eq!((reply.status.as_u16(), reply.text()), (422, expected), "{method} {path}");
    }
    // A NaN replaced by a later update of the same key is never stored: upstream merges first.
    let merged = send(
        &server,
        "PATCH",
        &format!("/v1/identities/{id}"),
        &json_ct,
        Some(br#"{"properties":[{"key":"a","value":NaN,"type":"number"},{"key":"a","value":2,"type":"number"}]}"#),
    )
    .await;
    assert_eq!(merged.json()["properties"], json!([{"key": "a", "value": 2, "type": "number"}]));
    // Upstream's two TypeErrors: `limit=0` with both cursors, and a PATCH merge into a stored null.
    let (first, last) = (create(&server, "first").await, create(&server, "last").await);
    let window = get(&server, &format!("/v1/identities/?after={id}&before={last}&limit=0&order=asc")).await;
    assert_eq!(ids(&window.json()), vec![first.clone()], "{}", window.text());
    let null_props = send(
        &server,
        "POST",
        "/v1/identities/",
        &json_ct,
        Some(br#"{"identifier_key":"null-props","name":"n","identity_type":"user","properties":null}"#),
    )
    .await
    .json();
    let merged_into_null = send(
        &server,
        "PATCH",
        &format!("/v1/identities/{}", null_props["id"].as_str().unwrap()),
        &json_ct,
        Some(br#"{"properties":[{"key":"k","value":1,"type":"number"}]}"#),
    )
    .await;
    assert_eq!(merged_into_null.json()["properties"], json!([{"key": "k", "value": 1, "type": "number"}]));
    for extra in [&first, &last, null_props["id"].as_str().unwrap()] {
        assert_eq!(send(&server, "DELETE", &format!("/v1/identities/{extra}"), &[], None).await.status, 200);
    }
    let past_bigint = get(&server, "/v1/identities/?limit=9223372036854775808").await;
    assert_eq!(past_bigint.status, 422, "{}", past_bigint.text());
    assert!(past_bigint.text().contains("'ctx': {'le': 9223372036854775807}"), "{}", past_bigint.text());
    let largest_bigint = get(&server, "/v1/identities/?limit=9223372036854775807").await;
    assert_eq!((largest_bigint.status.as_u16(), largest_bigint.json().as_array().map(Vec::len)), (200, Some(1)));
    let both_cursors = get(&server, &format!("/v1/identities/?limit=9223372036854775807&before={id}&after={id}")).await;
    assert_eq!((both_cursors.status.as_u16(), both_cursors.text()), (200, "[]".into()));
    let stored = get(&server, &format!("/v1/identities/{id}")).await.json();
    assert_eq!(
        (stored["name"].as_str(), get(&server, "/v1/identities/count").await.text()),
        (Some("kept"), "1".into())
    );
}

#[tokio::test]
async fn hostile_bodies_get_the_real_errors_and_change_nothing() {
    let server = support::start(empty()).await;
    let json_ct = [("content-type", "application/json")];
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"\xff\xfe\xfa".to_vec(), 400, r#"{"detail":"There was an error parsing the body"}"#),
        ("[".repeat(100_000).into_bytes(), 400, r#"{"detail":"There was an error parsing the body"}"#),
        // Python's json reads NaN and numbers past f64 (as inf); validation shows them.
        (
            br#"{"identifier_key": NaN}"#.to_vec(),
            422,
            r#"{"trace_id":"","detail":"[{'type': 'string_type', 'loc': ('body', 'identifier_key'), 'msg': 'Input should be a valid string', 'input': nan}, {'type': 'missing', 'loc': ('body', 'name'), 'msg': 'Field required', 'input': {'identifier_key': nan}}, {'type': 'missing', 'loc': ('body', 'identity_type'), 'msg': 'Field required', 'input': {'identifier_key': nan}}]"}"#,
        ),
        (
            br#"{"identifier_key":"a","name":"n","identity_type":"user","foo":1e999999}"#.to_vec(),
            422,
            r#"{"trace_id":"","detail":"[{'type': 'extra_forbidden', 'loc': ('body', 'foo'), 'msg': 'Extra inputs are not permitted', 'input': inf}]"}"#,
        ),
        // PostgreSQL cannot store a NUL in a text column.
        (
            br#"{"identifier_key":"a\u0000b","name":"n","identity_type":"user"}"#.to_vec(),
            500,
            r#"{"detail":"A database error occurred."}"#,
        ),
        (
            b"{\"a\":\"\x01\"}".to_vec(),
            422,
            r#"{"trace_id":"","detail":"[{'type': 'json_invalid', 'loc': ('body', 6), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': 'Invalid control character at'}}]"}"#,
        ),
        (
            br#"[1, 2]"#.to_vec(),
            422,
            r#"{"trace_id":"","detail":"[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid dictionary or object to extract fields from', 'input': [1, 2]}]"}"#,
        ),
    ];
    for (body, status, expected) in cases {
        let reply = send(&server, "POST", "/v1/identities/", &json_ct, Some(&body)).await;
        assert_eq!(
            (reply.status.as_u16(), reply.text().as_str()),
            (status, expected),
            "body {:?}",
            String::from_utf8_lossy(&body[..body.len().min(40)])
        );
    }
    // Duplicate keys: the last one wins, as in Python.
    let duplicate = send(
        &server,
        "POST",
        "/v1/identities/",
        &json_ct,
        Some(br#"{"identifier_key":"a","identifier_key":"dup","name":"n","identity_type":"user"}"#),
    )
    .await;
    assert_eq!(duplicate.json()["identifier_key"], "dup");
    let too_big = send(&server, "POST", "/v1/identities/", &json_ct, Some(&vec![b' '; 2 * 1024 * 1024])).await;
    assert_eq!(too_big.status, 413);
    assert_eq!(get(&server, "/v1/identities/count").await.text(), "1");
}

#[tokio::test]
async fn property_values_keep_their_json_types_through_a_round_trip() {
    let server = support::start(empty()).await;
    let id = create(&server, "typed").await;
    let properties = json!([
        {"key": "i", "value": 1, "type": "number"},
        {"key": "f", "value": 1.0, "type": "number"},
        {"key": "big", "value": 12345678901234567u64, "type": "number"},
        {"key": "tiny", "value": 1.5e-7, "type": "number"},
        {"key": "nested", "value": {"z": 1, "a": [true, null, "x"]}, "type": "json"}
    ]);
    let body = serde_json::to_vec(&properties).unwrap();
    let reply = send(
        &server,
        "PUT",
        &format!("/v1/identities/{id}/properties"),
        &[("content-type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 200);
    let text = get(&server, &format!("/v1/identities/{id}")).await.text();
    assert!(
        text.ends_with(r#""properties":[{"key":"i","value":1,"type":"number"},{"key":"f","value":1.0,"type":"number"},{"key":"big","value":12345678901234567,"type":"number"},{"key":"tiny","value":1.5e-7,"type":"number"},{"key":"nested","value":{"z":1,"a":[true,null,"x"]},"type":"json"}]}"#),
        "{text}"
    );
}

#[tokio::test]
async fn cors_headers_on_simple_requests_and_health() {
    let server = support::start(Config::default()).await;
    let reply = send(&server, "GET", "/v1/identities/count", &[("origin", "http://localhost:5173")], None).await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("http://localhost:5173"));
    assert_eq!(reply.header("access-control-allow-credentials"), Some("true"));
    let health = get(&server, "/__admin/health").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["letta"]["identities"], 5);
    assert_eq!(get(&server, "/nowhere").await.status, 404);
}

#[tokio::test]
async fn agents_and_blocks_share_one_relation_with_identities_per_namespace() {
    let server = support::start(empty()).await;
    let json_ct = [("content-type", "application/json")];
    let identity = create(&server, "owner").await;
    let agent = send_json(
        &server,
        "POST",
        "/v1/agents/",
        &json!({"name": "helper", "model": "openai/gpt-4o-mini", "embedding": "openai/text-embedding-3-small", "identity_ids": [identity]}),
    )
    .await;
    assert_eq!(agent.status, 200, "{}", agent.text());
    let agent = agent.json();
    let agent_id = agent["id"].as_str().unwrap().to_string();
    assert_eq!(agent["identity_ids"], json!([identity]));
    assert_eq!(agent["llm_config"]["handle"], "openai/gpt-4o-mini");
    assert_eq!(agent["llm_config"]["context_window"], 128_000);
    assert_eq!(agent["max_files_open"], 10, "from the 128k context window");
    assert_eq!(agent["compaction_settings"]["model"], "openai/gpt-5-mini");
    assert_eq!(agent["llm_config"]["max_tokens"], 16_384);
    let claude =
        json!({"name": "claude", "model": "anthropic/claude-sonnet-4-5", "embedding": "openai/text-embedding-3-small"});
    let claude = send_json(&server, "POST", "/v1/agents/", &claude).await.json();
    assert_eq!(
        (
            &claude["llm_config"]["max_tokens"],
            &claude["llm_config"]["context_window"],
            &claude["compaction_settings"]["model"]
        ),
        (&json!(8_192), &json!(128_000), &json!("anthropic/claude-haiku-4-5")),
        "{claude}"
    );
    delete_agent(&server, &claude).await;
    // Without a name, upstream draws one: an adjective and a noun, each capitalized.
    let unnamed = send_json(&server, "POST", "/v1/agents/", &json!({"model": "openai/gpt-4o-mini"})).await.json();
    let name = unnamed["name"].as_str().unwrap_or_default();
    let capitals: Vec<usize> = name.char_indices().filter(|(_, c)| c.is_ascii_uppercase()).map(|(i, _)| i).collect();
    assert!(capitals.len() == 2 && capitals[0] == 0 && name.chars().all(|c| c.is_ascii_alphabetic()), "{unnamed}");
    delete_agent(&server, &unnamed).await;
    // A handle names a provider and a model, both non-empty.
    for handle in ["openai/", "/gpt-4o-mini", "openai"] {
        let refused = send_json(&server, "POST", "/v1/agents/", &json!({"name": "none", "model": handle})).await;
        let why = "INVALID_ARGUMENT: The model handle should be in the format provider/model-name";
        assert_eq!((refused.status.as_u16(), refused.text()), (400, format!(r#"{{"detail":"{why}"}}"#)), "{handle}");
    }
    // Letta's own models have a 30,000-token window and their own summarizer; names may hold
    // letters of any language, digits, spaces, hyphens, underscores and apostrophes.
    let letta_model =
        json!({"name": "Zoë O'Brien_2 x-y", "model": "letta/letta-free", "embedding": "openai/text-embedding-3-small"});
    let created = send_json(&server, "POST", "/v1/agents/", &letta_model).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let created = created.json();
    assert_eq!(created["llm_config"]["context_window"], 30_000, "{}", created["llm_config"]);
    assert_eq!(created["compaction_settings"]["model"], "letta/auto");
    delete_agent(&server, &created).await;
    let block =
        send_json(&server, "POST", "/v1/blocks/", &json!({"label": "human", "value": "likes tea"})).await.json();
    let block_id = block["id"].as_str().unwrap().to_string();
    assert!(block["description"].as_str().unwrap().starts_with("The human block"), "the create answer describes it");
    assert_eq!(get(&server, &format!("/v1/blocks/{block_id}")).await.json()["description"], Value::Null, "not stored");
    let attach = format!("/v1/blocks/{block_id}/identities/attach/{identity}");
    assert_eq!(send(&server, "PATCH", &attach, &[], None).await.json()["id"], block_id.as_str());

    // Seen from both sides, and from the lists filtered by identity.
    for (path, expected) in [
        (format!("/v1/identities/{identity}/agents"), &agent_id),
        (format!("/v1/identities/{identity}/blocks"), &block_id),
        (format!("/v1/agents/?identity_id={identity}"), &agent_id),
        (format!("/v1/blocks/?identity_id={identity}"), &block_id),
    ] {
        assert_eq!(ids(&get(&server, &path).await.json()), vec![expected.clone()], "{path}");
    }
    // A 1.x SDK client gets no relationships unless it names them.
    let sdk = [("x-stainless-package-version", "1.12.1")];
    let bare = send(&server, "GET", &format!("/v1/agents/{agent_id}"), &sdk, None).await.json();
    assert_eq!(bare["identity_ids"], json!([]));
    let included = send(&server, "GET", &format!("/v1/agents/{agent_id}?include=agent.identities"), &sdk, None).await;
    assert_eq!(included.json()["identity_ids"], json!([identity]));
    // Upstream also knows a 1.x SDK by its user agent; an older client (or another) gets everything.
    for (user_agent, ids) in [
        ("letta-client/1.7.0", json!([])),
        ("@letta-ai/letta-client/1.6.4", json!([])),
        ("letta-client/0.1.330", json!([identity])),
        ("curl/8.0", json!([identity])),
    ] {
        let agent = send(&server, "GET", &format!("/v1/agents/{agent_id}"), &[("user-agent", user_agent)], None).await;
        assert_eq!(agent.json()["identity_ids"], ids, "{user_agent}");
    }

    // Other namespaces see none of it; the state dump holds it; a reset forgets it.
    let other = send(&server, "GET", "/v1/agents/count", &[("x-mock-namespace", "other")], None).await;
    assert_eq!(other.text(), "0");
    let state = get(&server, "/__admin/state").await.json();
    assert_eq!(state["namespaces"]["default"]["letta"]["agents"][0]["id"], agent_id.as_str());

    // Deleting the identity removes the links (the link tables cascade); agent and block stay.
    assert_eq!(send(&server, "DELETE", &format!("/v1/identities/{identity}"), &json_ct, None).await.status, 200);
    let after = get(&server, &format!("/v1/agents/{agent_id}")).await.json();
    assert_eq!((after["identity_ids"].clone(), after["name"].clone()), (json!([]), json!("helper")));
    let deleted = send(&server, "DELETE", &format!("/v1/agents/{agent_id}"), &[], None).await;
    assert_eq!(deleted.text(), format!(r#"{{"message":"Agent id={agent_id} successfully deleted"}}"#));
    assert_eq!(get(&server, &format!("/v1/agents/{agent_id}")).await.status, 404);
    assert_eq!(send(&server, "POST", "/__admin/reset", &[], None).await.status, 200);
    assert_eq!(get(&server, "/v1/blocks/count").await.text(), "0");
}

#[tokio::test]
async fn relations_no_route_creates_come_from_fixtures_and_show_only_when_loaded() {
    // No route makes an approval request, a source or a tool; a fixture agent can hold them, and a
    // 1.x SDK sees each only when `include` names it.
    let server = support::start(empty()).await;
    let bundled = bundled_fixtures();
    let mut agent = bundled["letta"]["agents"][0].clone();
    let relations = [
        (
            "pending_approval",
            "pending_approval",
            json!({"id": "message-1", "message_type": "approval_request_message"}),
        ),
        ("sources", "sources", json!([{"id": "source-1", "name": "handbook"}])),
        ("tools", "tools", json!([{"id": "tool-1", "name": "send_message"}])),
        ("tags", "tags", json!(["vip"])),
        ("secrets", "secrets", json!([{"key": "TOKEN", "value": "t"}])),
        ("tool_exec_environment_variables", "secrets", json!([{"key": "TOKEN", "value": "t"}])),
    ];
    for (field, _, value) in &relations {
        agent[*field] = value.clone();
    }
    // The stored agent names its block; it is shown as the block is now.
    agent["blocks"] = json!([{"id": ALICE_BLOCK}]);
    let blocks = json!([bundled["letta"]["blocks"][0]]);
    let loaded =
        send_json(&server, "POST", "/__admin/fixtures", &json!({"letta": {"agents": [agent], "blocks": blocks}})).await;
    assert_eq!(loaded.status, 200, "{}", loaded.text());
    let sdk = [("x-stainless-package-version", "1.12.1")];
    let path = format!("/v1/agents/{SUPPORT_AGENT}");
    let bare = send(&server, "GET", &path, &sdk, None).await.json();
    for (field, include, value) in relations {
        assert_eq!(bare[field], if value.is_array() { json!([]) } else { Value::Null }, "{field} not loaded");
        let included = send(&server, "GET", &format!("{path}?include=agent.{include}"), &sdk, None).await.json();
        assert_eq!(included[field], value, "{field} loaded");
    }
    let block = get(&server, &format!("/v1/blocks/{ALICE_BLOCK}")).await.json();
    assert_eq!((&bare["blocks"], &bare["memory"]["blocks"]), (&json!([]), &json!([])));
    for include in ["include=agent.blocks", "include_relationships=memory"] {
        let shown = send(&server, "GET", &format!("{path}?{include}"), &sdk, None).await.json();
        assert_eq!((&shown["blocks"], &shown["memory"]["blocks"]), (&json!([block]), &json!([block])), "{include}");
    }
}

/// A fixtures document with `count` identities, agents and blocks, every agent and block linked to
/// the first identity: more rows than any Letta list shows by default.
fn many_rows(count: usize) -> String {
    let bundled = bundled_fixtures();
    let agent = &bundled["letta"]["agents"][0];
    let block = &bundled["letta"]["blocks"][0];
    let agent_id = |i: usize| format!("agent-00000000-0000-4000-8000-{i:012}");
    let block_id = |i: usize| format!("block-00000000-0000-4000-8000-{i:012}");
    let identities: Vec<Value> = (0..count)
        .map(|i| {
            let (agents, blocks): (Vec<String>, Vec<String>) = if i == 0 {
                ((0..count).map(agent_id).collect(), (0..count).map(block_id).collect())
            } else {
                (vec![], vec![])
            };
            json!({"id": format!("identity-00000000-0000-4000-8000-{i:012}"), "identifier_key": format!("key-{i}"),
                   "name": format!("n{i}"), "identity_type": "user", "agent_ids": agents, "block_ids": blocks})
        })
        .collect();
    let agents: Vec<Value> = (0..count)
        .map(|i| {
            let mut agent = agent.clone();
            agent["id"] = json!(agent_id(i));
            agent["name"] = json!(format!("agent {i}"));
            agent["created_at"] = json!(format!("2026-01-05T09:{:02}:{:02}.000000Z", i / 60, i % 60));
            agent
        })
        .collect();
    let blocks: Vec<Value> = (0..count)
        .map(|i| {
            let mut block = block.clone();
            block["id"] = json!(block_id(i));
            block
        })
        .collect();
    json!({"letta": {"identities": identities, "agents": agents, "blocks": blocks}}).to_string()
}

#[tokio::test]
async fn every_letta_list_shows_50_rows_by_default_and_more_on_request() {
    const ROWS: usize = 57;
    let server =
        support::start(Config { fixtures: FixtureSource::Document(many_rows(ROWS)), ..Config::default() }).await;
    let linked = "identity-00000000-0000-4000-8000-000000000000";
    for list in [
        "/v1/identities/".to_string(),
        "/v1/agents/".to_string(),
        "/v1/blocks/".to_string(),
        format!("/v1/identities/{linked}/agents"),
        format!("/v1/identities/{linked}/blocks"),
    ] {
        let default = get(&server, &list).await;
        assert_eq!(default.status, 200, "{list}: {}", default.text());
        assert_eq!(ids(&default.json()).len(), 50, "{list} without a limit: the documented default of 50");
        let all = ids(&get(&server, &format!("{list}?limit=1000")).await.json());
        assert_eq!(all.len(), ROWS, "{list}?limit=1000 shows every row");
        // The default page is the first 50 rows of the whole list, in its order.
        assert_eq!(ids(&default.json()), all[..50], "{list}");
        let count = list.strip_suffix('/').map(|collection| format!("{collection}/count"));
        if let Some(count) = count.filter(|_| !list.contains(linked)) {
            assert_eq!(get(&server, &count).await.text(), ROWS.to_string(), "{count}");
        }
    }
}

/// A namespace that has only been read shares the fixtures; the first write of any kind, agent
/// and block writes included, gives it data of its own, so that no other namespace sees it.
#[tokio::test]
async fn a_first_write_to_an_agent_or_block_stays_in_its_namespace() {
    let server = support::start(Config::default()).await;
    let in_ns = |ns: &'static str| [("x-mock-namespace", ns), ("content-type", "application/json")];
    let blocks_before = send(&server, "GET", "/v1/blocks/count", &in_ns("before"), None).await.text();
    let block = br#"{"label": "human", "value": "written first"}"#;
    let created = send(&server, "POST", "/v1/blocks/", &in_ns("makes-a-block"), Some(block)).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let rename = format!("/v1/agents/{SALES_AGENT}");
    let renamed = send(&server, "PATCH", &rename, &in_ns("renames-an-agent"), Some(br#"{"name": "Renamed"}"#)).await;
    assert_eq!(renamed.json()["name"], "Renamed", "{}", renamed.text());

    let count = |n: usize| (n + blocks_before.parse::<usize>().unwrap()).to_string();
    for (ns, blocks, agent_name) in [
        ("makes-a-block", count(1), "sales-agent"),
        ("renames-an-agent", count(0), "Renamed"),
        ("reader", count(0), "sales-agent"),
    ] {
        assert_eq!(send(&server, "GET", "/v1/blocks/count", &in_ns(ns), None).await.text(), blocks, "{ns}");
        let agent = send(&server, "GET", &rename, &in_ns(ns), None).await.json();
        assert_eq!(agent["name"], agent_name, "{ns}");
    }
}
