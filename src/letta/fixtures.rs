//! The `letta` section of a fixtures document: identities (with their links), agents and blocks.

use super::model::{Entity, Identity, IdentityType, LettaData, Properties};
use crate::clock::rfc3339_micros;
use crate::ids::IdSource;
use crate::schema::SchemaId;
use crate::section::{json_text, list, parse_rfc3339_micros, strings, text, used_twice, Place, Section};
use crate::store::Collection;
use foldhash::fast::RandomState;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A Letta identity to seed, with its creation time when the document gives one.
#[derive(Clone, Debug)]
pub struct LettaSeed {
    pub identity: Arc<Identity>,
    pub created_micros: Option<i64>,
}

/// The `letta` section: records shared (as `Arc`s) with every namespace seeded from it.
#[derive(Clone, Debug, Default)]
pub struct LettaFixtures {
    pub identities: Vec<LettaSeed>,
    pub agents: Vec<Arc<Entity>>,
    pub blocks: Vec<Arc<Entity>>,
}

/// The ids [`LettaFixtures::apply`] stored.
#[derive(Default)]
pub struct Added {
    identities: Vec<Arc<str>>,
    agents: Vec<Arc<str>>,
    blocks: Vec<Arc<str>>,
}

impl Section for LettaFixtures {
    type Data = LettaData;
    type Added = Added;

