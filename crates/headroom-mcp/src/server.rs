//! The MCP tool surface (`headroom_compress`, `headroom_retrieve`, `headroom_stats`) and the
//! session counters behind the last one.
//!
//! Tool failures the caller can act on (bad hash, unknown hash, store down, unparsable text)
//! are tool-level errors (`isError: true` with a message), never protocol errors, so the agent
//! sees why. Engine and store calls are synchronous and run on blocking threads.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use headroom::{ContentHash, Engine, Format, Marker, ModelName, Original};
use headroom_store::{Scope, SharedStore};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ServerHandler};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::McpConfig;

/// Engines for models other than the default are cached up to this many (callers could send
/// any number of distinct names).
const MAX_CACHED_ENGINES: usize = 8;

/// Arguments of `headroom_compress`.
#[derive(Debug, Deserialize, JsonSchema)]
struct CompressArgs {
    /// The text to compress: a tool output such as a log, JSON response, grep result, diff,
    /// source file or document.
    text: String,
    /// The question the text should answer; what matches it is kept.
    #[serde(default)]
    question: Option<String>,
    /// Model whose tokenizer counts tokens (e.g. `gpt-4o`, `claude-sonnet-4-5`).
    #[serde(default)]
    model: Option<String>,
}

/// Arguments of `headroom_retrieve`.
#[derive(Debug, Deserialize, JsonSchema)]
struct RetrieveArgs {
    /// The 24-hex-digit hash from a `[headroom: … retrieve hash=…]` marker (the whole marker
    /// is accepted too).
    hash: String,
}

/// What this server has done since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStats {
    /// `headroom_compress` calls that succeeded.
    pub compress_calls: u64,
    /// `headroom_retrieve` calls that returned an original.
    pub retrieve_hits: u64,
    /// `headroom_retrieve` calls that failed (bad or unknown hash, store error).
    pub retrieve_misses: u64,
    /// `headroom_stats` calls (including this one).
    pub stats_calls: u64,
    /// Tokens of all texts given to `headroom_compress`.
    pub tokens_before: u64,
    /// Tokens of what it returned.
    pub tokens_after: u64,
    /// `tokens_before - tokens_after`.
    pub tokens_saved: u64,
    /// Originals written to the store.
    pub originals_stored: u64,
}

/// The MCP server: three tools over a shared store. Cheap to clone (one shared state).
#[derive(Debug, Clone)]
pub struct HeadroomServer {
    state: Arc<State>,
    tool_router: ToolRouter<Self>,
}

#[derive(Debug)]
struct State {
    store: SharedStore,
    config: McpConfig,
    default_engine: Arc<Engine>,
    engines: Mutex<BTreeMap<String, Arc<Engine>>>,
    stats: Mutex<SessionStats>,
}

/// What one compression produced.
struct Compressed {
    text: String,
    meta: serde_json::Value,
}

#[tool_router]
impl HeadroomServer {
    /// A server over `store`, compressing with `config`.
    pub fn new(store: SharedStore, config: McpConfig) -> Self {
        let default_engine = Arc::new(Engine::new(engine_config(&config, None)));
        let state = State {
            store,
            config,
            default_engine,
            engines: Mutex::new(BTreeMap::new()),
            stats: Mutex::new(SessionStats::default()),
        };
        Self { state: Arc::new(state), tool_router: Self::tool_router() }
    }

    /// A snapshot of the session counters.
    pub fn stats(&self) -> SessionStats {
        lock(&self.state.stats).clone()
    }

    #[tool(
        name = "headroom_compress",
        description = "Compress a large tool output (log, JSON, search results, diff, code, prose) \
            before reasoning over it. Keeps errors, anomalies, structure and whatever matches \
            `question`; every dropped run is replaced by a `[headroom: N lines omitted; retrieve \
            hash=H]` marker. Returns the compressed text, then a JSON line with the hash and \
            token counts. Call headroom_retrieve with a marker's hash to get the original back."
    )]
    async fn headroom_compress(&self, Parameters(args): Parameters<CompressArgs>) -> CallToolResult {
        let state = Arc::clone(&self.state);
        match tokio::task::spawn_blocking(move || state.compress(&args)).await {
            Ok(Ok(done)) => CallToolResult::success(vec![
                ContentBlock::text(done.text),
                ContentBlock::text(done.meta.to_string()),
            ]),
            Ok(Err(message)) => tool_error(message),
            Err(e) => tool_error(format!("compression task failed: {e}")),
        }
    }

    #[tool(
        name = "headroom_retrieve",
        description = "Return the original text behind a `[headroom: … retrieve hash=H]` marker, \
            exactly as it was before compression. Pass the 24-hex-digit hash."
    )]
    async fn headroom_retrieve(&self, Parameters(args): Parameters<RetrieveArgs>) -> CallToolResult {
        let state = Arc::clone(&self.state);
        let outcome = tokio::task::spawn_blocking(move || state.retrieve(&args.hash)).await;
        let outcome = outcome.unwrap_or_else(|e| Err(format!("retrieval task failed: {e}")));
        let mut stats = lock(&self.state.stats);
        match outcome {
            Ok(original) => {
                stats.retrieve_hits += 1;
                CallToolResult::success(vec![ContentBlock::text(original)])
            }
            Err(message) => {
                stats.retrieve_misses += 1;
                tool_error(message)
            }
        }
    }

    #[tool(
        name = "headroom_stats",
        description = "Counters for this MCP session as JSON: calls, tokens before/after/saved, \
            originals stored, retrieval hits and misses."
    )]
    async fn headroom_stats(&self) -> CallToolResult {
        let snapshot = {
            let mut stats = lock(&self.state.stats);
            stats.stats_calls += 1;
            stats.clone()
        };
        match serde_json::to_string_pretty(&snapshot) {
            Ok(json) => CallToolResult::success(vec![ContentBlock::text(json)]),
            Err(e) => tool_error(format!("could not render stats: {e}")),
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for HeadroomServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("headroom", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "headroom compresses large tool outputs. Pass big logs, JSON, search results or \
                 files to headroom_compress with your question; when a `[headroom: … retrieve \
                 hash=H]` marker hides something you need, call headroom_retrieve with H.",
            )
    }
}

