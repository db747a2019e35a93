//! Model-based test: random sequences of operations on both APIs run against the server and
//! against a small reference model written here; every status, every record a retrieve or a write
//! answers with and every listing must agree with the model, field by field.
//!
//! Each property runs twice: with a fixed seed (the same cases on every run, so CI is repeatable)
//! and with a fresh seed that a failure prints (`MODEL_SEED=<seed>` runs it again; it also picks
//! the seed of the fixed run's twin). A failing case is kept in `tests/model.proptest-regressions`,
//! which is committed and replayed first by every run.

mod support;

use identity_mock::{Config, FixtureSource, MockServer};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::send;

/// The seed of the fixed runs.
const FIXED_SEED: u64 = 19;

/// Where failing cases are kept (relative to the package, the working directory of `cargo test`).
const REGRESSIONS: &str = "tests/model.proptest-regressions";

/// The seed of the fresh runs: `MODEL_SEED` when set, else one taken from the clock.
fn fresh_seed() -> u64 {
    match std::env::var("MODEL_SEED") {
        Ok(seed) => seed.trim().parse().unwrap_or_else(|_| panic!("MODEL_SEED must be a number, got {seed:?}")),
        Err(_) => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64,
    }
}

/// Runs `test` on `cases` values of `strategy`, generated from `seed`, after the kept failures;
/// a new failure is kept (shrunk) and fails the test with its seed.
fn run_seeded<S: Strategy>(
    name: &str,
    seed: u64,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) where
    S::Value: std::fmt::Debug,
{
    let config = ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    if let Err(failure) = runner.run(&strategy, |value| test(value).map_err(TestCaseError::fail)) {
        panic!("{name} failed with seed {seed} (again: MODEL_SEED={seed} cargo test --test model): {failure}");
    }
}

#[derive(Clone, Debug)]
enum Op {
    LettaCreate {
        key: u8,
        project: bool,
    },
    LettaRetrieve {
        slot: u8,
    },
    LettaRename {
        slot: u8,
    },
    LettaRekey {
        slot: u8,
        key: u8,
    },
    /// PATCH with one property: merged by key into the stored ones.
    LettaMergeProperty {
        slot: u8,
        key: u8,
        value: u8,
    },
    /// `PUT …/properties` with one property, or none: replaces them all.
    LettaReplaceProperties {
        slot: u8,
        value: Option<u8>,
    },
    LettaDelete {
        slot: u8,
    },
    LettaList,
    OrqCreate {
        external: u8,
    },
    OrqRetrieve {
        external: u8,
    },
    OrqUpdate {
        external: u8,
        name: u8,
    },
    OrqDelete {
        external: u8,
    },
    OrqList,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4u8, any::<bool>()).prop_map(|(key, project)| Op::LettaCreate { key, project }),
        (0..6u8).prop_map(|slot| Op::LettaRetrieve { slot }),
        (0..6u8).prop_map(|slot| Op::LettaRename { slot }),
        (0..6u8, 0..4u8).prop_map(|(slot, key)| Op::LettaRekey { slot, key }),
        (0..6u8, 0..3u8, any::<u8>()).prop_map(|(slot, key, value)| Op::LettaMergeProperty { slot, key, value }),
        (0..6u8, proptest::option::of(any::<u8>()))
            .prop_map(|(slot, value)| Op::LettaReplaceProperties { slot, value }),
        (0..6u8).prop_map(|slot| Op::LettaDelete { slot }),
        Just(Op::LettaList),
        (0..4u8).prop_map(|external| Op::OrqCreate { external }),
        (0..4u8).prop_map(|external| Op::OrqRetrieve { external }),
        (0..4u8, 0..3u8).prop_map(|(external, name)| Op::OrqUpdate { external, name }),
        (0..4u8).prop_map(|external| Op::OrqDelete { external }),
        Just(Op::OrqList),
    ]
}

/// A Letta identity as the model knows it.
#[derive(Clone, Debug)]
struct LettaRow {
    /// Handed out by the server.
    id: String,
    key: String,
    project: Option<String>,
    name: String,
    /// Number properties, in their stored order.
    properties: Vec<(String, u8)>,
}

