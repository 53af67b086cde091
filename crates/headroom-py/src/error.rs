//! The bindings' one error type and its mapping to Python exceptions (the only place that
//! picks an exception class).

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::PyErr;

/// Why a call into the bindings failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// `messages` is neither a list of messages nor a request-body dict.
    #[error("messages must be a list of message dicts or a request-body dict, got {got}")]
    NotMessages {
        /// The Python type name received.
        got: String,
    },
    /// `messages` holds something JSON cannot represent.
    #[error("messages cannot be converted to JSON: {0}")]
    NotJson(String),
    /// The engine rejected the input (not a message list or body of a known shape).
    #[error("{}", input_message(.0))]
    Input(#[from] headroom::Error),
    /// Keyword arguments that are not `CompressConfig` fields.
    #[error(
        "{call} got unexpected keyword argument(s) {} (CompressConfig fields: {})",
        quoted(.names),
        .fields.join(", ")
    )]
    UnknownFields {
        /// `compress()` or `CompressConfig()`.
        call: &'static str,
        /// The offending names.
        names: Vec<String>,
        /// Every accepted field.
        fields: Vec<String>,
    },
    /// A config field has a value of the wrong type or out of range.
    #[error("invalid CompressConfig field `{field}`: {reason}")]
    BadField {
        /// Which field (serde path).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A retrieval hash that is not 24 lowercase hex digits.
    #[error("{0}")]
    BadHash(#[from] headroom::marker::BadHash),
    /// The originals store could not be opened, written or read.
    #[error("originals store {url}: {source} (set HEADROOM_STORE or HEADROOM_HOME to a writable place)")]
    Store {
        /// The store URL (passwords hidden).
        url: String,
        /// What failed.
        source: headroom_store::StoreError,
    },
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        let msg = e.to_string();
        match e {
            Error::UnknownFields { .. } => PyTypeError::new_err(msg),
            Error::Store { .. } => PyOSError::new_err(msg),
            Error::NotMessages { .. }
            | Error::NotJson(_)
            | Error::Input(_)
            | Error::BadField { .. }
            | Error::BadHash(_) => PyValueError::new_err(msg),
        }
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
}

/// The engine's words, except that its "not valid JSON" cannot be the caller's fault here (the
/// text was serialised from their objects): it means a value of the wrong shape.
fn input_message(e: &headroom::Error) -> String {
    match e {
        headroom::Error::Json(e) => format!("input is not a message list or request body: {e}"),
        other => other.to_string(),
    }
}
