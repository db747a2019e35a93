//! Seed data: the bundled fixtures (embedded in the binary), a file, a folder of files, or a
//! document loaded at run time. Every document is validated against the schemas before anything
//! of it is used; a bad one is refused whole, with every problem named by file, JSON pointer and
//! rule.
//!
//! A document holds `letta` and `orq` sections, which every namespace starts with, and optionally
//! `namespaces: {"<name>": {"letta": …, "orq": …}}`, which a named namespace starts with instead.
//! `GET /__admin/state` writes the whole state in this format, so a dump loads back as it was.

use crate::clock::rfc3339_micros;
use crate::data::Namespace;
use crate::ids::IdSource;
use crate::json_text::JsonText;
use crate::letta::model::{Entity, Identity, IdentityType, Properties};
use crate::orq::model::{iso_millis, metrics_from_json, metrics_to_json, OrqIdentity};
use crate::schema::Schemas;
use foldhash::fast::RandomState;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The fixtures in `fixtures/`, compiled into the binary so it runs from any directory.
const BUNDLED: &[(&str, &str)] = &[
    ("fixtures/letta.json", include_str!("../fixtures/letta.json")),
    ("fixtures/orq.json", include_str!("../fixtures/orq.json")),
];

/// Where the starting data comes from.
#[derive(Clone, Debug, Default)]
pub enum FixtureSource {
    #[default]
    Bundled,
    /// A JSON file, or a folder whose `*.json` files are read in name order.
    Path(PathBuf),
    /// A fixtures document given as text, e.g. by a test.
    Document(String),
    Empty,
}

/// Everything that is wrong with a fixtures source, one line per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    pub problems: Vec<String>,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid fixtures:")?;
        for problem in &self.problems {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FixtureError {}

/// A Letta identity to seed, with its creation time when the document gives one.
#[derive(Clone, Debug)]
pub struct LettaSeed {
    pub identity: Arc<Identity>,
    pub created_micros: Option<i64>,
}

/// The data of one namespace, validated and ready to be stored. Its records are shared with every
/// namespace seeded from it, not copied: a namespace gets its own copy of a record when it changes it.
#[derive(Clone, Debug, Default)]
pub struct FixtureSet {
    pub letta_identities: Vec<LettaSeed>,
    pub letta_agents: Vec<Arc<Entity>>,
    pub letta_blocks: Vec<Arc<Entity>>,
    /// `created_millis` 0 means "when the namespace is created".
    pub orq_identities: Vec<Arc<OrqIdentity>>,
    /// Where each record came from, for problems that name its place.
    origins: Origins,
}

/// The kinds of record a set holds, with where they sit in a document.
#[derive(Clone, Copy, Debug)]
enum Kind {
    LettaIdentity,
    LettaAgent,
    LettaBlock,
    OrqIdentity,
}

impl Kind {
    fn pointer(self) -> &'static str {
        match self {
            Kind::LettaIdentity => "letta/identities",
            Kind::LettaAgent => "letta/agents",
            Kind::LettaBlock => "letta/blocks",
            Kind::OrqIdentity => "orq/identities",
        }
    }
}

/// The documents merged into a set, in order, with how many records of each kind each gave: a
/// record's place (file and JSON pointer) follows from its index, so no record has to carry it.
#[derive(Clone, Debug, Default)]
struct Origins(Vec<DocumentPart>);

#[derive(Clone, Debug)]
struct DocumentPart {
    document: Arc<str>,
    /// `""`, or `/namespaces/<name>` for a named namespace's sections.
    pointer: String,
    /// Records of each [`Kind`], in its order.
    counts: [usize; 4],
}

impl Origins {
    /// `file: /letta/identities/3`, the place of the `index`-th record of `kind` in the set.
    fn place(&self, kind: Kind, index: usize) -> String {
        let mut rest = index;
        for part in &self.0 {
            let count = part.counts[kind as usize];
            if rest < count {
                return format!("{}: {}/{}/{rest}", part.document, part.pointer, kind.pointer());
            }
            rest -= count;
        }
        format!("{} {index}", kind.pointer())
    }
}

