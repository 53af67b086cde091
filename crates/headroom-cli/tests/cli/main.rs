//! Drives the built `headroom` binary: exit codes, stdout/stderr, and the store round trip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod basics;
mod mcp;
mod perf;
mod wrap;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A `headroom` command isolated in its own HEADROOM_HOME (store, ledger, logs).
pub(crate) struct Env {
    pub home: tempfile::TempDir,
}

impl Env {
    pub(crate) fn new() -> Self {
        Self { home: tempfile::tempdir().unwrap() }
    }

    pub(crate) fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_headroom"));
        c.env("HEADROOM_HOME", self.home.path()).env_remove("HEADROOM_STORE");
        c
    }

    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = self.cmd();
        c.args(args).stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    }
}

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
