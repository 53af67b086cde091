//! Provider-reported token usage, read from response bodies and stream events on the side.
//!
//! One reader covers both providers' field names. Counts keep each provider's meaning: OpenAI's
//! input includes cached tokens, Anthropic's excludes them.

use serde::Serialize;
use serde_json::Value;

/// Tokens one or more responses reported.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Usage {
    /// Responses that carried usage.
    pub(crate) responses: u64,
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) cache_read_input_tokens: u64,
    pub(crate) cache_creation_input_tokens: u64,
}

impl Usage {
    pub(crate) fn is_empty(&self) -> bool {
        self.responses == 0
    }

    pub(crate) fn add(&mut self, o: &Usage) {
        self.responses += o.responses;
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.cache_read_input_tokens += o.cache_read_input_tokens;
        self.cache_creation_input_tokens += o.cache_creation_input_tokens;
    }

    /// Merge a later report about the same response: streams repeat and grow counts, so each
    /// field keeps its largest value.
    fn merge(&mut self, o: &Usage) {
        self.responses = 1;
        self.input_tokens = self.input_tokens.max(o.input_tokens);
        self.output_tokens = self.output_tokens.max(o.output_tokens);
        self.cache_read_input_tokens = self.cache_read_input_tokens.max(o.cache_read_input_tokens);
        self.cache_creation_input_tokens =
            self.cache_creation_input_tokens.max(o.cache_creation_input_tokens);
    }

    /// Usage from a `usage` object of either provider.
    fn from_object(u: &Value) -> Option<Self> {
        let n = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(0);
        let obj = u.as_object()?;
        let cached = u
            .pointer("/prompt_tokens_details/cached_tokens")
            .or_else(|| u.pointer("/input_tokens_details/cached_tokens"));
        Some(Self {
            responses: 1,
            input_tokens: n(obj.get("input_tokens").or_else(|| obj.get("prompt_tokens"))),
            output_tokens: n(obj.get("output_tokens").or_else(|| obj.get("completion_tokens"))),
            cache_read_input_tokens: n(obj.get("cache_read_input_tokens").or(cached)),
            cache_creation_input_tokens: n(obj.get("cache_creation_input_tokens")),
        })
    }

    /// The `usage` found at the top of `v`, or inside its `message` / `response` (stream
    /// events wrap it that way).
    pub(crate) fn find(v: &Value) -> Option<Self> {
        v.get("usage")
            .or_else(|| v.pointer("/message/usage"))
            .or_else(|| v.pointer("/response/usage"))
            .and_then(Self::from_object)
    }
}

/// Accumulates the usage of one response from its stream events or body.
#[derive(Debug, Default)]
pub(crate) struct UsageTap {
    usage: Usage,
}

impl UsageTap {
    /// Look at one SSE `data:` payload.
    pub(crate) fn event_data(&mut self, data: &str) {
        if !data.contains("\"usage\"") {
            return;
        }
        if let Ok(v) = serde_json::from_str::<Value>(data) {
            self.value(&v);
        }
    }

    /// Look at a parsed body or event.
    pub(crate) fn value(&mut self, v: &Value) {
        if let Some(u) = Usage::find(v) {
            self.usage.merge(&u);
        }
    }

    /// What was seen.
    pub(crate) fn usage(&self) -> Usage {
        self.usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_providers() {
        let mut tap = UsageTap::default();
        tap.event_data(r#"{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}}"#);
        tap.event_data(r#"{"type":"message_delta","usage":{"output_tokens":42}}"#);
        assert_eq!(tap.usage().input_tokens, 10);
        assert_eq!(tap.usage().output_tokens, 42);
        assert_eq!(tap.usage().cache_read_input_tokens, 5);
        let v: Value = serde_json::from_str(
            r#"{"usage":{"prompt_tokens":7,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}}"#,
        )
        .unwrap();
        let u = Usage::find(&v).unwrap();
        assert_eq!((u.input_tokens, u.output_tokens, u.cache_read_input_tokens), (7, 3, 2));
    }
}