impl LettaRow {
    /// The `Identity` the server answers with, every field.
    fn json(&self) -> Value {
        let properties: Vec<Value> =
            self.properties.iter().map(|(key, value)| json!({"key": key, "value": value, "type": "number"})).collect();
        json!({
            "id": self.id,
            "identifier_key": self.key,
            "name": self.name,
            "identity_type": "user",
            "project_id": self.project,
            "agent_ids": [],
            "block_ids": [],
            "organization_id": "org-00000000-0000-4000-8000-000000000000",
            "properties": properties,
        })
    }
}

/// An orq identity as the model knows it: what the server handed out at creation, and what the
/// operations set.
#[derive(Clone, Debug)]
struct OrqRow {
    external: String,
    name: Option<String>,
    /// `_id`, `workspace_id` and `created`, from the create's answer.
    id: String,
    workspace: String,
    created: String,
}

impl OrqRow {
    /// Compares an identity the server answers with to the model, every field (`updated` only as
    /// a time no earlier than `created`).
    fn check(&self, shown: &Value, context: &str) -> Result<(), String> {
        let mut expected = json!({
            "_id": self.id,
            "external_id": self.external,
            "workspace_id": self.workspace,
            "tags": [],
            "metadata": {},
            "created": self.created,
        });
        if let Some(name) = &self.name {
            expected["display_name"] = json!(name);
        }
        let mut shown = shown.clone();
        let updated = shown.as_object_mut().and_then(|fields| fields.remove("updated"));
        match updated.as_ref().and_then(Value::as_str) {
            Some(updated) if updated >= self.created.as_str() => {}
            _ => return Err(format!("{context}: updated {updated:?} before created {}", self.created)),
        }
        prop_eq(shown, expected, context)
    }
}

/// The reference model: Letta identities and orq identities, each in creation order.
#[derive(Default)]
struct Model {
    /// `None` once deleted.
    letta: Vec<Option<LettaRow>>,
    orq: Vec<OrqRow>,
}

impl Model {
    fn letta_key_taken(&self, key: &str, project: &Option<String>, except: Option<usize>) -> bool {
        self.letta
            .iter()
            .enumerate()
            .any(|(i, row)| Some(i) != except && row.as_ref().is_some_and(|r| r.key == key && &r.project == project))
    }
}

/// The items of a list answer, or an error when it is not an array.
fn items<'a>(list: &'a Value, context: &str) -> Result<&'a Vec<Value>, String> {
    list.as_array().ok_or_else(|| format!("{context}: the list answer is not an array: {list}"))
}

