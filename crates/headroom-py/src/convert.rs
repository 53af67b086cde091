//! Python objects ⇄ JSON text, the engine's input and output format.
//!
//! Input: JSON-native values (str-keyed dicts, lists, tuples, str, int, finite float, bool,
//! None) are serialised from Rust with serde_json, borrowing Python's string buffers; this is
//! 2–5× faster than the `json` module on tool outputs (bench/bench_compress.py). Anything else
//! (pydantic models such as an Anthropic SDK `response.content` block put back into the
//! history, NaN, non-str keys, very deep or circular nesting) takes the interpreter's `json`
//! encoder, which dumps pydantic models the way the SDKs send them and raises the usual errors.
//! Output: `json.loads`, exact for every number.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::Error;

/// Deeper than this goes to the `json` encoder (which detects cycles); the engine's parser
/// refuses more than 128 levels anyway.
const MAX_DEPTH: usize = 128;

static ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `obj` as compact JSON text.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>) -> Result<String, Error> {
    match serde_json::to_string(&Native { obj, depth: 0 }) {
        Ok(text) => Ok(text),
        Err(_) => encode_with_json_module(obj),
    }
}

/// Parse JSON text into plain lists and dicts.
pub(crate) fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    LOADS.import(py, "json", "loads")?.call1((text,))
}

/// A JSON-native Python value; serialising anything else fails (and falls back).
struct Native<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    depth: usize,
}

impl Native<'_, '_> {
    fn child<'b, 'py>(&self, obj: &'b Bound<'py, PyAny>) -> Native<'b, 'py> {
        Native { obj, depth: self.depth + 1 }
    }
}

impl Serialize for Native<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let obj = self.obj;
        if self.depth > MAX_DEPTH {
            return Err(S::Error::custom("too deep"));
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return s.serialize_str(text.to_str().map_err(S::Error::custom)?);
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            let mut map = s.serialize_map(Some(dict.len()))?;
            for (key, value) in dict.iter() {
                let key = key.cast::<PyString>().map_err(S::Error::custom)?;
                map.serialize_entry(key.to_str().map_err(S::Error::custom)?, &self.child(&value))?;
            }
            return map.end();
        }
        if let Ok(list) = obj.cast::<PyList>() {
            let mut seq = s.serialize_seq(Some(list.len()))?;
            for item in list.iter() {
                seq.serialize_element(&self.child(&item))?;
            }
            return seq.end();
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            let mut seq = s.serialize_seq(Some(tuple.len()))?;
            for item in tuple.iter() {
                seq.serialize_element(&self.child(&item))?;
            }
            return seq.end();
        }
        if obj.is_none() {
            return s.serialize_unit();
        }
        // Before int: bool is an int subclass.
        if let Ok(flag) = obj.cast::<PyBool>() {
            return s.serialize_bool(flag.is_true());
        }
        if obj.cast::<PyInt>().is_ok() {
            return match obj.extract::<i64>() {
                Ok(n) => s.serialize_i64(n),
                Err(_) => s.serialize_u64(obj.extract::<u64>().map_err(S::Error::custom)?),
            };
        }
        if let Ok(float) = obj.cast::<PyFloat>() {
            let value = float.value();
            // serde_json would write NaN and infinities as null; let `json` refuse them.
            if !value.is_finite() {
                return Err(S::Error::custom("non-finite float"));
            }
            return s.serialize_f64(value);
        }
        Err(S::Error::custom("not a JSON-native value"))
    }
}

/// The interpreter's `json` encoder: compact, non-ASCII kept, NaN refused, pydantic models
/// dumped through `json_default`.
fn encode_with_json_module(obj: &Bound<'_, PyAny>) -> Result<String, Error> {
    let py = obj.py();
    let not_json = |e: PyErr| Error::NotJson(e.value(py).to_string());
    let encode = ENCODE
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("ensure_ascii", false)?;
            kwargs.set_item("allow_nan", false)?;
            kwargs.set_item("separators", PyTuple::new(py, [",", ":"])?)?;
            kwargs.set_item("default", wrap_pyfunction!(json_default, py)?)?;
            let encoder = py.import("json")?.getattr("JSONEncoder")?.call((), Some(&kwargs))?;
            Ok(encoder.getattr("encode")?.unbind())
        })
        .map_err(not_json)?;
    let text = encode.bind(py).call1((obj,)).map_err(not_json)?;
    text.extract::<String>().map_err(not_json)
}

/// `json` fallback for objects it does not know: pydantic models dump themselves as the SDKs
/// send them (`mode="json", exclude_unset=True`); anything else is the usual `TypeError`.
#[pyfunction]
fn json_default<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    if obj.hasattr("model_dump")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("mode", "json")?;
        kwargs.set_item("exclude_unset", true)?;
        return obj.call_method("model_dump", (), Some(&kwargs));
    }
    Err(PyTypeError::new_err(format!("Object of type {} is not JSON serializable", obj.get_type().name()?)))
}
