//! Seed data: the bundled fixtures (embedded in the binary), a file, a folder of files, or a
//! document loaded at run time. Every document is validated against the schemas before anything
//! of it is used; a bad one is refused whole, with every problem named by file, JSON pointer and
//! rule.
//!
//! A document holds one section per vendor (`letta`, `orq`; each vendor reads, checks, applies
//! and dumps its own, see [`crate::section::Section`]), which every namespace starts with, and
//! optionally `namespaces: {"<name>": {"letta": …, "orq": …}}`, which a named namespace starts
//! with instead. `GET /__admin/state` writes the whole state in this format, so a dump loads back
//! as it was.

use crate::data::Namespace;
use crate::ids::IdSource;
use crate::letta::fixtures::LettaFixtures;
use crate::orq::fixtures::OrqFixtures;
use crate::schema::Schemas;
use crate::section::Section;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
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

/// The data of one namespace, validated and ready to be stored: a section per vendor. Its records
/// are shared with every namespace seeded from it, not copied: a namespace gets its own copy of a
/// record when it changes it.
#[derive(Clone, Debug, Default)]
pub struct FixtureSet {
    pub letta: LettaFixtures,
    pub orq: OrqFixtures,
    /// Where each record came from, for problems that name its place.
    origins: Origins,
}

/// The documents merged into a set, in order, with how many records each gave to each list: a
/// record's place (file and JSON pointer) follows from its index, so no record carries it.
#[derive(Clone, Debug, Default)]
struct Origins(Vec<DocumentPart>);

#[derive(Clone, Debug)]
struct DocumentPart {
    document: Arc<str>,
    /// `""`, or `/namespaces/<name>` for a named namespace's sections.
    pointer: String,
    /// `(section, list)` and how many records the document gave it.
    counts: Vec<((&'static str, &'static str), usize)>,
}

impl Origins {
    /// `file: /letta/identities/3`: the place of the `index`-th record of a section's list.
    fn place(&self, section: &'static str, list: &'static str, index: usize) -> String {
        let mut rest = index;
        for part in &self.0 {
            let count = part.counts.iter().find(|(key, _)| *key == (section, list)).map_or(0, |(_, n)| *n);
            if rest < count {
                return format!("{}: {}/{section}/{list}/{rest}", part.document, part.pointer);
            }
            rest -= count;
        }
        format!("{section}/{list} {index}")
    }
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
        problems.extend(fixtures.common.check());
        for set in fixtures.namespaces.values() {
            problems.extend(set.check());
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
        self.letta.extend(other.letta);
        self.orq.extend(other.orq);
        self.origins.0.extend(other.origins.0);
    }

