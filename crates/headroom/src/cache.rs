//! Memo of block outcomes, per [`Engine`](crate::Engine).
//!
//! Agents resend the whole conversation every turn, so the same tool output reaches the engine
//! again and again. Compression is a pure function of the block's bytes, the question it is
//! judged against and the mode; this memo keys on exactly those, so a hit returns the bytes a
//! fresh run would produce, and only new blocks cost anything. Bounded in entries and bytes;
//! the oldest entries go first.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap;

use crate::compressors::Mode;
use crate::marker::ContentHash;
use crate::relevance::Query;

/// Most entries kept.
const MAX_ENTRIES: usize = 4096;
/// Most bytes of compressed text kept.
const MAX_BYTES: usize = 32 << 20;

/// What a memo entry identifies: a block, judged against a question, in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key([u8; 32]);

impl Key {
    pub(crate) fn new(block: ContentHash, mode: Mode, query: &Query) -> Self {
        let mut h = blake3::Hasher::new();
        h.update(block.as_str().as_bytes());
        h.update(&[mode as u8]);
        for part in [&query.terms, &query.identifiers] {
            for t in part {
                h.update(&(t.len() as u64).to_le_bytes());
                h.update(t.as_bytes());
            }
            h.update(&[0xff]);
        }
        Self(*h.finalize().as_bytes())
    }
}

/// A bounded memo from [`Key`] to `V`; `size` tells each value's weight in bytes.
pub(crate) struct Memo<V> {
    inner: Mutex<Inner<V>>,
    size: fn(&V) -> usize,
    enabled: bool,
}

struct Inner<V> {
    map: FxHashMap<Key, V>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl<V: Clone> Memo<V> {
    pub(crate) fn new(size: fn(&V) -> usize) -> Self {
        Self {
            inner: Mutex::new(Inner { map: FxHashMap::default(), order: VecDeque::new(), bytes: 0 }),
            size,
            enabled: true,
        }
    }

    /// A memo that remembers nothing.
    pub(crate) fn disabled(size: fn(&V) -> usize) -> Self {
        Self { enabled: false, ..Self::new(size) }
    }

    pub(crate) fn get(&self, key: &Key) -> Option<V> {
        if !self.enabled {
            return None;
        }
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).map.get(key).cloned()
    }

    pub(crate) fn put(&self, key: Key, value: V) {
        let weight = (self.size)(&value);
        if !self.enabled || weight > MAX_BYTES / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.map.contains_key(&key) {
            return;
        }
        while inner.order.len() >= MAX_ENTRIES || inner.bytes + weight > MAX_BYTES {
            let Some(old) = inner.order.pop_front() else { break };
            if let Some(v) = inner.map.remove(&old) {
                inner.bytes -= (self.size)(&v);
            }
        }
        inner.bytes += weight;
        inner.order.push_back(key);
        inner.map.insert(key, value);
    }
}

impl<V> std::fmt::Debug for Memo<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_blocks_questions_and_modes() {
        let (a, b) = (ContentHash::of("a"), ContentHash::of("b"));
        let (q1, q2) = (Query::new("why did the build fail"), Query::new("which test is slow"));
        let k = Key::new(a, Mode::Lossy, &q1);
        assert_eq!(k, Key::new(a, Mode::Lossy, &q1));
        assert_ne!(k, Key::new(b, Mode::Lossy, &q1));
        assert_ne!(k, Key::new(a, Mode::Lossless, &q1));
        assert_ne!(k, Key::new(a, Mode::Lossy, &q2));
    }

    #[test]
    fn evicts_oldest_past_the_entry_bound() {
        let memo: Memo<String> = Memo::new(String::len);
        let q = Query::new("");
        let key = |i: usize| Key::new(ContentHash::of(&i.to_string()), Mode::Lossy, &q);
        for i in 0..MAX_ENTRIES + 10 {
            memo.put(key(i), format!("v{i}"));
        }
        assert_eq!(memo.get(&key(0)), None);
        assert_eq!(memo.get(&key(9)), None);
        assert_eq!(memo.get(&key(10)).as_deref(), Some("v10"));
        assert_eq!(memo.get(&key(MAX_ENTRIES + 9)).as_deref(), Some(&*format!("v{}", MAX_ENTRIES + 9)));
    }
}