/// A value as JSON shows it: `"text"` or `null`.
fn json_text(value: Option<&str>) -> String {
    serde_json::to_string(&value).unwrap_or_default()
}

/// A whole fixtures document (or several, merged).
#[derive(Clone, Debug, Default)]
pub struct Fixtures {
    /// What every namespace starts with.
    pub common: FixtureSet,
    /// What a named namespace starts with instead.
    pub namespaces: BTreeMap<String, FixtureSet>,
}

impl Fixtures {
    pub fn load(source: &FixtureSource, schemas: &Schemas, ids: &IdSource) -> Result<Fixtures, FixtureError> {
        let documents: Vec<(String, String)> = match source {
            FixtureSource::Empty => return Ok(Fixtures::default()),
            FixtureSource::Bundled => BUNDLED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
            FixtureSource::Path(path) => read_documents(path)?,
            FixtureSource::Document(text) => vec![("<fixtures document>".to_string(), text.clone())],
        };
        let mut fixtures = Fixtures::default();
        let mut problems = Vec::new();
        for (index, (name, text)) in documents.iter().enumerate() {
            match parse_document(name, text, schemas, ids) {
                Ok(part) if index == 0 => fixtures = part,
                Ok(part) => fixtures.extend(part),
                Err(error) => problems.extend(error.problems),
            }
        }
        problems.extend(fixtures.common.check_references());
        for set in fixtures.namespaces.values() {
            problems.extend(set.check_references());
        }
        if problems.is_empty() {
            Ok(fixtures)
        } else {
            Err(FixtureError { problems })
        }
    }

    fn extend(&mut self, other: Fixtures) {
        self.common.extend(other.common);
        for (name, set) in other.namespaces {
            self.namespaces.entry(name).or_default().extend(set);
        }
    }

    /// What the namespace called `name` starts with.
    pub fn for_namespace(&self, name: &str) -> &FixtureSet {
        self.namespaces.get(name).unwrap_or(&self.common)
    }
}

impl FixtureSet {
    fn extend(&mut self, other: FixtureSet) {
        self.letta_identities.extend(other.letta_identities);
        self.letta_agents.extend(other.letta_agents);
        self.letta_blocks.extend(other.letta_blocks);
        self.orq_identities.extend(other.orq_identities);
        self.origins.0.extend(other.origins.0);
    }

    /// Problems inside the set: duplicates and dangling links, each naming its place and, for a
    /// duplicate, the place of the first.
    fn check_references(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let place = |kind, index| self.origins.place(kind, index);
        let agents = self.unique_ids(Kind::LettaAgent, &self.letta_agents, &mut problems);
        let blocks = self.unique_ids(Kind::LettaBlock, &self.letta_blocks, &mut problems);
        let capacity = self.letta_identities.len();
        let mut identity_ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        let mut keys = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        for (index, LettaSeed { identity, .. }) in self.letta_identities.iter().enumerate() {
            if let Some(first) = identity_ids.insert(&*identity.id, index) {
                problems.push(format!(
                    "{}: id {} is used twice (first at {})",
                    place(Kind::LettaIdentity, index),
                    json_text(Some(&identity.id)),
                    place(Kind::LettaIdentity, first)
                ));
            }
            let key = (identity.identifier_key.as_str(), identity.project_id.as_deref());
            if let Some(first) = keys.insert(key, index) {
                problems.push(format!(
                    "{}: identifier_key {} with project_id {} is used twice (first at {})",
                    place(Kind::LettaIdentity, index),
                    json_text(Some(&identity.identifier_key)),
                    json_text(identity.project_id.as_deref()),
                    place(Kind::LettaIdentity, first)
                ));
            }
            for (links, kind, known, list) in [
                (&identity.agent_ids, "agent", &agents, "agent_ids"),
                (&identity.block_ids, "block", &blocks, "block_ids"),
            ] {
                for (at, id) in links.iter().enumerate().filter(|(_, id)| !known.contains_key(id.as_str())) {
                    problems.push(format!(
                        "{}/{list}/{at}: {kind} {} is not in the fixtures (add it to letta.{kind}s)",
                        place(Kind::LettaIdentity, index),
                        json_text(Some(id))
                    ));
                }
            }
        }
        let capacity = self.orq_identities.len();
        let mut orq_ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        let mut external_ids = HashMap::with_capacity_and_hasher(capacity, RandomState::default());
        for (index, identity) in self.orq_identities.iter().enumerate() {
            if let Some(first) = orq_ids.insert(&*identity.id, index) {
                problems.push(format!(
                    "{}: _id {} is used twice (first at {})",
                    place(Kind::OrqIdentity, index),
                    json_text(Some(&identity.id)),
                    place(Kind::OrqIdentity, first)
                ));
            }
            if let Some(first) = external_ids.insert(identity.external_id.as_str(), index) {
                problems.push(format!(
                    "{}: external_id {} is used twice (first at {})",
                    place(Kind::OrqIdentity, index),
                    json_text(Some(&identity.external_id)),
                    place(Kind::OrqIdentity, first)
                ));
            }
        }
        problems
    }

