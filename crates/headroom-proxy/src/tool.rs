//! The `headroom_retrieve` tool: its definition in each wire format (constant bytes, so the
//! tools prefix a provider caches stays identical turn after turn), injecting it into a body,
//! and appending items to a body's message list for follow-up requests. All edits are byte
//! splices; nothing else in the body is re-serialised.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::provider::Route;

/// The tool's name.
pub(crate) const NAME: &str = "headroom_retrieve";

const DESCRIPTION: &str = "Get back content that was compressed out of this conversation. Shortened tool \
outputs carry markers like [headroom: 480 items omitted; retrieve hash=<hash>]. When an \
answer needs what was omitted, call this tool with the marker's hash; it returns the full original output.";

const SCHEMA: &str = r#"{"type":"object","properties":{"hash":{"type":"string","description":"The 24 hex digits after hash= in the marker."}},"required":["hash"]}"#;

/// The tool definition for `route`, always the same bytes.
pub(crate) fn definition(route: Route) -> String {
    let desc = serde_json::Value::from(DESCRIPTION).to_string();
    match route {
        Route::Messages => {
            format!(r#"{{"name":"{NAME}","description":{desc},"input_schema":{SCHEMA}}}"#)
        }
        Route::ChatCompletions => format!(
            r#"{{"type":"function","function":{{"name":"{NAME}","description":{desc},"parameters":{SCHEMA}}}}}"#
        ),
        Route::Responses => {
            format!(r#"{{"type":"function","name":"{NAME}","description":{desc},"parameters":{SCHEMA}}}"#)
        }
    }
}

/// The top-level members whose spans edits need.
#[derive(Deserialize)]
struct Top<'a> {
    #[serde(borrow, default)]
    tools: Option<&'a RawValue>,
    #[serde(borrow, default)]
    messages: Option<&'a RawValue>,
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    #[allow(dead_code)]
    model: Option<Cow<'a, str>>,
}

/// Byte offset of `inner` (a slice of `outer`) in `outer`.
fn offset(outer: &str, inner: &str) -> Option<usize> {
    (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize).filter(|&o| o <= outer.len())
}

/// Insert `items` (JSON texts) at the end of the array `raw` inside `body`.
fn append_to_array(body: &str, raw: &RawValue, items: &[String]) -> Option<String> {
    let arr = raw.get();
    if !arr.starts_with('[') || !arr.ends_with(']') {
        return None;
    }
    let start = offset(body, arr)?;
    let close = start + arr.len() - 1;
    let empty = arr.get(1..arr.len() - 1)?.trim().is_empty();
    let mut out = String::with_capacity(body.len() + items.iter().map(|i| i.len() + 1).sum::<usize>());
    out.push_str(body.get(..close)?);
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !empty {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str(body.get(close..)?);
    Some(out)
}

/// `body` offering the retrieve tool: appended to `tools`, or a `tools` member added at the end
/// of the object. `None` if the body is not an object, `tools` is not a list, or the client
/// already has a tool of that name (its calls must stay the client's).
pub(crate) fn inject(route: Route, body: &str) -> Option<String> {
    let top: Top<'_> = serde_json::from_str(body).ok()?;
    let def = definition(route);
    match top.tools {
        Some(tools) if tools.get().contains(&format!("\"{NAME}\"")) => None,
        Some(tools) => append_to_array(body, tools, &[def]),
        None => {
            let close = body.trim_end().len().checked_sub(1)?;
            if body.get(close..=close)? != "}" {
                return None;
            }
            let before = body.get(..close)?;
            let sep = if before.trim_end().ends_with('{') { "" } else { "," };
            Some(format!("{before}{sep}\"tools\":[{def}]{}", body.get(close..)?))
        }
    }
}

/// `body` with `items` appended to its conversation (`messages`, or `input` for Responses).
pub(crate) fn append_turns(route: Route, body: &str, items: &[String]) -> Option<String> {
    let top: Top<'_> = serde_json::from_str(body).ok()?;
    let list = match route {
        Route::Messages | Route::ChatCompletions => top.messages?,
        Route::Responses => top.input?,
    };
    append_to_array(body, list, items)
}

/// The `hash` argument of a call, given its input as a JSON object text.
pub(crate) fn hash_argument(input: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Args {
        hash: String,
    }
    serde_json::from_str::<Args>(input).ok().map(|a| a.hash.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_without_touching_other_bytes() {
        let body = r#"{"model":"m", "tools": [ {"name":"Bash"} ] ,"messages":[]}"#;
        let out = inject(Route::Messages, body).unwrap();
        let def = definition(Route::Messages);
        assert_eq!(out, format!(r#"{{"model":"m", "tools": [ {{"name":"Bash"}} ,{def}] ,"messages":[]}}"#));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["tools"][1]["name"], NAME);

        let bare = "{\"model\":\"m\",\"messages\":[]}\n";
        let out = inject(Route::ChatCompletions, bare).unwrap();
        assert!(out.starts_with("{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\""));
        assert!(out.ends_with("}\n"));
        serde_json::from_str::<serde_json::Value>(&out).unwrap();

        let taken = r#"{"tools":[{"name":"headroom_retrieve"}],"messages":[]}"#;
        assert_eq!(inject(Route::Messages, taken), None);

        let empty = r#"{"input":[],"tools":[]}"#;
        let out = inject(Route::Responses, empty).unwrap();
        assert_eq!(out, format!(r#"{{"input":[],"tools":[{}]}}"#, definition(Route::Responses)));
    }

    #[test]
    fn appends_turns() {
        let body = r#"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#;
        let out = append_turns(Route::Messages, body, &["1".into(), "2".into()]).unwrap();
        assert_eq!(out, r#"{"messages":[{"role":"user","content":"hi"},1,2],"stream":true}"#);
        assert_eq!(hash_argument(r#"{"hash":" abc "}"#).as_deref(), Some("abc"));
    }
}
