//! One module per subcommand, plus the helpers they share (reading input, opening the store).

pub(crate) mod compress;
pub(crate) mod dashboard;
pub(crate) mod doctor;
pub(crate) mod eval;
pub(crate) mod mcp;
pub(crate) mod perf;
pub(crate) mod proxy;
pub(crate) mod retrieve;
pub(crate) mod wrap;

use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use headroom_store::{SharedStore, StoreUrl};

use crate::cli::StoreArgs;
use crate::output::user;

/// Read `path` (or stdin for `None` / `-`) to a string; unreadable input is a user error.
pub(crate) fn read_input(path: Option<&Path>) -> anyhow::Result<String> {
    match path {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => std::fs::read_to_string(p).map_err(|e| user(format!("cannot read {}: {e}", p.display()))),
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).map_err(|e| user(format!("cannot read standard input: {e}")))?;
    Ok(s)
}

/// Open the store named by `--store` / `HEADROOM_STORE`, or the default SQLite file.
pub(crate) fn open_store(args: &StoreArgs) -> anyhow::Result<SharedStore> {
    let url = match args.store.as_deref() {
        Some(s) => s.parse::<StoreUrl>().map_err(|e| user(e.to_string()))?,
        None => StoreUrl::default_sqlite().context("locating the default store")?,
    };
    headroom_store::open(&url).with_context(|| format!("opening store {url}"))
}
