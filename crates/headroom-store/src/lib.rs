//! headroom-store: keeps the originals that compression dropped, keyed by [`ContentHash`], so
//! `headroom retrieve`, the proxy's `headroom_retrieve` tool and the MCP server can return them;
//! and the savings [`Ledger`], one record per proxied request.
//!
//! Backends: in-memory (tests), embedded SQLite (default), Redis (several proxy replicas, cargo
//! feature `redis`). Originals are scoped by a [`Scope`] (the proxy uses a hash of the caller's
//! API key) so one tenant cannot read another's. Everything here is synchronous: async callers
//! run it on a blocking thread.
//!
//! ```
//! use headroom::{ContentHash, Original};
//! use headroom_store::{open, Scope, StoreUrl};
//!
//! let store = open(&"memory:".parse::<StoreUrl>()?)?;
//! let content = "a long tool output".to_owned();
//! let hash = ContentHash::of(&content);
//! store.put_many(&Scope::local(), &[Original { hash, content }])?;
//! assert_eq!(store.get(&Scope::local(), &hash)?.as_deref(), Some("a long tool output"));
//! assert_eq!(store.get(&Scope::new("someone-else"), &hash)?, None);
//! # Ok::<(), headroom_store::StoreError>(())
//! ```

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use headroom::{ContentHash, Original};

mod db;
mod error;
mod ledger;
mod memory;
mod pricing;
#[cfg(feature = "redis")]
mod redis;
mod sqlite;
mod url;

pub use error::StoreError;
pub use ledger::{
    Ledger, LedgerOptions, LedgerRecord, LedgerSummary, ModelSummary, ProjectSummary, Totals,
    TransformSummary,
};
pub use memory::MemoryStore;
pub use pricing::{Price, PriceTable};
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use sqlite::SqliteStore;
pub use url::{RedisUrl, StoreUrl};

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

/// How much a store holds right now (live, unexpired originals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Originals kept.
    pub originals: u64,
    /// Bytes of their content.
    pub content_bytes: u64,
}

/// A place to keep originals. Synchronous: async callers run it on a blocking thread.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Keep `originals` under `scope`, in one transaction. Re-putting a hash refreshes its TTL.
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError>;

    /// The original stored under `hash` for `scope`, if it is there and not expired.
    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError>;

    /// The original stored under `hash` in any scope (local administration only).
    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError>;

    /// What the store holds, or `None` when the backend cannot tell cheaply (Redis).
    fn stats(&self) -> Result<Option<StoreStats>, StoreError> {
        Ok(None)
    }

    /// Delete expired originals now; returns how many. Backends that expire by themselves
    /// (Redis) or never expire (memory) return 0.
    fn purge_expired(&self) -> Result<u64, StoreError> {
        Ok(0)
    }
}

/// A shared store handle.
pub type SharedStore = Arc<dyn Store>;

/// Retention knobs for a store. Redis applies `ttl` only; its size is Redis's `maxmemory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long an original stays retrievable after its last put.
    pub ttl: Duration,
    /// Most bytes of original content kept; the oldest are evicted first beyond it.
    pub max_bytes: u64,
}

impl StoreOptions {
    /// Default TTL: 7 days.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);
    /// Default size cap: 512 MiB of content.
    pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { ttl: Self::DEFAULT_TTL, max_bytes: Self::DEFAULT_MAX_BYTES }
    }
}

/// Open the store `url` names with default [`StoreOptions`].
pub fn open(url: &StoreUrl) -> Result<SharedStore, StoreError> {
    open_with(url, StoreOptions::default())
}

/// Open the store `url` names. SQLite creates the file (and its directory) when missing.
pub fn open_with(url: &StoreUrl, options: StoreOptions) -> Result<SharedStore, StoreError> {
    match url {
        StoreUrl::Memory => Ok(Arc::new(MemoryStore::with_options(options))),
        StoreUrl::Sqlite(path) => Ok(Arc::new(SqliteStore::open(path, options)?)),
        #[cfg(feature = "redis")]
        StoreUrl::Redis(redis_url) => Ok(Arc::new(RedisStore::open(redis_url, options)?)),
        #[cfg(not(feature = "redis"))]
        StoreUrl::Redis(_) => Err(StoreError::BadUrl {
            url: url.to_string(),
            reason: "this headroom was built without Redis support (cargo feature \"redis\")".to_owned(),
        }),
    }
}

/// The directory holding headroom's files: `$HEADROOM_HOME` when set, else the platform data
/// directory's `headroom` folder (e.g. `~/.local/share/headroom`).
pub fn data_dir() -> Result<PathBuf, StoreError> {
    data_dir_from(std::env::var_os("HEADROOM_HOME"), dirs::data_dir())
}

fn data_dir_from(home: Option<OsString>, platform: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    match home.filter(|h| !h.is_empty()) {
        Some(home) => Ok(PathBuf::from(home)),
        None => platform.map(|d| d.join("headroom")).ok_or(StoreError::NoDataDir),
    }
}

/// `store.db` in [`data_dir`]: the default originals store.
pub fn default_store_path() -> Result<PathBuf, StoreError> {
    Ok(data_dir()?.join("store.db"))
}

/// `ledger.db` in [`data_dir`]: the default savings ledger.
pub fn default_ledger_path() -> Result<PathBuf, StoreError> {
    Ok(data_dir()?.join("ledger.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headroom_home_overrides_the_platform_dir() {
        let platform = Some(PathBuf::from("/home/u/.local/share"));
        let got = data_dir_from(Some("/srv/hr".into()), platform.clone()).unwrap();
        assert_eq!(got, PathBuf::from("/srv/hr"));
        let got = data_dir_from(None, platform.clone()).unwrap();
        assert_eq!(got, PathBuf::from("/home/u/.local/share/headroom"));
        // An empty HEADROOM_HOME is treated as unset.
        let got = data_dir_from(Some("".into()), platform).unwrap();
        assert_eq!(got, PathBuf::from("/home/u/.local/share/headroom"));
        assert!(matches!(data_dir_from(None, None), Err(StoreError::NoDataDir)));
    }

    #[test]
    fn open_memory_and_sqlite_by_url() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dir/s.db");
        let url: StoreUrl = format!("sqlite:{}", path.display()).parse().unwrap();
        let content = "original".to_owned();
        let hash = ContentHash::of(&content);
        open(&url).unwrap().put_many(&Scope::local(), &[Original { hash, content }]).unwrap();
        assert!(path.exists());
        assert_eq!(open(&url).unwrap().get_any(&hash).unwrap().as_deref(), Some("original"));
        assert_eq!(open(&StoreUrl::Memory).unwrap().get_any(&hash).unwrap(), None);
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn redis_without_the_feature_is_a_clear_error() {
        let url: StoreUrl = "redis://127.0.0.1:6379".parse().unwrap();
        match open(&url) {
            Err(StoreError::BadUrl { reason, .. }) => assert!(reason.contains("feature")),
            other => panic!("{other:?}"),
        }
    }
}
