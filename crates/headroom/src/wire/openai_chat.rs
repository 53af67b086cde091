//! OpenAI Chat Completions: `content` strings and `text` parts of every role. Tool-call
//! arguments, images, audio and refusals are never reported.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{join, Cx, Role};
use crate::Error;

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCall>>,
    #[serde(default)]
    tool_call_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct ToolCall {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<Function>,
}

#[derive(Deserialize)]
struct Function {
    #[serde(default)]
    name: Option<String>,
}

pub(super) fn messages(cx: &mut Cx<'_>, messages: &[&RawValue], prefix: &str) -> Result<(), Error> {
    let mut tool_names: HashMap<String, String> = HashMap::new();
    for (i, raw) in messages.iter().enumerate() {
        let m: Message<'_> = serde_json::from_str(raw.get())?;
        for call in m.tool_calls.unwrap_or_default() {
            if let (Some(id), Some(name)) = (call.id, call.function.and_then(|f| f.name)) {
                tool_names.insert(id, name);
            }
        }
        let role = match m.role.as_deref() {
            Some("system" | "developer") => Role::System,
            Some("assistant") => Role::Assistant,
            Some("tool" | "function") => Role::Tool,
            _ => Role::User,
        };
        let tool = match role {
            Role::Tool => m.tool_call_id.as_deref().and_then(|id| tool_names.get(id)).cloned().or(m.name),
            _ => None,
        };
        if let Some(content) = m.content {
            let path = join(prefix, format!("messages[{i}].content"));
            cx.push_content(content, &["text"], (role, Some(i), tool.as_deref()), &path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{locate, Role};

    #[test]
    fn finds_tool_outputs_with_names() {
        let body = r#"[{"role":"system","content":"s"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"search","arguments":"{\"q\":1}"}}]},
            {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"part"}]},
            {"role":"user","content":[{"type":"text","text":"q"},{"type":"image_url","image_url":{"url":"x"}}]}]"#;
        let l = locate(body, None).unwrap();
        let got: Vec<(&str, Role, Option<&str>)> =
            l.slots.iter().map(|s| (s.text.as_str(), s.role, s.tool_name.as_deref())).collect();
        assert_eq!(
            got,
            vec![("s", Role::System, None), ("part", Role::Tool, Some("search")), ("q", Role::User, None)]
        );
    }
}
