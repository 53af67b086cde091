//! The `headroom` binary: parse arguments, run one command, map errors to exit codes
//! (2 for bad usage or input, 1 for runtime failures). Nothing else lives here.

mod cli;
mod cmd;
mod local;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::output::UserError;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::clap_error(&e),
    };
    let result = match cli.command {
        Command::Compress(args) => cmd::compress::run(args),
        Command::Retrieve(args) => cmd::retrieve::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Wrap(args) => cmd::wrap::run(args),
        Command::Unwrap(args) => cmd::wrap::unwrap(args),
        Command::Doctor(args) => cmd::doctor::run(args),
        Command::Mcp(args) => cmd::mcp::run(args),
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
