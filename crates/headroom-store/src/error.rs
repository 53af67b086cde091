//! The store's error type: one enum for every backend and the ledger.

use std::path::PathBuf;

/// What went wrong talking to a store or the ledger.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A store URL that does not parse.
    #[error("bad store URL {url:?}: {reason}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A backend failure.
    #[error("store backend error: {0}")]
    Backend(String),
    /// Neither `HEADROOM_HOME` nor the platform's data directory is known.
    #[error("cannot find a data directory for headroom; set HEADROOM_HOME to a writable directory")]
    NoDataDir,
    /// Creating the directory that holds a store file failed.
    #[error("cannot create directory {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An SQLite store or ledger file failed.
    #[error("SQLite error on {path}: {source}")]
    Sqlite {
        /// The database file (`:memory:` for in-memory ones).
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file was written by a newer headroom whose schema this one does not know.
    #[error(
        "{path} has schema version {found}, this headroom knows up to {supported}; upgrade headroom or use another file"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The file's `user_version`.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A Redis command or connection failed.
    #[error("redis error: {0}")]
    Redis(#[source] Box<dyn std::error::Error + Send + Sync>),
}
