//! Model-based test: random sequences of operations on both APIs run against the server and
//! against a small reference model written here; every status and every listing must agree.

mod support;

use identity_mock::{Config, FixtureSource, MockServer};
use proptest::prelude::*;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::send;

#[derive(Clone, Debug)]
enum Op {
    LettaCreate { key: u8, project: bool },
    LettaRetrieve { slot: u8 },
    LettaRename { slot: u8 },
    LettaRekey { slot: u8, key: u8 },
    LettaDelete { slot: u8 },
    LettaList,
    OrqCreate { external: u8 },
    OrqRetrieve { external: u8 },
    OrqUpdate { external: u8, name: u8 },
    OrqDelete { external: u8 },
    OrqList,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4u8, any::<bool>()).prop_map(|(key, project)| Op::LettaCreate { key, project }),
        (0..6u8).prop_map(|slot| Op::LettaRetrieve { slot }),
        (0..6u8).prop_map(|slot| Op::LettaRename { slot }),
        (0..6u8, 0..4u8).prop_map(|(slot, key)| Op::LettaRekey { slot, key }),
        (0..6u8).prop_map(|slot| Op::LettaDelete { slot }),
        Just(Op::LettaList),
        (0..4u8).prop_map(|external| Op::OrqCreate { external }),
        (0..4u8).prop_map(|external| Op::OrqRetrieve { external }),
        (0..4u8, 0..3u8).prop_map(|(external, name)| Op::OrqUpdate { external, name }),
        (0..4u8).prop_map(|external| Op::OrqDelete { external }),
        Just(Op::OrqList),
    ]
}

/// A Letta identity as the model knows it: (id handed out by the server, identifier_key,
/// project_id, name).
type LettaRow = (String, String, Option<String>, String);

/// The reference model: Letta identities in creation order, and orq identities in creation order.
#[derive(Default)]
struct Model {
    /// `None` once deleted.
    letta: Vec<Option<LettaRow>>,
    orq: Vec<(String, String)>,
}

impl Model {
    fn letta_slot(&self, slot: u8) -> Option<usize> {
        (!self.letta.is_empty()).then(|| slot as usize % self.letta.len())
    }

    fn letta_key_taken(&self, key: &str, project: &Option<String>, except: Option<usize>) -> bool {
        self.letta
            .iter()
            .enumerate()
            .any(|(i, row)| Some(i) != except && row.as_ref().is_some_and(|(_, k, p, _)| k == key && p == project))
    }
}

