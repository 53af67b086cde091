//! Retrieval: `GET /v1/retrieve/{hash}`, and answering the model's `headroom_retrieve` calls
//! so the client never sees the tool. A response that calls only the retrieve tool is
//! continued by the proxy (the call answered from the store, the conversation sent on) and the
//! client gets one coherent response; when the model also calls client tools, only the
//! retrieve call is removed and the client's calls go through.

mod calls;
mod stream;
mod unary;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use headroom::ContentHash;
use headroom_store::Scope;

use crate::error::ProxyError;
use crate::forward::{self, Outgoing};
use crate::ledger::Pending;
use crate::provider::{Provider, Route};
use crate::state::AppState;
use crate::usage::Usage;
use crate::{tenant, tool};

/// Whether the proxy can answer retrieve calls on `route` (streaming or not): only then may
/// compression drop content.
pub(crate) fn supported(route: Route, streaming: bool) -> bool {
    match route {
        Route::Messages | Route::ChatCompletions => true,
        Route::Responses => !streaming || stream::RESPONSES_STREAMING,
    }
}

/// A request the proxy may have to continue: what was sent, and to whom.
pub(crate) struct Conversation {
    pub(crate) route: Route,
    pub(crate) path_and_query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) scope: Scope,
    pub(crate) model: String,
    /// The body as forwarded (compressed, tool offered).
    pub(crate) body: Bytes,
    /// The request's ledger record, queued when the conversation ends.
    pub(crate) ledger: std::sync::Mutex<Pending>,
}

impl Conversation {
    /// Count usage one round reported, in the stats and the ledger record.
    fn usage(&self, state: &AppState, usage: &Usage) {
        state.stats().usage(&self.model, usage);
        match self.ledger.lock() {
            Ok(mut p) => p.usage(usage),
            Err(poisoned) => poisoned.into_inner().usage(usage),
        }
    }

    /// Send `body` on the same route with the same headers.
    async fn send(&self, state: &AppState, body: Bytes) -> Result<reqwest::Response, ProxyError> {
        forward::send(
            state,
            Outgoing {
                provider: self.route.provider(),
                method: http::Method::POST,
                path_and_query: &self.path_and_query,
                headers: self.headers.clone(),
                body: reqwest::Body::from(body),
            },
        )
        .await
    }

    /// The follow-up body: `current` plus the assistant turn and the answers.
    fn follow_up(&self, current: &[u8], turns: &[String]) -> Option<Bytes> {
        let text = std::str::from_utf8(current).ok()?;
        tool::append_turns(self.route, text, turns).map(Bytes::from)
    }
}

/// Continue `upstream` (a 2xx answer to a request that offered the tool).
pub(crate) async fn continue_response(
    state: AppState,
    convo: Conversation,
    upstream: reqwest::Response,
) -> Response {
    if forward::is_event_stream(upstream.headers()) {
        stream::relay(state, convo, upstream)
    } else {
        unary::complete(state, convo, upstream).await
    }
}

/// The answer to one retrieve call.
pub(crate) struct Answer {
    pub(crate) text: String,
    pub(crate) is_error: bool,
}

/// Look up the original a call asks for (`input`: the call's JSON arguments).
pub(crate) async fn answer(state: &AppState, scope: &Scope, input: &str) -> Answer {
    let Some(hash) = tool::hash_argument(input) else {
        state.stats().retrieve_call(false);
        return Answer {
            text: "headroom_retrieve needs {\"hash\": \"<24 hex digits>\"}.".into(),
            is_error: true,
        };
    };
    let parsed: Result<ContentHash, _> = hash.parse();
    let found = match parsed {
        Ok(h) => lookup(state, Some(scope.clone()), h).await,
        Err(_) => Ok(None),
    };
    state.stats().retrieve_call(matches!(found, Ok(Some(_))));
    match found {
        Ok(Some(text)) => Answer { text, is_error: false },
        Ok(None) => Answer {
            text: format!("No original is stored under hash {hash:?} (unknown or expired)."),
            is_error: true,
        },
        Err(e) => Answer { text: format!("The store failed: {e}"), is_error: true },
    }
}

/// Read the store off the async threads. `scope: None` reads any scope.
async fn lookup(
    state: &AppState,
    scope: Option<Scope>,
    hash: ContentHash,
) -> Result<Option<String>, ProxyError> {
    let store = state.store().clone();
    let job = move || match scope {
        Some(s) => store.get(&s, &hash),
        None => store.get_any(&hash),
    };
    match tokio::task::spawn_blocking(job).await {
        Ok(r) => r.map_err(ProxyError::from),
        Err(e) => Err(ProxyError::BadRequest(format!("store lookup failed: {e}"))),
    }
}

/// `GET /v1/retrieve/{hash}`: the original as `text/plain`. Loopback callers without a key
/// (the local user) read any scope; with a key, only that key's scope. Non-loopback callers
/// are refused unless `retrieve_remote` is set, and then must send a key.
pub(crate) async fn get(State(state): State<AppState>, Path(hash): Path<String>, req: Request) -> Response {
    let provider = Provider::for_request("", req.headers());
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let loopback = peer.is_some_and(|p| p.ip().is_loopback());
    let has_key = tenant::has_key(req.headers());
    if !(loopback || (state.config().retrieve_remote && has_key)) {
        let why = "retrieval is served to loopback callers only (see --retrieve-remote)";
        return ProxyError::Forbidden(why.into()).for_provider(provider).into_response();
    }
    let Ok(h) = hash.parse::<ContentHash>() else {
        let why = format!("{hash:?} is not a headroom hash (24 lowercase hex digits)");
        return ProxyError::BadRequest(why).for_provider(provider).into_response();
    };
    let scope = has_key.then(|| tenant::scope(req.headers()));
    match lookup(&state, scope, h).await {
        Ok(Some(text)) => ([(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Ok(None) => ProxyError::NotFound(hash).for_provider(provider).into_response(),
        Err(e) => e.for_provider(provider).into_response(),
    }
}
