//! `CompressResult` for Python: the engine's result with `messages` as plain lists and dicts
//! (same shape as the input) and the other fields converted through serde.

use pyo3::prelude::*;
use pythonize::pythonize;

use crate::convert;

/// What `compress` returns.
///
/// `messages` is the input in the same shape and format (plain lists and dicts) with
/// compressed strings spliced in; pass it to the OpenAI or Anthropic SDK as is.
/// `compression_ratio` is the fraction of tokens REMOVED (`tokens_saved / tokens_before`):
/// 0.9 means 90% saved.
#[pyclass(frozen, get_all, name = "CompressResult", module = "headroom")]
pub(crate) struct PyCompressResult {
    /// The compressed input, same shape and format.
    messages: Py<PyAny>,
    /// Format the input was read as: "openai_chat", "anthropic" or "openai_responses".
    format: Py<PyAny>,
    /// Tokens in all message text before compression.
    tokens_before: usize,
    /// Tokens after compression.
    tokens_after: usize,
    /// `tokens_before - tokens_after`.
    tokens_saved: usize,
    /// Fraction of tokens removed (0.9 = 90% saved).
    compression_ratio: f64,
    /// How tokens were counted: {"method": "exact", "encoding": ...} or {"method": "estimate"}.
    token_count: Py<PyAny>,
    /// Compressors that changed something, in first-use order.
    transforms_applied: Py<PyAny>,
    /// One report per text string found in the input.
    blocks: Py<PyAny>,
    /// Originals behind the retrieval markers: [{"hash": ..., "content": ...}] (already saved
    /// to the store; `retrieve(hash)` returns them).
    originals: Py<PyAny>,
}

impl PyCompressResult {
    /// Convert the engine's result.
    pub(crate) fn new(py: Python<'_>, result: headroom::CompressResult) -> PyResult<Self> {
        // Destructured in full so a new engine field cannot be forgotten here.
        let headroom::CompressResult {
            messages,
            format,
            tokens_before,
            tokens_after,
            tokens_saved,
            compression_ratio,
            token_count,
            transforms_applied,
            blocks,
            originals,
        } = result;
        Ok(Self {
            messages: convert::from_json(py, messages.get())?.unbind(),
            format: pythonize(py, &format)?.unbind(),
            tokens_before,
            tokens_after,
            tokens_saved,
            compression_ratio,
            token_count: pythonize(py, &token_count)?.unbind(),
            transforms_applied: pythonize(py, &transforms_applied)?.unbind(),
            blocks: pythonize(py, &blocks)?.unbind(),
            originals: pythonize(py, &originals)?.unbind(),
        })
    }
}

#[pymethods]
impl PyCompressResult {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "CompressResult(tokens_before={}, tokens_after={}, tokens_saved={}, compression_ratio={:?}, transforms_applied={})",
            self.tokens_before,
            self.tokens_after,
            self.tokens_saved,
            (self.compression_ratio * 10_000.0).round() / 10_000.0,
            self.transforms_applied.bind(py).repr()?,
        ))
    }
}
