//! Argument definitions (clap) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Launch a coding agent behind the proxy (starting the proxy if none answers).
    #[command(after_help = "Examples:\n  headroom wrap claude\n  headroom wrap codex -- --model gpt-5\n  headroom wrap cursor   # prints the settings to paste")]
    Wrap(WrapArgs),
    /// Undo the config-file edit `headroom wrap` made for an agent (codex).
    #[command(after_help = "Example:\n  headroom unwrap codex")]
    Unwrap(UnwrapArgs),
    /// Check the proxy, upstreams, store and agent settings; say how to fix what fails.
    #[command(after_help = "Example:\n  headroom doctor\n  headroom doctor --json | jq '.checks[] | select(.level != \"ok\")'")]
    Doctor(DoctorArgs),
}

/// A coding agent `wrap` knows how to launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Agent {
    /// Claude Code (`claude`).
    Claude,
    /// OpenAI Codex CLI (`codex`).
    Codex,
    /// Aider (`aider`).
    Aider,
    /// Cursor (prints settings; cannot be launched).
    Cursor,
}

impl Agent {
    /// The executable to run.
    pub(crate) fn binary(self) -> &'static str {
        match self {
            Self::Claude => "claude",
            Self::Codex => "codex",
            Self::Aider => "aider",
            Self::Cursor => "cursor",
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct WrapArgs {
    /// Which agent.
    pub agent: Agent,
    /// Proxy port (reused if a headroom proxy answers there, started otherwise).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Do not register headroom's MCP retrieval server with the agent.
    #[arg(long)]
    pub no_mcp: bool,
    /// Extra flags for a proxy that wrap starts (e.g. --proxy-arg=--anthropic-upstream=URL).
    #[arg(long = "proxy-arg", allow_hyphen_values = true)]
    pub proxy_args: Vec<String>,
    /// Arguments passed to the agent.
    #[arg(last = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct UnwrapArgs {
    /// Which agent.
    pub agent: Agent,
}

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Proxy port to check.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
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
