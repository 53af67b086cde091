//! The `headroom._core` Python extension: the Rust engine behind `from headroom import
//! compress`, the store behind `retrieve`, and the `headroom` command behind the console script.
//!
//! Python hands over plain lists and dicts; they cross as JSON text (the engine's input and
//! output format), so the output keeps every byte the engine leaves alone. Config keywords go
//! through serde into `headroom::CompressConfig`, so its fields, defaults and validation are
//! the engine's own. The GIL is released while the engine runs.
//!
//! ```python
//! from headroom import compress
//! result = compress(messages, model="gpt-4o")
//! client.chat.completions.create(model="gpt-4o", messages=result.messages)
//! print(result.tokens_saved, f"{result.compression_ratio:.0%}")
//! ```

mod bench;
mod cli;
mod compress;
mod config;
mod convert;
mod error;
mod result;
mod store;

use pyo3::prelude::*;

/// The extension module, imported as `headroom._core` and re-exported by `headroom`.
#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<config::PyCompressConfig>()?;
    m.add_class::<result::PyCompressResult>()?;
    m.add_function(wrap_pyfunction!(compress::compress, m)?)?;
    m.add_function(wrap_pyfunction!(store::retrieve, m)?)?;
    m.add_function(wrap_pyfunction!(cli::cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(bench::time_rust_compress, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