    /// The ids of agents or blocks, each with its first index; a repeated id is a problem.
    fn unique_ids<'a>(
        &self,
        kind: Kind,
        items: &'a [Arc<Entity>],
        problems: &mut Vec<String>,
    ) -> HashMap<&'a str, usize, RandomState> {
        let mut seen = HashMap::with_capacity_and_hasher(items.len(), RandomState::default());
        for (index, item) in items.iter().enumerate() {
            if let Some(first) = seen.insert(&*item.id, index) {
                problems.push(format!(
                    "{}: id {} is used twice (first at {})",
                    self.origins.place(kind, index),
                    json_text(Some(&item.id)),
                    self.origins.place(kind, first)
                ));
            }
        }
        seen
    }

    /// Stores the set in `namespace`. Links may point at agents and blocks the namespace already
    /// holds. Either everything lands, and the receipt can take it back, or, when an id or unique
    /// key is taken, nothing does and the problems are returned. `now_micros` is the creation time
    /// of records that give none.
    pub fn apply(&self, namespace: &Arc<Namespace>, now_micros: i64) -> Result<Receipt, Vec<String>> {
        let mut problems = Vec::new();
        let letta = &namespace.letta;
        for (index, LettaSeed { identity, .. }) in self.letta_identities.iter().enumerate() {
            for (links, kind, in_set, stored, list) in [
                (&identity.agent_ids, "agent", &self.letta_agents, &letta.agents, "agent_ids"),
                (&identity.block_ids, "block", &self.letta_blocks, &letta.blocks, "block_ids"),
            ] {
                for (at, id) in links.iter().enumerate() {
                    if !in_set.iter().any(|item| *item.id == **id) && !stored.contains(id) {
                        problems.push(format!(
                            "{}/{list}/{at}: {kind} {} is neither in the document nor in the namespace",
                            self.origins.place(Kind::LettaIdentity, index),
                            json_text(Some(id))
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut undo = Undo::default();
        for (kind, collection, items, ids) in [
            (Kind::LettaAgent, &letta.agents, &self.letta_agents, &mut undo.agents),
            (Kind::LettaBlock, &letta.blocks, &self.letta_blocks, &mut undo.blocks),
        ] {
            for (index, item) in items.iter().enumerate() {
                let created =
                    item.json.get("created_at").and_then(Value::as_str).and_then(parse_rfc3339_micros).unwrap_or(0);
                match collection.insert(item.clone(), created) {
                    Ok(()) => ids.push(item.id.clone()),
                    Err(_) => problems.push(format!(
                        "{}: id {} is taken in the namespace",
                        self.origins.place(kind, index),
                        json_text(Some(&item.id))
                    )),
                }
            }
        }
        for (index, LettaSeed { identity, created_micros }) in self.letta_identities.iter().enumerate() {
            match letta.identities.insert(identity.clone(), created_micros.unwrap_or(now_micros)) {
                Ok(()) => undo.letta_identities.push(identity.id.clone()),
                Err(_) => problems.push(format!(
                    "{}: id {}, or identifier_key {} with project_id {}, is taken in the namespace",
                    self.origins.place(Kind::LettaIdentity, index),
                    json_text(Some(&identity.id)),
                    json_text(Some(&identity.identifier_key)),
                    json_text(identity.project_id.as_deref())
                )),
            }
        }
        for (index, identity) in self.orq_identities.iter().enumerate() {
            // Only an identity without timestamps is copied: it is created now.
            let stored = if identity.created_millis == 0 {
                let now = now_micros / 1000;
                Arc::new(OrqIdentity { created_millis: now, updated_millis: now, ..OrqIdentity::clone(identity) })
            } else {
                identity.clone()
            };
            match namespace.orq.identities.insert(stored.clone(), stored.created_millis * 1000) {
                Ok(()) => undo.orq_identities.push(identity.id.clone()),
                Err(_) => problems.push(format!(
                    "{}: _id {}, or external_id {}, is taken in the namespace",
                    self.origins.place(Kind::OrqIdentity, index),
                    json_text(Some(&identity.id)),
                    json_text(Some(&identity.external_id))
                )),
            }
        }
        let receipt = Receipt { namespace: namespace.clone(), added: undo };
        if problems.is_empty() {
            Ok(receipt)
        } else {
            receipt.undo();
            Err(problems)
        }
    }
}

/// What [`FixtureSet::apply`] added, so that it can be taken back: by apply itself when a record
/// cannot land, or by a caller whose later step failed.
pub struct Receipt {
    namespace: Arc<Namespace>,
    added: Undo,
}

impl Receipt {
    /// Removes what the set added.
    pub fn undo(self) {
        self.added.run(&self.namespace);
    }
}

#[derive(Default)]
struct Undo {
    agents: Vec<Arc<str>>,
    blocks: Vec<Arc<str>>,
    letta_identities: Vec<Arc<str>>,
    orq_identities: Vec<Arc<str>>,
}

impl Undo {
    fn run(self, namespace: &Namespace) {
        for id in self.letta_identities {
            namespace.letta.identities.remove(&id);
        }
        for id in self.agents {
            namespace.letta.agents.remove(&id);
        }
        for id in self.blocks {
            namespace.letta.blocks.remove(&id);
        }
        for id in self.orq_identities {
            namespace.orq.identities.remove(&id);
        }
    }
}

fn parse_rfc3339_micros(text: &str) -> Option<i64> {
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1000).ok()
}

fn read_documents(path: &Path) -> Result<Vec<(String, String)>, FixtureError> {
    let fail = |problem: String| FixtureError { problems: vec![problem] };
    let mut files = Vec::new();
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(format!("{}: {e}", path.display())))?;
            if entry.path().extension().is_some_and(|ext| ext == "json") {
                files.push(entry.path());
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(fail(format!("{}: the folder holds no .json file", path.display())));
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|file| {
            std::fs::read_to_string(&file)
                .map(|text| (file.display().to_string(), text))
                .map_err(|e| fail(format!("{}: {e}", file.display())))
        })
        .collect()
}

/// Parses and validates one fixtures document. `name` is how problems refer to it.
pub fn parse_document(name: &str, text: &str, schemas: &Schemas, ids: &IdSource) -> Result<Fixtures, FixtureError> {
    let document: Value = serde_json::from_str(text)
        .map_err(|e| FixtureError { problems: vec![format!("{name}: not valid JSON: {e}")] })?;
    let Some(sections) = document.as_object() else {
        return Err(FixtureError { problems: vec![format!("{name}: the document must be a JSON object")] });
    };
    let mut problems = Vec::new();
    for key in sections.keys().filter(|key| !matches!(key.as_str(), "letta" | "orq" | "namespaces")) {
        problems.push(format!("{name}: /{key}: unknown section (known: letta, orq, namespaces)"));
    }
    let no_namespaces = Map::new();
    let named = match sections.get("namespaces") {
        None => &no_namespaces,
        Some(Value::Object(named)) => named,
        Some(_) => {
            problems.push(format!("{name}: /namespaces: must be an object of namespace name to sections"));
            &no_namespaces
        }
    };
    let named: Vec<(&String, &Map<String, Value>)> = named
        .iter()
        .filter_map(|(namespace, value)| {
            let pointer = namespace_pointer(namespace);
            let Some(inner) = value.as_object() else {
                problems.push(format!("{name}: {pointer}: must be an object with letta and orq sections"));
                return None;
            };
            for key in inner.keys().filter(|key| !matches!(key.as_str(), "letta" | "orq")) {
                problems.push(format!("{name}: {pointer}/{key}: unknown section (known: letta, orq)"));
            }
            Some((namespace, inner))
        })
        .collect();
    // The records are built while the schemas check the sections, on another core: with large
    // fixtures each takes a good part of the start. Building never fails; a problem found by the
    // check throws the records away.
    let document: Arc<str> = name.into();
    let fixtures = std::thread::scope(|scope| {
        let building = scope.spawn(|| Fixtures {
            common: read_set(&document, String::new(), sections, ids),
            namespaces: named
                .iter()
                .map(|(namespace, inner)| {
                    let set = read_set(&document, namespace_pointer(namespace), inner, ids);
                    ((*namespace).clone(), set)
                })
                .collect(),
        });
        check_sections(name, "", sections, schemas, &mut problems);
        for (namespace, inner) in &named {
            check_sections(name, &namespace_pointer(namespace), inner, schemas, &mut problems);
        }
        building.join()
    });
    if !problems.is_empty() {
        return Err(FixtureError { problems });
    }
    // Building only reads a document that parsed: it cannot panic, but if it ever did, say so.
    fixtures.map_err(|_| FixtureError { problems: vec![format!("{name}: the fixtures could not be read")] })
}

fn namespace_pointer(namespace: &str) -> String {
    format!("/namespaces/{}", namespace.replace('~', "~0").replace('/', "~1"))
}

fn check_sections(
    name: &str,
    pointer: &str,
    sections: &Map<String, Value>,
    schemas: &Schemas,
    problems: &mut Vec<String>,
) {
    for (section, schema_name) in [("letta", "letta/Fixtures"), ("orq", "orq/Fixtures")] {
        let Some(value) = sections.get(section) else { continue };
        for error in schemas.get(schema_name).validator.iter_errors(value) {
            // The rule is named by the file and pointer of the keyword that failed, wherever $ref led.
            let rule = error
                .absolute_keyword_location()
                .map(|uri| uri.as_str().replace(crate::schema::BASE_URI, "schemas/"))
                .unwrap_or_else(|| format!("schemas/{schema_name}.json#{}", error.schema_path().as_str()));
            problems
                .push(format!("{name}: {pointer}/{section}{}: {error} (rule: {rule})", error.instance_path().as_str()));
        }
    }
}

fn read_set(document: &Arc<str>, pointer: String, sections: &Map<String, Value>, ids: &IdSource) -> FixtureSet {
    let mut set = sections.get("letta").map(|letta| letta_section(letta, ids)).unwrap_or_default();
    if let Some(orq) = sections.get("orq") {
        set.orq_identities = orq_section(orq, ids);
    }
    let counts = [set.letta_identities.len(), set.letta_agents.len(), set.letta_blocks.len(), set.orq_identities.len()];
    set.origins = Origins(vec![DocumentPart { document: document.clone(), pointer, counts }]);
    set
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(String::from)
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// Reads an `orq` section the schema already accepted.
fn orq_section(orq: &Value, ids: &IdSource) -> Vec<Arc<OrqIdentity>> {
    let millis = |item: &Value, key: &str| {
        item.get(key).and_then(Value::as_str).and_then(parse_rfc3339_micros).map_or(0, |micros| micros / 1000)
    };
    let items = orq.get("identities").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .map(|item| {
            let created = millis(item, "created");
            let updated = millis(item, "updated");
            Arc::new(OrqIdentity {
                id: text(item, "_id").unwrap_or_else(|| ids.ulid(u64::try_from(created).unwrap_or(0))).into(),
                external_id: text(item, "external_id").unwrap_or_default(),
                display_name: text(item, "display_name"),
                email: text(item, "email"),
                avatar_url: text(item, "avatar_url"),
                tags: strings(item, "tags"),
                metadata: JsonText::encode(item.get("metadata").unwrap_or(&Value::Object(Map::new()))),
                created_millis: created,
                // An identity never updated was last updated when it was created.
                updated_millis: if updated == 0 { created } else { updated },
                metrics: item.get("metrics").and_then(Value::as_object).map(metrics_from_json),
                budget: item.get("budget").map(JsonText::encode),
            })
        })
        .collect()
}

/// Reads a `letta` section the schema already accepted.
fn letta_section(letta: &Value, ids: &IdSource) -> FixtureSet {
    let list = |key: &str| letta.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let identities = list("identities")
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
        list(key)
            .iter()
            .map(|item| Arc::new(Entity { id: text(item, "id").unwrap_or_default().into(), json: item.clone() }))
            .collect()
    };
    FixtureSet {
        letta_identities: identities,
        letta_agents: entities("agents"),
        letta_blocks: entities("blocks"),
        ..FixtureSet::default()
    }
}

/// A namespace's whole state as `letta` and `orq` sections of a fixtures document.
pub fn dump_namespace(namespace: &Namespace) -> Value {
    let letta = &namespace.letta;
    let identities: Vec<Value> = letta
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
    let entities = |collection: &crate::store::Collection<Entity>| -> Vec<Value> {
        collection.snapshot().into_iter().map(|(_, entity)| entity.json.clone()).collect()
    };
    let orq: Vec<Value> = namespace
        .orq
        .identities
        .snapshot()
        .into_iter()
        .map(|(_, identity)| {
            let mut out = Map::new();
            out.insert("_id".into(), Value::from(&*identity.id));
            out.insert("external_id".into(), Value::from(identity.external_id.as_str()));
            for (key, value) in [
                ("display_name", &identity.display_name),
                ("email", &identity.email),
                ("avatar_url", &identity.avatar_url),
            ] {
                if let Some(value) = value {
                    out.insert(key.into(), Value::from(value.as_str()));
                }
            }
            out.insert("tags".into(), Value::from(identity.tags.clone()));
            out.insert("metadata".into(), identity.metadata.to_value());
            out.insert("created".into(), Value::from(iso_millis(identity.created_millis)));
            out.insert("updated".into(), Value::from(iso_millis(identity.updated_millis)));
            if let Some(metrics) = &identity.metrics {
                out.insert("metrics".into(), metrics_to_json(metrics));
            }
            if let Some(budget) = &identity.budget {
                out.insert("budget".into(), budget.to_value());
            }
            Value::Object(out)
        })
        .collect();
    json!({
        "letta": {"identities": identities, "agents": entities(&letta.agents), "blocks": entities(&letta.blocks)},
        "orq": {"identities": orq},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Fixtures, FixtureError> {
        parse_document("test.json", text, Schemas::bundled().unwrap(), &IdSource::seeded(1))
    }

    fn bundled() -> Fixtures {
        Fixtures::load(&FixtureSource::Bundled, Schemas::bundled().unwrap(), &IdSource::random()).unwrap()
    }

    #[test]
    fn bundled_orq_fixtures_have_tags_metadata_metrics_and_a_budget() {
        let set = bundled().common;
        assert!(set.orq_identities.len() >= 4);
        assert!(set.orq_identities.iter().any(|i| !i.tags.is_empty() && i.metadata.as_str() != "{}"));
        assert!(set.orq_identities.iter().any(|i| i.metrics.is_some()));
        assert!(set.orq_identities.iter().any(|i| i.budget.is_some()));
    }

    #[test]
    fn bundled_fixtures_are_valid_and_linked() {
        let set = bundled().common;
        assert!(set.letta_identities.len() >= 5);
        assert_eq!(set.letta_agents.len(), 2);
        assert!(set
            .letta_identities
            .iter()
            .any(|s| !s.identity.agent_ids.is_empty() && !s.identity.block_ids.is_empty()));
        for kind in ["org", "user", "other"] {
            assert!(set.letta_identities.iter().any(|s| s.identity.identity_type.as_str() == kind), "{kind}");
        }
    }

    #[test]
    fn a_bad_document_names_file_pointer_and_rule() {
        let error =
            parse(r#"{"letta": {"identities": [{"identifier_key": "k", "name": "n", "identity_type": "robot"}]}}"#)
                .unwrap_err();
        assert_eq!(error.problems.len(), 1);
        let problem = &error.problems[0];
        assert!(problem.starts_with("test.json: /letta/identities/0/identity_type: "), "{problem}");
        assert!(problem.contains("rule: schemas/letta/IdentityType.json#/enum)"), "{problem}");
        let nested = parse(r#"{"namespaces": {"a/b": {"orq": {"identities": [{"external_id": 5}]}}}}"#).unwrap_err();
        assert!(
            nested.problems[0].starts_with("test.json: /namespaces/a~1b/orq/identities/0/external_id: "),
            "{nested:?}"
        );
    }

    #[test]
    fn unknown_sections_and_invalid_json_are_refused() {
        assert!(parse(r#"{"lettta": {}}"#).unwrap_err().problems[0].contains("/lettta: unknown section"));
        assert!(parse(r#"{"orq": {"identities": [{"display_name": "no external id"}]}}"#).unwrap_err().problems[0]
            .starts_with("test.json: /orq/identities/0: "));
        assert!(parse(r#"{"namespaces": {"x": {"letta": {}, "extra": 1}}}"#).unwrap_err().problems[0]
            .contains("/namespaces/x/extra"));
        assert!(parse("{").unwrap_err().problems[0].starts_with("test.json: not valid JSON"));
        assert!(parse("[]").is_err());
    }

    #[test]
    fn missing_ids_are_generated() {
        let fixtures =
            parse(r#"{"letta": {"identities": [{"identifier_key": "k", "name": "n", "identity_type": "user"}]}}"#)
                .unwrap();
        assert_eq!(fixtures.common.letta_identities[0].identity.id.len(), 45);
    }

    #[test]
    fn duplicates_and_dangling_links_name_both_places() {
        let load = |documents: &[(&str, &str)]| {
            let schemas = Schemas::bundled().unwrap();
            let ids = IdSource::seeded(1);
            let mut fixtures = Fixtures::default();
            for (name, text) in documents {
                fixtures.extend(parse_document(name, text, schemas, &ids).unwrap());
            }
            let mut problems = fixtures.common.check_references();
            problems.extend(fixtures.namespaces.values().flat_map(FixtureSet::check_references));
            problems
        };
        let person = |key: &str| format!(r#"{{"identifier_key": "{key}", "name": "n", "identity_type": "user"}}"#);
        let first = format!(r#"{{"letta": {{"identities": [{}, {}]}}}}"#, person("a"), person("b"));
        let second = r#"{"letta": {"identities": [{"identifier_key": "b", "name": "n", "identity_type": "user",
                 "agent_ids": ["agent-00000000-0000-4000-8000-000000000000"]}]},
                "namespaces": {"team/a": {"orq": {"identities": [{"external_id": "e"}, {"external_id": "e"}]}}}}"#;
        assert_eq!(
            load(&[("one.json", &first), ("two.json", second)]),
            vec![
                "two.json: /letta/identities/0: identifier_key \"b\" with project_id null is used twice \
                 (first at one.json: /letta/identities/1)"
                    .to_string(),
                "two.json: /letta/identities/0/agent_ids/0: agent \"agent-00000000-0000-4000-8000-000000000000\" is not in the fixtures (add it to \
                 letta.agents)"
                    .to_string(),
                "two.json: /namespaces/team~1a/orq/identities/1: external_id \"e\" is used twice (first at \
                 two.json: /namespaces/team~1a/orq/identities/0)"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn named_namespaces_replace_the_common_sections() {
        let fixtures = parse(
            r#"{"orq": {"identities": [{"external_id": "common"}]},
                "namespaces": {"team-a": {"orq": {"identities": [{"external_id": "a1"}, {"external_id": "a2"}]}}}}"#,
        )
        .unwrap();
        assert_eq!(fixtures.for_namespace("team-a").orq_identities.len(), 2);
        assert_eq!(fixtures.for_namespace("other").orq_identities[0].external_id, "common");
    }

    #[test]
    fn microsecond_timestamps_round_trip() {
        for micros in [0, 1_795_433_889_053_018, 1_709_251_199_999_999] {
            assert_eq!(parse_rfc3339_micros(&rfc3339_micros(micros)), Some(micros));
        }
    }
}
