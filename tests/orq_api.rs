//! The orq Identities API in both revisions: a scripted run of every operation and error case per
//! revision (an insta snapshot of the whole exchange), targeted checks of list semantics,
//! workspaces and auth, and every response checked against its revision's response schema.

mod support;

use identity_mock::internals::{SchemaId, Schemas};
use identity_mock::Clock;
use identity_mock::{Config, FixtureSource, MockServer as Server};
use identity_mock::{Revision, TagMatch};
use serde_json::{json, Value};
use support::{send, Reply};

const KEY: &str = "Bearer test-key";

#[derive(Clone, Copy)]
enum Op {
    List,
    Create,
    Retrieve,
    Update,
    Delete,
    Contact,
}

/// Fails the test when a response does not match the response schema of its revision and
/// operation, so drift between the server and the schemas shows at once.
fn assert_matches_schema(revision: Revision, op: Op, reply: &Reply) {
    let schemas = Schemas::bundled().unwrap();
    let status = reply.status.as_u16();
    if revision == Revision::V1 && status == 204 {
        assert!(reply.body.is_empty(), "v1 delete has no body");
        assert!(reply.header("content-type").is_none());
        return;
    }
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let schema = match (revision, op, status) {
        (Revision::Current, _, 400..) => SchemaId::OrqErrorResponse,
        (Revision::V1, _, 400..) => SchemaId::OrqV1ErrorResponse,
        (Revision::Current, Op::List, _) => SchemaId::OrqListIdentitiesResponse,
        (Revision::Current, Op::Create, _) => SchemaId::OrqCreateIdentityResponse,
        (Revision::Current, Op::Retrieve, _) => SchemaId::OrqRetrieveIdentityResponse,
        (Revision::Current, Op::Update, _) => SchemaId::OrqUpdateIdentityResponse,
        (Revision::Current, Op::Delete, _) => SchemaId::OrqDeleteIdentityResponse,
        (Revision::V1, Op::List, _) => SchemaId::OrqV1ListIdentitiesResponse,
        (Revision::V1, _, _) => SchemaId::OrqV1Identity,
        (Revision::Current, Op::Contact, _) => panic!("no contacts route in the current revision"),
    };
    let body = reply.json();
    let errors: Vec<String> = schemas
        .get(schema)
        .validator
        .iter_errors(&body)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect();
    assert!(errors.is_empty(), "response does not match {schema:?}: {errors:?}\n{body}");
}

fn config(revision: Revision) -> Config {
    Config {
        orq_revision: revision,
        seed: Some(11),
        // 2026-06-01T00:00:00Z, one millisecond per write.
        clock: Clock::stepping(1_780_272_000_000_000, 1_000),
        ..Config::default()
    }
}

async fn call(server: &Server, revision: Revision, op: Op, method: &str, path: &str, body: Option<Value>) -> Reply {
    let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
    let reply =
        send(server, method, path, &[("authorization", KEY), ("content-type", "application/json")], bytes.as_deref())
            .await;
    assert_matches_schema(revision, op, &reply);
    reply
}

