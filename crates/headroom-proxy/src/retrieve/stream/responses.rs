//! OpenAI Responses streams: typed events carrying `output_index` and `sequence_number`, ending
//! with `response.completed` (the whole response). Retrieve `function_call` items are hidden,
//! later items renumbered; follow-up rounds continue the numbering and sequence, skip their own
//! `response.created` / `in_progress`, and the final `response.completed` lists every visible
//! item of every round.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::{json, Value};

use super::{Call, Continuation, Machine};
use crate::sse::Event;
use crate::tool;

pub(super) struct Responses {
    max_rounds: usize,
    round: usize,
    /// Visible items emitted in earlier rounds: this round's numbering starts here.
    next_client: u64,
    map: BTreeMap<u64, Option<u64>>,
    /// Visible output items of earlier rounds, for the final `response.completed`.
    earlier: Vec<Value>,
    /// Sequence numbers used by earlier rounds.
    seq_offset: u64,
    last_seq: u64,
    ours: Vec<Call>,
    client_calls: bool,
    continuing: bool,
    completed: Option<(Option<String>, Value)>,
}

fn is_ours(item: &Value) -> bool {
    item["type"] == "function_call" && item["name"] == tool::NAME
}

fn is_client_call(item: &Value) -> bool {
    matches!(
        item["type"].as_str(),
        Some("function_call" | "custom_tool_call" | "local_shell_call" | "computer_call")
    ) && !is_ours(item)
}

impl Responses {
    pub(super) fn new(max_rounds: usize) -> Self {
        Self {
            max_rounds,
            round: 0,
            next_client: 0,
            map: BTreeMap::new(),
            earlier: Vec::new(),
            seq_offset: 0,
            last_seq: 0,
            ours: Vec::new(),
            client_calls: false,
            continuing: false,
            completed: None,
        }
    }

    /// `response` with the retrieve calls removed and earlier rounds' items in front.
    fn visible_response(&self, mut response: Value) -> Value {
        if let Some(out) = response.get_mut("output").and_then(Value::as_array_mut) {
            let mine: Vec<Value> = std::mem::take(out).into_iter().filter(|i| !is_ours(i)).collect();
            out.extend(self.earlier.iter().cloned());
            out.extend(mine);
        }
        response
    }
}

impl Machine for Responses {
    fn event(&mut self, raw: Bytes, ev: &Event) -> Vec<Bytes> {
        let Ok(mut data) = serde_json::from_str::<Value>(&ev.data) else { return vec![raw] };
        let kind = data.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let name = ev.name.as_deref();
        let mut changed = false;
        if let Some(seq) = data.get("sequence_number").and_then(Value::as_u64) {
            self.last_seq = self.seq_offset + seq;
            if self.seq_offset > 0 {
                data["sequence_number"] = Value::from(self.last_seq);
                changed = true;
            }
        }
        if self.round > 0
            && matches!(kind.as_str(), "response.created" | "response.in_progress" | "response.queued")
        {
            return Vec::new();
        }
        if kind == "response.output_item.added" {
            if let Some(i) = data.get("output_index").and_then(Value::as_u64) {
                let item = &data["item"];
                if is_ours(item) {
                    self.map.insert(i, None);
                } else {
                    self.client_calls |= is_client_call(item);
                    self.map.insert(i, Some(self.next_client));
                    self.next_client += 1;
                }
            }
        }
        if kind == "response.output_item.done" && is_ours(&data["item"]) {
            let s = |k: &str| data["item"][k].as_str().unwrap_or_default().to_owned();
            self.ours.push(Call { id: s("call_id"), input: s("arguments") });
        }
        if let Some(i) = data.get("output_index").and_then(Value::as_u64) {
            match self.map.get(&i) {
                Some(None) => return Vec::new(),
                Some(Some(ci)) if *ci != i => {
                    data["output_index"] = Value::from(*ci);
                    changed = true;
                }
                _ => {}
            }
        }
        if kind == "response.completed" && (!self.ours.is_empty() || self.round > 0) {
            if !self.ours.is_empty() && !self.client_calls && self.round < self.max_rounds {
                self.continuing = true;
                self.completed = Some((ev.name.clone(), data));
                return Vec::new();
            }
            let response = data.get("response").cloned().unwrap_or_default();
            data["response"] = self.visible_response(response);
            changed = true;
        }
        if changed {
            vec![Event::render(name, &data.to_string())]
        } else {
            vec![raw]
        }
    }

    fn finish_round(&mut self) -> Option<Continuation> {
        if !self.continuing {
            return None;
        }
        let (_, data) = self.completed.as_ref()?;
        let output = data.pointer("/response/output").and_then(Value::as_array).cloned().unwrap_or_default();
        Some(Continuation {
            calls: self.ours.clone(),
            assistant: output.iter().map(Value::to_string).collect(),
        })
    }

    fn give_up(&mut self) -> Vec<Bytes> {
        let Some((name, mut data)) = self.completed.take() else { return Vec::new() };
        let response = data.get("response").cloned().unwrap_or_default();
        data["response"] = self.visible_response(response);
        vec![Event::render(name.as_deref(), &data.to_string())]
    }

    fn next_round(&mut self) {
        if let Some((_, data)) = self.completed.take() {
            let output =
                data.pointer("/response/output").and_then(Value::as_array).cloned().unwrap_or_default();
            self.earlier.extend(output.into_iter().filter(|i| !is_ours(i)));
        }
        self.round += 1;
        self.seq_offset = self.last_seq + 1;
        self.map.clear();
        self.ours.clear();
        self.client_calls = false;
        self.continuing = false;
    }

    fn error_event(&self, body: &str) -> Bytes {
        let message = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.pointer("/error/message").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| body.to_owned());
        let data = json!({"type": "error", "code": "server_error",
            "message": format!("headroom proxy: retrieval follow-up failed: {message}"), "param": null,
            "sequence_number": self.last_seq + 1});
        Event::render(Some("error"), &data.to_string())
    }
}
