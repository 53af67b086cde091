//! Loads cases of the `shared/corpus` format.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One corpus case.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// Case id (= file stem).
    pub id: String,
    /// `json`, `log`, `code`, `search`, `diff`, `text`, `mixed`.
    pub kind: String,
    /// `openai` or `anthropic`.
    pub format: String,
    /// Anthropic system prompt.
    #[serde(default)]
    pub system: Option<serde_json::Value>,
    /// The conversation.
    pub messages: serde_json::Value,
    /// The follow-up question.
    #[serde(default)]
    pub question: String,
    /// Strings the answer depends on.
    #[serde(default)]
    pub needles: Vec<String>,
}

impl Case {
    /// The case as a request body: `{model, [system], messages}`.
    pub fn body(&self, model: &str) -> String {
        let mut body = serde_json::Map::new();
        body.insert("model".into(), model.into());
        if let Some(s) = &self.system {
            body.insert("system".into(), s.clone());
        }
        body.insert("messages".into(), self.messages.clone());
        serde_json::Value::Object(body).to_string()
    }
}

/// `../shared/corpus` relative to the workspace root, found from this crate's manifest dir.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The out-of-corpus check set shipped with this crate (`corpus-extra/`): real content the
/// compressors were not developed on.
pub fn extra_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-extra")
}

/// Every case in `dir`, sorted by id.
pub fn load(dir: &Path) -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading corpus dir {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect();
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

impl Case {
    /// The text of every tool output (OpenAI `tool` messages, Anthropic `tool_result` blocks),
    /// one string per string content or text part, in order.
    pub fn tool_outputs(&self) -> Vec<String> {
        tool_outputs_of(&self.messages)
    }
}

/// [`Case::tool_outputs`] for any message list.
pub fn tool_outputs_of(messages: &serde_json::Value) -> Vec<String> {
    fn texts(content: &serde_json::Value, out: &mut Vec<String>) {
        match content {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(parts) => {
                out.extend(
                    parts.iter().filter_map(|p| p.get("text").and_then(|t| t.as_str())).map(str::to_owned),
                );
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for m in messages.as_array().into_iter().flatten() {
        let content = m.get("content").unwrap_or(&serde_json::Value::Null);
        if m.get("role").and_then(|r| r.as_str()) == Some("tool") {
            texts(content, &mut out);
        } else if let Some(blocks) = content.as_array() {
            for b in blocks.iter().filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("tool_result")) {
                texts(b.get("content").unwrap_or(&serde_json::Value::Null), &mut out);
            }
        }
    }
    out
}