    fn place<S: Section>(&self) -> impl Fn(&'static str, usize) -> String + '_ {
        move |list, index| self.origins.place(S::KEY, list, index)
    }

    /// Problems inside the set: duplicates and dangling links, each naming its place and, for a
    /// duplicate, the place of the first.
    fn check(&self) -> Vec<String> {
        let mut problems = self.letta.check(&self.place::<LettaFixtures>());
        problems.extend(self.orq.check(&self.place::<OrqFixtures>()));
        problems
    }

    /// Stores the set in `namespace`. Links may point at agents and blocks the namespace already
    /// holds. Either everything lands, and the receipt can take it back, or, when an id or unique
    /// key is taken, nothing does and the problems are returned. `now_micros` is the creation time
    /// of records that give none.
    pub fn apply(&self, namespace: &Arc<Namespace>, now_micros: i64) -> Result<Receipt, Vec<String>> {
        let mut receipt = Receipt { namespace: namespace.clone(), letta: Default::default(), orq: Default::default() };
        let mut problems =
            self.letta.apply(&namespace.letta, now_micros, &self.place::<LettaFixtures>(), &mut receipt.letta);
        problems.extend(self.orq.apply(&namespace.orq, now_micros, &self.place::<OrqFixtures>(), &mut receipt.orq));
        if problems.is_empty() {
            Ok(receipt)
        } else {
            receipt.undo();
            Err(problems)
        }
    }

    /// How many records each vendor's lists hold, for the admin API's answer to a load.
    pub fn counts(&self) -> Map<String, Value> {
        let mut counts = Map::new();
        section_counts::<LettaFixtures>(&self.letta, &mut counts);
        section_counts::<OrqFixtures>(&self.orq, &mut counts);
        counts
    }
}

/// `letta_identities: 5`, and so on, for each list of a section.
fn section_counts<S: Section>(section: &S, out: &mut Map<String, Value>) {
    for (list, count) in S::LISTS.iter().zip(section.counts()) {
        out.insert(format!("{}_{list}", S::KEY), Value::from(count));
    }
}

/// What [`FixtureSet::apply`] added, so that it can be taken back: by apply itself when a record
/// cannot land, or by a caller whose later step failed.
pub struct Receipt {
    namespace: Arc<Namespace>,
    letta: <LettaFixtures as Section>::Added,
    orq: <OrqFixtures as Section>::Added,
}

impl Receipt {
    /// Removes what the set added.
    pub fn undo(self) {
        LettaFixtures::undo(&self.namespace.letta, self.letta);
        OrqFixtures::undo(&self.namespace.orq, self.orq);
    }
}

/// A namespace's whole state as sections of a fixtures document.
pub fn dump_namespace(namespace: &Namespace) -> Value {
    let mut sections = Map::new();
    sections.insert(LettaFixtures::KEY.into(), LettaFixtures::dump(&namespace.letta));
    sections.insert(OrqFixtures::KEY.into(), OrqFixtures::dump(&namespace.orq));
    Value::Object(sections)
}

/// The section keys a document may hold besides `namespaces`.
const SECTIONS: [&str; 2] = [LettaFixtures::KEY, OrqFixtures::KEY];

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
    let known = SECTIONS.join(", ");
    let mut problems = Vec::new();
    for key in sections.keys().filter(|key| *key != "namespaces" && !SECTIONS.contains(&key.as_str())) {
        problems.push(format!("{name}: /{key}: unknown section (known: {known}, namespaces)"));
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
                problems.push(format!("{name}: {pointer}: must be an object with {known} sections"));
                return None;
            };
            for key in inner.keys().filter(|key| !SECTIONS.contains(&key.as_str())) {
                problems.push(format!("{name}: {pointer}/{key}: unknown section (known: {known})"));
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
    for (section, schema) in [(LettaFixtures::KEY, LettaFixtures::SCHEMA), (OrqFixtures::KEY, OrqFixtures::SCHEMA)] {
        let Some(value) = sections.get(section) else { continue };
        for error in schemas.get(schema).validator.iter_errors(value) {
            // The rule is named by the file and pointer of the keyword that failed, wherever $ref led.
            let rule = error
                .absolute_keyword_location()
                .map(|uri| uri.as_str().replace(crate::schema::BASE_URI, "schemas/"))
                .unwrap_or_else(|| format!("schemas/{}.json#{}", schema.name(), error.schema_path().as_str()));
            problems
                .push(format!("{name}: {pointer}/{section}{}: {error} (rule: {rule})", error.instance_path().as_str()));
        }
    }
}

fn read_set(document: &Arc<str>, pointer: String, sections: &Map<String, Value>, ids: &IdSource) -> FixtureSet {
    let letta = sections.get(LettaFixtures::KEY).map(|section| LettaFixtures::read(section, ids)).unwrap_or_default();
    let orq = sections.get(OrqFixtures::KEY).map(|section| OrqFixtures::read(section, ids)).unwrap_or_default();
    let mut counts = Vec::new();
    counts.extend(LettaFixtures::LISTS.iter().map(|list| (LettaFixtures::KEY, *list)).zip(letta.counts()));
    counts.extend(OrqFixtures::LISTS.iter().map(|list| (OrqFixtures::KEY, *list)).zip(orq.counts()));
    let origins = Origins(vec![DocumentPart { document: document.clone(), pointer, counts }]);
    FixtureSet { letta, orq, origins }
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
        assert!(set.orq.identities.len() >= 4);
        assert!(set.orq.identities.iter().any(|i| !i.tags.is_empty() && i.metadata.as_str() != "{}"));
        assert!(set.orq.identities.iter().any(|i| i.metrics.is_some()));
        assert!(set.orq.identities.iter().any(|i| i.budget.is_some()));
    }

    #[test]
    fn bundled_fixtures_are_valid_and_linked() {
        let set = bundled().common;
        assert!(set.letta.identities.len() >= 5);
        assert_eq!(set.letta.agents.len(), 2);
        assert!(set
            .letta
            .identities
            .iter()
            .any(|s| !s.identity.agent_ids.is_empty() && !s.identity.block_ids.is_empty()));
        for kind in ["org", "user", "other"] {
            assert!(set.letta.identities.iter().any(|s| s.identity.identity_type.as_str() == kind), "{kind}");
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
        assert_eq!(fixtures.common.letta.identities[0].identity.id.len(), 45);
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
            let mut problems = fixtures.common.check();
            problems.extend(fixtures.namespaces.values().flat_map(FixtureSet::check));
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
        assert_eq!(fixtures.for_namespace("team-a").orq.identities.len(), 2);
        assert_eq!(fixtures.for_namespace("other").orq.identities[0].external_id, "common");
    }

    #[test]
    fn microsecond_timestamps_round_trip() {
        for micros in [0, 1_795_433_889_053_018, 1_709_251_199_999_999] {
            assert_eq!(crate::section::parse_rfc3339_micros(&crate::clock::rfc3339_micros(micros)), Some(micros));
        }
    }
}
