//! Seed data: the bundled fixtures (embedded in the binary), a file, or a folder of files. Every
//! document is validated against the schemas before anything of it is used; a bad one is refused
//! whole, with every problem named by file, JSON pointer and rule.

use crate::ids::IdSource;
use crate::letta::model::{Entity, Identity, IdentityType, Property};
use crate::namespaces::Namespace;
use crate::orq::model::OrqIdentity;
use crate::schema::Schemas;
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The fixtures in `fixtures/`, compiled into the binary so it runs from any directory.
const BUNDLED: &[(&str, &str)] = &[
    (
        "fixtures/letta.json",
        include_str!("../fixtures/letta.json"),
    ),
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

/// Validated seed data, ready to be applied to an empty store.
#[derive(Clone, Debug, Default)]
pub struct FixtureSet {
    pub letta_identities: Vec<Identity>,
    pub letta_agents: Vec<Arc<Value>>,
    pub letta_blocks: Vec<Arc<Value>>,
    /// The orq identities every workspace starts with.
    pub orq_identities: Vec<OrqIdentity>,
}

impl FixtureSet {
    pub fn load(
        source: &FixtureSource,
        schemas: &Schemas,
        ids: &IdSource,
    ) -> Result<FixtureSet, FixtureError> {
        let documents: Vec<(String, String)> = match source {
            FixtureSource::Empty => return Ok(FixtureSet::default()),
            FixtureSource::Bundled => BUNDLED
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            FixtureSource::Path(path) => read_documents(path)?,
            FixtureSource::Document(text) => {
                vec![("<fixtures document>".to_string(), text.clone())]
            }
        };
        let mut set = FixtureSet::default();
        let mut problems = Vec::new();
        for (name, text) in &documents {
            match parse_document(name, text, schemas, ids) {
                Ok(part) => set.extend(part),
                Err(error) => problems.extend(error.problems),
            }
        }
        problems.extend(set.check_references());
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(FixtureError { problems })
        }
    }

    fn extend(&mut self, other: FixtureSet) {
        self.letta_identities.extend(other.letta_identities);
        self.letta_agents.extend(other.letta_agents);
        self.letta_blocks.extend(other.letta_blocks);
        self.orq_identities.extend(other.orq_identities);
    }

    /// Problems that only show once every document is read: duplicates and dangling links.
    fn check_references(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let agents = unique_ids("agent", &self.letta_agents, &mut problems);
        let blocks = unique_ids("block", &self.letta_blocks, &mut problems);
        let mut identity_ids = HashSet::new();
        let mut keys = HashSet::new();
        for identity in &self.letta_identities {
            if !identity_ids.insert(identity.id.as_str()) {
                problems.push(format!(
                    "letta identity {}: the id is used twice",
                    identity.id
                ));
            }
            let key = crate::letta::model::unique_key(
                &identity.identifier_key,
                identity.project_id.as_deref(),
            );
            if !keys.insert(key) {
                problems.push(format!(
                    "letta identity {}: identifier_key {:?} with project_id {:?} is used twice",
                    identity.id, identity.identifier_key, identity.project_id
                ));
            }
            for agent_id in identity
                .agent_ids
                .iter()
                .filter(|id| !agents.contains(id.as_str()))
            {
                problems.push(format!(
                    "letta identity {}: agent {agent_id} is not in the fixtures",
                    identity.id
                ));
            }
            for block_id in identity
                .block_ids
                .iter()
                .filter(|id| !blocks.contains(id.as_str()))
            {
                problems.push(format!(
                    "letta identity {}: block {block_id} is not in the fixtures",
                    identity.id
                ));
            }
        }
        let mut orq_ids = HashSet::new();
        let mut external_ids = HashSet::new();
        for identity in &self.orq_identities {
            if !orq_ids.insert(identity.id.as_str()) {
                problems.push(format!(
                    "orq identity {}: the _id is used twice",
                    identity.id
                ));
            }
            if !external_ids.insert(identity.external_id.as_str()) {
                problems.push(format!(
                    "orq identity {}: external_id {:?} is used twice",
                    identity.id, identity.external_id
                ));
            }
        }
        problems
    }

    /// Stores the fixtures in an empty namespace; `created_micros` is their creation time, and
    /// their order in the documents is their creation order.
    pub fn apply(&self, namespace: &Namespace, created_micros: i64) {
        let letta = &namespace.letta;
        for identity in &self.letta_identities {
            // check_references guarantees the ids and keys are free.
            let _ = letta
                .identities
                .insert(identity.id.clone(), identity.clone(), created_micros);
        }
        for (collection, items) in [
            (&letta.agents, &self.letta_agents),
            (&letta.blocks, &self.letta_blocks),
        ] {
            for item in items {
                let id = item
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let created = item
                    .get("created_at")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339_micros)
                    .unwrap_or(0);
                let _ = collection.insert(id, Entity { json: item.clone() }, created);
            }
        }
        for identity in &self.orq_identities {
            let created = if identity.created_millis == 0 {
                created_micros / 1000
            } else {
                identity.created_millis
            };
            let stored = OrqIdentity {
                created_millis: created,
                updated_millis: created,
                ..identity.clone()
            };
            let _ = namespace
                .orq
                .identities
                .insert(stored.id.clone(), stored, created * 1000);
        }
    }
}

