//! The turns a follow-up request appends, in each wire format: the assistant's turn as the
//! model produced it, then the answers to its retrieve calls.

use serde_json::{json, Value};

use super::Answer;
use crate::provider::Route;
use crate::tool;

/// One retrieve call the model made.
#[derive(Debug, Clone, Default)]
pub(super) struct Call {
    /// `tool_use.id` / `tool_calls[].id` / `call_id`.
    pub(super) id: String,
    /// The arguments as JSON text.
    pub(super) input: String,
}

/// The assistant turn of an Anthropic follow-up: the response's content blocks, unchanged.
pub(super) fn anthropic_assistant(content: &Value) -> String {
    json!({"role": "assistant", "content": content}).to_string()
}

/// The assistant turn of a Chat follow-up: its text and the retrieve calls.
pub(super) fn chat_assistant(content: Option<&str>, calls: &[Call]) -> String {
    let tool_calls: Vec<Value> = calls
        .iter()
        .map(|c| json!({"id": c.id, "type": "function", "function": {"name": tool::NAME, "arguments": c.input}}))
        .collect();
    json!({"role": "assistant", "content": content, "tool_calls": tool_calls}).to_string()
}

/// The answers to `calls`, as the turn(s) that follow the assistant's.
pub(super) fn answers(route: Route, calls: &[(Call, Answer)]) -> Vec<String> {
    match route {
        Route::Messages => {
            let results: Vec<Value> = calls
                .iter()
                .map(|(c, a)| {
                    let mut r = json!({"type": "tool_result", "tool_use_id": c.id, "content": a.text});
                    if a.is_error {
                        r["is_error"] = Value::Bool(true);
                    }
                    r
                })
                .collect();
            vec![json!({"role": "user", "content": results}).to_string()]
        }
        Route::ChatCompletions => calls
            .iter()
            .map(|(c, a)| json!({"role": "tool", "tool_call_id": c.id, "content": a.text}).to_string())
            .collect(),
        Route::Responses => calls
            .iter()
            .map(|(c, a)| {
                json!({"type": "function_call_output", "call_id": c.id, "output": a.text}).to_string()
            })
            .collect(),
    }
}
