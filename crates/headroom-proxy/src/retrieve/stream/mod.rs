//! Continuing a streaming response without ever buffering it. Events are relayed as each one
//! completes; a per-format [`Machine`] hides the events of `headroom_retrieve` calls (and
//! renumbers the blocks after them), and when a round ends with only retrieve calls it holds
//! back the closing events, answers the calls, sends the follow-up request and relays that
//! stream on as the continuation of the same message. A follow-up that fails ends the stream
//! with a provider-shaped error event, never a silent cut.

mod anthropic;
mod chat;
mod responses;

use std::convert::Infallible;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::calls::{self, Call};
use super::{answer, Conversation};
use crate::forward;
use crate::provider::Route;
use crate::sse::{Event, EventSplitter};
use crate::state::AppState;
use crate::usage::UsageTap;

/// Whether streamed Responses calls are continued (else Responses streams stay lossless).
pub(super) const RESPONSES_STREAMING: bool = true;

/// Client-side buffer between the relay task and the response body, in events.
const CHANNEL: usize = 64;

/// What a round asks the proxy to do once its stream has ended.
pub(super) struct Continuation {
    /// The retrieve calls to answer.
    calls: Vec<Call>,
    /// The assistant turn(s) that replay this round in the follow-up.
    assistant: Vec<String>,
}

/// One wire format's view of a stream being continued.
trait Machine: Send {
    /// The bytes to relay for one complete event (none, the raw event, or a rewrite).
    fn event(&mut self, raw: Bytes, ev: &Event) -> Vec<Bytes>;
    /// The round's stream ended: continue, or `None` when it was relayed in full.
    fn finish_round(&mut self) -> Option<Continuation>;
    /// The closing events held back, fixed up to end the message (no continuation possible).
    fn give_up(&mut self) -> Vec<Bytes>;
    /// Prepare for the follow-up's stream.
    fn next_round(&mut self);
    /// An error event carrying `body` (an upstream error body or a message).
    fn error_event(&self, body: &str) -> Bytes;
}

fn machine(route: Route, max_rounds: usize) -> Box<dyn Machine> {
    match route {
        Route::Messages => Box::new(anthropic::Anthropic::new(max_rounds)),
        Route::ChatCompletions => Box::new(chat::Chat::new(max_rounds)),
        Route::Responses => Box::new(responses::Responses::new(max_rounds)),
    }
}

/// Relay `upstream` (an SSE 2xx answer to a request that offered the tool).
pub(super) fn relay(state: AppState, convo: Conversation, upstream: reqwest::Response) -> Response {
    let (status, headers) = (upstream.status(), upstream.headers().clone());
    let (tx, rx) = mpsc::channel::<Bytes>(CHANNEL);
    tokio::spawn(run(state, convo, upstream, tx));
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<Bytes, Infallible>(b), rx))
    });
    forward::respond_with(status, &headers, Body::from_stream(body), false)
}

async fn send_all(tx: &mpsc::Sender<Bytes>, out: Vec<Bytes>) -> bool {
    for b in out {
        if tx.send(b).await.is_err() {
            return false;
        }
    }
    true
}

async fn run(state: AppState, convo: Conversation, first: reqwest::Response, tx: mpsc::Sender<Bytes>) {
    let max_rounds = usize::from(state.config().max_retrieve_rounds);
    let mut m = machine(convo.route, max_rounds);
    let mut upstream = first;
    let mut body = convo.body.clone();
    loop {
        let mut splitter = EventSplitter::default();
        let mut tap = UsageTap::default();
        let mut stream = upstream.bytes_stream();
        let mut broke = false;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("upstream stream broke off: {e}");
                    broke = true;
                    break;
                }
            };
            splitter.push(&chunk);
            while let Some(raw) = splitter.next_event() {
                let ev = Event::parse(&raw);
                tap.event_data(&ev.data);
                if !send_all(&tx, m.event(raw, &ev)).await {
                    convo.usage(&state, &tap.usage());
                    return; // the client went away
                }
            }
        }
        convo.usage(&state, &tap.usage());
        if broke {
            return; // ends the client's stream where the upstream's ended
        }
        let rest = splitter.rest();
        if !rest.is_empty() && !send_all(&tx, vec![rest]).await {
            return;
        }
        let Some(cont) = m.finish_round() else { return };
        let mut answered = Vec::with_capacity(cont.calls.len());
        for call in cont.calls {
            let a = answer(&state, &convo.scope, &call.input).await;
            answered.push((call, a));
        }
        let mut turns = cont.assistant;
        turns.extend(calls::answers(convo.route, &answered));
        let Some(next) = convo.follow_up(&body, &turns) else {
            let _ = send_all(&tx, m.give_up()).await;
            return;
        };
        body = next;
        match convo.send(&state, body.clone()).await {
            Ok(u) if u.status().is_success() && forward::is_event_stream(u.headers()) => upstream = u,
            Ok(u) => {
                let text = u.text().await.unwrap_or_default();
                let _ = tx.send(m.error_event(&text)).await;
                return;
            }
            Err(e) => {
                let _ = tx.send(m.error_event(&e.to_string())).await;
                return;
            }
        }
        m.next_round();
    }
}

/// `data` with `field` set to `value`, rendered as an event named `name`.
fn rewritten(
    name: Option<&str>,
    mut data: serde_json::Value,
    field: &str,
    value: serde_json::Value,
) -> Bytes {
    data[field] = value;
    Event::render(name, &data.to_string())
}
