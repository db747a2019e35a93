//! Namespaces: the unit of isolation. Each holds its own Letta and orq data, starting from the
//! fixtures. A request names its namespace with the `X-Mock-Namespace` header, else with its API
//! key (`Authorization: Bearer <key>`), else it uses the default one; so parallel tests that each
//! use their own key or header never meet.
//!
//! The registry stays bounded whatever clients send: a namespace is created only for a request
//! that passed authentication and named a real route (the pipeline asks only then); one that has
//! only been read shares the fixtures' data, stored once, and costs a map entry; it gets data of its
//! own at its first write. Past `--max-namespaces` no new one is created, and with an idle time
//! set, namespaces nobody used for that long are dropped.

pub use crate::data::Namespace;
use crate::fixtures::{dump_namespace, Fixtures};
use crate::http::ApiRequest;
use crate::ids::stable_uuid;
use dashmap::DashMap;
use parking_lot::RwLock;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The namespace of requests that name none.
pub const DEFAULT_NAMESPACE: &str = "default";
/// The header that names a request's namespace.
pub const NAMESPACE_HEADER: &str = "x-mock-namespace";

/// A namespace as one request sees it: its data (its own, or the fixtures' shared data while it
/// has only been read) and its orq `workspace_id`, derived from the name.
pub type NamespaceRef = Arc<Entry>;

/// A registry entry. It never changes but for its last use: a namespace's first write replaces
/// the whole entry, so a request holds one `Arc`.
pub struct Entry {
    pub data: Arc<Namespace>,
    /// Whether `data` is this namespace's own (else it is the shared fixtures).
    own: bool,
    pub workspace_id: Arc<str>,
    /// By the server's clock, for the listing.
    created_micros: i64,
    last_used_micros: AtomicI64,
    /// Milliseconds since the registry was made, by the monotonic clock: what idleness is
    /// measured by, so that a frozen `--clock` does not keep namespaces alive forever.
    last_used_tick: AtomicU64,
}

/// How stale a last use may get before a request records a newer one: every request writing it
/// would make all cores fight over one cache line.
const TOUCH_EVERY_MILLIS: u64 = 100;

impl Entry {
    fn new(name: &str, data: Arc<Namespace>, own: bool, created_micros: i64, now: Now) -> Arc<Entry> {
        Arc::new(Entry {
            data,
            own,
            workspace_id: stable_uuid(name).to_string().into(),
            created_micros,
            last_used_micros: AtomicI64::new(now.micros),
            last_used_tick: AtomicU64::new(now.tick),
        })
    }

    /// Records a use, unless one was recorded less than [`TOUCH_EVERY_MILLIS`] ago.
    fn touch(&self, tick: u64, micros: impl FnOnce() -> i64) {
        if tick >= self.last_used_tick.load(Ordering::Relaxed) + TOUCH_EVERY_MILLIS {
            self.last_used_tick.store(tick, Ordering::Relaxed);
            self.last_used_micros.store(micros(), Ordering::Relaxed);
        }
    }
}

/// A moment, by the server's clock and by the registry's monotonic one.
#[derive(Clone, Copy)]
struct Now {
    micros: i64,
    tick: u64,
}

/// The registry of live namespaces.
pub struct Namespaces {
    /// The origin of the monotonic ticks.
    made: Instant,
    by_name: DashMap<String, Arc<Entry>, foldhash::fast::RandomState>,
    /// What a namespace starts with; `reset` can switch it to nothing and back.
    seed: RwLock<Arc<Fixtures>>,
    /// What the server started with.
    start: Arc<Fixtures>,
    /// When fixtures without their own timestamps were created: the server's start.
    start_micros: i64,
    /// The common fixtures stored once, read by every namespace that has not written yet. Built
    /// when first needed; never written to.
    shared: RwLock<Option<Arc<Namespace>>>,
    /// At most this many namespaces; `usize::MAX` for no limit.
    max: usize,
}

