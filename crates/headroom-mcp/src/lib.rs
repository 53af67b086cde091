//! headroom-mcp: headroom as an MCP server, for agents that talk MCP rather than going through
//! the proxy.
//!
//! Three tools over stdio (see [`HeadroomServer`]):
//! - `headroom_compress` — text in; compressed text, its hash and token counts out. What was
//!   dropped is kept in the store under [`Scope::local`](headroom_store::Scope::local).
//! - `headroom_retrieve` — hash (or a whole `[headroom: …]` marker) in; the original out.
//! - `headroom_stats` — this session's counters as JSON.
//!
//! The store is whatever the caller opens (the CLI opens the same one as the proxy), so an
//! original dropped by the proxy can be retrieved here and vice versa. [`install`] registers
//! the server with Claude Code and Codex.

use headroom::CompressConfig;
use headroom_store::SharedStore;
use rmcp::service::RoleServer;
use rmcp::transport::IntoTransport;
use rmcp::ServiceExt;

pub mod install;
mod server;

pub use server::{HeadroomServer, SessionStats};

/// How the server compresses. The model in `compress.model` picks the token counter when a
/// call names none; `compress.format` is ignored (the server builds its own message list).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct McpConfig {
    /// Engine settings for every `headroom_compress` call.
    pub compress: CompressConfig,
}

impl McpConfig {
    /// Default settings, counting tokens for `model`.
    pub fn for_model(model: impl Into<headroom::ModelName>) -> Self {
        Self { compress: CompressConfig { model: model.into(), ..CompressConfig::default() } }
    }
}

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// The client never completed the MCP handshake (or the transport closed during it).
    #[error("MCP handshake failed: {0}")]
    Handshake(String),
    /// The server's task died.
    #[error("MCP server task failed: {0}")]
    Task(String),
}

/// Serve MCP over this process's stdin/stdout until the client closes stdin.
///
/// Nothing else may write to stdout while this runs: it carries the JSON-RPC stream.
pub async fn serve_stdio(store: SharedStore, config: McpConfig) -> Result<(), McpError> {
    serve(rmcp::transport::stdio(), store, config).await
}

/// Serve MCP over any rmcp transport (a `(reader, writer)` pair, a duplex stream, …) until the
/// peer closes it. Used by [`serve_stdio`] and by tests with an in-process pipe.
pub async fn serve<T, E, A>(transport: T, store: SharedStore, config: McpConfig) -> Result<(), McpError>
where
    T: IntoTransport<RoleServer, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let running = HeadroomServer::new(store, config)
        .serve(transport)
        .await
        .map_err(|e| McpError::Handshake(e.to_string()))?;
    running.waiting().await.map_err(|e| McpError::Task(e.to_string()))?;
    Ok(())
}
