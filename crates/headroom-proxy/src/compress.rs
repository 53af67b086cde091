//! The request path of the compressed routes: read the body (size-limited), run the engine
//! within the time budget, store the originals, offer the retrieve tool when markers were
//! emitted, and forward. Any failure on the way forwards the exact bytes received (fail-open).
//! Also `POST /v1/compress`, the library over HTTP.

use std::borrow::Cow;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use headroom::{BlockOutcome, CompressConfig, CompressResult, Retrieval};
use headroom_store::Scope;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::ProxyError;
use crate::forward::{self, Outgoing};
use crate::ledger::{self, Pending};
use crate::provider::{Provider, Route};
use crate::retrieve::{self, Conversation};
use crate::sse::Tap;
use crate::state::AppState;
use crate::stats::Treatment;
use crate::{tenant, tool};

/// Bodies below this size are compressed on the request's own task: they cannot take long,
/// and a blocking-pool hop would cost more than the work.
const INLINE_BELOW: usize = 64 * 1024;

/// `POST /v1/messages`.
pub(crate) async fn messages(State(state): State<AppState>, req: Request) -> Response {
    handle(state, Route::Messages, req).await
}

/// `POST /v1/chat/completions`.
pub(crate) async fn chat(State(state): State<AppState>, req: Request) -> Response {
    handle(state, Route::ChatCompletions, req).await
}

/// `POST /v1/responses`.
pub(crate) async fn responses(State(state): State<AppState>, req: Request) -> Response {
    handle(state, Route::Responses, req).await
}

/// Read a whole request body, refusing more than `limit` bytes.
pub(crate) async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, ProxyError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ProxyError::BodyTooLarge { limit });
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.downcast_ref::<http_body_util::LengthLimitError>().is_some());
        if too_large {
            ProxyError::BodyTooLarge { limit }
        } else {
            ProxyError::BadBody(e.to_string())
        }
    })
}

async fn handle(state: AppState, route: Route, req: Request) -> Response {
    let start = Instant::now();
    let mut pending = Pending::new(state.ledger().cloned(), ledger::now_unix_ms(), route.path());
    let (parts, body) = req.into_parts();
    let provider = route.provider();
    let received = match read_body(body, &parts.headers, state.config().body_limit.as_usize()).await {
        Ok(b) => b,
        Err(e) => return answered(pending, e.for_provider(provider).into_response()),
    };
    let scope = tenant::scope(&parts.headers);
    let mut prepared = prepare(&state, route, received, &scope, forward::bypass(&parts.headers)).await;
    let path = route.path();
    state.stats().request(path, &prepared.model, prepared.treatment);
    pending.request(&prepared.model, ledger::project(&parts.headers), prepared.result.as_ref());
    // Only the numbers are kept; the result is dropped before the upstream call.
    if let Some(result) = prepared.result.take() {
        state.stats().savings(path, &prepared.model, &result);
    }
    let path_and_query = parts.uri.path_and_query().map_or(path, |p| p.as_str()).to_owned();
    let mut headers = forward::upstream_headers(&parts.headers);
    // The proxy reads these responses (usage, retrieve calls), so it asks for them unencoded;
    // the client's side of the connection is loopback anyway.
    headers.remove(http::header::ACCEPT_ENCODING);
    let out = Outgoing {
        provider,
        method: parts.method.clone(),
        path_and_query: &path_and_query,
        headers: headers.clone(),
        body: reqwest::Body::from(prepared.body.clone()),
    };
    state.stats().added_latency(start.elapsed());
    pending.added_latency(start.elapsed());
    let upstream = match forward::send(&state, out).await {
        Ok(u) => u,
        Err(e) => return answered(pending, e.for_provider(provider).into_response()),
    };
    pending.status(upstream.status().as_u16());
    let model = prepared.model;
    if prepared.tool_injected && upstream.status().is_success() {
        // The retrieve loop adds each round's usage to the stats and the ledger record.
        let ledger = std::sync::Mutex::new(pending);
        let convo =
            Conversation { route, path_and_query, headers, scope, model, body: prepared.body, ledger };
        return retrieve::continue_response(state, convo, upstream).await;
    }
    let tap = if forward::is_event_stream(upstream.headers()) { Tap::Sse } else { Tap::Json };
    forward::relay(upstream, tap, move |usage| {
        state.stats().usage(&model, &usage);
        pending.usage(&usage);
    })
}

