//! Continuing a non-streaming response. The client waits for one JSON body anyway, so each
//! round's body is read whole, its retrieve calls answered, and the conversation sent on; the
//! client gets the last round with the visible parts of the earlier rounds put in front and
//! the usage of all rounds added up. A response without retrieve calls goes back byte for byte.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::calls::{self, Call};
use super::{answer, Conversation};
use crate::error::ProxyError;
use crate::forward;
use crate::provider::Route;
use crate::state::AppState;
use crate::tool;
use crate::usage::UsageTap;

/// What one response asked for.
struct Found {
    ours: Vec<Call>,
    client_calls: bool,
}

fn is_ours_name(v: &Value) -> bool {
    v.as_str() == Some(tool::NAME)
}

fn find(route: Route, v: &Value) -> Found {
    let mut found = Found { ours: Vec::new(), client_calls: false };
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match route {
        Route::Messages => {
            for b in v.get("content").and_then(Value::as_array).into_iter().flatten() {
                if b.get("type").and_then(Value::as_str) != Some("tool_use") {
                    continue;
                }
                if is_ours_name(&b["name"]) {
                    let input = b.get("input").map_or_else(|| "{}".to_owned(), Value::to_string);
                    found.ours.push(Call { id: s(&b["id"]), input });
                } else {
                    found.client_calls = true;
                }
            }
        }
        Route::ChatCompletions => {
            let calls = v.pointer("/choices/0/message/tool_calls").and_then(Value::as_array);
            for c in calls.into_iter().flatten() {
                if is_ours_name(&c["function"]["name"]) {
                    found.ours.push(Call { id: s(&c["id"]), input: s(&c["function"]["arguments"]) });
                } else {
                    found.client_calls = true;
                }
            }
        }
        Route::Responses => {
            for item in v.get("output").and_then(Value::as_array).into_iter().flatten() {
                let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
                if kind == "function_call" && is_ours_name(&item["name"]) {
                    found.ours.push(Call { id: s(&item["call_id"]), input: s(&item["arguments"]) });
                } else if matches!(
                    kind,
                    "function_call" | "custom_tool_call" | "local_shell_call" | "computer_call"
                ) {
                    found.client_calls = true;
                }
            }
        }
    }
    found
}

/// The assistant turn(s) that replay `v` in a follow-up.
fn assistant_turns(route: Route, v: &Value, ours: &[Call]) -> Vec<String> {
    match route {
        Route::Messages => vec![calls::anthropic_assistant(&v["content"])],
        Route::ChatCompletions => {
            vec![calls::chat_assistant(v.pointer("/choices/0/message/content").and_then(Value::as_str), ours)]
        }
        Route::Responses => {
            v.get("output").and_then(Value::as_array).into_iter().flatten().map(Value::to_string).collect()
        }
    }
}

/// Remove the retrieve calls from `v`; `finished` also marks the turn as ended (no calls left
/// for the client to run).
fn strip_ours(route: Route, v: &mut Value, finished: bool) {
    let not_ours = |x: &Value| !(is_ours_name(&x["name"]) || is_ours_name(&x["function"]["name"]));
    match route {
        Route::Messages => {
            if let Some(a) = v.get_mut("content").and_then(Value::as_array_mut) {
                a.retain(not_ours);
            }
            if finished {
                v["stop_reason"] = Value::from("end_turn");
            }
        }
        Route::ChatCompletions => {
            if let Some(m) = v.pointer_mut("/choices/0/message").and_then(Value::as_object_mut) {
                if let Some(a) = m.get_mut("tool_calls").and_then(Value::as_array_mut) {
                    a.retain(not_ours);
                    if a.is_empty() {
                        m.remove("tool_calls");
                    }
                }
            }
            if finished {
                if let Some(c) = v.pointer_mut("/choices/0") {
                    c["finish_reason"] = Value::from("stop");
                }
            }
        }
        Route::Responses => {
            if let Some(a) = v.get_mut("output").and_then(Value::as_array_mut) {
                a.retain(not_ours);
            }
        }
    }
}

/// The client-visible parts of an earlier round, in response order.
fn visible(route: Route, v: &Value) -> Vec<Value> {
    let mut v = v.clone();
    strip_ours(route, &mut v, false);
    match route {
        Route::Messages => v.get("content").and_then(Value::as_array).cloned().unwrap_or_default(),
        Route::ChatCompletions => {
            v.pointer("/choices/0/message/content").filter(|c| c.is_string()).cloned().into_iter().collect()
        }
        Route::Responses => v.get("output").and_then(Value::as_array).cloned().unwrap_or_default(),
    }
}

