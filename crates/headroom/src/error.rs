//! The engine's one error type. Only bad input is an error: a compressor that fails is reported
//! per block in the result and its block is left unchanged.

/// Why `compress` could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not JSON.
    #[error("input is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The input is JSON but not a message list or request body of a known shape.
    #[error("input is not a message list or request body: {0}")]
    Shape(String),
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
}
