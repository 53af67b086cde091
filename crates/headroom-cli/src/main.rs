//! The `headroom` binary: everything is in the library's [`headroom_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(headroom_cli::run(std::env::args_os(), &headroom_cli::Relaunch::CurrentExe))
}