/// Record `response`'s status in the ledger entry (queued as `pending` drops) and return it.
fn answered(mut pending: Pending, response: Response) -> Response {
    pending.status(response.status().as_u16());
    response
}

/// What goes upstream, and how it came about.
struct Prepared {
    body: Bytes,
    model: String,
    treatment: Treatment,
    result: Option<CompressResult>,
    tool_injected: bool,
}

/// The request's model, for the paths that never reach the engine's own parse (bypass, failure).
fn model_of(received: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Model<'a> {
        #[serde(borrow, default)]
        model: Option<Cow<'a, str>>,
    }
    serde_json::from_slice::<Model<'_>>(received).ok().and_then(|m| m.model).unwrap_or_default().into_owned()
}

async fn prepare(state: &AppState, route: Route, received: Bytes, scope: &Scope, bypass: bool) -> Prepared {
    let untouched = |received: Bytes, treatment| Prepared {
        model: model_of(&received),
        body: received,
        treatment,
        result: None,
        tool_injected: false,
    };
    if bypass {
        return untouched(received, Treatment::Bypassed);
    }
    let job = Job { state: state.clone(), scope: scope.clone(), route };
    let outcome = if received.len() < INLINE_BELOW {
        job.run(&received)
    } else {
        let body = received.clone();
        let workers = state.workers();
        // Waiting for a worker counts against the budget; a job that overruns keeps its permit
        // until it really ends, so the bound holds.
        let task = async move {
            let permit = workers.acquire_owned().await.map_err(|e| Failure::Failed(e.to_string()))?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                job.run(&body)
            })
            .await
            .map_err(|join| Failure::Failed(format!("compression task failed: {join}")))?
        };
        match tokio::time::timeout(state.config().compression_budget.get(), task).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Failure::Failed(format!(
                "compression exceeded its budget of {}",
                state.config().compression_budget
            ))),
        }
    };
    match outcome {
        Ok(Done { body: Some(body), model, result, tool_injected }) => {
            Prepared { body, model, treatment: Treatment::Compressed, result: Some(result), tool_injected }
        }
        Ok(Done { body: None, model, result, .. }) => Prepared {
            body: received,
            model,
            treatment: Treatment::Unchanged,
            result: Some(result),
            tool_injected: false,
        },
        // Not JSON we understand: the upstream answers it as it would without the proxy.
        Err(Failure::Foreign) => untouched(received, Treatment::Unchanged),
        Err(Failure::Failed(reason)) => {
            tracing::warn!(route = route.path(), "forwarding the original request: {reason}");
            untouched(received, Treatment::FailedOpen)
        }
    }
}

/// Why a body goes upstream as received.
enum Failure {
    /// Not UTF-8 JSON: nothing for the proxy to do.
    Foreign,
    /// JSON the engine could not handle, or a compression that failed or overran (fail-open).
    Failed(String),
}

/// One compression, runnable on any thread.
struct Job {
    state: AppState,
    scope: Scope,
    route: Route,
}

struct Done {
    /// The request's model.
    model: String,
    /// The body to forward, or `None` when nothing changed (forward the received bytes).
    body: Option<Bytes>,
    result: CompressResult,
    tool_injected: bool,
}

