//! OpenAI Responses: `input` items. Message text parts, and the `output` of
//! `function_call_output` and every other `*_call_output` item. Calls, reasoning items and
//! anything unknown are never reported.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{join, Cx, Role};
use crate::Error;

const TEXT_PARTS: &[&str] = &["input_text", "output_text", "text"];

#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
    #[serde(borrow, default)]
    output: Option<&'a RawValue>,
    #[serde(borrow, default)]
    call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

pub(super) fn items(cx: &mut Cx<'_>, items: &[&RawValue], prefix: &str) -> Result<(), Error> {
    let mut tool_names: HashMap<String, String> = HashMap::new();
    for (i, raw) in items.iter().enumerate() {
        let item: Item<'_> = serde_json::from_str(raw.get())?;
        let path = join(prefix, format!("[{i}]"));
        match item.kind.as_deref() {
            None | Some("message") => {
                let role = match item.role.as_deref() {
                    Some("system" | "developer") => Role::System,
                    Some("assistant") => Role::Assistant,
                    _ => Role::User,
                };
                if let Some(c) = item.content {
                    cx.push_content(c, TEXT_PARTS, (role, Some(i), None), &format!("{path}.content"))?;
                }
            }
            Some(k) if k.ends_with("_call_output") => {
                let tool = item.call_id.as_deref().and_then(|id| tool_names.get(id)).map(String::as_str);
                if let Some(out) = item.output {
                    cx.push_content(out, TEXT_PARTS, (Role::Tool, Some(i), tool), &format!("{path}.output"))?;
                }
            }
            Some(k) if k.ends_with("_call") => {
                if let (Some(id), Some(name)) = (item.call_id, item.name) {
                    tool_names.insert(id.into_owned(), name.into_owned());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{locate, Role};

    #[test]
    fn finds_call_outputs() {
        let body = r#"{"model":"gpt-5-codex","instructions":"be brief","input":[
            {"type":"message","role":"user","content":[{"type":"input_text","text":"run tests"}]},
            {"type":"reasoning","summary":[],"encrypted_content":"xyz"},
            {"type":"function_call","call_id":"c1","name":"shell","arguments":"{}"},
            {"type":"function_call_output","call_id":"c1","output":"lots of output"},
            {"type":"custom_tool_call_output","call_id":"c2","output":[{"type":"input_text","text":"patch ok"}]}]}"#;
        let l = locate(body, None).unwrap();
        let got: Vec<(&str, Role, Option<&str>)> =
            l.slots.iter().map(|s| (s.text.as_str(), s.role, s.tool_name.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("be brief", Role::System, None),
                ("run tests", Role::User, None),
                ("lots of output", Role::Tool, Some("shell")),
                ("patch ok", Role::Tool, None),
            ]
        );
    }
}
