//! `headroom retrieve HASH`: print the original stored under a marker's hash.

use std::process::ExitCode;

use anyhow::Context as _;
use headroom::ContentHash;

use crate::cli::RetrieveArgs;
use crate::output::{self, user};

pub(crate) fn run(args: RetrieveArgs) -> anyhow::Result<ExitCode> {
    let hash: ContentHash = args.hash.trim().parse().map_err(|e: headroom::marker::BadHash| user(e.to_string()))?;
    let store = super::open_store(&args.store)?;
    match store.get_any(&hash).context("reading the store")? {
        Some(original) => {
            output::stdout(&original);
            Ok(ExitCode::SUCCESS)
        }
        None => Err(user(format!("no original stored under hash {hash} (expired, or compressed with another store)"))),
    }
}
