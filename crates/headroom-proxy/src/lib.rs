//! headroom-proxy: an HTTP endpoint in front of Anthropic and OpenAI that compresses every
//! request with the headroom engine, without the client changing anything but its base URL.
//!
//! - `POST /v1/messages`, `/v1/chat/completions`, `/v1/responses` are compressed; every other
//!   path is forwarded untouched. Bytes outside the compressed strings go upstream exactly as
//!   received, and a request the engine leaves alone goes up as the very bytes received.
//! - Compression is cache-safe: a block compresses to the same bytes on every turn (the query
//!   is the user text *preceding* the block, nothing is protected by recency), so the
//!   provider's prompt cache keeps matching. The `headroom_retrieve` tool is appended to
//!   `tools` with constant bytes from the first turn that carries a marker on; that turn
//!   re-writes the cache once, every later turn matches it again.
//! - Streams are relayed as they arrive; responses and errors come back as the upstream sent
//!   them. When compression drops content it offers the model a `headroom_retrieve` tool and
//!   answers its calls itself, streaming or not.
//!
//! ```no_run
//! # async fn run() -> Result<(), headroom_proxy::ProxyError> {
//! use headroom_proxy::{serve, ProxyConfig};
//! let config = ProxyConfig { port: 8787, ..ProxyConfig::default() };
//! serve(config, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

mod compress;
mod config;
mod dashboard;
mod error;
mod forward;
mod ledger;
mod provider;
mod retrieve;
mod routes;
mod server;
mod sse;
mod state;
mod stats;
mod tenant;
mod tool;
mod usage;

pub use config::{ByteSize, HumanDuration, LedgerTarget, ProxyConfig, RetrievalMode, Upstream};
pub use error::ProxyError;
pub use routes::router;
pub use server::{open_store, serve, Server};
pub use state::AppState;
