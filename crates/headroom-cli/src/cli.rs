//! Argument definitions (clap) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// headroom — compress what your agent sends to the model; keep every original retrievable.
#[derive(Debug, Parser)]
#[command(name = "headroom", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compress a message list or request body (JSON) and print it in the same shape.
    #[command(after_help = "Example:\n  headroom compress messages.json --model gpt-4o > small.json\n  cat body.json | headroom compress - --result | jq .compression_ratio")]
    Compress(CompressArgs),
    /// Print an original that compression replaced with a marker.
    #[command(after_help = "Example:\n  headroom retrieve 3f2a9c0e1b7d5a4c8e6f0a1b")]
    Retrieve(RetrieveArgs),
    /// Run compression over a corpus of cases and report savings and needles kept.
    #[command(after_help = "Example:\n  headroom eval ../shared/corpus\n  headroom eval ../shared/corpus --json > eval.json")]
    Eval(EvalArgs),
}

/// Where originals are kept.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// Store URL: sqlite:PATH, memory:, redis://HOST:PORT (default: SQLite under the data dir).
    #[arg(long, env = "HEADROOM_STORE")]
    pub store: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CompressArgs {
    /// JSON file to read; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Model the request is for (picks the token counter). Default: the body's `model`, else a
    /// current Claude model.
    #[arg(long)]
    pub model: Option<String>,
    /// Print the whole CompressResult as JSON instead of the compressed input.
    #[arg(long)]
    pub result: bool,
    /// Input format, when detection should not decide.
    #[arg(long, value_parser = ["anthropic", "openai_chat", "openai_responses"])]
    pub format: Option<String>,
    /// Relevance query (default: the latest user text).
    #[arg(long)]
    pub query: Option<String>,
    /// Blocks below this many tokens are left alone.
    #[arg(long, default_value_t = 250)]
    pub min_tokens: usize,
    /// Only reversible rewrites; nothing is dropped and no marker is emitted.
    #[arg(long)]
    pub lossless: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RetrieveArgs {
    /// The 24-hex-digit hash from a marker.
    pub hash: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// Directory of corpus cases (`<id>.json` files in the shared/corpus format).
    pub dir: PathBuf,
    /// Print machine-readable JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Model used for token counting (default gpt-4o: exact o200k counts).
    #[arg(long, default_value = "gpt-4o")]
    pub model: String,
}
