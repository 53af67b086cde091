//! headroom — context compression for LLM agents.
//!
//! `compress` takes a chat conversation (OpenAI Chat or Anthropic Messages) or a whole request
//! body (`/v1/chat/completions`, `/v1/messages`, `/v1/responses`) as JSON text and returns the
//! same JSON with the large tool outputs shrunk: errors, anomalies, matches for the question and
//! structure are kept; what is dropped is named by a retrieval marker whose original comes back
//! in [`CompressResult::originals`] for the caller to store.
//!
//! The engine is pure and synchronous: no I/O, no HTTP, no globals of its own. Every byte outside
//! the rewritten strings is returned exactly as it came in.
//!
//! ```
//! use headroom::{compress, CompressConfig};
//!
//! let rows: Vec<String> = (0..300)
//!     .map(|i| format!(r#"{{"title":"Result {i}","snippet":"Description {i}","score":{}}}"#, 1000 - i))
//!     .collect();
//! let tool_output = format!(r#"{{"results":[{}]}}"#, rows.join(","));
//! let messages = serde_json::json!([
//!     {"role": "user", "content": "Search for Python tutorials."},
//!     {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
//!         "function": {"name": "search", "arguments": "{}"}}]},
//!     {"role": "tool", "tool_call_id": "c1", "content": tool_output},
//!     {"role": "user", "content": "What are the top 3 results?"}
//! ]);
//! let config = CompressConfig { model: "gpt-4o".into(), ..CompressConfig::default() };
//! let result = compress(&messages.to_string(), &config).unwrap();
//! assert!(result.compression_ratio > 0.5);
//! assert!(result.messages.get().contains("Result 0"));
//! ```

mod cache;
mod compressors;
mod config;
mod detect;
mod engine;
mod error;
pub mod marker;
mod relevance;
mod result;
mod signals;
mod tokens;
pub mod wire;

pub use compressors::Transform;
pub use config::{CompressConfig, ModelName, ProtectRecent, QueryScope, Retrieval, TargetRatio};
pub use detect::{detect, ContentKind, Language};
pub use engine::Engine;
pub use error::Error;
pub use marker::{ContentHash, Marker};
pub use result::{BlockOutcome, BlockReport, CompressResult, Original, SkipReason};
pub use tokens::{Encoding, TokenCount, TokenCounter, CLAUDE_PER_O200K};
pub use wire::Format;

/// Compress `input` (a message list or a request body, as JSON text) under `config`.
///
/// Builds a one-off [`Engine`]; callers compressing many requests should build one `Engine` and
/// reuse it.
pub fn compress(input: &str, config: &CompressConfig) -> Result<CompressResult, Error> {
    Engine::new(config.clone()).compress(input)
}
