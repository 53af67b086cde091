//! The `headroom` command as a library: [`run`] parses arguments, runs one command and maps
//! errors to exit codes (2 for bad usage or input, 1 for runtime failures).
//!
//! The `headroom` binary is a one-line `main` over [`run`]; the Python package calls the same
//! function from its `headroom` console script, so both commands are one CLI. Argument
//! definitions live in `cli`, one module per subcommand in `cmd`.
//!
//! ```no_run
//! use headroom_cli::{run, Relaunch};
//!
//! let status: u8 = run(["headroom", "retrieve", "3f2a9c0e1b7d5a4c8e6f0a1b"], &Relaunch::CurrentExe);
//! std::process::exit(i32::from(status));
//! ```

mod cli;
mod cmd;
mod local;
mod output;

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::output::UserError;

/// How the CLI starts itself again: `wrap` launches `headroom proxy` in the background, and
/// `wrap` / `mcp install` register `headroom mcp serve` with agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relaunch {
    /// This process's own executable (the `headroom` binary).
    CurrentExe,
    /// Another program that runs this same CLI, e.g. the Python package's `headroom` script
    /// (whose process is the Python interpreter, not a `headroom` binary).
    Program(PathBuf),
}

impl Relaunch {
    /// The program to run.
    pub(crate) fn program(&self) -> anyhow::Result<PathBuf> {
        match self {
            Self::CurrentExe => std::env::current_exe().context("locating the headroom binary"),
            Self::Program(path) => Ok(path.clone()),
        }
    }
}

/// Run the `headroom` command line `args` (program name first) and return its exit status.
pub fn run<I, T>(args: I, relaunch: &Relaunch) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let code = dispatch(args, relaunch);
    // Embedded callers (Python) keep running after this returns: nothing may stay buffered.
    let _ = std::io::stdout().flush();
    // `ExitCode` keeps its number private; every status here was built from a u8.
    (0..=u8::MAX).find(|&status| ExitCode::from(status) == code).unwrap_or(1)
}

fn dispatch<I, T>(args: I, relaunch: &Relaunch) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return output::clap_error(&e),
    };
    let result = match cli.command {
        Command::Compress(args) => cmd::compress::run(args),
        Command::Retrieve(args) => cmd::retrieve::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Wrap(args) => cmd::wrap::run(args, relaunch),
        Command::Unwrap(args) => cmd::wrap::unwrap(args),
        Command::Doctor(args) => cmd::doctor::run(args),
        Command::Mcp(args) => cmd::mcp::run(args, relaunch),
        Command::Perf(args) => cmd::perf::run(args),
        Command::Proxy(config) => cmd::proxy::run(config),
        Command::Dashboard(args) => cmd::dashboard::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            output::error_line(&e);
            if e.downcast_ref::<UserError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
