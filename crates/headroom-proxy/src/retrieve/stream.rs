//! Continuing a streaming response (placeholder).

use axum::response::Response;

use super::Conversation;
use crate::forward;
use crate::sse::Tap;
use crate::state::AppState;

/// Whether streamed Responses calls are continued.
pub(super) const RESPONSES_STREAMING: bool = false;

pub(super) fn relay(state: AppState, convo: Conversation, upstream: reqwest::Response) -> Response {
    let model = convo.model;
    forward::relay(upstream, Tap::Sse, move |u| state.stats().usage(&model, &u))
}