/// Put the earlier rounds' visible parts in front of the last round's.
fn stitch(route: Route, v: &mut Value, earlier: Vec<Value>) {
    let target = match route {
        Route::Messages => v.get_mut("content"),
        Route::ChatCompletions => {
            let text: String = earlier.iter().filter_map(Value::as_str).collect();
            if let Some(m) = v.pointer_mut("/choices/0/message") {
                let last = m.get("content").and_then(Value::as_str).unwrap_or_default();
                m["content"] = Value::from(format!("{text}{last}"));
            }
            return;
        }
        Route::Responses => v.get_mut("output"),
    };
    if let Some(a) = target.and_then(Value::as_array_mut) {
        let rest = std::mem::take(a);
        a.extend(earlier);
        a.extend(rest);
    }
}

/// Add each numeric usage field of `earlier` into `v`'s usage (nested detail objects too).
fn add_usage(v: &mut Value, earlier: &Value) {
    fn add(into: &mut Value, from: &Value) {
        let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) else { return };
        for (k, f) in from {
            match (into.get_mut(k), f) {
                (Some(i), f) if i.is_u64() && f.is_u64() => {
                    *i = Value::from(i.as_u64().unwrap_or(0) + f.as_u64().unwrap_or(0));
                }
                (Some(i), f) if i.is_object() => add(i, f),
                _ => {}
            }
        }
    }
    if let (Some(into), Some(from)) = (v.get_mut("usage"), earlier.get("usage")) {
        add(into, from);
    }
}

/// Read rounds until one needs nothing from the proxy; see the module doc.
pub(super) async fn complete(state: AppState, convo: Conversation, first: reqwest::Response) -> Response {
    let route = convo.route;
    let provider = route.provider();
    let max_rounds = usize::from(state.config().max_retrieve_rounds);
    let mut upstream = first;
    let mut body = convo.body.clone();
    let mut earlier_parts: Vec<Value> = Vec::new();
    let mut earlier_usage: Option<Value> = None;
    let mut round = 0;
    loop {
        let (status, headers) = (upstream.status(), upstream.headers().clone());
        let bytes = match upstream.bytes().await {
            Ok(b) => b,
            Err(e) => return ProxyError::Upstream(e).for_provider(provider).into_response(),
        };
        let parsed = serde_json::from_slice::<Value>(&bytes).ok().filter(|_| status.is_success());
        let Some(mut v) = parsed else {
            // A failed follow-up comes back as the upstream sent it.
            return forward::respond_with(status, &headers, Body::from(bytes), true);
        };
        let mut tap = UsageTap::default();
        tap.value(&v);
        convo.usage(&state, &tap.usage());
        let found = find(route, &v);
        if found.ours.is_empty() && round == 0 {
            return forward::respond_with(status, &headers, Body::from(bytes), true);
        }
        let continue_ = !found.ours.is_empty() && !found.client_calls && round < max_rounds;
        let mut next = None;
        if continue_ {
            let mut turns = assistant_turns(route, &v, &found.ours);
            let mut answered = Vec::with_capacity(found.ours.len());
            for call in found.ours.iter().cloned() {
                let a = answer(&state, &convo.scope, &call.input).await;
                answered.push((call, a));
            }
            turns.extend(calls::answers(route, &answered));
            next = convo.follow_up(&body, &turns);
        }
        let Some(next_body) = next else {
            strip_ours(route, &mut v, !found.ours.is_empty() && !found.client_calls);
            stitch(route, &mut v, std::mem::take(&mut earlier_parts));
            if let Some(e) = &earlier_usage {
                add_usage(&mut v, e);
            }
            return forward::respond_with(status, &headers, Body::from(v.to_string()), false);
        };
        earlier_parts.extend(visible(route, &v));
        match &mut earlier_usage {
            Some(e) => add_usage(e, &v),
            None => {
                earlier_usage =
                    Some(serde_json::json!({"usage": v.get("usage").cloned().unwrap_or_default()}))
            }
        }
        body = next_body;
        upstream = match convo.send(&state, body.clone()).await {
            Ok(u) => u,
            Err(e) => return e.for_provider(provider).into_response(),
        };
        round += 1;
    }
}