/// The API key of `Authorization: Bearer <key>`, if the request has one.
pub fn bearer_key(request: &ApiRequest) -> Option<&str> {
    let header = request.header("authorization")?.trim();
    let (scheme, key) = header.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// The namespace a request names with the `X-Mock-Namespace` header, if any.
pub fn named_namespace(request: &ApiRequest) -> Option<&str> {
    request.header(NAMESPACE_HEADER).map(str::trim).filter(|name| !name.is_empty())
}

/// The namespace a request belongs to: the `X-Mock-Namespace` header, else the API key, else
/// `default`.
pub fn namespace_of(request: &ApiRequest) -> &str {
    named_namespace(request).or_else(|| bearer_key(request)).unwrap_or(DEFAULT_NAMESPACE)
}

/// One namespace in `GET /__admin/namespaces`.
pub struct NamespaceInfo {
    pub name: String,
    pub letta_identities: usize,
    pub orq_identities: usize,
    /// Whether it has data of its own (it has written), or still reads the shared fixtures.
    pub own_data: bool,
    pub created_micros: i64,
    pub last_used_micros: i64,
}

impl Namespaces {
    pub fn new(fixtures: Fixtures, start_micros: i64, max: usize) -> Namespaces {
        let start = Arc::new(fixtures);
        let namespaces = Namespaces {
            made: Instant::now(),
            by_name: DashMap::default(),
            seed: RwLock::new(start.clone()),
            start,
            start_micros,
            shared: RwLock::new(None),
            max: max.max(1),
        };
        namespaces.create_named(namespaces.now(start_micros));
        namespaces
    }

    fn now(&self, micros: i64) -> Now {
        Now { micros, tick: self.tick() }
    }

    fn tick(&self) -> u64 {
        u64::try_from(self.made.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Creates the default namespace and every namespace the seed names, with data of their own,
    /// so that they exist (and show in the state dump) before any request names them.
    fn create_named(&self, now: Now) {
        let seed = self.seed.read().clone();
        for name in std::iter::once(DEFAULT_NAMESPACE).chain(seed.namespaces.keys().map(String::as_str)) {
            let data = self.build(&seed, name);
            self.by_name.insert(name.to_string(), Entry::new(name, data, true, now.micros, now));
        }
    }

    /// A namespace's own data, filled from its fixtures. The seed was checked whole when it was
    /// loaded; an empty namespace takes it all.
    fn build(&self, seed: &Fixtures, name: &str) -> Arc<Namespace> {
        let namespace = Arc::new(Namespace::default());
        let _ = seed.for_namespace(name).apply(&namespace, self.start_micros);
        namespace
    }

    /// The shared fixtures, built the first time a namespace reads them.
    fn shared(&self) -> Arc<Namespace> {
        if let Some(shared) = self.shared.read().as_ref() {
            return shared.clone();
        }
        let seed = self.seed.read().clone();
        let built = Arc::new(Namespace::default());
        let _ = seed.common.apply(&built, self.start_micros);
        self.shared.write().get_or_insert(built).clone()
    }

    /// The namespace called `name` for a request that reads (`writes` false) or writes. A new
    /// one is created, unless that would pass the limit: then `Err` with the limit. A namespace
    /// gets data of its own the first time it is written.
    pub fn resolve(&self, name: &str, writes: bool, now_micros: impl Fn() -> i64) -> Result<NamespaceRef, usize> {
        if let Some(entry) = self.by_name.get(name) {
            if entry.own || !writes {
                entry.touch(self.tick(), &now_micros);
                return Ok(entry.clone());
            }
        } else if self.by_name.len() >= self.max {
            return Err(self.max);
        }
        let now = self.now(now_micros());
        let seed = self.seed.read().clone();
        let named = seed.namespaces.contains_key(name);
        // Own data is built before the map is locked: filling a namespace from large fixtures
        // takes a while, and a map shard must not stay locked that long.
        let (data, own) = if writes || named { (self.build(&seed, name), true) } else { (self.shared(), false) };
        let mut entry = self
            .by_name
            .entry(name.to_string())
            .or_insert_with(|| Entry::new(name, data.clone(), own, now.micros, now));
        if own && !entry.own {
            // Its first write: what it read so far was the fixtures, which is what it now owns.
            *entry = Entry::new(name, data, true, entry.created_micros, now);
        } else {
            entry.touch(now.tick, || now.micros);
        }
        Ok(entry.clone())
    }

    /// Back to the fixtures the server started with, or to nothing when `empty`: one namespace,
    /// or all of them. A namespace reset to its fixtures is dropped, and comes back the next time
    /// a request names it.
    pub fn reset(&self, name: Option<&str>, empty: bool, now_micros: i64) {
        let now = self.now(now_micros);
        match name {
            Some(name) if empty => {
                self.by_name.insert(name.to_string(), Entry::new(name, Arc::default(), true, now.micros, now));
            }
            Some(name) => {
                self.by_name.remove(name);
            }
            None => {
                *self.seed.write() = if empty { Arc::new(Fixtures::default()) } else { self.start.clone() };
                *self.shared.write() = None;
                self.by_name.clear();
                self.create_named(now);
            }
        }
    }

    /// Removes one namespace; whether it existed.
    pub fn remove(&self, name: &str) -> bool {
        self.by_name.remove(name).is_some()
    }

    /// Drops the namespaces (never the default one) nobody used for `idle`; returns how many
    /// went.
    pub fn drop_idle(&self, idle: Duration) -> usize {
        let now = self.now(0).tick;
        let idle = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
        let before = self.by_name.len();
        self.by_name.retain(|name, entry| {
            name == DEFAULT_NAMESPACE || now.saturating_sub(entry.last_used_tick.load(Ordering::Relaxed)) < idle
        });
        before.saturating_sub(self.by_name.len())
    }

    /// Adds validated fixtures to live namespaces: the common sections to `target`, named
    /// sections to their namespaces. Nothing lands unless everything can.
    pub fn load(&self, fixtures: &Fixtures, target: &str, now_micros: i64) -> Result<(), Vec<String>> {
        let mut plan = vec![(target.to_string(), &fixtures.common)];
        plan.extend(fixtures.namespaces.iter().map(|(name, set)| (name.clone(), set)));
        let mut receipts = Vec::new();
        for (name, set) in plan {
            let namespace = match self.resolve(&name, true, || now_micros) {
                Ok(namespace) => namespace,
                Err(max) => {
                    receipts.into_iter().for_each(crate::fixtures::Receipt::undo);
                    return Err(vec![format!("namespace {name:?}: the server holds its maximum of {max} namespaces")]);
                }
            };
            match set.apply(&namespace.data, now_micros) {
                Ok(receipt) => receipts.push(receipt),
                Err(problems) => {
                    receipts.into_iter().for_each(crate::fixtures::Receipt::undo);
                    return Err(problems.into_iter().map(|p| format!("namespace {name:?}: {p}")).collect());
                }
            }
        }
        Ok(())
    }

    /// The whole state as a fixtures document: the seed as the common sections (so namespaces
    /// created later start the same), and every namespace with data of its own under
    /// `namespaces` (one that has only read holds the seed).
    pub fn dump(&self) -> Value {
        let seed = self.seed.read().clone();
        let seed_namespace = Arc::new(Namespace::default());
        let _ = seed.common.apply(&seed_namespace, self.start_micros);
        let mut document = match dump_namespace(&seed_namespace) {
            Value::Object(sections) => sections,
            _ => Map::new(),
        };
        let mut owned: Vec<(String, Arc<Namespace>)> = self
            .by_name
            .iter()
            .filter(|entry| entry.own)
            .map(|entry| (entry.key().clone(), entry.data.clone()))
            .collect();
        owned.sort_by(|a, b| a.0.cmp(&b.0));
        let named: Map<String, Value> = owned.iter().map(|(name, data)| (name.clone(), dump_namespace(data))).collect();
        document.insert("namespaces".into(), Value::Object(named));
        Value::Object(document)
    }

    /// One namespace's sections, as a fixtures document holds them: what it holds now, or, for a
    /// namespace no request has named yet, what it would start with (without creating it).
    pub fn dump_one(&self, name: &str) -> Value {
        match self.by_name.get(name) {
            Some(entry) => dump_namespace(&entry.data),
            None => dump_namespace(&self.build(&self.seed.read().clone(), name)),
        }
    }

    /// How many namespaces there are, and their Letta and orq identities in all.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut totals = (0, 0, 0);
        for entry in self.by_name.iter() {
            totals.0 += 1;
            totals.1 += entry.data.letta.identities.len();
            totals.2 += entry.data.orq.identities.len();
        }
        totals
    }

    /// Every namespace, by name.
    pub fn list(&self) -> Vec<NamespaceInfo> {
        let mut list: Vec<NamespaceInfo> = self
            .by_name
            .iter()
            .map(|entry| NamespaceInfo {
                name: entry.key().clone(),
                letta_identities: entry.data.letta.identities.len(),
                orq_identities: entry.data.orq.identities.len(),
                own_data: entry.own,
                created_micros: entry.created_micros,
                last_used_micros: entry.last_used_micros.load(Ordering::Relaxed),
            })
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        list
    }
}

impl NamespaceInfo {
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "letta": {"identities": self.letta_identities},
            "orq": {"identities": self.orq_identities},
            "own_data": self.own_data,
            "created": crate::clock::rfc3339_millis(self.created_micros),
            "last_used": crate::clock::rfc3339_millis(self.last_used_micros),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&'static str, &str)]) -> ApiRequest {
        let mut map = hyper::HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, hyper::header::HeaderValue::from_str(value).unwrap());
        }
        ApiRequest {
            method: hyper::Method::GET,
            path: "/".into(),
            query: String::new(),
            headers: map,
            body: bytes::Bytes::new(),
        }
    }

    /// A registry of namespaces that start from the bundled fixtures (5 Letta and 4 orq
    /// identities).
    fn registry(max: usize) -> Namespaces {
        let schemas = crate::schema::Schemas::bundled().unwrap();
        let ids = crate::ids::IdSource::seeded(1);
        Namespaces::new(Fixtures::load(&crate::FixtureSource::Bundled, schemas, &ids).unwrap(), 0, max)
    }

    fn names(namespaces: &Namespaces) -> Vec<String> {
        namespaces.list().into_iter().map(|info| info.name).collect()
    }

    #[test]
    fn a_request_names_its_namespace_by_header_then_bearer_key() {
        let key = |value: &str| bearer_key(&request(&[("authorization", value)])).map(str::to_string);
        assert_eq!(key("Bearer k-1"), Some("k-1".into()));
        assert_eq!(key("  bearer   k-2  "), Some("k-2".into()), "scheme in any case, spaces trimmed");
        assert_eq!(key("Basic k-3"), None, "only the bearer scheme");
        assert_eq!(key("Bearer"), None);
        assert_eq!(key("Bearer    "), None, "an empty key is none");
        assert_eq!(bearer_key(&request(&[])), None);
        let named = |value: &str| named_namespace(&request(&[(NAMESPACE_HEADER, value)])).map(str::to_string);
        assert_eq!(named(" team-a "), Some("team-a".into()));
        assert_eq!(named("   "), None, "a blank header names nothing");
        let both = request(&[(NAMESPACE_HEADER, "by-header"), ("authorization", "Bearer by-key")]);
        assert_eq!(namespace_of(&both), "by-header");
        assert_eq!(namespace_of(&request(&[("authorization", "Bearer by-key")])), "by-key");
        assert_eq!(namespace_of(&request(&[(NAMESPACE_HEADER, " ")])), DEFAULT_NAMESPACE);
    }

    #[test]
    fn a_use_is_recorded_at_most_every_touch_interval() {
        let namespaces = registry(usize::MAX);
        let last_used = |namespaces: &Namespaces| {
            namespaces.list().iter().find(|info| info.name == "a").map(|info| info.last_used_micros)
        };
        namespaces.resolve("a", false, || 1_000).unwrap();
        assert_eq!(last_used(&namespaces), Some(1_000));
        std::thread::sleep(Duration::from_millis(TOUCH_EVERY_MILLIS + 30));
        namespaces.resolve("a", false, || 2_000).unwrap();
        assert_eq!(last_used(&namespaces), Some(2_000), "a use after the interval is recorded");
        namespaces.resolve("a", false, || 3_000).unwrap();
        assert_eq!(last_used(&namespaces), Some(2_000), "one right after it is not");
        std::thread::sleep(Duration::from_millis(TOUCH_EVERY_MILLIS + 30));
        namespaces.resolve("a", false, || 4_000).unwrap();
        assert_eq!(last_used(&namespaces), Some(4_000), "nor is the next one after the interval lost");
    }

    #[test]
    fn idle_namespaces_go_but_default_and_recent_ones_stay() {
        let namespaces = registry(usize::MAX);
        for name in ["a", "b"] {
            namespaces.resolve(name, false, || 0).unwrap();
        }
        assert_eq!(namespaces.drop_idle(Duration::from_secs(3600)), 0, "used within the hour");
        assert_eq!(names(&namespaces), ["a", "b", DEFAULT_NAMESPACE]);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(namespaces.drop_idle(Duration::from_millis(1)), 2);
        assert_eq!(names(&namespaces), [DEFAULT_NAMESPACE], "default is never dropped");
        assert_eq!(namespaces.drop_idle(Duration::ZERO), 0);
        namespaces.resolve("c", false, || 0).unwrap();
        assert_eq!(namespaces.drop_idle(Duration::ZERO), 1, "an idle time of zero drops one used this very moment");
    }

    #[test]
    fn the_dump_holds_the_seed_and_every_namespace_with_data_of_its_own() {
        let namespaces = registry(usize::MAX);
        namespaces.resolve("writer", true, || 0).unwrap();
        namespaces.resolve("reader", false, || 0).unwrap();
        let dump = namespaces.dump();
        let count = |value: &Value| value["identities"].as_array().map(Vec::len);
        assert_eq!((count(&dump["letta"]), count(&dump["orq"])), (Some(5), Some(4)), "the seed: {dump}");
        let named: Vec<&String> = dump["namespaces"].as_object().unwrap().keys().collect();
        assert_eq!(named, [DEFAULT_NAMESPACE, "writer"], "a namespace that only read holds the seed");
        assert_eq!(count(&dump["namespaces"]["writer"]["letta"]), Some(5));
    }

    #[test]
    fn a_namespace_resets_to_its_fixtures_or_to_nothing() {
        let namespaces = registry(usize::MAX);
        let letta = |namespaces: &Namespaces, name: &str| {
            namespaces.list().iter().find(|info| info.name == name).map(|info| info.letta_identities)
        };
        namespaces.resolve("a", true, || 0).unwrap();
        namespaces.reset(Some("a"), true, 0);
        assert_eq!(letta(&namespaces, "a"), Some(0), "reset to nothing");
        assert_eq!(letta(&namespaces, DEFAULT_NAMESPACE), Some(5), "the others keep theirs");
        namespaces.reset(Some("a"), false, 0);
        assert_eq!(letta(&namespaces, "a"), None, "reset to the fixtures: gone until named again");
        namespaces.resolve("a", false, || 0).unwrap();
        assert_eq!(letta(&namespaces, "a"), Some(5));
    }

    #[test]
    fn the_registry_stops_at_its_limit_and_counts_what_it_holds() {
        let namespaces = registry(3);
        assert!(namespaces.resolve("a", true, || 0).is_ok());
        assert!(namespaces.resolve("b", false, || 0).is_ok());
        assert_eq!(namespaces.resolve("c", false, || 0).err(), Some(3));
        assert!(namespaces.resolve("a", false, || 0).is_ok(), "an existing one is still served");
        assert_eq!(namespaces.counts(), (3, 15, 12), "each starts with the fixtures");
        let own: Vec<(String, bool)> = namespaces.list().into_iter().map(|info| (info.name, info.own_data)).collect();
        assert_eq!(own, [("a".into(), true), ("b".into(), false), (DEFAULT_NAMESPACE.into(), true)]);
        assert!(namespaces.remove("b"));
        assert!(!namespaces.remove("b"));
        assert!(namespaces.resolve("c", false, || 0).is_ok(), "room again");
    }
}
