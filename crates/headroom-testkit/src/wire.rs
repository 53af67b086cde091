//! Canned provider responses, as JSON bodies and as SSE event sequences, shaped like the real
//! Anthropic Messages, OpenAI Chat Completions and OpenAI Responses APIs.

use serde_json::{json, Value};

/// The text default replies carry.
pub const DEFAULT_TEXT: &str = "Hello from the fake upstream.";

/// Split `text` into stream deltas of a few words.
fn pieces(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    words.chunks(2).map(|c| c.concat()).collect()
}

/// Split a JSON argument string into a few deltas.
fn arg_pieces(args: &str) -> Vec<String> {
    let chars: Vec<char> = args.chars().collect();
    chars.chunks(7).map(|c| c.iter().collect()).collect()
}

fn event(name: &str, data: &Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// Anthropic Messages.
pub mod anthropic {
    use super::*;

    /// One content block of a reply.
    #[derive(Debug, Clone)]
    pub enum Block {
        /// `text`.
        Text(String),
        /// Signed `thinking`.
        Thinking(String, String),
        /// `tool_use` with a JSON input.
        ToolUse {
            /// Call id.
            id: String,
            /// Tool name.
            name: String,
            /// Input object.
            input: Value,
        },
    }

    fn block_json(b: &Block) -> Value {
        match b {
            Block::Text(t) => json!({"type": "text", "text": t}),
            Block::Thinking(t, s) => json!({"type": "thinking", "thinking": t, "signature": s}),
            Block::ToolUse { id, name, input } => {
                json!({"type": "tool_use", "id": id, "name": name, "input": input})
            }
        }
    }

    fn usage(output: u64) -> Value {
        json!({"input_tokens": 120, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 900, "output_tokens": output})
    }

    /// A non-streaming reply.
    pub fn json(blocks: &[Block], stop_reason: &str) -> String {
        let content: Vec<Value> = blocks.iter().map(block_json).collect();
        json!({"id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": content, "stop_reason": stop_reason, "stop_sequence": null, "usage": usage(17)})
        .to_string()
    }

    /// A non-streaming text reply.
    pub fn text_json(text: &str) -> String {
        json(&[Block::Text(text.into())], "end_turn")
    }

    /// A streamed reply, one event per chunk.
    pub fn events(blocks: &[Block], stop_reason: &str) -> Vec<String> {
        let mut out = vec![event(
            "message_start",
            &json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message", "role": "assistant",
                "model": "claude-sonnet-4-5", "content": [], "stop_reason": null, "stop_sequence": null, "usage": usage(1)}}),
        )];
        for (i, b) in blocks.iter().enumerate() {
            let start = match b {
                Block::Text(_) => json!({"type": "text", "text": ""}),
                Block::Thinking(..) => json!({"type": "thinking", "thinking": "", "signature": ""}),
                Block::ToolUse { id, name, .. } => {
                    json!({"type": "tool_use", "id": id, "name": name, "input": {}})
                }
            };
            out.push(event(
                "content_block_start",
                &json!({"type": "content_block_start", "index": i, "content_block": start}),
            ));
            if i == 0 {
                out.push(event("ping", &json!({"type": "ping"})));
            }
            let deltas: Vec<Value> = match b {
                Block::Text(t) => {
                    pieces(t).into_iter().map(|p| json!({"type": "text_delta", "text": p})).collect()
                }
                Block::Thinking(t, s) => {
                    let mut d: Vec<Value> = pieces(t)
                        .into_iter()
                        .map(|p| json!({"type": "thinking_delta", "thinking": p}))
                        .collect();
                    d.push(json!({"type": "signature_delta", "signature": s}));
                    d
                }
                Block::ToolUse { input, .. } => arg_pieces(&input.to_string())
                    .into_iter()
                    .map(|p| json!({"type": "input_json_delta", "partial_json": p}))
                    .collect(),
            };
            for d in deltas {
                out.push(event(
                    "content_block_delta",
                    &json!({"type": "content_block_delta", "index": i, "delta": d}),
                ));
            }
            out.push(event("content_block_stop", &json!({"type": "content_block_stop", "index": i})));
        }
        out.push(event(
            "message_delta",
            &json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": {"output_tokens": 17}}),
        ));
        out.push(event("message_stop", &json!({"type": "message_stop"})));
        out
    }

    /// A streamed text reply.
    pub fn text_events(text: &str) -> Vec<String> {
        events(&[Block::Text(text.into())], "end_turn")
    }
}

/// OpenAI Chat Completions.
pub mod chat {
    use super::*;

