//! OpenAI Chat Completions streams: `data:` chunks with `choices[0].delta`, a final usage chunk,
//! and `data: [DONE]`. Retrieve entries are removed from `delta.tool_calls` (client calls after
//! them renumbered); a round that called only the retrieve tool holds back its finish chunk,
//! usage chunk and `[DONE]` while the follow-up streams on.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::{json, Value};

use super::{calls, Call, Continuation, Machine};
use crate::sse::Event;
use crate::tool;

#[derive(Default)]
struct ToolCall {
    ours: bool,
    id: String,
    args: String,
}

pub(super) struct Chat {
    max_rounds: usize,
    round: usize,
    content: String,
    calls: BTreeMap<u64, ToolCall>,
    client_calls: bool,
    continuing: bool,
    held: Vec<Bytes>,
}

impl Chat {
    pub(super) fn new(max_rounds: usize) -> Self {
        Self {
            max_rounds,
            round: 0,
            content: String::new(),
            calls: BTreeMap::new(),
            client_calls: false,
            continuing: false,
            held: Vec::new(),
        }
    }

    fn ours_before(&self, index: u64) -> u64 {
        self.calls.range(..index).filter(|(_, c)| c.ours).count() as u64
    }

    fn has_ours(&self) -> bool {
        self.calls.values().any(|c| c.ours)
    }

    /// Track and filter `delta.tool_calls`; `true` if the chunk changed.
    fn filter_calls(&mut self, delta: &mut Value) -> bool {
        let Some(entries) = delta.get_mut("tool_calls").and_then(Value::as_array_mut) else { return false };
        let mut changed = false;
        let mut kept = Vec::with_capacity(entries.len());
        for mut e in std::mem::take(entries) {
            let index = e.get("index").and_then(Value::as_u64).unwrap_or(0);
            let call = self.calls.entry(index).or_default();
            if let Some(name) = e.pointer("/function/name").and_then(Value::as_str) {
                call.ours = name == tool::NAME;
                self.client_calls |= !call.ours;
            }
            if let Some(id) = e.get("id").and_then(Value::as_str) {
                call.id = id.to_owned();
            }
            if let Some(a) = e.pointer("/function/arguments").and_then(Value::as_str) {
                call.args.push_str(a);
            }
            if call.ours {
                changed = true;
                continue;
            }
            let shift = self.ours_before(index);
            if shift > 0 {
                e["index"] = Value::from(index - shift);
                changed = true;
            }
            kept.push(e);
        }
        if kept.is_empty() && changed {
            if let Some(obj) = delta.as_object_mut() {
                obj.remove("tool_calls");
            }
        } else if let Some(entries) = delta.get_mut("tool_calls") {
            *entries = Value::Array(kept);
        }
        changed
    }
}

impl Machine for Chat {
    fn event(&mut self, raw: Bytes, ev: &Event) -> Vec<Bytes> {
        if self.continuing {
            self.held.push(raw);
            return Vec::new();
        }
        if ev.data.trim() == "[DONE]" {
            return vec![raw];
        }
        let Ok(mut data) = serde_json::from_str::<Value>(&ev.data) else { return vec![raw] };
        let Some(choice) = data.pointer_mut("/choices/0") else { return vec![raw] };
        let finish = choice.get("finish_reason").and_then(Value::as_str).map(str::to_owned);
        let mut changed = false;
        if let Some(delta) = choice.get_mut("delta") {
            if let Some(c) = delta.get("content").and_then(Value::as_str) {
                self.content.push_str(c);
            }
            changed = self.filter_calls(delta);
        }
        let only_ours = self.has_ours() && !self.client_calls;
        if finish.as_deref() == Some("tool_calls") && only_ours {
            if self.round < self.max_rounds {
                self.continuing = true;
                self.held.push(Event::render(None, &data.to_string()));
                return Vec::new();
            }
            if let Some(c) = data.pointer_mut("/choices/0") {
                c["finish_reason"] = Value::from("stop");
            }
            changed = true;
        }
        if !changed {
            return vec![raw];
        }
        let empty_delta =
            data.pointer("/choices/0/delta").and_then(Value::as_object).is_some_and(|d| d.is_empty());
        let no_finish = data.pointer("/choices/0/finish_reason").is_none_or(Value::is_null);
        if empty_delta && no_finish {
            return Vec::new();
        }
        vec![Event::render(None, &data.to_string())]
    }

    fn finish_round(&mut self) -> Option<Continuation> {
        if !self.continuing {
            return None;
        }
        let ours: Vec<Call> = self
            .calls
            .values()
            .filter(|c| c.ours)
            .map(|c| Call { id: c.id.clone(), input: c.args.clone() })
            .collect();
        let content = (!self.content.is_empty()).then_some(self.content.as_str());
        Some(Continuation { assistant: vec![calls::chat_assistant(content, &ours)], calls: ours })
    }

    fn give_up(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.held)
            .into_iter()
            .map(|raw| {
                let ev = Event::parse(&raw);
                match serde_json::from_str::<Value>(&ev.data) {
                    Ok(mut v) if v.pointer("/choices/0/finish_reason").is_some_and(Value::is_string) => {
                        if let Some(c) = v.pointer_mut("/choices/0") {
                            c["finish_reason"] = Value::from("stop");
                        }
                        Event::render(None, &v.to_string())
                    }
                    _ => raw,
                }
            })
            .collect()
    }

    fn next_round(&mut self) {
        self.round += 1;
        self.content.clear();
        self.calls.clear();
        self.client_calls = false;
        self.continuing = false;
        self.held.clear();
    }

    fn error_event(&self, body: &str) -> Bytes {
        let data = match serde_json::from_str::<Value>(body) {
            Ok(v) if v.get("error").is_some() => v,
            _ => {
                json!({"error": {"message": format!("headroom proxy: retrieval follow-up failed: {body}"), "type": "server_error"}})
            }
        };
        Event::render(None, &data.to_string())
    }
}
