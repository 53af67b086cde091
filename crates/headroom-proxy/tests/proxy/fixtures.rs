//! Request bodies: the seed's 500-result search, and real tool outputs from the corpus.

use headroom_testkit::corpus;
use serde_json::{json, Value};

/// The quickstart's tool output: 500 search results, serialised like Python's `json.dumps`.
pub fn seed_results() -> String {
    results(500)
}

/// `n` search results in the seed's shape.
pub fn results(n: i64) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"title": "Result {i}", "snippet": "Description {i}", "score": {}}}"#, 100 - i))
        .collect();
    format!(r#"{{"results": [{}]}}"#, rows.join(", "))
}

/// The quickstart's `/v1/chat/completions` request.
pub fn seed_chat() -> String {
    chat_with(seed_results())
}

/// The seed's chat request with another tool output.
pub fn chat_with(tool_output: String) -> String {
    json!({
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You analyze search results."},
            {"role": "user", "content": "Search for Python tutorials."},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "search", "arguments": "{\"q\": \"python\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": tool_output},
            {"role": "user", "content": "What are the top 3 results?"}
        ]
    })
    .to_string()
}

/// The same conversation as an Anthropic `/v1/messages` request.
pub fn seed_anthropic(stream: bool) -> String {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "stream": stream,
        "system": "You analyze search results.",
        "messages": [
            {"role": "user", "content": "Search for Python tutorials."},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "search", "input": {"q": "python"}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": seed_results()},
                {"type": "text", "text": "What are the top 3 results?"}
            ]}
        ]
    })
    .to_string()
}

/// Tool outputs of the corpus cases of `kind`, in case order.
pub fn corpus_outputs(kind: &str) -> Vec<String> {
    let mut out = Vec::new();
    for case in corpus::load(&corpus::default_dir()) {
        if case.kind != kind {
            continue;
        }
        for m in case.messages.as_array().into_iter().flatten() {
            if m["role"] == "tool" {
                if let Some(s) = m["content"].as_str() {
                    out.push(s.to_owned());
                }
            }
            for b in m["content"].as_array().into_iter().flatten() {
                if b["type"] == "tool_result" {
                    match &b["content"] {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(parts) => {
                            out.extend(parts.iter().filter_map(|p| p["text"].as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

/// Byte offset one past the end of the top-level array `key` in `body`.
pub fn list_end(body: &str, key: &str) -> usize {
    let top: std::collections::HashMap<String, &serde_json::value::RawValue> =
        serde_json::from_str(body).unwrap();
    let raw = top[key].get();
    raw.as_ptr() as usize - body.as_ptr() as usize + raw.len()
}
