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
    #[command(
        after_help = "Example:\n  headroom compress messages.json --model gpt-4o > small.json\n  cat body.json | headroom compress - --result | jq .compression_ratio"
    )]
    Compress(CompressArgs),
    /// Print an original that compression replaced with a marker.
    #[command(after_help = "Example:\n  headroom retrieve 3f2a9c0e1b7d5a4c8e6f0a1b")]
    Retrieve(RetrieveArgs),
    /// Run compression over a corpus of cases and report savings and needles kept.
    #[command(
        after_help = "Example:\n  headroom eval ../shared/corpus\n  headroom eval ../shared/corpus --json > eval.json"
    )]
    Eval(EvalArgs),
    /// Launch a coding agent behind the proxy (starting the proxy if none answers).
    #[command(
        after_help = "Examples:\n  headroom wrap claude\n  headroom wrap codex -- --model gpt-5\n  headroom wrap cursor   # prints the settings to paste"
    )]
    Wrap(WrapArgs),
    /// Undo the config-file edit `headroom wrap` made for an agent (codex).
    #[command(after_help = "Example:\n  headroom unwrap codex")]
    Unwrap(UnwrapArgs),
    /// Check the proxy, upstreams, store and agent settings; say how to fix what fails.
    #[command(
        after_help = "Example:\n  headroom doctor\n  headroom doctor --json | jq '.checks[] | select(.level != \"ok\")'"
    )]
    Doctor(DoctorArgs),
    /// headroom as an MCP server (retrieve / compress tools for any MCP-capable agent).
    #[command(
        after_help = "Examples:\n  headroom mcp serve            # stdio; what agents launch\n  headroom mcp install          # register with Claude Code and Codex"
    )]
    Mcp(McpArgs),
    /// Savings summary from the ledger the proxy writes.
    #[command(
        after_help = "Examples:\n  headroom perf\n  headroom perf --since 7d\n  headroom perf --since all --json"
    )]
    Perf(PerfArgs),
    /// Run the compressing proxy for Anthropic and OpenAI clients.
    #[command(
        after_help = "Examples:\n  headroom proxy --port 8787\n  ANTHROPIC_BASE_URL=http://localhost:8787 claude\n  OPENAI_BASE_URL=http://localhost:8787/v1 your-app"
    )]
    Proxy(headroom_proxy::ProxyConfig),
    /// Open the proxy's live dashboard in your browser.
    #[command(
        after_help = "Example:\n  headroom dashboard            # opens http://127.0.0.1:8787/dashboard\n  headroom dashboard --print    # just print the URL"
    )]
    Dashboard(DashboardArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DashboardArgs {
    /// Proxy port.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Print the URL instead of opening a browser.
    #[arg(long)]
    pub print: bool,
}

/// A reporting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Since {
    /// The last 24 hours.
    #[value(name = "24h")]
    Day,
    /// The last 7 days.
    #[value(name = "7d")]
    Week,
    /// Everything in the ledger.
    All,
}

#[derive(Debug, Args)]
pub(crate) struct PerfArgs {
    /// Window to summarise.
    #[arg(long, value_enum, default_value = "24h")]
    pub since: Since,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
    /// Ledger file (default: ledger.db under the data dir).
    #[arg(long)]
    pub ledger: Option<PathBuf>,
    /// JSON price overrides: {"model-prefix": {"input":..,"output":..,"cache_read":..,"cache_write":..}} in US$/Mtok.
    #[arg(long, env = "HEADROOM_PRICES")]
    pub prices: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    #[command(subcommand)]
    pub command: McpCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum McpCommand {
    /// Serve MCP over stdin/stdout (tools: headroom_compress, headroom_retrieve, headroom_stats).
    Serve {
        /// Model used for token counting.
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Register the server in Claude Code's and Codex's configs (backs each file up first).
    Install {
        /// Claude Code config file (default ~/.claude.json).
        #[arg(long)]
        claude_config: Option<PathBuf>,
        /// Codex config file (default $CODEX_HOME/config.toml or ~/.codex/config.toml).
        #[arg(long)]
        codex_config: Option<PathBuf>,
    },
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