async fn check(server: &MockServer, namespace: &str, ops: Vec<Op>) -> Result<(), String> {
    let headers =
        [("x-mock-namespace", namespace), ("authorization", "Bearer model"), ("content-type", "application/json")];
    let call = |method: &'static str, path: String, body: Option<Value>| async move {
        let bytes = body.map(|b| b.to_string());
        send(server, method, &path, &headers, bytes.as_deref().map(str::as_bytes)).await
    };
    let json_of = |reply: &support::Reply, context: &str| {
        serde_json::from_slice::<Value>(&reply.body).map_err(|e| format!("{context}: not JSON ({e}): {}", reply.text()))
    };
    let mut model = Model::default();
    for (step, op) in ops.into_iter().enumerate() {
        let context = format!("step {step}: {op:?}");
        let letta_create = |key: String, project: Option<String>| {
            let body = json!({"identifier_key": key, "name": "n", "identity_type": "user", "project_id": project});
            call("POST", "/v1/identities/".into(), Some(body))
        };
        match op {
            Op::LettaCreate { key, project } => {
                let key = format!("k{key}");
                let project = project.then(|| "p".to_string());
                let reply = letta_create(key.clone(), project.clone()).await;
                let expected = if model.letta_key_taken(&key, &project, None) { 409 } else { 200 };
                prop_eq(reply.status.as_u16(), expected, &context)?;
                if expected == 200 {
                    let created = json_of(&reply, &context)?;
                    let id = created["id"].as_str().unwrap_or_default().to_string();
                    let row = LettaRow { id, key, project, name: "n".into(), properties: vec![] };
                    prop_eq(created, row.json(), &context)?;
                    model.letta.push(Some(row));
                }
            }
            Op::LettaRetrieve { slot }
            | Op::LettaRename { slot }
            | Op::LettaRekey { slot, .. }
            | Op::LettaMergeProperty { slot, .. }
            | Op::LettaReplaceProperties { slot, .. }
            | Op::LettaDelete { slot } => {
                if model.letta.is_empty() {
                    // Nothing to act on yet: create one first, so that the operation runs.
                    let reply = letta_create(format!("k{slot}"), None).await;
                    prop_eq(reply.status.as_u16(), 200, &format!("{context} (its create)"))?;
                    let created = json_of(&reply, &context)?;
                    let id = created["id"].as_str().unwrap_or_default().to_string();
                    model.letta.push(Some(LettaRow {
                        id,
                        key: format!("k{slot}"),
                        project: None,
                        name: "n".into(),
                        properties: vec![],
                    }));
                }
                let index = slot as usize % model.letta.len();
                let id = match &model.letta[index] {
                    Some(row) => row.id.clone(),
                    None => "identity-123e4567-e89b-42d3-8456-426614174000".to_string(),
                };
                let path = format!("/v1/identities/{id}");
                let (reply, expected) = match op {
                    Op::LettaRetrieve { .. } => (call("GET", path, None).await, model.letta[index].clone()),
                    Op::LettaRename { .. } => {
                        let name = format!("name-{step}");
                        let reply = call("PATCH", path, Some(json!({"name": name}))).await;
                        if let Some(row) = model.letta[index].as_mut() {
                            row.name = name;
                        }
                        (reply, model.letta[index].clone())
                    }
                    Op::LettaRekey { key, .. } => {
                        let key = format!("k{key}");
                        let reply = call("PATCH", path, Some(json!({"identifier_key": key}))).await;
                        let taken = match &model.letta[index] {
                            Some(row) => model.letta_key_taken(&key, &row.project, Some(index)),
                            None => false,
                        };
                        if taken {
                            prop_eq(reply.status.as_u16(), 409, &context)?;
                            continue;
                        }
                        if let Some(row) = model.letta[index].as_mut() {
                            row.key = key;
                        }
                        (reply, model.letta[index].clone())
                    }
                    Op::LettaMergeProperty { key, value, .. } => {
                        let key = format!("p{key}");
                        let body = json!({"properties": [{"key": key, "value": value, "type": "number"}]});
                        let reply = call("PATCH", path, Some(body)).await;
                        if let Some(row) = model.letta[index].as_mut() {
                            match row.properties.iter_mut().find(|(k, _)| *k == key) {
                                Some(property) => property.1 = value,
                                None => row.properties.push((key, value)),
                            }
                        }
                        (reply, model.letta[index].clone())
                    }
                    Op::LettaReplaceProperties { value, .. } => {
                        let properties: Vec<(String, u8)> = value.map(|v| ("q".to_string(), v)).into_iter().collect();
                        let body: Vec<Value> =
                            properties.iter().map(|(k, v)| json!({"key": k, "value": v, "type": "number"})).collect();
                        let reply = call("PUT", format!("{path}/properties"), Some(json!(body))).await;
                        if let Some(row) = model.letta[index].as_mut() {
                            row.properties = properties;
                        }
                        (reply, model.letta[index].clone())
                    }
                    _ => {
                        let reply = call("DELETE", path, None).await;
                        if model.letta[index].take().is_some() {
                            prop_eq(reply.status.as_u16(), 200, &context)?;
                            prop_eq(reply.text(), "null".to_string(), &context)?;
                            continue;
                        }
                        (reply, None)
                    }
                };
                match expected {
                    Some(row) => {
                        prop_eq(reply.status.as_u16(), 200, &context)?;
                        prop_eq(json_of(&reply, &context)?, row.json(), &context)?;
                    }
                    None => prop_eq(reply.status.as_u16(), 404, &context)?,
                }
            }
            Op::LettaList => {
                let reply = call("GET", "/v1/identities/?order=asc&limit=0".into(), None).await;
                prop_eq(reply.status.as_u16(), 200, &context)?;
                let listed = json_of(&reply, &context)?;
                let expected: Vec<Value> = model.letta.iter().flatten().map(LettaRow::json).collect();
                prop_eq(items(&listed, &context)?, &expected, &context)?;
                let count = call("GET", "/v1/identities/count".into(), None).await.text();
                prop_eq(count, expected.len().to_string(), &context)?;
            }
            Op::OrqCreate { external } => {
                let external = format!("e{external}");
                let reply = call("POST", "/v2/identities".into(), Some(json!({"external_id": external}))).await;
                let taken = model.orq.iter().any(|row| row.external == external);
                prop_eq(reply.status.as_u16(), if taken { 409 } else { 201 }, &context)?;
                if !taken {
                    let created = json_of(&reply, &context)?["identity"].clone();
                    let text = |field: &str| created[field].as_str().unwrap_or_default().to_string();
                    let row = OrqRow {
                        external,
                        name: None,
                        id: text("_id"),
                        workspace: text("workspace_id"),
                        created: text("created"),
                    };
                    row.check(&created, &context)?;
                    model.orq.push(row);
                }
            }
            Op::OrqRetrieve { external } => {
                let external = format!("e{external}");
                let reply = call("GET", format!("/v2/identities/{external}"), None).await;
                match model.orq.iter().find(|row| row.external == external) {
                    Some(row) => {
                        prop_eq(reply.status.as_u16(), 200, &context)?;
                        row.check(&json_of(&reply, &context)?["identity"], &context)?;
                    }
                    None => prop_eq(reply.status.as_u16(), 404, &context)?,
                }
            }
            Op::OrqUpdate { external, name } => {
                let external = format!("e{external}");
                let name = format!("name{name}");
                let reply =
                    call("PATCH", format!("/v2/identities/{external}"), Some(json!({"display_name": name}))).await;
                match model.orq.iter_mut().find(|row| row.external == external) {
                    Some(row) => {
                        prop_eq(reply.status.as_u16(), 200, &context)?;
                        row.name = Some(name);
                        row.check(&json_of(&reply, &context)?["identity"], &context)?;
                    }
                    None => prop_eq(reply.status.as_u16(), 404, &context)?,
                }
            }
            Op::OrqDelete { external } => {
                let external = format!("e{external}");
                let reply = call("DELETE", format!("/v2/identities/{external}"), None).await;
                let position = model.orq.iter().position(|row| row.external == external);
                prop_eq(reply.status.as_u16(), if position.is_some() { 200 } else { 404 }, &context)?;
                if let Some(position) = position {
                    model.orq.remove(position);
                }
            }
            Op::OrqList => {
                let reply = call("GET", "/v2/identities?limit=50".into(), None).await;
                prop_eq(reply.status.as_u16(), 200, &context)?;
                let body = json_of(&reply, &context)?;
                let listed = items(&body["data"], &context)?;
                prop_eq(listed.len(), model.orq.len(), &context)?;
                for (shown, row) in listed.iter().zip(model.orq.iter().rev()) {
                    row.check(shown, &context)?;
                }
                prop_eq(body["has_more"].as_bool(), Some(false), &context)?;
            }
        }
    }
    Ok(())
}

