//! The originals store shared with the CLI and the proxy: `$HEADROOM_STORE` when set, else
//! `store.db` under `$HEADROOM_HOME` (default: the platform data dir). Originals are kept in
//! the local scope, as `headroom compress` does, so `headroom retrieve` finds them too.
//!
//! Handles are opened once per URL and kept for the process: opening SQLite costs more than
//! compressing a small input, and Python callers have no handle of their own to hold. The URL
//! is resolved on every call, so changing the environment takes effect at once.

use std::sync::Mutex;

use headroom::{ContentHash, Original};
use headroom_store::{Scope, SharedStore, StoreUrl};
use pyo3::prelude::*;

use crate::error::Error;

static OPEN: Mutex<Vec<(StoreUrl, SharedStore)>> = Mutex::new(Vec::new());

fn current_url() -> Result<StoreUrl, Error> {
    let store_err = |url: String| move |source| Error::Store { url, source };
    match std::env::var("HEADROOM_STORE").ok().filter(|s| !s.is_empty()) {
        Some(s) => s.parse().map_err(store_err(s.clone())),
        None => StoreUrl::default_sqlite().map_err(store_err("(default)".to_owned())),
    }
}

fn handle() -> Result<(StoreUrl, SharedStore), Error> {
    let url = current_url()?;
    let mut open = OPEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, store)) = open.iter().find(|(u, _)| *u == url) {
        return Ok((url, store.clone()));
    }
    let store = headroom_store::open(&url).map_err(|source| Error::Store { url: url.to_string(), source })?;
    open.push((url.clone(), store.clone()));
    Ok((url, store))
}

/// Keep `originals` where `retrieve` and the CLI find them.
pub(crate) fn save(originals: &[Original]) -> Result<(), Error> {
    if originals.is_empty() {
        return Ok(());
    }
    let (url, store) = handle()?;
    store.put_many(&Scope::local(), originals).map_err(|source| Error::Store { url: url.to_string(), source })
}

/// The original text a retrieval marker names (`hash=` is 24 lowercase hex digits), or `None`
/// when the store does not hold it (expired, or compressed against another store).
///
/// Reads the same store as `headroom retrieve` and the proxy: `$HEADROOM_STORE`, else
/// `store.db` under `$HEADROOM_HOME`.
#[pyfunction]
pub(crate) fn retrieve(py: Python<'_>, hash: &str) -> PyResult<Option<String>> {
    let hash: ContentHash = hash.trim().parse().map_err(Error::BadHash)?;
    py.detach(|| {
        let (url, store) = handle()?;
        store.get_any(&hash).map_err(|source| Error::Store { url: url.to_string(), source })
    })
    .map_err(Into::into)
}
