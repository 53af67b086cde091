//! `CompressConfig` for Python. Keywords go through serde into the engine's own
//! `headroom::CompressConfig` and attributes come back out through serde, so its fields,
//! defaults and validation live in one place (the engine) and none is spelled out here.

use headroom::CompressConfig;
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::Error;

/// Everything that steers compression; every field has a default.
///
/// Keyword-only: `CompressConfig(model="gpt-4o", min_tokens_to_compress=100)`. Unknown keywords
/// raise `TypeError`; values of the wrong type or out of range raise `ValueError` naming the
/// field. Fields read as attributes; `replace(**changes)` returns a modified copy.
#[pyclass(frozen, eq, name = "CompressConfig", module = "headroom")]
#[derive(Debug, PartialEq)]
pub(crate) struct PyCompressConfig {
    pub(crate) inner: CompressConfig,
}

#[pymethods]
impl PyCompressConfig {
    #[new]
    #[pyo3(signature = (**fields))]
    fn new(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(Self { inner: with_changes(py, &CompressConfig::default(), fields, "CompressConfig()")? })
    }

    /// A copy with `changes` applied (same rules as the constructor).
    #[pyo3(signature = (**changes))]
    fn replace(&self, py: Python<'_>, changes: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(Self { inner: with_changes(py, &self.inner, changes, "CompressConfig.replace()")? })
    }

    /// The fields as a plain dict (JSON-compatible values).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.inner)
    }

    /// Pickling and copying: rebuilt from its fields.
    fn __getnewargs_ex__<'py>(&self, py: Python<'py>) -> PyResult<((), Bound<'py, PyDict>)> {
        Ok(((), to_dict(py, &self.inner)?))
    }

    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)?.get_item(name)?.ok_or_else(|| {
            PyAttributeError::new_err(format!("'CompressConfig' object has no attribute '{name}'"))
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let fields = to_dict(py, &self.inner)?
            .iter()
            .map(|(k, v)| Ok(format!("{}={}", k.str()?, v.repr()?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("CompressConfig({})", fields.join(", ")))
    }
}

/// `config` as a dict, one entry per field (`None` for unset optional fields).
pub(crate) fn to_dict<'py>(py: Python<'py>, config: &CompressConfig) -> PyResult<Bound<'py, PyDict>> {
    Ok(pythonize::pythonize(py, config)?.cast_into::<PyDict>()?)
}

/// `base` with the keyword `changes` applied. Unknown names are a `TypeError` naming them all;
/// bad values a `ValueError` naming the field.
pub(crate) fn with_changes(
    py: Python<'_>,
    base: &CompressConfig,
    changes: Option<&Bound<'_, PyDict>>,
    call: &'static str,
) -> PyResult<CompressConfig> {
    let Some(changes) = changes.filter(|c| !c.is_empty()) else {
        return Ok(base.clone());
    };
    let fields = to_dict(py, base)?;
    let mut unknown = Vec::new();
    for key in changes.keys() {
        if !fields.contains(&key)? {
            unknown.push(key.str()?.to_string());
        }
    }
    if !unknown.is_empty() {
        let fields = fields.keys().iter().map(|k| Ok(k.str()?.to_string())).collect::<PyResult<_>>()?;
        return Err(Error::UnknownFields { call, names: unknown, fields }.into());
    }
    fields.update(changes.as_mapping())?;
    let mut de = pythonize::Depythonizer::from_object(fields.as_any());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        Error::BadField { field, reason: e.into_inner().to_string() }.into()
    })
}
