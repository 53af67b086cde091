//! Everything the CLI prints goes through here: stdout for results, stderr for summaries and
//! errors (one line each).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// An error caused by bad usage or bad input (exit code 2).
#[derive(Debug)]
pub(crate) struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Shorthand for a user error.
pub(crate) fn user(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError(msg.into()))
}

/// Print `e` as one line: `headroom: <outer>: <cause>: ...`.
pub(crate) fn error_line(e: &anyhow::Error) {
    let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
    eprintln!("headroom: error: {}", chain.join(": "));
}

/// Render a clap parse failure: help and version go to stdout as usual; errors become one line.
pub(crate) fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let rendered = e.to_string();
    let first = rendered.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ");
    eprintln!("headroom: error: {first} (see `headroom --help`)");
    ExitCode::from(2)
}

/// Write `text` to stdout (a result), ignoring a closed pipe.
pub(crate) fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
}

/// Write a status line to stderr.
pub(crate) fn status(text: &str) {
    eprintln!("{text}");
}

/// Progress for long operations, shown only on a terminal.
pub(crate) fn progress(done: usize, total: usize, what: &str) {
    let mut err = std::io::stderr();
    if !err.is_terminal() {
        return;
    }
    let _ = write!(err, "\r\x1b[2K[{done}/{total}] {what}");
    if done == total {
        let _ = writeln!(err, "\r\x1b[2K");
    }
    let _ = err.flush();
}