    const KEY: &'static str = "letta";
    const SCHEMA: SchemaId = SchemaId::LettaFixtures;
    const LISTS: &'static [&'static str] = &["identities", "agents", "blocks"];

    fn read(section: &Value, ids: &IdSource) -> LettaFixtures {
        let identities = list(section, "identities")
            .iter()
            .map(|item| LettaSeed {
                identity: Arc::new(Identity {
                    id: text(item, "id").unwrap_or_else(|| format!("identity-{}", ids.uuid4())).into(),
                    identifier_key: text(item, "identifier_key").unwrap_or_default(),
                    name: text(item, "name").unwrap_or_default(),
                    identity_type: item
                        .get("identity_type")
                        .and_then(Value::as_str)
                        .and_then(IdentityType::parse)
                        .unwrap_or(IdentityType::Other),
                    project_id: text(item, "project_id"),
                    properties: item.get("properties").map(Properties::from_json).unwrap_or_default(),
                    agent_ids: strings(item, "agent_ids"),
                    block_ids: strings(item, "block_ids"),
                }),
                created_micros: item.get("created_at").and_then(Value::as_str).and_then(parse_rfc3339_micros),
            })
            .collect();
        let entities = |key: &str| -> Vec<Arc<Entity>> {
            list(section, key)
                .iter()
                .map(|item| Arc::new(Entity { id: text(item, "id").unwrap_or_default().into(), json: item.clone() }))
                .collect()
        };
        LettaFixtures { identities, agents: entities("agents"), blocks: entities("blocks") }
    }

    fn extend(&mut self, other: LettaFixtures) {
        self.identities.extend(other.identities);
        self.agents.extend(other.agents);
        self.blocks.extend(other.blocks);
    }

    fn counts(&self) -> Vec<usize> {
        vec![self.identities.len(), self.agents.len(), self.blocks.len()]
    }

    fn check(&self, place: Place<'_>) -> Vec<String> {
        let mut problems = Vec::new();
        let agents = unique_ids(place, "agents", &self.agents, &mut problems);
        let blocks = unique_ids(place, "blocks", &self.blocks, &mut problems);
        let capacity = self.identities.len();
        let mut identity_ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        let mut keys = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        for (index, LettaSeed { identity, .. }) in self.identities.iter().enumerate() {
            if let Some(first) = identity_ids.insert(&*identity.id, index) {
                let what = format!("id {}", json_text(Some(&identity.id)));
                problems.push(used_twice(place, "identities", index, first, &what));
            }
            let key = (identity.identifier_key.as_str(), identity.project_id.as_deref());
            if let Some(first) = keys.insert(key, index) {
                let what = format!(
                    "identifier_key {} with project_id {}",
                    json_text(Some(&identity.identifier_key)),
                    json_text(identity.project_id.as_deref())
                );
                problems.push(used_twice(place, "identities", index, first, &what));
            }
            for (links, kind, known, list) in [
                (&identity.agent_ids, "agent", &agents, "agent_ids"),
                (&identity.block_ids, "block", &blocks, "block_ids"),
            ] {
                for (at, id) in links.iter().enumerate().filter(|(_, id)| !known.contains_key(id.as_str())) {
                    problems.push(format!(
                        "{}/{list}/{at}: {kind} {} is not in the fixtures (add it to letta.{kind}s)",
                        place("identities", index),
                        json_text(Some(id))
                    ));
                }
            }
        }
        problems
    }

    /// Links may point at agents and blocks the namespace already holds; a dangling one stores
    /// nothing.
    fn apply(&self, data: &LettaData, now_micros: i64, place: Place<'_>, added: &mut Added) -> Vec<String> {
        let mut problems = Vec::new();
        for (index, LettaSeed { identity, .. }) in self.identities.iter().enumerate() {
            for (links, kind, in_set, stored, list) in [
                (&identity.agent_ids, "agent", &self.agents, &data.agents, "agent_ids"),
                (&identity.block_ids, "block", &self.blocks, &data.blocks, "block_ids"),
            ] {
                for (at, id) in links.iter().enumerate() {
                    if !in_set.iter().any(|item| *item.id == **id) && !stored.contains(id) {
                        problems.push(format!(
                            "{}/{list}/{at}: {kind} {} is neither in the document nor in the namespace",
                            place("identities", index),
                            json_text(Some(id))
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return problems;
        }
        for (list, collection, items, ids) in [
            ("agents", &data.agents, &self.agents, &mut added.agents),
            ("blocks", &data.blocks, &self.blocks, &mut added.blocks),
        ] {
            for (index, item) in items.iter().enumerate() {
                let created =
                    item.json.get("created_at").and_then(Value::as_str).and_then(parse_rfc3339_micros).unwrap_or(0);
                match collection.insert(item.clone(), created) {
                    Ok(()) => ids.push(item.id.clone()),
                    Err(_) => problems.push(format!(
                        "{}: id {} is taken in the namespace",
                        place(list, index),
                        json_text(Some(&item.id))
                    )),
                }
            }
        }
        for (index, LettaSeed { identity, created_micros }) in self.identities.iter().enumerate() {
            match data.identities.insert(identity.clone(), created_micros.unwrap_or(now_micros)) {
                Ok(()) => added.identities.push(identity.id.clone()),
                Err(_) => problems.push(format!(
                    "{}: id {}, or identifier_key {} with project_id {}, is taken in the namespace",
                    place("identities", index),
                    json_text(Some(&identity.id)),
                    json_text(Some(&identity.identifier_key)),
                    json_text(identity.project_id.as_deref())
                )),
            }
        }
        problems
    }

    fn undo(data: &LettaData, added: Added) {
        for id in added.identities {
            data.identities.remove(&id);
        }
        for id in added.agents {
            data.agents.remove(&id);
        }
        for id in added.blocks {
            data.blocks.remove(&id);
        }
    }

    fn dump(data: &LettaData) -> Value {
        let identities: Vec<Value> = data
            .identities
            .snapshot()
            .into_iter()
            .map(|(order, identity)| {
                json!({
                    "id": &*identity.id,
                    "identifier_key": identity.identifier_key,
                    "name": identity.name,
                    "identity_type": identity.identity_type.as_str(),
                    "project_id": identity.project_id,
                    "properties": identity.properties.text(),
                    "agent_ids": identity.agent_ids,
                    "block_ids": identity.block_ids,
                    "created_at": rfc3339_micros(order.created_at_micros),
                })
            })
            .collect();
        let entities = |collection: &Collection<Entity>| -> Vec<Value> {
            collection.snapshot().into_iter().map(|(_, entity)| entity.json.clone()).collect()
        };
        json!({"identities": identities, "agents": entities(&data.agents), "blocks": entities(&data.blocks)})
    }
}

/// The ids of agents or blocks, each with its first index; a repeated id is a problem.
fn unique_ids<'a>(
    place: Place<'_>,
    list: &'static str,
    items: &'a [Arc<Entity>],
    problems: &mut Vec<String>,
) -> HashMap<&'a str, usize, RandomState> {
    let mut seen = HashMap::with_capacity_and_hasher(items.len(), RandomState::default());
    for (index, item) in items.iter().enumerate() {
        if let Some(first) = seen.insert(&*item.id, index) {
            problems.push(used_twice(place, list, index, first, &format!("id {}", json_text(Some(&item.id)))));
        }
    }
    seen
}
