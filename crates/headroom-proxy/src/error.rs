//! `ProxyError`, and the one place where a proxy-made failure becomes an HTTP response: shaped
//! like the provider's own errors so SDKs surface them normally. Upstream errors never pass
//! through here; they are relayed with the upstream's status and body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::provider::Provider;

/// Everything the proxy itself can fail at.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// A configuration value that does not parse.
    #[error("invalid proxy configuration: {0}")]
    Config(String),
    /// The store could not be opened or used.
    #[error(transparent)]
    Store(#[from] headroom_store::StoreError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
    /// The HTTP client could not be built.
    #[error("cannot build the upstream client: {0}")]
    Client(reqwest::Error),
    /// The request body exceeds the configured limit.
    #[error("request body is larger than the proxy's limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The request body could not be read from the client.
    #[error("could not read the request body: {0}")]
    BadBody(String),
    /// A request this endpoint cannot accept.
    #[error("{0}")]
    BadRequest(String),
    /// The upstream could not be reached or broke off before answering.
    #[error("upstream unreachable: {0}")]
    Upstream(reqwest::Error),
    /// Not allowed from this caller.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing stored under that hash for this caller.
    #[error("no original stored under hash {0}")]
    NotFound(String),
}

impl ProxyError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadBody(_) | Self::BadRequest(_) | Self::Config(_) => StatusCode::BAD_REQUEST,
            Self::Upstream(e) if e.is_timeout() => StatusCode::GATEWAY_TIMEOUT,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Store(_) | Self::Bind { .. } | Self::Serve(_) | Self::Client(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The error type names each provider uses for this status.
    fn kind(&self, provider: Provider) -> &'static str {
        let status = self.status();
        match (provider, status) {
            (Provider::Anthropic, StatusCode::PAYLOAD_TOO_LARGE) => "request_too_large",
            (Provider::Anthropic, StatusCode::BAD_REQUEST) => "invalid_request_error",
            (Provider::Anthropic, StatusCode::FORBIDDEN) => "permission_error",
            (Provider::Anthropic, StatusCode::NOT_FOUND) => "not_found_error",
            (Provider::Anthropic, _) => "api_error",
            (Provider::OpenAi, s) if s.is_client_error() => "invalid_request_error",
            (Provider::OpenAi, _) => "server_error",
        }
    }

    /// Pair the error with the provider whose shape the client expects.
    pub(crate) fn for_provider(self, provider: Provider) -> Failure {
        Failure { provider, error: self }
    }
}

/// A proxy error on its way to a client of `provider`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) provider: Provider,
    pub(crate) error: ProxyError,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.error.status();
        let kind = self.error.kind(self.provider);
        let message = format!("headroom proxy: {}", self.error);
        tracing::warn!(status = status.as_u16(), "{message}");
        let body = match self.provider {
            Provider::Anthropic => serde_json::json!({
                "type": "error",
                "error": {"type": kind, "message": message},
            }),
            Provider::OpenAi => serde_json::json!({
                "error": {"message": message, "type": kind, "param": null, "code": null},
            }),
        };
        (status, axum::Json(body)).into_response()
    }
}