async fn check(server: &MockServer, namespace: &str, ops: Vec<Op>) -> Result<(), String> {
    let headers =
        [("x-mock-namespace", namespace), ("authorization", "Bearer model"), ("content-type", "application/json")];
    let call = |method: &'static str, path: String, body: Option<serde_json::Value>| async move {
        let bytes = body.map(|b| b.to_string());
        send(server, method, &path, &headers, bytes.as_deref().map(str::as_bytes)).await
    };
    let mut model = Model::default();
    for (step, op) in ops.into_iter().enumerate() {
        let context = format!("step {step}: {op:?}");
        match op {
            Op::LettaCreate { key, project } => {
                let key = format!("k{key}");
                let project = project.then(|| "p".to_string());
                let reply = call(
                    "POST",
                    "/v1/identities/".into(),
                    Some(json!({"identifier_key": key, "name": "n", "identity_type": "user", "project_id": project})),
                )
                .await;
                let expected = if model.letta_key_taken(&key, &project, None) { 409 } else { 200 };
                prop_eq(reply.status.as_u16(), expected, &context)?;
                if expected == 200 {
                    model.letta.push(Some((
                        reply.json()["id"].as_str().unwrap_or_default().to_string(),
                        key,
                        project,
                        "n".into(),
                    )));
                }
            }
            Op::LettaRetrieve { slot }
            | Op::LettaRename { slot }
            | Op::LettaDelete { slot }
            | Op::LettaRekey { slot, .. } => {
                let Some(index) = model.letta_slot(slot) else { continue };
                let id = match &model.letta[index] {
                    Some((id, ..)) => id.clone(),
                    None => "identity-123e4567-e89b-42d3-8456-426614174000".to_string(),
                };
                let alive = model.letta[index].is_some();
                let path = format!("/v1/identities/{id}");
                match op {
                    Op::LettaRetrieve { .. } => {
                        let reply = call("GET", path, None).await;
                        prop_eq(reply.status.as_u16(), if alive { 200 } else { 404 }, &context)?;
                        if let Some((_, key, _, name)) = &model.letta[index] {
                            prop_eq(
                                reply.json()["identifier_key"].as_str().unwrap_or_default().to_string(),
                                key.clone(),
                                &context,
                            )?;
                            prop_eq(
                                reply.json()["name"].as_str().unwrap_or_default().to_string(),
                                name.clone(),
                                &context,
                            )?;
                        }
                    }
                    Op::LettaRename { .. } => {
                        let name = format!("name-{step}");
                        let reply = call("PATCH", path, Some(json!({"name": name}))).await;
                        prop_eq(reply.status.as_u16(), if alive { 200 } else { 404 }, &context)?;
                        if let Some(row) = model.letta[index].as_mut() {
                            row.3 = name;
                        }
                    }
                    Op::LettaRekey { key, .. } => {
                        let key = format!("k{key}");
                        let reply = call("PATCH", path, Some(json!({"identifier_key": key}))).await;
                        let expected = match &model.letta[index] {
                            None => 404,
                            Some((_, _, project, _)) if model.letta_key_taken(&key, project, Some(index)) => 409,
                            Some(_) => 200,
                        };
                        prop_eq(reply.status.as_u16(), expected, &context)?;
                        if expected == 200 {
                            if let Some(row) = model.letta[index].as_mut() {
                                row.1 = key;
                            }
                        }
                    }
                    _ => {
                        let reply = call("DELETE", path, None).await;
                        prop_eq(reply.status.as_u16(), if alive { 200 } else { 404 }, &context)?;
                        model.letta[index] = None;
                    }
                }
            }
            Op::LettaList => {
                let reply = call("GET", "/v1/identities/?order=asc&limit=0".into(), None).await;
                let listed: Vec<String> = reply
                    .json()
                    .as_array()
                    .map(|a| a.iter().map(|i| i["id"].as_str().unwrap_or_default().to_string()).collect())
                    .unwrap_or_default();
                let expected: Vec<String> = model.letta.iter().flatten().map(|(id, ..)| id.clone()).collect();
                prop_eq(listed, expected, &context)?;
                let count = call("GET", "/v1/identities/count".into(), None).await.text();
                prop_eq(count, model.letta.iter().flatten().count().to_string(), &context)?;
            }
            Op::OrqCreate { external } => {
                let external = format!("e{external}");
                let reply = call("POST", "/v2/identities".into(), Some(json!({"external_id": external}))).await;
                let taken = model.orq.iter().any(|(e, _)| *e == external);
                prop_eq(reply.status.as_u16(), if taken { 409 } else { 201 }, &context)?;
                if !taken {
                    model.orq.push((external, String::new()));
                }
            }
            Op::OrqRetrieve { external } => {
                let external = format!("e{external}");
                let reply = call("GET", format!("/v2/identities/{external}"), None).await;
                match model.orq.iter().find(|(e, _)| *e == external) {
                    Some((_, name)) => {
                        prop_eq(reply.status.as_u16(), 200, &context)?;
                        let shown = reply.json()["identity"]["display_name"].as_str().unwrap_or_default().to_string();
                        prop_eq(shown, name.clone(), &context)?;
                    }
                    None => prop_eq(reply.status.as_u16(), 404, &context)?,
                }
            }
            Op::OrqUpdate { external, name } => {
                let external = format!("e{external}");
                let name = format!("name{name}");
                let reply =
                    call("PATCH", format!("/v2/identities/{external}"), Some(json!({"display_name": name}))).await;
                match model.orq.iter_mut().find(|(e, _)| *e == external) {
                    Some(row) => {
                        prop_eq(reply.status.as_u16(), 200, &context)?;
                        row.1 = name;
                    }
                    None => prop_eq(reply.status.as_u16(), 404, &context)?,
                }
            }
            Op::OrqDelete { external } => {
                let external = format!("e{external}");
                let reply = call("DELETE", format!("/v2/identities/{external}"), None).await;
                let position = model.orq.iter().position(|(e, _)| *e == external);
                prop_eq(reply.status.as_u16(), if position.is_some() { 200 } else { 404 }, &context)?;
                if let Some(position) = position {
                    model.orq.remove(position);
                }
            }
            Op::OrqList => {
                let reply = call("GET", "/v2/identities?limit=50".into(), None).await;
                let body = reply.json();
                let listed: Vec<String> = body["data"]
                    .as_array()
                    .map(|a| a.iter().map(|i| i["external_id"].as_str().unwrap_or_default().to_string()).collect())
                    .unwrap_or_default();
                let expected: Vec<String> = model.orq.iter().rev().map(|(e, _)| e.clone()).collect();
                prop_eq(listed, expected, &context)?;
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

#[test]
fn random_operation_sequences_agree_with_the_model() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = runtime.block_on(support::start(Config { fixtures: FixtureSource::Empty, ..Config::default() }));
    let case = AtomicUsize::new(0);
    let config = ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(ops in proptest::collection::vec(op(), 1..40))| {
        // Each case gets a namespace of its own, so the cases share a server but no data.
        let namespace = format!("case-{}", case.fetch_add(1, Ordering::Relaxed));
        let outcome = runtime.block_on(check(&server, &namespace, ops));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    });
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
        let listed: std::collections::BTreeMap<String, bool> = listed["namespaces"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|n| {
                        (n["name"].as_str().unwrap_or_default().to_string(), n["own_data"].as_bool().unwrap_or(false))
                    })
                    .collect()
            })
            .unwrap_or_default();
        prop_eq(listed, model.clone(), &context)?;
    }
    Ok(())
}

#[test]
fn namespaces_are_created_only_for_accepted_requests_on_real_routes_and_never_past_the_limit() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let config = Config { max_namespaces: MAX_NAMESPACES, api_keys: vec!["good".into()], ..Config::default() };
    let server = runtime.block_on(support::start(config));
    let config = ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(ops in proptest::collection::vec(namespace_op(), 1..40))| {
        let outcome = runtime.block_on(check_namespaces(&server, ops));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    });
}
