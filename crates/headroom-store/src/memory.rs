//! In-memory store (tests, and proxies that need no persistence).

use std::collections::HashMap;
use std::sync::Mutex;

use headroom::{ContentHash, Original};

use crate::{Scope, Store, StoreError};

/// Originals in a process-local map.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<HashMap<(String, ContentHash), String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Backend("memory store lock poisoned".into())
}

impl Store for MemoryStore {
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError> {
        let mut map = self.map.lock().map_err(poisoned)?;
        for o in originals {
            map.insert((scope.as_str().to_owned(), o.hash), o.content.clone());
        }
        Ok(())
    }

    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let map = self.map.lock().map_err(poisoned)?;
        Ok(map.get(&(scope.as_str().to_owned(), *hash)).cloned())
    }

    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let map = self.map.lock().map_err(poisoned)?;
        Ok(map.iter().find(|((_, h), _)| h == hash).map(|(_, v)| v.clone()))
    }
}