impl State {
    fn compress(&self, args: &CompressArgs) -> Result<Compressed, String> {
        let engine = self.engine(args.model.as_deref());
        let question = args.question.as_deref().unwrap_or("");
        // One user turn (the relevance query) and one tool output: the shape every compressor
        // is tuned for.
        let messages = serde_json::json!([
            {"role": "user", "content": question},
            {"role": "tool", "tool_call_id": "mcp", "content": args.text},
        ]);
        let result =
            engine.compress(&messages.to_string()).map_err(|e| format!("compression failed: {e}"))?;
        let out: Vec<serde_json::Value> = serde_json::from_str(result.messages.get())
            .map_err(|e| format!("engine output unreadable: {e}"))?;
        let text = out
            .get(1)
            .and_then(|m| m.get("content"))
            .and_then(|c| c.as_str())
            .ok_or("engine output lost the tool message")?
            .to_owned();

        let hash = ContentHash::of(&args.text);
        let mut originals = result.originals;
        // Lossless rewrites carry no marker, but keeping their original too means the returned
        // hash always retrieves something whenever the text changed.
        if text != args.text && !originals.iter().any(|o| o.hash == hash) {
            originals.push(Original { hash, content: args.text.clone() });
        }
        if !originals.is_empty() {
            self.store
                .put_many(&Scope::local(), &originals)
                .map_err(|e| format!("could not store the original, so markers would dangle: {e}"))?;
        }

        let counter = engine.counter();
        let (before, after) = (counter.count(&args.text), counter.count(&text));
        let markers = Marker::find_all(&text).len();
        let meta = serde_json::json!({
            "hash": hash,
            "tokens_before": before,
            "tokens_after": after,
            "tokens_saved": before.saturating_sub(after),
            "token_count": result.token_count,
            "transforms": result.transforms_applied,
            "markers": markers,
            "stored": !originals.is_empty(),
        });
        let mut stats = lock(&self.stats);
        stats.compress_calls += 1;
        stats.tokens_before += before as u64;
        stats.tokens_after += after as u64;
        stats.tokens_saved += before.saturating_sub(after) as u64;
        stats.originals_stored += originals.len() as u64;
        Ok(Compressed { text, meta })
    }

    fn retrieve(&self, given: &str) -> Result<String, String> {
        let given = given.trim();
        let hash = ContentHash::from_str(given)
            .ok()
            .or_else(|| Marker::find_all(given).first().map(|m| m.hash))
            .ok_or_else(|| {
                format!("{given:?} is not a headroom hash: expected 24 lowercase hex digits, as in a `[headroom: … retrieve hash=…]` marker")
            })?;
        match self.store.get_any(&hash) {
            Ok(Some(original)) => Ok(original),
            Ok(None) => {
                Err(format!("no original stored under hash={hash}: it was never stored here or has expired"))
            }
            Err(e) => Err(format!("could not read the store: {e}")),
        }
    }

    fn engine(&self, model: Option<&str>) -> Arc<Engine> {
        let Some(model) = model.filter(|m| *m != self.config.compress.model.as_str()) else {
            return Arc::clone(&self.default_engine);
        };
        let mut engines = lock(&self.engines);
        if let Some(engine) = engines.get(model) {
            return Arc::clone(engine);
        }
        let engine = Arc::new(Engine::new(engine_config(&self.config, Some(model))));
        if engines.len() < MAX_CACHED_ENGINES {
            engines.insert(model.to_owned(), Arc::clone(&engine));
        }
        engine
    }
}

fn engine_config(config: &McpConfig, model: Option<&str>) -> headroom::CompressConfig {
    let mut c = config.compress.clone();
    c.format = Some(Format::OpenaiChat);
    if let Some(m) = model {
        c.model = ModelName::from(m);
    }
    c
}

fn tool_error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// Counters stay usable after a panic elsewhere: they are plain numbers.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