fn prop_eq<T: PartialEq + std::fmt::Debug>(actual: T, expected: T, context: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{context}: server {actual:?}, model {expected:?}"))
    }
}

/// Runs the operation model with `seed`: one server, each case in a namespace of its own.
fn operation_sequences(name: &str, seed: u64, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = runtime.block_on(support::start(Config { fixtures: FixtureSource::Empty, ..Config::default() }));
    let case = AtomicUsize::new(0);
    run_seeded(name, seed, cases, proptest::collection::vec(op(), 1..40), |ops| {
        // Each case gets a namespace of its own, so the cases share a server but no data.
        let namespace = format!("case-{}", case.fetch_add(1, Ordering::Relaxed));
        runtime.block_on(check(&server, &namespace, ops))
    });
}

#[test]
fn operation_sequences_agree_with_the_model_fixed_seed() {
    operation_sequences("the operation model", FIXED_SEED, 96);
}

#[test]
fn operation_sequences_agree_with_the_model_fresh_seed() {
    operation_sequences("the operation model", fresh_seed(), 48);
}

/// What a request of the namespace model does.
#[derive(Clone, Debug)]
enum NamespaceOp {
    /// A read (Letta count or orq list) naming a namespace, with the accepted key or another.
    Read { namespace: u8, orq: bool, good_key: bool },
    /// A write (a create) naming a namespace.
    Write { namespace: u8, orq: bool, good_key: bool },
    /// A request with the accepted key to a path no route has.
    UnknownPath { namespace: u8, orq: bool },
    /// `DELETE /__admin/namespaces/{name}`.
    Remove { namespace: u8 },
}

