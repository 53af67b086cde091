//! The `headroom` console script: the Rust CLI run in this process.

use std::ffi::OsString;
use std::path::PathBuf;

use headroom_cli::Relaunch;
use pyo3::prelude::*;

/// Run the `headroom` command line `argv` (program name first); returns the exit status.
/// `program` is what runs this CLI again (the console script) for commands that start
/// `headroom proxy` or register `headroom mcp serve`.
#[pyfunction]
#[pyo3(name = "_cli_main", signature = (argv, program=None))]
pub(crate) fn cli_main(py: Python<'_>, argv: Vec<OsString>, program: Option<PathBuf>) -> u8 {
    let relaunch = program.map_or(Relaunch::CurrentExe, Relaunch::Program);
    py.detach(|| headroom_cli::run(argv, &relaunch))
}