/// One step of a scripted run: a label, the call, and how the snapshot shows it.
async fn transcript(revision: Revision) -> String {
    let server = support::start(config(revision)).await;
    let mut out = String::new();
    let mut log = |label: &str, reply: &Reply| {
        let body =
            if reply.body.is_empty() { String::new() } else { serde_json::to_string_pretty(&reply.json()).unwrap() };
        let location = reply.header("location").map(|l| format!("location: {l}\n")).unwrap_or_default();
        out.push_str(&format!("### {label}\n{}\n{location}{body}\n\n", reply.status));
    };
    let create = json!({"external_id": "cust_1", "display_name": "Ada", "email": "ada@example.com", "avatar_url": "https://x.test/a.png", "tags": ["t1", "enterprise"], "metadata": {"plan": "pro", "n": 1}});
    let created = call(&server, revision, Op::Create, "POST", "/v2/identities", Some(create.clone())).await;
    log("create", &created);
    let id = match revision {
        Revision::Current => created.json()["identity"]["_id"].as_str().unwrap().to_string(),
        Revision::V1 => created.json()["_id"].as_str().unwrap().to_string(),
    };
    log(
        "create duplicate external_id",
        &call(&server, revision, Op::Create, "POST", "/v2/identities", Some(create)).await,
    );
    log(
        "create without external_id",
        &call(&server, revision, Op::Create, "POST", "/v2/identities", Some(json!({"display_name": "x"}))).await,
    );
    log(
        "create with wrong types",
        &call(
            &server,
            revision,
            Op::Create,
            "POST",
            "/v2/identities",
            Some(json!({"external_id": 7, "tags": "a", "metadata": []})),
        )
        .await,
    );
    let bad_json = send(&server, "POST", "/v2/identities", &[("authorization", KEY)], Some(b"{bad")).await;
    assert_matches_schema(revision, Op::Create, &bad_json);
    log("create with invalid JSON", &bad_json);
    log(
        "retrieve by _id with metrics",
        &call(&server, revision, Op::Retrieve, "GET", &format!("/v2/identities/{id}?include_metrics=true"), None).await,
    );
    log("retrieve by external_id", &call(&server, revision, Op::Retrieve, "GET", "/v2/identities/cust_1", None).await);
    log(
        "retrieve fixture with budget",
        &call(
            &server,
            revision,
            Op::Retrieve,
            "GET",
            "/v2/identities/customer_12345?include_metrics=true&include_budget=true",
            None,
        )
        .await,
    );
    log("update", &call(&server, revision, Op::Update, "PATCH", "/v2/identities/cust_1", Some(json!({"display_name": "Ada L.", "email": "", "tags": [], "metadata": {"plan": "team"}, "external_id": "ignored"}))).await);
    log(
        "update missing",
        &call(&server, revision, Op::Update, "PATCH", "/v2/identities/nobody", Some(json!({"display_name": "x"})))
            .await,
    );
    // The list cases, in order: a label and a query string each.
    for (label, query) in [
        ("list search + tag + metrics", "limit=10&search=ADA&filter_by.tags=enterprise&include_metrics=true"),
        ("list first page of 2", "limit=2"),
        ("list after the fixture Grace", "limit=2&starting_after=01JJ1HE2R5K8Q3V6X9Z0B4C7D1"),
        ("list before the fixture Alan", "limit=1&ending_before=01JJ1HF7T2M4N6P8R0S2V4W6Y8"),
        ("list with limit 0", "limit=0"),
        ("list with a one-letter search", "search=a"),
        ("list with an unknown cursor", "starting_after=01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
    ] {
        log(label, &call(&server, revision, Op::List, "GET", &format!("/v2/identities?{query}"), None).await);
    }
    log("delete", &call(&server, revision, Op::Delete, "DELETE", "/v2/identities/cust_1", None).await);
    log("retrieve after delete", &call(&server, revision, Op::Retrieve, "GET", "/v2/identities/cust_1", None).await);
    log("delete again", &call(&server, revision, Op::Delete, "DELETE", "/v2/identities/cust_1", None).await);
    let anonymous = send(&server, "GET", "/v2/identities", &[], None).await;
    assert_matches_schema(revision, Op::List, &anonymous);
    log("list without an API key", &anonymous);
    let wrong_method = send(&server, "PUT", "/v2/identities", &[("authorization", KEY)], None).await;
    assert_matches_schema(revision, Op::List, &wrong_method);
    assert!(wrong_method.header("allow").is_some());
    log("PUT on the collection", &wrong_method);
    if revision == Revision::V1 {
        for (label, body) in [
            ("contacts upsert creates", json!({"external_id": "c1", "display_name": "C"})),
            ("contacts upsert updates", json!({"external_id": "c1", "email": "c@example.com"})),
        ] {
            log(label, &call(&server, revision, Op::Contact, "POST", "/v2/contacts", Some(body)).await);
        }
    }
    out
}

#[tokio::test]
async fn current_revision_transcript() {
    insta::assert_snapshot!("orq_current", transcript(Revision::Current).await);
}

#[tokio::test]
async fn v1_revision_transcript() {
    insta::assert_snapshot!("orq_v1", transcript(Revision::V1).await);
}

fn ids(reply: &Reply) -> Vec<String> {
    reply.json()["data"].as_array().unwrap().iter().map(|i| i["external_id"].as_str().unwrap().to_string()).collect()
}

async fn create_many(server: &Server, count: usize) {
    for i in 0..count {
        let body = json!({"external_id": format!("e{i}"), "display_name": format!("name {i:02}"), "tags": if i % 2 == 0 { vec!["even", "all"] } else { vec!["odd", "all"] }});
        let reply = call(server, Revision::Current, Op::Create, "POST", "/v2/identities", Some(body)).await;
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
}

#[tokio::test]
async fn cursors_walk_both_ways_with_a_correct_has_more() {
    let server = support::start(Config { fixtures: FixtureSource::Empty, ..config(Revision::Current) }).await;
    create_many(&server, 7).await;
    let list = |query: String| {
        let server = &server;
        async move { call(server, Revision::Current, Op::List, "GET", &format!("/v2/identities?{query}"), None).await }
    };
    // Forward, newest first: e6 e5 e4 | e3 e2 e1 | e0.
    let mut seen = Vec::new();
    let mut query = "limit=3".to_string();
    let mut pages = 0;
    loop {
        let reply = list(query.clone()).await;
        let body = reply.json();
        seen.extend(ids(&reply));
        pages += 1;
        assert!(pages <= 3, "has_more after every row was seen: {seen:?}");
        if !body["has_more"].as_bool().unwrap() {
            break;
        }
        query = format!("limit=3&starting_after={}", body["data"][2]["_id"].as_str().unwrap());
    }
    assert_eq!(seen, ["e6", "e5", "e4", "e3", "e2", "e1", "e0"]);
    assert_eq!(pages, 3);
    // A page that holds exactly what is left has no more after it, in either order.
    for order in ["", "&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME"] {
        let page = |limit: usize| list(format!("limit={limit}{order}"));
        assert_eq!(
            (page(7).await.json()["has_more"].clone(), page(6).await.json()["has_more"].clone()),
            (json!(false), json!(true))
        );
    }
    // Backward from the oldest: the page just before it, and has_more while newer ones remain.
    let oldest = list("limit=50".into()).await.json()["data"][6]["_id"].as_str().unwrap().to_string();
    let back = list(format!("limit=2&ending_before={oldest}")).await;
    assert_eq!(ids(&back), ["e2", "e1"]);
    assert_eq!(back.json()["has_more"], true);
    let newest = list("limit=1".into()).await.json()["data"][0]["_id"].as_str().unwrap().to_string();
    let second = list("limit=50".into()).await.json()["data"][1]["_id"].as_str().unwrap().to_string();
    let front = list(format!("limit=5&ending_before={second}")).await;
    assert_eq!((ids(&front), front.json()["has_more"].clone()), (vec!["e6".to_string()], json!(false)));
    assert_eq!(
        list(format!("limit=5&starting_after={newest}&filter_by.tags=even")).await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Sorted by display name, A to Z, with cursors too.
    let by_name = list("limit=3&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME".into()).await;
    assert_eq!(ids(&by_name), ["e0", "e1", "e2"]);
    let next = by_name.json()["data"][2]["_id"].as_str().unwrap().to_string();
    let by_name = list(format!("limit=3&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME&starting_after={next}")).await;
    assert_eq!(ids(&by_name), ["e3", "e4", "e5"]);
    // The order follows changes made after its first use; case does not count.
    for (id, name) in [("e0", "NAME 99"), ("e5", "Name 00")] {
        let body = Some(json!({ "display_name": name }));
        let reply = call(&server, Revision::Current, Op::Update, "PATCH", &format!("/v2/identities/{id}"), body).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let by_name = list("limit=50&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME".into()).await;
    assert_eq!(ids(&by_name), ["e5", "e1", "e2", "e3", "e4", "e6", "e0"]);
    let e3 = by_name.json()["data"][3]["_id"].as_str().unwrap().to_string();
    let before = list(format!("limit=2&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME&ending_before={e3}")).await;
    assert_eq!(
        (ids(&before), before.json()["has_more"].clone()),
        (vec!["e1".to_string(), "e2".to_string()], json!(true))
    );
}

#[tokio::test]
async fn tag_filter_all_by_default_any_on_request() {
    for (tag_match, expected) in
        [(TagMatch::All, vec!["e6", "e4", "e2", "e0"]), (TagMatch::Any, vec!["e6", "e5", "e4", "e3", "e2", "e1", "e0"])]
    {
        let server = support::start(Config {
            fixtures: FixtureSource::Empty,
            orq_tag_match: tag_match,
            ..config(Revision::Current)
        })
        .await;
        create_many(&server, 7).await;
        let reply = call(
            &server,
            Revision::Current,
            Op::List,
            "GET",
            "/v2/identities?filter_by.tags=even&filter_by.tags=all",
            None,
        )
        .await;
        assert_eq!(ids(&reply), expected, "{tag_match:?}");
    }
}

#[tokio::test]
async fn api_keys_are_workspaces_and_can_be_restricted() {
    let server =
        support::start(Config { api_keys: vec!["key-a".into(), "key-b".into()], ..config(Revision::Current) }).await;
    let create = serde_json::to_vec(&json!({"external_id": "only-in-a"})).unwrap();
    let created = send(&server, "POST", "/v2/identities", &[("authorization", "Bearer key-a")], Some(&create)).await;
    assert_eq!(created.status, 201);
    let in_a = send(&server, "GET", "/v2/identities/only-in-a", &[("authorization", "Bearer key-a")], None).await;
    let in_b = send(&server, "GET", "/v2/identities/only-in-a", &[("authorization", "Bearer key-b")], None).await;
    assert_eq!((in_a.status.as_u16(), in_b.status.as_u16()), (200, 404));
    // Both workspaces start from the fixtures, and each key has its own stable workspace_id.
    let b_list =
        send(&server, "GET", "/v2/identities?limit=50", &[("authorization", "Bearer key-b")], None).await.json();
    assert_eq!(b_list["data"].as_array().unwrap().len(), 4);
    let workspace_a = in_a.json()["identity"]["workspace_id"].as_str().unwrap().to_string();
    assert_ne!(workspace_a, b_list["data"][0]["workspace_id"].as_str().unwrap());
    assert_eq!(workspace_a, identity_mock::internals::stable_uuid("key-a").to_string());
    let refused = send(&server, "GET", "/v2/identities", &[("authorization", "Bearer key-c")], None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["message"], "invalid API key");
    let malformed = send(&server, "GET", "/v2/identities", &[("authorization", "key-a")], None).await;
    assert_eq!(malformed.status, 401);
}

#[tokio::test]
async fn a_request_can_pick_its_revision() {
    let server = support::start(config(Revision::Current)).await;
    let headers = [("authorization", KEY), ("x-mock-orq-api", "v1")];
    let v1 = send(&server, "GET", "/v2/identities/customer_12345", &headers, None).await;
    assert_matches_schema(Revision::V1, Op::Retrieve, &v1);
    assert_eq!(v1.json()["external_id"], "customer_12345");
    let current = send(&server, "GET", "/v2/identities/customer_12345", &[("authorization", KEY)], None).await;
    assert_eq!(current.json()["identity"]["external_id"], "customer_12345");
    let bad = send(&server, "GET", "/v2/identities", &[("authorization", KEY), ("x-mock-orq-api", "v3")], None).await;
    assert_eq!(bad.status, 400);
    // /v2/contacts exists only in v1.
    let contacts =
        send(&server, "POST", "/v2/contacts", &[("authorization", KEY)], Some(br#"{"external_id":"z"}"#)).await;
    assert_eq!(contacts.status, 404);
}

#[tokio::test]
async fn failed_writes_change_nothing() {
    let server = support::start(config(Revision::Current)).await;
    let before = call(&server, Revision::Current, Op::List, "GET", "/v2/identities?limit=50", None).await.text();
    for body in
        [json!({"external_id": "customer_12345"}), json!({"external_id": ""}), json!({"external_id": "x", "tags": [1]})]
    {
        let reply = call(&server, Revision::Current, Op::Create, "POST", "/v2/identities", Some(body)).await;
        assert!(reply.status.is_client_error());
    }
    let patch = call(
        &server,
        Revision::Current,
        Op::Update,
        "PATCH",
        "/v2/identities/customer_12345",
        Some(json!({"tags": "not-a-list"})),
    )
    .await;
    assert_eq!(patch.status, 400);
    assert!(patch.json()["message"].as_str().unwrap().contains("tags"), "the message names the field");
    assert_eq!(call(&server, Revision::Current, Op::List, "GET", "/v2/identities?limit=50", None).await.text(), before);
}

#[tokio::test]
async fn list_limit_defaults_to_10_and_is_bounded_1_to_50_in_both_revisions() {
    const ROWS: usize = 55;
    let server = support::start(Config { fixtures: FixtureSource::Empty, ..config(Revision::Current) }).await;
    for i in 0..ROWS {
        let body = serde_json::to_vec(&json!({"external_id": format!("row-{i}"), "display_name": format!("Row {i}")}))
            .unwrap();
        let headers = [("authorization", KEY), ("content-type", "application/json")];
        let created = send(&server, "POST", "/v2/identities", &headers, Some(&body)).await;
        assert_eq!(created.status, 201, "{}", created.text());
    }
    for revision in [Revision::Current, Revision::V1] {
        let name = if revision == Revision::V1 { "v1" } else { "current" };
        let list = |query: &str| {
            let (server, path) = (&server, format!("/v2/identities{query}"));
            async move { send(server, "GET", &path, &[("authorization", KEY), ("x-mock-orq-api", name)], None).await }
        };
        let default = list("").await;
        assert_eq!(default.status, 200, "{name}: {}", default.text());
        assert_eq!(ids(&default).len(), 10, "{name}: the documented default of 10");
        assert_eq!(default.json()["has_more"], true, "{name}");
        let newest: Vec<String> = (0..ROWS).rev().map(|i| format!("row-{i}")).collect();
        assert_eq!(ids(&default), newest[..10], "{name}: the newest 10");
        for (limit, shown) in [(1, 1), (9, 9), (11, 11), (49, 49), (50, 50)] {
            let page = list(&format!("?limit={limit}")).await;
            assert_eq!(page.status, 200, "{name} limit={limit}: {}", page.text());
            assert_eq!(ids(&page), newest[..shown], "{name} limit={limit}");
        }
        for limit in ["0", "51", "-1", "1000"] {
            let refused = list(&format!("?limit={limit}")).await;
            assert_eq!(refused.status, 400, "{name} limit={limit}: {}", refused.text());
            assert_eq!(
                refused.json()["message"],
                format!("limit must be between 1 and 50, got {limit}"),
                "{name} limit={limit}"
            );
        }
    }
}

#[tokio::test]
async fn a_null_field_is_an_absent_one_in_the_current_revision_only() {
    let server = support::start(Config { fixtures: FixtureSource::Empty, ..config(Revision::Current) }).await;
    let body = json!({"external_id": "nulls", "display_name": null, "email": null, "tags": null, "metadata": null});
    let created = call(&server, Revision::Current, Op::Create, "POST", "/v2/identities", Some(body.clone())).await;
    assert_eq!(created.status, 201, "proto3 JSON: null is absent: {}", created.text());
    let identity = &created.json()["identity"];
    assert_eq!((identity.get("display_name"), &identity["tags"]), (None, &json!([])), "{identity}");
    let headers = [("authorization", KEY), ("content-type", "application/json"), ("x-mock-orq-api", "v1")];
    let v1_body = json!({"external_id": "nulls-v1", "display_name": null, "tags": null});
    let v1 = send(&server, "POST", "/v2/identities", &headers, Some(v1_body.to_string().as_bytes())).await;
    assert_eq!(v1.status, 400, "v1 validates a null as a value: {}", v1.text());
    assert_eq!(v1.json()["message"], r#"invalid request body: tags: null is not of type "array""#);

    // On an update, a null is ignored in the current revision and clears the field in v1.
    let body = json!({"external_id": "named", "display_name": "Ada", "email": "ada@example.com"});
    let created = call(&server, Revision::Current, Op::Create, "POST", "/v2/identities", Some(body)).await;
    let path = format!("/v2/identities/{}", created.json()["identity"]["_id"].as_str().unwrap());
    let clear = json!({"display_name": null});
    let current = call(&server, Revision::Current, Op::Update, "PATCH", &path, Some(clear.clone())).await;
    assert_eq!(current.json()["identity"]["display_name"], "Ada", "{}", current.text());
    let v1 = send(&server, "PATCH", &path, &headers, Some(clear.to_string().as_bytes())).await;
    assert_eq!(v1.status, 200, "{}", v1.text());
    assert_eq!((&v1.json()["display_name"], &v1.json()["email"]), (&Value::Null, &json!("ada@example.com")));
}
