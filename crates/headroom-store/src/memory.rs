//! In-memory store (tests, and proxies that need no persistence), with the same TTL and size cap
//! as SQLite so a long-running proxy on `memory:` does not grow without bound.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use headroom::{ContentHash, Original};

use crate::{Scope, Store, StoreError, StoreOptions, StoreStats};

type Key = (String, ContentHash);

#[derive(Debug)]
struct Entry {
    content: String,
    expires: Instant,
    /// Position in put order; the smallest is the oldest (and, with one TTL, expires first).
    seq: u64,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Key, Entry>,
    order: BTreeMap<u64, Key>,
    bytes: u64,
    next_seq: u64,
}

impl Inner {
    fn remove_oldest(&mut self) -> bool {
        let Some((_, key)) = self.order.pop_first() else { return false };
        if let Some(e) = self.map.remove(&key) {
            self.bytes = self.bytes.saturating_sub(e.content.len() as u64);
        }
        true
    }

    fn oldest_expired(&self, now: Instant) -> bool {
        let front = self.order.first_key_value().and_then(|(_, k)| self.map.get(k));
        front.is_some_and(|e| e.expires <= now)
    }

    fn live(&self, key: &Key, now: Instant) -> Option<&Entry> {
        self.map.get(key).filter(|e| e.expires > now)
    }
}

/// Originals in a process-local map.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    options: StoreOptions,
}

impl MemoryStore {
    /// An empty store with default [`StoreOptions`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with the given retention.
    pub fn with_options(options: StoreOptions) -> Self {
        Self { inner: Mutex::default(), options }
    }

    /// Every method leaves the maps consistent before it can panic, so a poisoned lock is safe.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    /// Originals larger than the whole size cap are skipped, as in SQLite.
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError> {
        let now = Instant::now();
        // A TTL past the clock's range means "never"; fall back to the default rather than panic.
        let expires = now
            .checked_add(self.options.ttl)
            .or_else(|| now.checked_add(StoreOptions::DEFAULT_TTL))
            .unwrap_or(now);
        let mut inner = self.lock();
        for o in originals {
            let size = o.content.len() as u64;
            if size > self.options.max_bytes {
                continue;
            }
            let key = (scope.as_str().to_owned(), o.hash);
            let seq = inner.next_seq;
            inner.next_seq += 1;
            let entry = Entry { content: o.content.clone(), expires, seq };
            if let Some(old) = inner.map.insert(key.clone(), entry) {
                inner.order.remove(&old.seq);
                inner.bytes = inner.bytes.saturating_sub(old.content.len() as u64);
            }
            inner.order.insert(seq, key);
            inner.bytes += size;
        }
        while inner.oldest_expired(now) || inner.bytes > self.options.max_bytes {
            if !inner.remove_oldest() {
                break;
            }
        }
        Ok(())
    }

    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let key = (scope.as_str().to_owned(), *hash);
        Ok(self.lock().live(&key, Instant::now()).map(|e| e.content.clone()))
    }

    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let now = Instant::now();
        let inner = self.lock();
        let newest = inner.order.values().rev().filter(|(_, h)| h == hash).find_map(|k| inner.live(k, now));
        Ok(newest.map(|e| e.content.clone()))
    }

    fn stats(&self) -> Result<Option<StoreStats>, StoreError> {
        let now = Instant::now();
        let inner = self.lock();
        let live = inner.map.values().filter(|e| e.expires > now);
        let (originals, content_bytes) = live.fold((0, 0), |(n, b), e| (n + 1, b + e.content.len() as u64));
        Ok(Some(StoreStats { originals, content_bytes }))
    }

    fn purge_expired(&self) -> Result<u64, StoreError> {
        let now = Instant::now();
        let mut inner = self.lock();
        let mut purged = 0;
        while inner.oldest_expired(now) && inner.remove_oldest() {
            purged += 1;
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn original(content: &str) -> Original {
        Original { hash: ContentHash::of(content), content: content.to_owned() }
    }

    #[test]
    fn scopes_are_isolated() {
        let store = MemoryStore::new();
        let o = original("tenant a's output");
        store.put_many(&Scope::new("a"), std::slice::from_ref(&o)).unwrap();
        assert_eq!(store.get(&Scope::new("b"), &o.hash).unwrap(), None);
        assert_eq!(store.get(&Scope::new("a"), &o.hash).unwrap(), Some(o.content.clone()));
        assert_eq!(store.get_any(&o.hash).unwrap(), Some(o.content));
    }

    #[test]
    fn ttl_and_size_cap() {
        let options = StoreOptions { ttl: Duration::from_millis(100), max_bytes: 10 };
        let store = MemoryStore::with_options(options);
        let (a, b, c) = (original("aaaa"), original("bbbb"), original("cccc"));
        for o in [&a, &b, &c] {
            store.put_many(&Scope::local(), std::slice::from_ref(o)).unwrap();
        }
        // 12 bytes > 10: the oldest went.
        assert_eq!(store.get(&Scope::local(), &a.hash).unwrap(), None);
        assert!(store.get(&Scope::local(), &b.hash).unwrap().is_some());
        assert_eq!(store.stats().unwrap(), Some(StoreStats { originals: 2, content_bytes: 8 }));
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(store.get(&Scope::local(), &c.hash).unwrap(), None);
        assert_eq!(store.stats().unwrap(), Some(StoreStats { originals: 0, content_bytes: 0 }));
        assert_eq!(store.purge_expired().unwrap(), 2);
    }
}