fn namespace_op() -> impl Strategy<Value = NamespaceOp> {
    prop_oneof![
        (0..6u8, any::<bool>(), any::<bool>()).prop_map(|(namespace, orq, good_key)| NamespaceOp::Read {
            namespace,
            orq,
            good_key
        }),
        (0..6u8, any::<bool>(), any::<bool>()).prop_map(|(namespace, orq, good_key)| NamespaceOp::Write {
            namespace,
            orq,
            good_key
        }),
        (0..6u8, any::<bool>()).prop_map(|(namespace, orq)| NamespaceOp::UnknownPath { namespace, orq }),
        (0..6u8).prop_map(|namespace| NamespaceOp::Remove { namespace }),
    ]
}

const MAX_NAMESPACES: usize = 4;

/// The registry's model: which namespaces exist (by name) and whether each has data of its own.
async fn check_namespaces(server: &MockServer, ops: Vec<NamespaceOp>) -> Result<(), String> {
    assert_eq!(send(server, "POST", "/__admin/reset", &[], None).await.status, 200);
    let mut model: std::collections::BTreeMap<String, bool> = [("default".to_string(), true)].into();
    for (step, op) in ops.into_iter().enumerate() {
        let context = format!("step {step}: {op:?}");
        let name = |n: u8| format!("ns-{n}");
        let key = |good: bool| if good { "Bearer good" } else { "Bearer wrong" };
        let (status, expected) = match op {
            NamespaceOp::Read { namespace, orq, good_key } | NamespaceOp::Write { namespace, orq, good_key } => {
                let writes = matches!(op, NamespaceOp::Write { .. });
                let namespace = name(namespace);
                let headers = [("x-mock-namespace", namespace.as_str()), ("authorization", key(good_key))];
                let (method, path, body, ok) = match (orq, writes) {
                    (false, false) => ("GET", "/v1/identities/count", None, 200),
                    (true, false) => ("GET", "/v2/identities", None, 200),
                    (false, true) => (
                        "POST",
                        "/v1/identities/",
                        Some(json!({"identifier_key": format!("k{step}"), "name": "n", "identity_type": "user"})),
                        200,
                    ),
                    (true, true) => ("POST", "/v2/identities", Some(json!({"external_id": format!("e{step}")})), 201),
                };
                let body = body.map(|b| b.to_string());
                let reply = send(server, method, path, &headers, body.as_deref().map(str::as_bytes)).await;
                let expected = if !good_key {
                    401
                } else if model.contains_key(&namespace) {
                    if writes {
                        model.insert(namespace, true);
                    }
                    ok
                } else if model.len() >= MAX_NAMESPACES {
                    503
                } else {
                    model.insert(namespace, writes);
                    ok
                };
                (reply.status.as_u16(), expected)
            }
            NamespaceOp::UnknownPath { namespace, orq } => {
                let namespace = name(namespace);
                let headers = [("x-mock-namespace", namespace.as_str()), ("authorization", "Bearer good")];
                let path = if orq { "/v2/nowhere" } else { "/v1/identities/a/b/c" };
                (send(server, "GET", path, &headers, None).await.status.as_u16(), 404)
            }
            NamespaceOp::Remove { namespace } => {
                let path = format!("/__admin/namespaces/{}", name(namespace));
                let reply = send(server, "DELETE", &path, &[], None).await;
                (reply.status.as_u16(), if model.remove(&name(namespace)).is_some() { 200 } else { 404 })
            }
        };
        prop_eq(status, expected, &context)?;
        let listed = support::get(server, "/__admin/namespaces").await.json();
        let listed: std::collections::BTreeMap<String, bool> = items(&listed["namespaces"], &context)?
            .iter()
            .map(|n| (n["name"].as_str().unwrap_or_default().to_string(), n["own_data"].as_bool().unwrap_or(false)))
            .collect();
        prop_eq(listed, model.clone(), &context)?;
    }
    Ok(())
}

/// Runs the namespace model with `seed` on a server of its own.
fn namespace_sequences(seed: u64, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let config = Config { max_namespaces: MAX_NAMESPACES, api_keys: vec!["good".into()], ..Config::default() };
    let server = runtime.block_on(support::start(config));
    run_seeded("the namespace model", seed, cases, proptest::collection::vec(namespace_op(), 1..40), |ops| {
        runtime.block_on(check_namespaces(&server, ops))
    });
}

#[test]
fn namespaces_are_created_only_for_accepted_requests_on_real_routes_and_never_past_the_limit() {
    namespace_sequences(FIXED_SEED, 64);
}

#[test]
fn namespaces_are_created_only_for_accepted_requests_on_real_routes_and_never_past_the_limit_fresh_seed() {
    namespace_sequences(fresh_seed(), 32);
}
