//! Binding, serving and shutting down: drain in-flight requests and streams on shutdown, and
//! close whatever is still open when the grace period ends.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use headroom_store::{SharedStore, StoreUrl};
use tokio::net::TcpListener;

use crate::config::ProxyConfig;
use crate::error::ProxyError;
use crate::routes::router;
use crate::state::AppState;

/// Open the store named by a store URL (`memory:`, `sqlite:PATH`, `redis://...`); unset: the
/// default SQLite file of `headroom-store`, shared with `headroom retrieve` and the MCP server.
pub fn open_store(url: Option<&str>) -> Result<SharedStore, ProxyError> {
    let url = match url {
        Some(u) => u.parse::<StoreUrl>(),
        None => StoreUrl::default_sqlite(),
    }
    .map_err(|e| ProxyError::Config(e.to_string()))?;
    headroom_store::open(&url).map_err(|e| ProxyError::Config(format!("opening store {url}: {e}")))
}

/// Longest shutdown waits for the ledger's last records to be written.
const LEDGER_FLUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A bound, not yet serving proxy.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    /// Bind `config.host:config.port` with originals kept in `store`.
    pub async fn bind(config: ProxyConfig, store: SharedStore) -> Result<Self, ProxyError> {
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr).await.map_err(|source| ProxyError::Bind { addr, source })?;
        Ok(Self { listener, state: AppState::new(config, store)? })
    }

    /// The address actually bound (port 0 resolved).
    pub fn local_addr(&self) -> Result<SocketAddr, ProxyError> {
        self.listener.local_addr().map_err(ProxyError::Serve)
    }

    /// The state handlers share (stats, store, config).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until `shutdown` resolves, then stop accepting, let in-flight requests and
    /// streams finish for up to `shutdown_grace`, and close the rest.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ProxyError> {
        let grace = self.state.config().shutdown_grace.get();
        let (began_tx, began_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            let _ = began_tx.send(());
        };
        let listener = self.listener.tap_io(|tcp| {
            // Small SSE writes must not wait for Nagle's algorithm.
            let _ = tcp.set_nodelay(true);
        });
        let state = self.state.clone();
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let serving = axum::serve(listener, app).with_graceful_shutdown(signal).into_future();
        let mut task = tokio::spawn(serving);
        let result = tokio::select! {
            done = &mut task => joined(done),
            _ = began_rx => match tokio::time::timeout(grace, &mut task).await {
                Ok(done) => joined(done),
                Err(_) => {
                    tracing::warn!("shutdown grace of {grace:?} ended; closing the connections still open");
                    task.abort();
                    Ok(())
                }
            },
        };
        // Records of the requests just finished are still queued; write them before returning.
        let _ = tokio::task::spawn_blocking(move || state.flush_ledger(LEDGER_FLUSH_WAIT)).await;
        result
    }
}

fn joined(done: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), ProxyError> {
    match done {
        Ok(r) => r.map_err(ProxyError::Serve),
        Err(e) => Err(ProxyError::Serve(std::io::Error::other(e))),
    }
}

/// Open the configured store, bind, and serve until `shutdown` resolves (see [`Server::run`]).
pub async fn serve(
    config: ProxyConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ProxyError> {
    let store = open_store(config.store.as_deref())?;
    // Load both BPE vocabularies now (~0.1 s) so no request pays for it.
    let _ = (headroom::TokenCounter::for_model("gpt-4o"), headroom::TokenCounter::for_model("gpt-4"));
    let server = Server::bind(config, store).await?;
    tracing::info!(addr = %server.local_addr()?, "headroom proxy listening");
    server.run(shutdown).await
}