    /// One tool call: id, function name, arguments text.
    pub type Call<'a> = (&'a str, &'a str, &'a str);

    fn usage() -> Value {
        json!({"prompt_tokens": 150, "completion_tokens": 12, "total_tokens": 162, "prompt_tokens_details": {"cached_tokens": 64}})
    }

    /// A non-streaming reply with optional text and tool calls.
    pub fn json(content: Option<&str>, calls: &[Call<'_>]) -> String {
        let mut message = json!({"role": "assistant", "content": content, "refusal": null});
        if !calls.is_empty() {
            let tc: Vec<Value> = calls
                .iter()
                .map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}))
                .collect();
            message["tool_calls"] = Value::Array(tc);
        }
        let finish = if calls.is_empty() { "stop" } else { "tool_calls" };
        json!({"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o",
            "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}], "usage": usage()})
        .to_string()
    }

    /// A non-streaming text reply.
    pub fn text_json(text: &str) -> String {
        json(Some(text), &[])
    }

    fn chunk(delta: Value, finish: Option<&str>) -> String {
        let data = json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4o",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        format!("data: {data}\n\n")
    }

    /// A streamed reply (with a final usage chunk and `[DONE]`).
    pub fn events(content: Option<&str>, calls: &[Call<'_>]) -> Vec<String> {
        let mut out = vec![chunk(json!({"role": "assistant", "content": "", "refusal": null}), None)];
        for p in content.map(pieces).unwrap_or_default() {
            out.push(chunk(json!({"content": p}), None));
        }
        for (i, (id, name, args)) in calls.iter().enumerate() {
            out.push(chunk(
                json!({"tool_calls": [{"index": i, "id": id, "type": "function", "function": {"name": name, "arguments": ""}}]}),
                None,
            ));
            for p in arg_pieces(args) {
                out.push(chunk(json!({"tool_calls": [{"index": i, "function": {"arguments": p}}]}), None));
            }
        }
        out.push(chunk(json!({}), Some(if calls.is_empty() { "stop" } else { "tool_calls" })));
        let usage = json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4o",
            "choices": [], "usage": usage()});
        out.push(format!("data: {usage}\n\n"));
        out.push("data: [DONE]\n\n".to_owned());
        out
    }

    /// A streamed text reply.
    pub fn text_events(text: &str) -> Vec<String> {
        events(Some(text), &[])
    }
}

/// OpenAI Responses.
pub mod responses {
    use super::*;

    /// One function call: call id, name, arguments text.
    pub type Call<'a> = (&'a str, &'a str, &'a str);

    fn message_item(text: &str) -> Value {
        json!({"type": "message", "id": "msg_fake", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]})
    }

    fn call_item(i: usize, (call_id, name, args): &Call<'_>) -> Value {
        json!({"type": "function_call", "id": format!("fc_{i}"), "call_id": call_id, "name": name, "arguments": args, "status": "completed"})
    }

    fn response(output: Vec<Value>, status: &str) -> Value {
        json!({"id": "resp_fake", "object": "response", "created_at": 1700000000, "status": status, "model": "gpt-5",
            "output": output, "usage": {"input_tokens": 200, "input_tokens_details": {"cached_tokens": 128},
            "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 220}})
    }

    fn outputs(text: Option<&str>, calls: &[Call<'_>]) -> Vec<Value> {
        let mut v: Vec<Value> = text.map(message_item).into_iter().collect();
        v.extend(calls.iter().enumerate().map(|(i, c)| call_item(i, c)));
        v
    }

    /// A non-streaming reply.
    pub fn json(text: Option<&str>, calls: &[Call<'_>]) -> String {
        response(outputs(text, calls), "completed").to_string()
    }

    /// A non-streaming text reply.
    pub fn text_json(text: &str) -> String {
        json(Some(text), &[])
    }

    /// A streamed reply.
    pub fn events(text: Option<&str>, calls: &[Call<'_>]) -> Vec<String> {
        let mut seq = 0u64;
        let mut ev = |name: &str, mut data: Value| {
            data["type"] = Value::from(name);
            data["sequence_number"] = Value::from(seq);
            seq += 1;
            event(name, &data)
        };
        let mut out = vec![
            ev("response.created", json!({"response": response(vec![], "in_progress")})),
            ev("response.in_progress", json!({"response": response(vec![], "in_progress")})),
        ];
        let mut index = 0;
        if let Some(t) = text {
            let mut empty = message_item("");
            empty["content"] = json!([]);
            empty["status"] = Value::from("in_progress");
            out.push(ev("response.output_item.added", json!({"output_index": index, "item": empty})));
            for p in pieces(t) {
                out.push(ev(
                    "response.output_text.delta",
                    json!({"item_id": "msg_fake", "output_index": index, "content_index": 0, "delta": p}),
                ));
            }
            out.push(ev(
                "response.output_item.done",
                json!({"output_index": index, "item": message_item(t)}),
            ));
            index += 1;
        }
        for (i, c) in calls.iter().enumerate() {
            let mut item = call_item(i, c);
            item["arguments"] = Value::from("");
            item["status"] = Value::from("in_progress");
            out.push(ev("response.output_item.added", json!({"output_index": index, "item": item})));
            for p in arg_pieces(c.2) {
                out.push(ev(
                    "response.function_call_arguments.delta",
                    json!({"item_id": format!("fc_{i}"), "output_index": index, "delta": p}),
                ));
            }
            out.push(ev(
                "response.output_item.done",
                json!({"output_index": index, "item": call_item(i, c)}),
            ));
            index += 1;
        }
        out.push(ev("response.completed", json!({"response": response(outputs(text, calls), "completed")})));
        out
    }

    /// A streamed text reply.
    pub fn text_events(text: &str) -> Vec<String> {
        events(Some(text), &[])
    }
}
