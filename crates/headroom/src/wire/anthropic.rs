//! Anthropic Messages: the top-level `system`, `text` blocks, and `tool_result` content (a
//! string or a list of blocks). `tool_use` inputs, `thinking` blocks, signatures, images,
//! server-tool blocks and any block type not named here are never reported, so never touched.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{is_string, join, Cx, Role};
use crate::Error;

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_use_id: Option<Cow<'a, str>>,
}

pub(super) fn system(cx: &mut Cx<'_>, raw: &RawValue) -> Result<(), Error> {
    cx.push_content(raw, &["text"], (Role::System, None, None), "system")
}

pub(super) fn messages(cx: &mut Cx<'_>, messages: &[&RawValue], prefix: &str) -> Result<(), Error> {
    let mut tool_names: HashMap<String, String> = HashMap::new();
    for (i, raw) in messages.iter().enumerate() {
        let m: Message<'_> = serde_json::from_str(raw.get())?;
        let role = match m.role.as_deref() {
            Some("assistant") => Role::Assistant,
            _ => Role::User,
        };
        let Some(content) = m.content else { continue };
        let path = join(prefix, format!("messages[{i}].content"));
        if is_string(content) {
            cx.push(content, role, Some(i), None, path)?;
            continue;
        }
        if !content.get().starts_with('[') {
            continue;
        }
        let blocks: Vec<&RawValue> = serde_json::from_str(content.get())?;
        for (j, braw) in blocks.iter().enumerate() {
            let b: Block<'_> = serde_json::from_str(braw.get())?;
            match b.kind.as_deref() {
                Some("text") => {
                    if let Some(t) = b.text.filter(|t| is_string(t)) {
                        cx.push(t, role, Some(i), None, format!("{path}[{j}].text"))?;
                    }
                }
                Some("tool_use") => {
                    if let (Some(id), Some(name)) = (b.id, b.name) {
                        tool_names.insert(id.into_owned(), name.into_owned());
                    }
                }
                Some("tool_result") => {
                    let tool = b.tool_use_id.as_deref().and_then(|id| tool_names.get(id)).map(String::as_str);
                    if let Some(c) = b.content {
                        cx.push_content(
                            c,
                            &["text"],
                            (Role::Tool, Some(i), tool),
                            &format!("{path}[{j}].content"),
                        )?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{locate, Format, Role};

    #[test]
    fn finds_tool_results_and_skips_untouchables() {
        let body = r#"{"model":"claude-sonnet-4-5","system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],
          "messages":[
            {"role":"user","content":"do it"},
            {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
               {"type":"tool_use","id":"tu1","name":"Bash","input":{"command":"ls"}},
               {"type":"server_tool_use","id":"s1","name":"web_search","input":{"query":"q"}}]},
            {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"tu1","content":[{"type":"text","text":"out1"},{"type":"image","source":{}}],"cache_control":{"type":"ephemeral"}},
               {"type":"mystery","text":"never"},
               {"type":"text","text":"question?"}]}]}"#;
        let l = locate(body, None).unwrap();
        assert_eq!(l.format, Format::Anthropic);
        let got: Vec<(&str, Role, Option<&str>)> =
            l.slots.iter().map(|s| (s.text.as_str(), s.role, s.tool_name.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("sys", Role::System, None),
                ("do it", Role::User, None),
                ("out1", Role::Tool, Some("Bash")),
                ("question?", Role::User, None),
            ]
        );
        assert_eq!(l.slots[2].path, "messages[2].content[0].content[0].text");
    }
}