impl Job {
    /// Parse `received` once, pick the engine for its model and streaming mode, compress.
    fn run(&self, received: &[u8]) -> Result<Done, Failure> {
        let text = std::str::from_utf8(received).map_err(|_| Failure::Foreign)?;
        let located = headroom::wire::locate(text, Some(self.route.format())).map_err(|e| match e {
            headroom::Error::Json(j) if j.is_syntax() || j.is_eof() => Failure::Foreign,
            e => Failure::Failed(e.to_string()),
        })?;
        let fields = &located.request;
        let model = fields.model.clone().unwrap_or_default();
        let single_choice = fields.choices.is_none_or(|n| n == Some(1));
        let retrieval = if self.state.retrieval_enabled()
            && single_choice
            && retrieve::supported(self.route, fields.stream)
        {
            Retrieval::Markers
        } else {
            Retrieval::LosslessOnly
        };
        let engine = self.state.engine(self.route, &model, retrieval);
        let mut result =
            engine.compress_located(text, located).map_err(|e| Failure::Failed(e.to_string()))?;
        let changed = result.blocks.iter().any(|b| matches!(b.outcome, BlockOutcome::Compressed { .. }));
        // The result's copy of the body moves out here; stats keep only the numbers.
        let out: Box<str> = std::mem::replace(&mut result.messages, empty_raw()).into();
        if !changed {
            return Ok(Done { model, body: None, result, tool_injected: false });
        }
        let mut out = String::from(out);
        let tool_injected = !result.originals.is_empty();
        if tool_injected {
            let store = self.state.store();
            store.put_many(&self.scope, &result.originals).map_err(|e| Failure::Failed(e.to_string()))?;
            result.originals = Vec::new();
            out = tool::inject(self.route, &out)
                .ok_or_else(|| Failure::Failed("cannot add the retrieve tool to this body".into()))?;
        }
        Ok(Done { model, body: Some(Bytes::from(out)), result, tool_injected })
    }
}

fn empty_raw() -> Box<RawValue> {
    RawValue::NULL.to_owned()
}

/// Body of `POST /v1/compress`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompressRequest {
    /// A message list.
    #[serde(default)]
    messages: Option<Box<RawValue>>,
    /// A whole request body.
    #[serde(default)]
    request: Option<Box<RawValue>>,
    #[serde(default)]
    config: Option<CompressConfig>,
}

/// `POST /v1/compress`: `{messages | request, config?}` → `CompressResult`. Originals are kept
/// in the store under the caller's scope, so `/v1/retrieve` finds them.
pub(crate) async fn library(State(state): State<AppState>, req: Request) -> Response {
    let provider = Provider::for_request("", req.headers());
    let scope = tenant::scope(req.headers());
    let limit = state.config().body_limit.as_usize();
    let (parts, body) = req.into_parts();
    let bytes = match read_body(body, &parts.headers, limit).await {
        Ok(b) => b,
        Err(e) => return e.for_provider(provider).into_response(),
    };
    let parsed: CompressRequest = match serde_json::from_slice(&bytes) {
        Ok(p) => p,
        Err(e) => {
            return ProxyError::BadRequest(format!("bad /v1/compress body: {e}"))
                .for_provider(provider)
                .into_response()
        }
    };
    let Some(input) = parsed.messages.or(parsed.request) else {
        return ProxyError::BadRequest("/v1/compress wants \"messages\" or \"request\"".into())
            .for_provider(provider)
            .into_response();
    };
    let config = parsed.config.unwrap_or_default();
    let store = state.store().clone();
    let work = move || -> Result<CompressResult, ProxyError> {
        let result =
            headroom::compress(input.get(), &config).map_err(|e| ProxyError::BadRequest(e.to_string()))?;
        if !result.originals.is_empty() {
            store.put_many(&scope, &result.originals)?;
        }
        Ok(result)
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(result)) => axum::Json(result).into_response(),
        Ok(Err(e)) => e.for_provider(provider).into_response(),
        Err(e) => {
            ProxyError::BadRequest(format!("compression failed: {e}")).for_provider(provider).into_response()
        }
    }
}