fn unique_ids<'a>(
    kind: &str,
    items: &'a [Arc<Value>],
    problems: &mut Vec<String>,
) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for item in items {
        let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
        if !seen.insert(id) {
            problems.push(format!("letta {kind} {id}: the id is used twice"));
        }
    }
    seen
}

fn parse_rfc3339_micros(text: &str) -> Option<i64> {
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1000).ok()
}

fn read_documents(path: &Path) -> Result<Vec<(String, String)>, FixtureError> {
    let fail = |problem: String| FixtureError {
        problems: vec![problem],
    };
    let mut files = Vec::new();
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(format!("{}: {e}", path.display())))?;
            if entry.path().extension().is_some_and(|ext| ext == "json") {
                files.push(entry.path());
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(fail(format!(
                "{}: the folder holds no .json file",
                path.display()
            )));
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
pub fn parse_document(
    name: &str,
    text: &str,
    schemas: &Schemas,
    ids: &IdSource,
) -> Result<FixtureSet, FixtureError> {
    let document: Value = serde_json::from_str(text).map_err(|e| FixtureError {
        problems: vec![format!("{name}: not valid JSON: {e}")],
    })?;
    let mut problems = Vec::new();
    let Some(sections) = document.as_object() else {
        return Err(FixtureError {
            problems: vec![format!("{name}: the document must be a JSON object")],
        });
    };
    for key in sections
        .keys()
        .filter(|key| !matches!(key.as_str(), "letta" | "orq"))
    {
        problems.push(format!(
            "{name}: /{key}: unknown section (known: letta, orq)"
        ));
    }
    for (section, schema_name) in [("letta", "letta/Fixtures"), ("orq", "orq/Fixtures")] {
        let Some(value) = sections.get(section) else {
            continue;
        };
        for error in schemas.get(schema_name).validator.iter_errors(value) {
            // The rule is named by the file and pointer of the keyword that failed, wherever $ref led.
            let rule = error
                .absolute_keyword_location()
                .map(|uri| uri.as_str().replace(crate::schema::BASE_URI, "schemas/"))
                .unwrap_or_else(|| {
                    format!(
                        "schemas/{schema_name}.json#{}",
                        error.schema_path().as_str()
                    )
                });
            problems.push(format!(
                "{name}: /{section}{}: {error} (rule: {rule})",
                error.instance_path().as_str()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(FixtureError { problems });
    }
    let mut set = sections
        .get("letta")
        .map(|letta| letta_section(letta, ids))
        .unwrap_or_default();
    if let Some(orq) = sections.get("orq") {
        set.orq_identities = orq_section(orq, ids);
    }
    Ok(set)
}

/// Reads an `orq` section the schema already accepted. `created_millis` 0 means "when the server
/// starts".
fn orq_section(orq: &Value, ids: &IdSource) -> Vec<OrqIdentity> {
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(String::from);
    orq.get("identities")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let created = text(item, "created")
                        .and_then(|t| parse_rfc3339_micros(&t))
                        .map_or(0, |micros| micros / 1000);
                    OrqIdentity {
                        id: text(item, "_id")
                            .unwrap_or_else(|| ids.ulid(u64::try_from(created).unwrap_or(0))),
                        external_id: text(item, "external_id").unwrap_or_default(),
                        display_name: text(item, "display_name"),
                        email: text(item, "email"),
                        avatar_url: text(item, "avatar_url"),
                        tags: item
                            .get("tags")
                            .and_then(Value::as_array)
                            .map(|tags| {
                                tags.iter()
                                    .filter_map(Value::as_str)
                                    .map(String::from)
                                    .collect()
                            })
                            .unwrap_or_default(),
                        metadata: item
                            .get("metadata")
                            .and_then(Value::as_object)
                            .cloned()
                            .unwrap_or_default(),
                        created_millis: created,
                        updated_millis: created,
                        metrics: item.get("metrics").and_then(Value::as_object).cloned(),
                        budget: item.get("budget").cloned().map(Arc::new),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads a `letta` section the schema already accepted.
fn letta_section(letta: &Value, ids: &IdSource) -> FixtureSet {
    let list = |key: &str| {
        letta
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let strings = |value: &Value, key: &str| -> Vec<String> {
        value
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(String::from);
    let identities = list("identities")
        .iter()
        .map(|item| Identity {
            id: text(item, "id").unwrap_or_else(|| format!("identity-{}", ids.uuid4())),
            identifier_key: text(item, "identifier_key").unwrap_or_default(),
            name: text(item, "name").unwrap_or_default(),
            identity_type: item
                .get("identity_type")
                .and_then(Value::as_str)
                .and_then(IdentityType::parse)
                .unwrap_or(IdentityType::Other),
            project_id: text(item, "project_id"),
            properties: item
                .get("properties")
                .map(Property::list_from_json)
                .unwrap_or_default(),
            agent_ids: strings(item, "agent_ids"),
            block_ids: strings(item, "block_ids"),
        })
        .collect();
    FixtureSet {
        letta_identities: identities,
        letta_agents: list("agents").into_iter().map(Arc::new).collect(),
        letta_blocks: list("blocks").into_iter().map(Arc::new).collect(),
        orq_identities: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FixtureSet, FixtureError> {
        parse_document(
            "test.json",
            text,
            Schemas::bundled().unwrap(),
            &IdSource::seeded(1),
        )
    }

    #[test]
    fn bundled_orq_fixtures_have_tags_metadata_metrics_and_a_budget() {
        let set = FixtureSet::load(
            &FixtureSource::Bundled,
            Schemas::bundled().unwrap(),
            &IdSource::random(),
        )
        .unwrap();
        assert!(set.orq_identities.len() >= 4);
        assert!(set
            .orq_identities
            .iter()
            .any(|i| !i.tags.is_empty() && !i.metadata.is_empty()));
        assert!(set.orq_identities.iter().any(|i| i.metrics.is_some()));
        assert!(set.orq_identities.iter().any(|i| i.budget.is_some()));
    }

    #[test]
    fn bundled_fixtures_are_valid_and_linked() {
        let set = FixtureSet::load(
            &FixtureSource::Bundled,
            Schemas::bundled().unwrap(),
            &IdSource::random(),
        )
        .unwrap();
        assert!(set.letta_identities.len() >= 5);
        assert_eq!(set.letta_agents.len(), 2);
        assert!(set
            .letta_identities
            .iter()
            .any(|i| !i.agent_ids.is_empty() && !i.block_ids.is_empty()));
        for kind in ["org", "user", "other"] {
            assert!(
                set.letta_identities
                    .iter()
                    .any(|i| i.identity_type.as_str() == kind),
                "{kind}"
            );
        }
    }

    #[test]
    fn a_bad_document_names_file_pointer_and_rule() {
        let error = parse(r#"{"letta": {"identities": [{"identifier_key": "k", "name": "n", "identity_type": "robot"}]}}"#).unwrap_err();
        assert_eq!(error.problems.len(), 1);
        let problem = &error.problems[0];
        assert!(
            problem.starts_with("test.json: /letta/identities/0/identity_type: "),
            "{problem}"
        );
        assert!(
            problem.contains("rule: schemas/letta/IdentityType.json#/enum)"),
            "{problem}"
        );
    }

    #[test]
    fn unknown_sections_and_invalid_json_are_refused() {
        assert!(parse(r#"{"lettta": {}}"#).unwrap_err().problems[0]
            .contains("/lettta: unknown section"));
        assert!(parse("{").unwrap_err().problems[0].starts_with("test.json: not valid JSON"));
        assert!(parse("[]").is_err());
    }

    #[test]
    fn missing_ids_are_generated_and_links_are_checked() {
        let set = parse(r#"{"letta": {"identities": [{"identifier_key": "k", "name": "n", "identity_type": "user"}]}}"#).unwrap();
        assert_eq!(set.letta_identities[0].id.len(), 45);
        let dangling = FixtureSet {
            letta_identities: vec![Identity {
                agent_ids: vec!["agent-x".into()],
                ..set.letta_identities[0].clone()
            }],
            ..FixtureSet::default()
        };
        assert_eq!(
            dangling.check_references(),
            vec![format!(
                "letta identity {}: agent agent-x is not in the fixtures",
                set.letta_identities[0].id
            )]
        );
    }
}
