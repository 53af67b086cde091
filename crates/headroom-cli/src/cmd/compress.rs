//! `headroom compress`: compress a message list or request body; print it in the same shape
//! (or the whole result with `--result`); keep dropped originals in the store.

use std::process::ExitCode;

use anyhow::Context as _;
use headroom::{CompressConfig, Engine, Format, Retrieval};
use headroom_store::Scope;

use crate::cli::CompressArgs;
use crate::output::{self, user};

pub(crate) fn run(args: CompressArgs) -> anyhow::Result<ExitCode> {
    let input = super::read_input(args.file.as_deref())?;
    let model = match args.model {
        Some(m) => m,
        None => body_model(&input).unwrap_or_else(|| CompressConfig::default().model.0),
    };
    let format = args.format.as_deref().map(str::parse::<Format>).transpose().map_err(|e| user(e.to_string()))?;
    let config = CompressConfig {
        model: model.into(),
        min_tokens_to_compress: args.min_tokens,
        query: args.query,
        format,
        retrieval: if args.lossless { Retrieval::LosslessOnly } else { Retrieval::Markers },
        ..CompressConfig::default()
    };
    let engine = Engine::new(config);
    let result = engine.compress(&input).map_err(|e| user(e.to_string()))?;
    if !result.originals.is_empty() {
        let store = super::open_store(&args.store)?;
        store.put_many(&Scope::local(), &result.originals).context("saving originals to the store")?;
    }
    if args.result {
        output::stdout(&serde_json::to_string_pretty(&result)?);
    } else {
        output::stdout(result.messages.get());
    }
    let transforms: Vec<&str> = result.transforms_applied.iter().map(|t| t.as_str()).collect();
    output::status(&format!(
        "headroom: {} -> {} tokens ({:.1}% saved{}){}",
        result.tokens_before,
        result.tokens_after,
        result.compression_ratio * 100.0,
        if matches!(result.token_count, headroom::TokenCount::Estimate) { ", estimated" } else { "" },
        if transforms.is_empty() { String::new() } else { format!(" via {}", transforms.join(", ")) },
    ));
    Ok(ExitCode::SUCCESS)
}

/// The body's top-level `"model"`, if it has one.
fn body_model(input: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct M {
        model: Option<String>,
    }
    serde_json::from_str::<M>(input).ok().and_then(|m| m.model)
}
