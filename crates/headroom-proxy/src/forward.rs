//! Pass-through: which headers travel, sending a request upstream, and relaying the upstream's
//! status, headers and body back unchanged. Every path the proxy does not compress goes
//! through [`passthrough`] with its method, path, query and body intact.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Response};
use axum::response::IntoResponse;

use crate::error::ProxyError;
use crate::provider::Provider;
use crate::sse::{self, Tap};
use crate::state::AppState;
use crate::stats::Treatment;

/// Headers that describe one hop's connection, never forwarded (RFC 9110 §7.6.1), plus the
/// ones the client library recomputes.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// The prefix of headers that steer the proxy itself; stripped before upstream.
const CONTROL_PREFIX: &str = "x-headroom-";

fn connection_named(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("connection")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Client headers as they go upstream: auth and everything else kept, hop-by-hop and
/// `x-headroom-*` dropped.
pub(crate) fn upstream_headers(headers: &HeaderMap) -> HeaderMap {
    let named = connection_named(headers);
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n.starts_with(CONTROL_PREFIX) || named.iter().any(|c| c == n) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// Upstream response headers as they go back to the client. `content-length` is kept only
/// when the body is relayed byte for byte (`exact_body`).
pub(crate) fn client_headers(headers: &HeaderMap, exact_body: bool) -> HeaderMap {
    let named = connection_named(headers);
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let n = name.as_str();
        let hop = HOP_BY_HOP.contains(&n) && !(exact_body && n == "content-length");
        if hop || named.iter().any(|c| c == n) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// Whether the client asked to skip compression for this request.
pub(crate) fn bypass(headers: &HeaderMap) -> bool {
    headers
        .get("x-headroom-bypass")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A request about to leave for the upstream.
pub(crate) struct Outgoing<'a> {
    pub(crate) provider: Provider,
    pub(crate) method: Method,
    pub(crate) path_and_query: &'a str,
    pub(crate) headers: HeaderMap,
    pub(crate) body: reqwest::Body,
}

/// Send `out` to its provider's upstream.
pub(crate) async fn send(state: &AppState, out: Outgoing<'_>) -> Result<reqwest::Response, ProxyError> {
    let base = match out.provider {
        Provider::Anthropic => &state.config().anthropic_upstream,
        Provider::OpenAi => &state.config().openai_upstream,
    };
    state
        .client()
        .request(out.method, base.join(out.path_and_query))
        .headers(out.headers)
        .body(out.body)
        .send()
        .await
        .map_err(ProxyError::Upstream)
}

/// A client response with `upstream`'s status and headers and `body`.
pub(crate) fn respond_with(
    status: http::StatusCode,
    headers: &HeaderMap,
    body: Body,
    exact_body: bool,
) -> axum::response::Response {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    *res.headers_mut() = client_headers(headers, exact_body);
    res
}

/// Relay `upstream` to the client as it arrives, reading usage per `tap`.
pub(crate) fn relay(
    upstream: reqwest::Response,
    tap: Tap,
    done: impl FnOnce(crate::usage::Usage) + Send + 'static,
) -> axum::response::Response {
    let (status, headers) = (upstream.status(), upstream.headers().clone());
    respond_with(status, &headers, sse::relay(upstream, tap, done), true)
}

/// Whether a response is an SSE stream.
pub(crate) fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/event-stream"))
}

/// Request bodies up to this size are collected before forwarding (so they keep a
/// `content-length`); larger or unsized ones are streamed through.
const COLLECT_BELOW: u64 = 1 << 20;

/// The body for upstream: empty when the client sent none, collected when small and sized,
/// streamed otherwise (never held whole in memory).
async fn request_body(headers: &HeaderMap, body: Body) -> reqwest::Body {
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = headers.contains_key(http::header::TRANSFER_ENCODING);
    match length {
        Some(n) if n <= COLLECT_BELOW && !chunked => match axum::body::to_bytes(body, n as usize).await {
            Ok(bytes) => reqwest::Body::from(bytes),
            Err(_) => reqwest::Body::from(bytes::Bytes::new()),
        },
        None if !chunked => reqwest::Body::from(bytes::Bytes::new()),
        _ => reqwest::Body::wrap_stream(body.into_data_stream()),
    }
}

/// Every route the proxy does not compress: forwarded untouched, body streamed both ways.
pub(crate) async fn passthrough(State(state): State<AppState>, req: Request) -> axum::response::Response {
    let start = Instant::now();
    let (parts, body) = req.into_parts();
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let provider = Provider::for_request(parts.uri.path(), &parts.headers);
    state.stats().request("passthrough", "", Treatment::Passthrough);
    let out = Outgoing {
        provider,
        method: parts.method,
        path_and_query: &path_and_query,
        headers: upstream_headers(&parts.headers),
        body: request_body(&parts.headers, body).await,
    };
    state.stats().added_latency(start.elapsed());
    match send(&state, out).await {
        Ok(upstream) => relay(upstream, Tap::None, |_| {}),
        Err(e) => e.for_provider(provider).into_response(),
    }
}
