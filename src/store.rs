//! The in-memory store. It knows records, their creation order and a unique key; it knows nothing of
//! HTTP or of either vendor's wire format.
//!
//! A [`Collection`] keeps its records in a `DashMap` (so a retrieve never waits on a writer of another
//! record) beside an ordered index (`BTreeMap` keyed by creation order) that answers "what comes after
//! this cursor?" in O(log n + page), and a unique-key index. The indexes sit behind one
//! `parking_lot::RwLock`; every write that touches them holds it for a few map operations and never
//! across an `.await`, so a list traversal never sees a record that is half inserted or half removed.
//!
//! A record type may also define secondary orders ([`Record::sort_key`]), e.g. by name. The index of
//! such an order is built the first time a page in that order is asked for, and from then on kept
//! up to date by every write, so that a sorted page also costs O(log n + page) and a collection
//! nobody sorts pays nothing for it.

use dashmap::DashMap;
use foldhash::fast::RandomState;
use parking_lot::{RwLock, RwLockWriteGuard};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Where a record sits in creation order: its creation time, then a per-collection sequence number
/// that breaks ties between records created in the same microsecond (or under a frozen clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderKey {
    pub created_at_micros: i64,
    pub sequence: u64,
}

/// A record the store can hold. Records are immutable once stored and shared as `Arc<R>`: a read
/// hands out a pointer, never a copy, and the same record can sit in the fixtures seed and in any
/// number of namespaces at once. An update stores a changed copy in place of the old one.
pub trait Record: Clone + Send + Sync + 'static {
    /// The record's id; the store keys its maps by this same `Arc`, so an id is allocated once.
    fn id(&self) -> &Arc<str>;
    /// The value that must be unique within the collection, if the record has one.
    fn unique_key(&self) -> Option<String>;
    /// The record's key in secondary order `order`, compared as bytes; records with equal keys
    /// come newest first. A type without secondary orders keeps the default.
    fn sort_key(&self, order: u8) -> Box<[u8]> {
        let _ = order;
        Box::default()
    }
}

/// Where a record sits in a secondary order.
type SortedKey = (Box<[u8]>, Reverse<OrderKey>);

fn sorted_key(record: &impl Record, number: u8, order: OrderKey) -> SortedKey {
    (record.sort_key(number), Reverse(order))
}

#[derive(Clone, Debug)]
struct Stored<R> {
    order: OrderKey,
    record: Arc<R>,
}

#[derive(Default)]
struct Indexes {
    by_order: BTreeMap<OrderKey, Arc<str>>,
    /// A B-tree rather than a hash table: a hash table doubles in one step, and with hundreds of
    /// thousands of keys that step held the write lock long enough to show in create latency.
    by_unique: BTreeMap<String, Arc<str>>,
    /// The secondary orders built so far, by order number.
    sorted: BTreeMap<u8, BTreeMap<SortedKey, Arc<str>>>,
}

impl Indexes {
    fn add_sorted(&mut self, record: &impl Record, order: OrderKey) {
        for (number, index) in &mut self.sorted {
            index.insert(sorted_key(record, *number, order), record.id().clone());
        }
    }

    fn remove_sorted(&mut self, record: &impl Record, order: OrderKey) {
        for (number, index) in &mut self.sorted {
            index.remove(&sorted_key(record, *number, order));
        }
    }
}

/// Where a page in a secondary order starts: at the beginning, or after or before a record.
#[derive(Clone, Copy, Debug)]
pub enum SortedFrom<'a> {
    Start,
    After(&'a str),
    Before(&'a str),
}

/// Why a write was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteError<E> {
    /// No record has that id.
    NotFound,
    /// Another record (the id given) already holds the unique key.
    Conflict(Arc<str>),
    /// The caller's update function refused the change.
    Rejected(E),
}

