//! Namespaces: the unit of isolation. Each holds its own Letta and orq data and starts from the
//! fixtures the first time a request names it. A request names its namespace with the
//! `X-Mock-Namespace` header, else with its API key (`Authorization: Bearer <key>`), else it uses
//! the default one; so parallel tests that each use their own key or header never meet.

use crate::fixtures::{dump_namespace, FixtureSet, Fixtures};
use crate::http::ApiRequest;
use crate::ids::stable_uuid;
use crate::letta::model::LettaData;
use crate::orq::model::OrqData;
use dashmap::DashMap;
use parking_lot::RwLock;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The namespace of requests that name none.
pub const DEFAULT_NAMESPACE: &str = "default";
/// The header that names a request's namespace.
pub const NAMESPACE_HEADER: &str = "x-mock-namespace";

pub struct Namespace {
    pub letta: LettaData,
    pub orq: OrqData,
}

impl Namespace {
    fn empty(name: &str) -> Namespace {
        Namespace { letta: LettaData::default(), orq: OrqData::new(stable_uuid(name).to_string()) }
    }
}

pub struct Namespaces {
    by_name: DashMap<String, Arc<Namespace>, foldhash::fast::RandomState>,
    /// What a namespace starts with; `reset` can switch it to nothing and back.
    seed: RwLock<Arc<Fixtures>>,
    /// What the server started with.
    start: Arc<Fixtures>,
    /// When fixtures without their own timestamps were created: the server's start.
    start_micros: i64,
}

/// The API key of `Authorization: Bearer <key>`, if the request has one.
pub fn bearer_key(request: &ApiRequest) -> Option<&str> {
    let header = request.header("authorization")?.trim();
    let (scheme, key) = header.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// The namespace a request belongs to.
pub fn namespace_of(request: &ApiRequest) -> &str {
    request
        .header(NAMESPACE_HEADER)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .or_else(|| bearer_key(request))
        .unwrap_or(DEFAULT_NAMESPACE)
}

impl Namespaces {
    pub fn new(fixtures: Fixtures, start_micros: i64) -> Namespaces {
        let start = Arc::new(fixtures);
        let namespaces =
            Namespaces { by_name: DashMap::default(), seed: RwLock::new(start.clone()), start, start_micros };
        namespaces.create_named();
        namespaces
    }

    /// Creates the default namespace and every namespace the seed names, so that they exist (and
    /// show in the state dump) before any request names them.
    fn create_named(&self) {
        let seed = self.seed.read().clone();
        self.get(DEFAULT_NAMESPACE);
        for name in seed.namespaces.keys() {
            self.get(name);
        }
    }

    /// The namespace called `name`, created from the fixtures if this is its first use.
    pub fn get(&self, name: &str) -> Arc<Namespace> {
        if let Some(namespace) = self.by_name.get(name) {
            return namespace.clone();
        }
        // Built before the map is locked: filling a namespace from large fixtures takes a while, and
        // a map shard must not stay locked that long. If another request built it meanwhile, that
        // one wins and this copy is dropped.
        let seed = self.seed.read().clone();
        let namespace = Namespace::empty(name);
        // The seed was checked whole when it was loaded; an empty namespace takes it all.
        let _ = seed.for_namespace(name).apply(&namespace, self.start_micros);
        self.by_name.entry(name.to_string()).or_insert_with(|| Arc::new(namespace)).clone()
    }

    /// The namespace called `name` if it exists, without creating it.
    pub fn existing(&self, name: &str) -> Option<Arc<Namespace>> {
        self.by_name.get(name).map(|n| n.clone())
    }

    /// Back to the fixtures the server started with, or to nothing when `empty`: one namespace,
    /// or all of them. A namespace is rebuilt from its fixtures the next time a request names it.
    pub fn reset(&self, name: Option<&str>, empty: bool) {
        match name {
            Some(name) => {
                if empty {
                    self.by_name.insert(name.to_string(), Arc::new(Namespace::empty(name)));
                } else {
                    self.by_name.remove(name);
                }
            }
            None => {
                *self.seed.write() = if empty { Arc::new(Fixtures::default()) } else { self.start.clone() };
                self.by_name.clear();
                self.create_named();
            }
        }
    }

    /// Adds validated fixtures to live namespaces: the common sections to `target`, named
    /// sections to their namespaces. Nothing lands unless everything can.
    pub fn load(&self, fixtures: &Fixtures, target: &str, now_micros: i64) -> Result<(), Vec<String>> {
        let mut plan = vec![(target.to_string(), &fixtures.common)];
        plan.extend(fixtures.namespaces.iter().map(|(name, set)| (name.clone(), set)));
        let mut applied: Vec<(String, &FixtureSet)> = Vec::new();
        for (name, set) in plan {
            let namespace = self.get(&name);
            if let Err(problems) = set.apply(&namespace, now_micros) {
                let problems = problems.into_iter().map(|p| format!("namespace {name:?}: {p}")).collect();
                for (name, set) in applied {
                    self.take_back(&name, set);
                }
                return Err(problems);
            }
            applied.push((name, set));
        }
        Ok(())
    }

    fn take_back(&self, name: &str, set: &FixtureSet) {
        let Some(namespace) = self.existing(name) else { return };
        for seed in &set.letta_identities {
            namespace.letta.identities.remove(&seed.identity.id);
        }
        for item in set.letta_agents.iter().chain(&set.letta_blocks) {
            namespace.letta.agents.remove(&item.id);
            namespace.letta.blocks.remove(&item.id);
        }
        for identity in &set.orq_identities {
            namespace.orq.identities.remove(&identity.id);
        }
    }

    /// The whole state as a fixtures document: the seed as the common sections (so namespaces
    /// created later start the same), and every live namespace under `namespaces`.
    pub fn dump(&self) -> Value {
        let seed = self.seed.read().clone();
        let seed_namespace = Namespace::empty(DEFAULT_NAMESPACE);
        let _ = seed.common.apply(&seed_namespace, self.start_micros);
        let mut document = match dump_namespace(&seed_namespace) {
            Value::Object(sections) => sections,
            _ => Map::new(),
        };
        let mut names: Vec<String> = self.by_name.iter().map(|entry| entry.key().clone()).collect();
        names.sort();
        let mut named = Map::new();
        for name in names {
            if let Some(namespace) = self.existing(&name) {
                named.insert(name, dump_namespace(&namespace));
            }
        }
        document.insert("namespaces".into(), Value::Object(named));
        Value::Object(document)
    }

    /// The names of the live namespaces, with their record counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut totals = (0, 0, 0);
        for entry in self.by_name.iter() {
            totals.0 += 1;
            totals.1 += entry.letta.identities.len();
            totals.2 += entry.orq.identities.len();
        }
        totals
    }
}
