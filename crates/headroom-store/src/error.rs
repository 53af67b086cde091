//! The store's error type.

/// What went wrong talking to a store.
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
}
