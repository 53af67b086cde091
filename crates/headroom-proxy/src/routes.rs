//! The route table, and nothing else.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;
use crate::{compress, dashboard, forward, retrieve, stats};

/// Every route of the proxy, over `state`. Drive it in-process or serve it on any listener
/// (with `into_make_service_with_connect_info::<SocketAddr>()` so `/v1/retrieve` can tell
/// loopback callers apart).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/stats", get(stats::json))
        .route("/metrics", get(stats::metrics))
        .route("/dashboard", get(dashboard::page))
        .route("/v1/dashboard/history", get(dashboard::history))
        .route("/v1/compress", post(compress::library))
        .route("/v1/retrieve/{hash}", get(retrieve::get))
        .route("/v1/messages", post(compress::messages).fallback(forward::passthrough))
        .route("/v1/chat/completions", post(compress::chat).fallback(forward::passthrough))
        .route("/v1/responses", post(compress::responses).fallback(forward::passthrough))
        .fallback(forward::passthrough)
        // Bodies are read by the handlers under the configured limit.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(
        serde_json::json!({"service": "headroom", "status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}
