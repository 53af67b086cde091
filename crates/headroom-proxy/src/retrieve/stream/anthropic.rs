//! Anthropic Messages streams: `message_start`, `content_block_*` per index, `message_delta`,
//! `message_stop`. Retrieve `tool_use` blocks are hidden and later blocks renumbered; each
//! block is also rebuilt from its deltas so the follow-up can replay the assistant turn
//! exactly (thinking signatures included).

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::{json, Value};

use super::{calls, rewritten, Call, Continuation, Machine};
use crate::sse::Event;
use crate::tool;

/// A content block being rebuilt from its start event and deltas.
#[derive(Default)]
struct Block {
    base: Value,
    text: String,
    thinking: String,
    signature: String,
    partial_json: String,
    citations: Vec<Value>,
}

impl Block {
    fn finish(&self) -> Value {
        let mut b = self.base.clone();
        if !self.text.is_empty() {
            b["text"] = Value::from(self.text.as_str());
        }
        if !self.thinking.is_empty() {
            b["thinking"] = Value::from(self.thinking.as_str());
        }
        if !self.signature.is_empty() {
            b["signature"] = Value::from(self.signature.as_str());
        }
        if !self.partial_json.is_empty() {
            b["input"] = serde_json::from_str(&self.partial_json).unwrap_or_else(|_| json!({}));
        }
        if !self.citations.is_empty() {
            b["citations"] = Value::Array(self.citations.clone());
        }
        b
    }
}

pub(super) struct Anthropic {
    max_rounds: usize,
    round: usize,
    /// Client-visible blocks emitted in earlier rounds: this round's numbering starts here.
    next_client: u64,
    /// Upstream index → client index (`None`: hidden retrieve call).
    map: BTreeMap<u64, Option<u64>>,
    blocks: BTreeMap<u64, Block>,
    ours: Vec<(u64, Call)>,
    client_calls: bool,
    continuing: bool,
    held: Vec<(Option<String>, Value)>,
}

impl Anthropic {
    pub(super) fn new(max_rounds: usize) -> Self {
        Self {
            max_rounds,
            round: 0,
            next_client: 0,
            map: BTreeMap::new(),
            blocks: BTreeMap::new(),
            ours: Vec::new(),
            client_calls: false,
            continuing: false,
            held: Vec::new(),
        }
    }

    /// Relay a block event under its client index.
    fn block_event(&self, raw: Bytes, name: Option<&str>, data: Value, index: u64) -> Vec<Bytes> {
        match self.map.get(&index) {
            Some(Some(ci)) if *ci == index => vec![raw],
            Some(Some(ci)) => vec![rewritten(name, data, "index", Value::from(*ci))],
            Some(None) => Vec::new(),
            None => vec![raw],
        }
    }
}

impl Machine for Anthropic {
    fn event(&mut self, raw: Bytes, ev: &Event) -> Vec<Bytes> {
        let Ok(data) = serde_json::from_str::<Value>(&ev.data) else { return vec![raw] };
        let kind = data.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let name = ev.name.as_deref();
        let index = data.get("index").and_then(Value::as_u64);
        match (kind.as_str(), index) {
            ("message_start", _) if self.round > 0 => Vec::new(),
            ("content_block_start", Some(i)) => {
                let block = data.get("content_block").cloned().unwrap_or_default();
                let is_tool = block["type"] == "tool_use";
                if is_tool && block["name"] == tool::NAME {
                    let id = block["id"].as_str().unwrap_or_default().to_owned();
                    self.ours.push((i, Call { id, input: String::new() }));
                    self.map.insert(i, None);
                } else {
                    self.client_calls |= is_tool;
                    self.map.insert(i, Some(self.next_client));
                    self.next_client += 1;
                }
                self.blocks.insert(i, Block { base: block, ..Block::default() });
                self.block_event(raw, name, data, i)
            }
            ("content_block_delta", Some(i)) => {
                if let Some(b) = self.blocks.get_mut(&i) {
                    let d = &data["delta"];
                    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                    match d["type"].as_str().unwrap_or_default() {
                        "text_delta" => b.text.push_str(&s("text")),
                        "thinking_delta" => b.thinking.push_str(&s("thinking")),
                        "signature_delta" => b.signature.push_str(&s("signature")),
                        "input_json_delta" => b.partial_json.push_str(&s("partial_json")),
                        "citations_delta" => b.citations.extend(d.get("citation").cloned()),
                        _ => {}
                    }
                }
                self.block_event(raw, name, data, i)
            }
            ("content_block_stop", Some(i)) => {
                if let Some((_, call)) = self.ours.iter_mut().find(|(j, _)| *j == i) {
                    let input = self.blocks.get(&i).map(|b| b.partial_json.clone()).unwrap_or_default();
                    call.input = if input.trim().is_empty() { "{}".into() } else { input };
                }
                self.block_event(raw, name, data, i)
            }
            ("message_delta", _) if !self.ours.is_empty() && !self.client_calls => {
                if self.round < self.max_rounds {
                    self.continuing = true;
                    self.held.push((ev.name.clone(), data));
                    Vec::new()
                } else {
                    vec![ended(name, data)]
                }
            }
            ("message_stop", _) if self.continuing => {
                self.held.push((ev.name.clone(), data));
                Vec::new()
            }
            _ => vec![raw],
        }
    }

    fn finish_round(&mut self) -> Option<Continuation> {
        if !self.continuing {
            return None;
        }
        let content: Vec<Value> = self.blocks.values().map(Block::finish).collect();
        Some(Continuation {
            calls: self.ours.iter().map(|(_, c)| c.clone()).collect(),
            assistant: vec![calls::anthropic_assistant(&Value::Array(content))],
        })
    }

    fn give_up(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.held)
            .into_iter()
            .map(|(name, data)| {
                if data["type"] == "message_delta" {
                    ended(name.as_deref(), data)
                } else {
                    Event::render(name.as_deref(), &data.to_string())
                }
            })
            .collect()
    }

    fn next_round(&mut self) {
        self.round += 1;
        self.map.clear();
        self.blocks.clear();
        self.ours.clear();
        self.client_calls = false;
        self.continuing = false;
        self.held.clear();
    }

    fn error_event(&self, body: &str) -> Bytes {
        let data = match serde_json::from_str::<Value>(body) {
            Ok(v) if v["type"] == "error" => v,
            _ => {
                json!({"type": "error", "error": {"type": "api_error", "message": format!("headroom proxy: retrieval follow-up failed: {body}")}})
            }
        };
        Event::render(Some("error"), &data.to_string())
    }
}

/// A `message_delta` that ends the turn (its only tool calls were hidden).
fn ended(name: Option<&str>, mut data: Value) -> Bytes {
    data["delta"]["stop_reason"] = Value::from("end_turn");
    Event::render(name, &data.to_string())
}
