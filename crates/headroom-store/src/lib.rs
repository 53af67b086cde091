//! headroom-store: keeps the originals that compression dropped, keyed by [`ContentHash`], so
//! `headroom retrieve`, the proxy's `headroom_retrieve` tool and the MCP server can return them.
//!
//! Backends: in-memory (tests), embedded SQLite (default), Redis (several proxy replicas).
//! Originals are scoped by a [`Scope`] (the proxy uses a hash of the caller's API key) so one
//! tenant cannot read another's.

use std::sync::Arc;

use headroom::{ContentHash, Original};

mod error;
mod memory;

pub use error::StoreError;
pub use memory::MemoryStore;

/// Who may read an original: a tenant id (e.g. a hash of an API key), or [`Scope::local`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope(String);

impl Scope {
    /// The scope of local tools (CLI, MCP) that own the machine's store.
    pub fn local() -> Self {
        Self("local".to_owned())
    }

    /// A named scope.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The scope id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A place to keep originals. Synchronous: async callers run it on a blocking thread.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Keep `originals` under `scope`, in one transaction. Re-putting a hash refreshes its TTL.
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError>;

    /// The original stored under `hash` for `scope`, if it is there and not expired.
    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError>;

    /// The original stored under `hash` in any scope (local administration only).
    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError>;
}

/// A shared store handle.
pub type SharedStore = Arc<dyn Store>;