/// Which records a page holds, in creation order terms.
#[derive(Clone, Copy, Debug)]
pub struct PageBounds {
    /// Only records strictly after this key.
    pub lower: Option<OrderKey>,
    /// Only records strictly before this key.
    pub upper: Option<OrderKey>,
    /// Newest first when true.
    pub descending: bool,
    /// At most this many records; `None` for all.
    pub limit: Option<usize>,
}

/// Shards of a collection's record map. Each resizes on its own while writers of that shard wait,
/// so more shards make each pause shorter (DashMap's default is 4 per core).
const SHARDS: usize = 64;

pub struct Collection<R: Record> {
    // foldhash instead of SipHash: hashing ids is a large part of a retrieve and of loading fixtures.
    records: DashMap<Arc<str>, Stored<R>, RandomState>,
    indexes: RwLock<Indexes>,
    sequence: AtomicU64,
}

impl<R: Record> Default for Collection<R> {
    fn default() -> Self {
        Collection {
            records: DashMap::with_hasher_and_shard_amount(RandomState::default(), SHARDS),
            indexes: RwLock::new(Indexes::default()),
            sequence: AtomicU64::new(0),
        }
    }
}

impl<R: Record> Collection<R> {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Inserts a new record, or reports the id that already holds it or its unique key.
    pub fn insert(&self, record: impl Into<Arc<R>>, created_at_micros: i64) -> Result<(), WriteError<()>> {
        let record = record.into();
        let id = record.id().clone();
        let mut indexes = self.indexes.write();
        let unique = record.unique_key();
        if let Some(key) = &unique {
            if let Some(existing) = indexes.by_unique.get(key) {
                return Err(WriteError::Conflict(existing.clone()));
            }
        }
        if self.records.contains_key(&id) {
            return Err(WriteError::Conflict(id));
        }
        let order = OrderKey { created_at_micros, sequence: self.sequence.fetch_add(1, Ordering::Relaxed) };
        indexes.by_order.insert(order, id.clone());
        if let Some(key) = unique {
            indexes.by_unique.insert(key, id.clone());
        }
        indexes.add_sorted(&*record, order);
        self.records.insert(id, Stored { order, record });
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<Arc<R>> {
        self.records.get(id).map(|stored| stored.record.clone())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.records.contains_key(id)
    }

    /// The creation-order position of a record, for cursors.
    pub fn order_of(&self, id: &str) -> Option<OrderKey> {
        self.records.get(id).map(|stored| stored.order)
    }

    /// The id of the record that holds a unique key.
    pub fn find_unique(&self, key: &str) -> Option<Arc<str>> {
        self.indexes.read().by_unique.get(key).cloned()
    }

    /// Applies `change` to a copy of the record and stores the copy if `change` accepts it and the
    /// unique key it ends with is free. Either the whole change lands or nothing does.
    pub fn update<E>(&self, id: &str, change: impl FnOnce(&mut R) -> Result<(), E>) -> Result<Arc<R>, WriteError<E>> {
        let mut indexes = self.indexes.write();
        let mut entry = self.records.get_mut(id).ok_or(WriteError::NotFound)?;
        let mut updated = R::clone(&entry.record);
        change(&mut updated).map_err(WriteError::Rejected)?;
        let old_key = entry.record.unique_key();
        let new_key = updated.unique_key();
        if old_key != new_key {
            if let Some(key) = &new_key {
                if let Some(holder) = indexes.by_unique.get(key) {
                    return Err(WriteError::Conflict(holder.clone()));
                }
            }
            if let Some(key) = old_key {
                indexes.by_unique.remove(&key);
            }
            if let Some(key) = new_key {
                indexes.by_unique.insert(key, entry.key().clone());
            }
        }
        indexes.remove_sorted(&*entry.record, entry.order);
        indexes.add_sorted(&updated, entry.order);
        let updated = Arc::new(updated);
        entry.record = updated.clone();
        Ok(updated)
    }

    pub fn remove(&self, id: &str) -> Option<Arc<R>> {
        let mut indexes = self.indexes.write();
        let (_, stored) = self.records.remove(id)?;
        indexes.by_order.remove(&stored.order);
        indexes.remove_sorted(&*stored.record, stored.order);
        if let Some(key) = stored.record.unique_key() {
            indexes.by_unique.remove(&key);
        }
        Some(stored.record)
    }

    /// Removes every record.
    pub fn clear(&self) {
        let mut indexes = self.indexes.write();
        indexes.by_order.clear();
        indexes.by_unique.clear();
        indexes.sorted.clear();
        self.records.clear();
    }

    /// Hands `visit` the records within `bounds` that `keep` accepts, in the requested direction,
    /// at most `bounds.limit` of them, without copying them; returns how many it handed over.
    /// Walks the ordered index from the cursor, so the cost is O(log n + records visited), never
    /// a sort of the collection. Writers wait while `visit` runs: keep it short.
    pub fn visit_page(
        &self,
        bounds: PageBounds,
        mut keep: impl FnMut(&R) -> bool,
        mut visit: impl FnMut(&Arc<R>),
    ) -> usize {
        let indexes = self.indexes.read();
        if let (Some(low), Some(high)) = (bounds.lower, bounds.upper) {
            if low >= high {
                return 0;
            }
        }
        let lower = bounds.lower.map_or(Bound::Unbounded, Bound::Excluded);
        let upper = bounds.upper.map_or(Bound::Unbounded, Bound::Excluded);
        let range = indexes.by_order.range((lower, upper));
        let ids: Box<dyn Iterator<Item = &Arc<str>>> =
            if bounds.descending { Box::new(range.rev().map(|(_, id)| id)) } else { Box::new(range.map(|(_, id)| id)) };
        let limit = bounds.limit.unwrap_or(usize::MAX);
        let mut visited = 0;
        for id in ids {
            if visited >= limit {
                break;
            }
            if let Some(stored) = self.records.get(&**id) {
                if keep(&stored.record) {
                    visit(&stored.record);
                    visited += 1;
                }
            }
        }
        visited
    }

    /// The records [`Collection::visit_page`] would visit.
    pub fn page(&self, bounds: PageBounds, keep: impl FnMut(&R) -> bool) -> Vec<Arc<R>> {
        let mut page = Vec::new();
        self.visit_page(bounds, keep, |record| page.push(record.clone()));
        page
    }

    /// A page in secondary order `order` (see [`Record::sort_key`]): the records `keep` accepts,
    /// walking from `from`, at most `limit` of them, in walking order (so a page before a record
    /// comes nearest first). `None` when the record `from` names does not exist. The order's
    /// index is built on first use, under the write lock, and kept by every write after that.
    pub fn sorted_page(
        &self,
        order: u8,
        from: SortedFrom<'_>,
        limit: usize,
        mut keep: impl FnMut(&R) -> bool,
    ) -> Option<Vec<Arc<R>>> {
        let indexes = {
            let indexes = self.indexes.read();
            if indexes.sorted.contains_key(&order) {
                indexes
            } else {
                drop(indexes);
                let mut indexes = self.indexes.write();
                if !indexes.sorted.contains_key(&order) {
                    let index = indexes
                        .by_order
                        .iter()
                        .filter_map(|(at, id)| {
                            let stored = self.records.get(&**id)?;
                            Some((sorted_key(&*stored.record, order, *at), id.clone()))
                        })
                        .collect();
                    indexes.sorted.insert(order, index);
                }
                RwLockWriteGuard::downgrade(indexes)
            }
        };
        let index = indexes.sorted.get(&order)?;
        let key_of = |id: &str| -> Option<SortedKey> {
            let stored = self.records.get(id)?;
            Some(sorted_key(&*stored.record, order, stored.order))
        };
        let ids: Box<dyn Iterator<Item = &Arc<str>>> = match from {
            SortedFrom::Start => Box::new(index.values()),
            SortedFrom::After(id) => {
                Box::new(index.range((Bound::Excluded(key_of(id)?), Bound::Unbounded)).map(|(_, id)| id))
            }
            SortedFrom::Before(id) => {
                Box::new(index.range((Bound::Unbounded, Bound::Excluded(key_of(id)?))).rev().map(|(_, id)| id))
            }
        };
        let mut page = Vec::new();
        for id in ids {
            if page.len() >= limit {
                break;
            }
            if let Some(stored) = self.records.get(&**id) {
                if keep(&stored.record) {
                    page.push(stored.record.clone());
                }
            }
        }
        Some(page)
    }

    /// Every record, oldest first, with its creation time.
    pub fn snapshot(&self) -> Vec<(OrderKey, Arc<R>)> {
        let indexes = self.indexes.read();
        indexes
            .by_order
            .iter()
            .filter_map(|(order, id)| self.records.get(&**id).map(|s| (*order, s.record.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Item {
        id: Arc<str>,
        key: String,
        value: u32,
    }

    impl Record for Item {
        fn id(&self) -> &Arc<str> {
            &self.id
        }

        fn unique_key(&self) -> Option<String> {
            Some(self.key.clone())
        }

        /// The first letter of the key, so that unique keys can sort equal.
        fn sort_key(&self, _order: u8) -> Box<[u8]> {
            self.key.as_bytes()[..1].into()
        }
    }

    fn item(id: &str, key: &str, value: u32) -> Item {
        Item { id: id.into(), key: key.to_string(), value }
    }

    fn filled(n: u32) -> Collection<Item> {
        let collection = Collection::default();
        for i in 0..n {
            collection.insert(item(&format!("id{i}"), &format!("k{i}"), i), 1000 + i64::from(i)).unwrap();
        }
        collection
    }

    fn values(page: &[Arc<Item>]) -> Vec<u32> {
        page.iter().map(|i| i.value).collect()
    }

    const ALL: PageBounds = PageBounds { lower: None, upper: None, descending: false, limit: None };

    #[test]
    fn len_and_is_empty_follow_inserts_and_removes() {
        let collection = Collection::<Item>::default();
        assert!(collection.is_empty());
        assert_eq!(collection.len(), 0);
        collection.insert(item("a", "ka", 1), 1).unwrap();
        assert!(!collection.is_empty());
        assert_eq!(collection.len(), 1);
        assert!(collection.remove("a").is_some());
        assert!(collection.is_empty());
    }

    #[test]
    fn unique_key_conflict_names_the_holder_and_changes_nothing() {
        let collection = filled(2);
        assert_eq!(collection.insert(item("other", "k1", 9), 5), Err(WriteError::Conflict("id1".into())));
        assert_eq!(collection.insert(item("id0", "new", 9), 5), Err(WriteError::Conflict("id0".into())));
        assert_eq!(collection.len(), 2);
        assert!(collection.get("other").is_none());
    }

    #[test]
    fn pages_walk_from_the_cursor_in_both_directions() {
        let collection = filled(6);
        let third = collection.order_of("id2");
        let after = PageBounds { lower: third, limit: Some(2), ..ALL };
        assert_eq!(values(&collection.page(after, |_| true)), vec![3, 4]);
        let newest_first = PageBounds { upper: third, descending: true, ..ALL };
        assert_eq!(values(&collection.page(newest_first, |_| true)), vec![1, 0]);
        let window = PageBounds { lower: collection.order_of("id0"), upper: collection.order_of("id4"), ..ALL };
        assert_eq!(values(&collection.page(window, |_| true)), vec![1, 2, 3]);
        let empty = PageBounds { lower: collection.order_of("id4"), upper: collection.order_of("id0"), ..ALL };
        assert!(collection.page(empty, |_| true).is_empty());
        let filtered = collection.page(ALL, |i| i.value % 2 == 0);
        assert_eq!(values(&filtered), vec![0, 2, 4]);
    }

    #[test]
    fn equal_timestamps_keep_insertion_order() {
        let collection = Collection::default();
        for i in 0..5 {
            collection.insert(item(&format!("id{i}"), &format!("k{i}"), i), 7).unwrap();
        }
        assert_eq!(values(&collection.page(ALL, |_| true)), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn update_moves_the_unique_key_or_refuses_whole() {
        let collection = filled(3);
        let refused = collection.update("id0", |i: &mut Item| -> Result<(), ()> {
            i.key = "k1".into();
            i.value = 99;
            Ok(())
        });
        assert_eq!(refused, Err(WriteError::Conflict("id1".into())));
        assert_eq!(collection.get("id0").unwrap().value, 0);
        collection
            .update("id0", |i: &mut Item| -> Result<(), ()> {
                i.key = "fresh".into();
                Ok(())
            })
            .unwrap();
        assert_eq!(collection.find_unique("fresh").as_deref(), Some("id0"));
        assert_eq!(collection.find_unique("k0"), None);
        assert_eq!(collection.update("nope", |_: &mut Item| Ok::<(), ()>(())), Err(WriteError::NotFound));
    }

    #[test]
    fn remove_frees_the_key_and_the_position() {
        let collection = filled(3);
        assert_eq!(collection.remove("id1").unwrap().value, 1);
        assert!(collection.remove("id1").is_none());
        assert_eq!(values(&collection.page(ALL, |_| true)), vec![0, 2]);
        collection.insert(item("again", "k1", 5), 1).unwrap();
        assert_eq!(collection.len(), 3);
    }

    #[test]
    fn secondary_orders_are_built_on_first_use_and_kept_by_writes() {
        let collection = Collection::default();
        for (i, key) in ["b", "a1", "c", "a2"].into_iter().enumerate() {
            collection.insert(item(&format!("id{i}"), key, i as u32), 1).unwrap();
        }
        let ids =
            |page: Option<Vec<Arc<Item>>>| -> Vec<String> { page.unwrap().iter().map(|i| i.id.to_string()).collect() };
        // Equal keys ("a") come newest first.
        assert_eq!(ids(collection.sorted_page(0, SortedFrom::Start, 10, |_| true)), ["id3", "id1", "id0", "id2"]);
        assert_eq!(ids(collection.sorted_page(0, SortedFrom::After("id1"), 2, |_| true)), ["id0", "id2"]);
        assert_eq!(ids(collection.sorted_page(0, SortedFrom::Before("id0"), 10, |_| true)), ["id1", "id3"]);
        assert_eq!(ids(collection.sorted_page(0, SortedFrom::Start, 10, |i| i.value % 2 == 0)), ["id0", "id2"]);
        assert!(collection.sorted_page(0, SortedFrom::After("nope"), 10, |_| true).is_none());
        // The built index follows inserts, updates and removals.
        collection.insert(item("id4", "0", 4), 1).unwrap();
        collection
            .update("id2", |i: &mut Item| -> Result<(), ()> {
                i.key = "1".into();
                Ok(())
            })
            .unwrap();
        collection.remove("id1");
        assert_eq!(ids(collection.sorted_page(0, SortedFrom::Start, 10, |_| true)), ["id4", "id2", "id3", "id0"]);
        collection.clear();
        assert!(ids(collection.sorted_page(0, SortedFrom::Start, 10, |_| true)).is_empty());
    }

    #[test]
    fn records_are_shared_not_copied_until_changed() {
        let seed = Arc::new(item("id0", "k0", 0));
        let (first, second) = (Collection::default(), Collection::default());
        first.insert(seed.clone(), 1).unwrap();
        second.insert(seed.clone(), 1).unwrap();
        assert!(Arc::ptr_eq(&first.get("id0").unwrap(), &seed));
        assert!(Arc::ptr_eq(&second.page(ALL, |_| true)[0], &seed));
        let changed = first
            .update("id0", |i: &mut Item| -> Result<(), ()> {
                i.value = 7;
                Ok(())
            })
            .unwrap();
        assert!(!Arc::ptr_eq(&changed, &seed));
        assert_eq!((seed.value, second.get("id0").unwrap().value, first.get("id0").unwrap().value), (0, 0, 7));
    }
}
