//! One module per subcommand, plus the helpers they share (reading input, opening the store).

pub(crate) mod compress;
pub(crate) mod doctor;
pub(crate) mod eval;
pub(crate) mod retrieve;
pub(crate) mod wrap;

use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use headroom_store::SharedStore;

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
    let url = args.store.as_deref().unwrap_or("");
    headroom_store::open(url, &headroom_store::StoreOptions::default())
        .with_context(|| format!("opening store {}", if url.is_empty() { "(default)" } else { url }))
}
