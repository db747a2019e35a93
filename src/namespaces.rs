//! Namespaces: the unit of isolation. Each holds its own Letta and orq data and starts from the
//! fixtures the server was started with, the first time a request names it. For orq, the API key
//! names the namespace, so each key is its own workspace.

use crate::fixtures::FixtureSet;
use crate::ids::stable_uuid;
use crate::letta::model::LettaData;
use crate::orq::model::OrqData;
use dashmap::DashMap;
use std::sync::Arc;

/// The namespace of requests that name none (every Letta request, for now).
pub const DEFAULT_NAMESPACE: &str = "default";

pub struct Namespace {
    pub letta: LettaData,
    pub orq: OrqData,
}

pub struct Namespaces {
    by_name: DashMap<String, Arc<Namespace>>,
    fixtures: FixtureSet,
    /// When the fixtures were created: the server's start.
    fixtures_micros: i64,
}

impl Namespaces {
    pub fn new(fixtures: FixtureSet, fixtures_micros: i64) -> Namespaces {
        let namespaces = Namespaces {
            by_name: DashMap::new(),
            fixtures,
            fixtures_micros,
        };
        namespaces.get(DEFAULT_NAMESPACE);
        namespaces
    }

    /// The namespace called `name`, created from the fixtures if this is its first use.
    pub fn get(&self, name: &str) -> Arc<Namespace> {
        if let Some(namespace) = self.by_name.get(name) {
            return namespace.clone();
        }
        self.by_name
            .entry(name.to_string())
            .or_insert_with(|| {
                let namespace = Namespace {
                    letta: LettaData::default(),
                    orq: OrqData::new(stable_uuid(name).to_string()),
                };
                self.fixtures.apply(&namespace, self.fixtures_micros);
                Arc::new(namespace)
            })
            .clone()
    }

    /// How many namespaces exist.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}
