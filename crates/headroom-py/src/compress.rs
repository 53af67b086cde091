//! `compress()`: Python messages → JSON text → engine (GIL released) → originals saved →
//! `CompressResult`.

use std::sync::{Arc, Mutex, PoisonError};

use headroom::{CompressConfig, CompressResult, Engine};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::config::{self, PyCompressConfig};
use crate::convert;
use crate::error::Error;
use crate::result::PyCompressResult;
use crate::store;

/// Compress a conversation before sending it to the model.
///
/// `messages` is a list of OpenAI Chat or Anthropic Messages message dicts, or a whole request
/// body dict (`/v1/chat/completions`, `/v1/messages`, `/v1/responses`); the format is
/// detected (force it with `format=`). Returns a `CompressResult` whose `messages` has the same
/// shape, only content strings changed. Originals behind retrieval markers are saved to the
/// store `retrieve()` and `headroom retrieve` read.
///
/// `model` picks the token counter (default: the body's `"model"`, else `config.model`).
/// `config` is a `CompressConfig`; keyword `overrides` are applied on top of it
/// (`compress(messages, model="gpt-4o", min_tokens_to_compress=100)`).
///
/// Raises `ValueError` for input that is not a message list or request body, `TypeError` for
/// unknown keywords, `OSError` when originals cannot be saved.
#[pyfunction]
#[pyo3(signature = (messages, *, model=None, config=None, **overrides))]
pub(crate) fn compress(
    py: Python<'_>,
    messages: &Bound<'_, PyAny>,
    model: Option<String>,
    config: Option<PyRef<'_, PyCompressConfig>>,
    overrides: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyCompressResult> {
    let body_model = check_shape(messages)?;
    let base = config.map(|c| c.inner.clone()).unwrap_or_default();
    let mut config = config::with_changes(py, &base, overrides, "compress()")?;
    if let Some(model) = model.or(body_model) {
        config.model = model.into();
    }
    let text = convert::to_json(messages)?;
    let result = py.detach(|| run(&text, &config))?;
    PyCompressResult::new(py, result)
}

/// What `compress` does once the input is JSON text: the engine, then the store.
pub(crate) fn run(text: &str, config: &CompressConfig) -> Result<CompressResult, Error> {
    let result = engine_for(config).compress(text)?;
    store::save(&result.originals)?;
    Ok(result)
}

/// The engine last built, kept while calls use the same config: building one (keyword
/// automata) costs ~0.4 ms, more than compressing a short conversation, and Python callers have
/// no engine of their own to hold. Engines are pure, so sharing one changes no output. Without
/// the engine's memo: a Python call compresses from scratch, as the Rust call it is benchmarked
/// against does (the memo is for the proxy's resent conversations).
static LAST_ENGINE: Mutex<Option<Arc<Engine>>> = Mutex::new(None);

fn engine_for(config: &CompressConfig) -> Arc<Engine> {
    let mut last = LAST_ENGINE.lock().unwrap_or_else(PoisonError::into_inner);
    match last.as_ref() {
        Some(engine) if engine.config() == config => engine.clone(),
        _ => {
            let engine = Arc::new(Engine::new(config.clone()).without_memo());
            *last = Some(engine.clone());
            engine
        }
    }
}

/// Accept a list (or tuple) of messages or a request-body dict; return the body's `"model"`.
fn check_shape(messages: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if messages.is_instance_of::<PyList>() || messages.is_instance_of::<PyTuple>() {
        return Ok(None);
    }
    if let Ok(body) = messages.cast::<PyDict>() {
        return Ok(match body.get_item("model")? {
            Some(m) => m.extract::<String>().ok(),
            None => None,
        });
    }
    Err(Error::NotMessages { got: messages.get_type().name()?.to_string() }.into())
}
