//! A timing hook for bench/bench_compress.py: the Rust half of `compress` (engine + store) on
//! JSON text already serialised, so Python's overhead can be measured in the same process.

use std::time::Instant;

use pyo3::prelude::*;

use crate::config::PyCompressConfig;
use crate::error::Error;

/// Seconds taken by each of `repeat` runs of the engine and store on `json_text`.
#[pyfunction]
#[pyo3(name = "_time_rust_compress")]
pub(crate) fn time_rust_compress(
    py: Python<'_>,
    json_text: &str,
    config: PyRef<'_, PyCompressConfig>,
    repeat: usize,
) -> PyResult<Vec<f64>> {
    let config = config.inner.clone();
    py.detach(|| {
        (0..repeat)
            .map(|_| {
                let start = Instant::now();
                crate::compress::run(json_text, &config)?;
                Ok(start.elapsed().as_secs_f64())
            })
            .collect::<Result<Vec<f64>, Error>>()
    })
    .map_err(Into::into)
}
