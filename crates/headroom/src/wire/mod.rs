//! Wire formats: where the compressible strings of a request are, as byte spans.
//!
//! Each format module walks a body once over borrowed [`RawValue`]s and reports [`Slot`]s: the
//! byte span of one JSON string literal, its decoded text, and who wrote it. It knows nothing
//! about compressors; [`splice`] is the only code that rewrites bytes.

mod anthropic;
mod openai_chat;
mod openai_responses;
pub mod splice;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use splice::{apply_edits, Edit, Span};

use crate::Error;

/// The three request shapes headroom understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Anthropic Messages (`/v1/messages`) or its `messages` list.
    Anthropic,
    /// OpenAI Chat Completions (`/v1/chat/completions`) or its `messages` list.
    OpenaiChat,
    /// OpenAI Responses (`/v1/responses`).
    OpenaiResponses,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "anthropic" => Ok(Self::Anthropic),
            "openai" | "openai_chat" => Ok(Self::OpenaiChat),
            "openai_responses" | "responses" => Ok(Self::OpenaiResponses),
            other => Err(Error::Config(format!(
                "unknown format {other:?} (want anthropic, openai_chat or openai_responses)"
            ))),
        }
    }
}

/// Who wrote a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System / developer prompt or `instructions`.
    System,
    /// The user's own text.
    User,
    /// The assistant's text.
    Assistant,
    /// A tool's output (OpenAI `tool` message, Anthropic `tool_result`, Responses `*_call_output`).
    Tool,
}

/// One compressible string in a body.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Byte span of the JSON string literal, quotes included.
    pub span: Span,
    /// The decoded string.
    pub text: String,
    /// Who wrote it.
    pub role: Role,
    /// Index of the message / input item it belongs to; `None` for top-level system prompts.
    pub message: Option<usize>,
    /// For tool outputs, the name of the tool that produced it, when the call is in the body.
    pub tool_name: Option<String>,
    /// Where it is, for reports (`messages[3].content`).
    pub path: String,
}

/// Everything `locate` found.
#[derive(Debug, Clone)]
pub struct Located {
    /// The detected or forced format.
    pub format: Format,
    /// The strings, in document order.
    pub slots: Vec<Slot>,
    /// Number of messages / input items.
    pub message_count: usize,
    /// The request's own top-level fields, read in the same pass (all empty for a bare message
    /// list).
    pub request: RequestFields,
}

/// The top-level request fields a caller routing the request needs, so it never parses the
/// body a second time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFields {
    /// `model`, when it is a string.
    pub model: Option<String>,
    /// `stream` is `true`.
    pub stream: bool,
    /// `n` (OpenAI Chat: how many choices), when present: `Some(None)` when it is not a
    /// non-negative integer.
    pub choices: Option<Option<u64>>,
}

/// Find every compressible string of `body` (a message list or a request body).
pub fn locate(body: &str, forced: Option<Format>) -> Result<Located, Error> {
    // Each serde pass over a large body costs about as much as the rest of locating: the body
    // is read once as its top-level shape, messages included, never as a whole first.
    let mut cx = Cx { body, slots: Vec::new() };
    let text = body.trim_start_matches([' ', '\t', '\n', '\r']);
    if text.starts_with('[') {
        let messages: Vec<&RawValue> = serde_json::from_str(body)?;
        let format = match forced {
            Some(Format::OpenaiResponses) => Format::OpenaiResponses,
            Some(f) => f,
            None => detect_messages(&messages),
        };
        match format {
            Format::Anthropic => anthropic::messages(&mut cx, &messages, "")?,
            Format::OpenaiChat => openai_chat::messages(&mut cx, &messages, "")?,
            Format::OpenaiResponses => openai_responses::items(&mut cx, &messages, "")?,
        }
        return Ok(Located {
            format,
            slots: cx.slots,
            message_count: messages.len(),
            request: RequestFields::default(),
        });
    }
    if !text.starts_with('{') {
        // Not JSON at all is a JSON error; JSON of the wrong shape is a shape error.
        let _: &RawValue = serde_json::from_str(body)?;
        return Err(Error::Shape("expected a JSON array of messages or a request object".into()));
    }
    let top: Top<'_> = serde_json::from_str(body)?;
    let messages = top.messages;
    let format = match forced {
        Some(f) => f,
        None => match (&messages, top.input) {
            (None, Some(_)) => Format::OpenaiResponses,
            (Some(_), _) if top.system.is_some() => Format::Anthropic,
            (Some(m), _) => {
                let guess = detect_messages(m);
                let claude = top.model.as_deref().is_some_and(|m| m.starts_with("claude"));
                if guess == Format::OpenaiChat && claude && !m.is_empty() && !has_openai_only(m) {
                    Format::Anthropic
                } else {
                    guess
                }
            }
            (None, None) => {
                return Err(Error::Shape("request object has neither \"messages\" nor \"input\"".into()))
            }
        },
    };
    let count = match format {
        Format::Anthropic => {
            if let Some(sys) = top.system {
                anthropic::system(&mut cx, sys)?;
            }
            let m = messages.ok_or_else(|| Error::Shape("anthropic body without \"messages\"".into()))?;
            anthropic::messages(&mut cx, &m, "")?;
            m.len()
        }
        Format::OpenaiChat => {
            let m = messages.ok_or_else(|| Error::Shape("chat body without \"messages\"".into()))?;
            openai_chat::messages(&mut cx, &m, "")?;
            m.len()
        }
        Format::OpenaiResponses => {
            if let Some(ins) = top.instructions {
                if is_string(ins) {
                    cx.push(ins, Role::System, None, None, "instructions".into())?;
                }
            }
            match top.input {
                Some(input) if is_string(input) => {
                    cx.push(input, Role::User, Some(0), None, "input".into())?;
                    1
                }
                Some(input) => {
                    let items: Vec<&RawValue> = serde_json::from_str(input.get())?;
                    openai_responses::items(&mut cx, &items, "input")?;
                    items.len()
                }
                None => return Err(Error::Shape("responses body without \"input\"".into())),
            }
        }
    };
    let request = RequestFields {
        model: top.model.map(Cow::into_owned),
        stream: top.stream.is_some_and(|s| s.get() == "true"),
        choices: top.n.map(|n| n.get().parse::<u64>().ok()),
    };
    Ok(Located { format, slots: cx.slots, message_count: count, request })
}

#[derive(Deserialize)]
struct Top<'a> {
    #[serde(borrow, default)]
    messages: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    system: Option<&'a RawValue>,
    #[serde(borrow, default)]
    instructions: Option<&'a RawValue>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    stream: Option<&'a RawValue>,
    #[serde(borrow, default)]
    n: Option<&'a RawValue>,
}

/// The shape of one message or content block, as far as format detection needs it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe<'a> {
    #[serde(borrow)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    tool_calls: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

fn has_openai_only(messages: &[&RawValue]) -> bool {
    messages.iter().any(|m| {
        let p: Probe<'_> = serde_json::from_str(m.get()).unwrap_or_default();
        p.tool_calls.is_some()
            || matches!(p.role.as_deref(), Some("tool" | "system" | "developer" | "function"))
    })
}

/// OpenAI Chat unless something only Anthropic has shows up.
fn detect_messages(messages: &[&RawValue]) -> Format {
    for m in messages {
        let p: Probe<'_> = serde_json::from_str(m.get()).unwrap_or_default();
        if p.tool_calls.is_some()
            || matches!(p.role.as_deref(), Some("tool" | "system" | "developer" | "function"))
        {
            return Format::OpenaiChat;
        }
        if p.role.is_none() && p.kind.is_some() {
            return Format::OpenaiResponses;
        }
        let Some(content) = p.content.filter(|c| c.get().starts_with('[')) else { continue };
        let blocks: Vec<&RawValue> = serde_json::from_str(content.get()).unwrap_or_default();
        for b in blocks {
            let bp: Probe<'_> = serde_json::from_str(b.get()).unwrap_or_default();
            match bp.kind.as_deref() {
                Some(
                    "tool_use"
                    | "tool_result"
                    | "thinking"
                    | "redacted_thinking"
                    | "image"
                    | "document"
                    | "server_tool_use"
                    | "web_search_tool_result",
                ) => return Format::Anthropic,
                Some("image_url" | "input_audio" | "refusal" | "file") => return Format::OpenaiChat,
                Some("input_text" | "output_text" | "input_image") => return Format::OpenaiResponses,
                _ => {}
            }
        }
    }
    Format::OpenaiChat
}

fn is_string(raw: &RawValue) -> bool {
    raw.get().starts_with('"')
}

/// Walk state shared by the format modules.
pub(crate) struct Cx<'b> {
    body: &'b str,
    slots: Vec<Slot>,
}

impl Cx<'_> {
    /// Record `raw` (which must be a JSON string inside `body`) as a slot.
    fn push(
        &mut self,
        raw: &RawValue,
        role: Role,
        message: Option<usize>,
        tool_name: Option<String>,
        path: String,
    ) -> Result<(), Error> {
        let start = raw.get().as_ptr() as usize - self.body.as_ptr() as usize;
        let span = Span { start, end: start + raw.get().len() };
        let text = match unescape(raw.get()) {
            Some(text) => text,
            None => serde_json::from_str(raw.get())?,
        };
        self.slots.push(Slot { span, text, role, message, tool_name, path });
        Ok(())
    }

    /// Record `raw` if it is a string, or each `text` part if it is a list of parts whose type
    /// is in `text_types`.
    fn push_content(
        &mut self,
        raw: &RawValue,
        text_types: &[&str],
        at: (Role, Option<usize>, Option<&str>),
        path: &str,
    ) -> Result<(), Error> {
        let (role, message, tool) = at;
        if is_string(raw) {
            return self.push(raw, role, message, tool.map(str::to_owned), path.to_owned());
        }
        if !raw.get().starts_with('[') {
            return Ok(());
        }
        let parts: Vec<&RawValue> = serde_json::from_str(raw.get())?;
        for (j, part) in parts.iter().enumerate() {
            let p: Part<'_> = serde_json::from_str(part.get())?;
            if let (Some(kind), Some(text)) = (p.kind.as_deref(), p.text) {
                if text_types.contains(&kind) && is_string(text) {
                    self.push(text, role, message, tool.map(str::to_owned), format!("{path}[{j}].text"))?;
                }
            }
        }
        Ok(())
    }
}

/// The value of the JSON string literal `raw` (quotes included), decoded in one sized pass: the
/// tool outputs are the bulk of a request. `None` for anything unusual (a lone surrogate, a
/// malformed escape), which the caller leaves to serde_json and its error message.
fn unescape(raw: &str) -> Option<String> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'\\', b.get(i..)?) {
        out.push_str(inner.get(i..i + off)?);
        let esc = *b.get(i + off + 1)?;
        i += off + 2;
        let c = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(inner.get(i..i + 4)?)?;
                i += 4;
                if (0xD800..0xDC00).contains(&hi) {
                    if inner.get(i..i + 2)? != "\\u" {
                        return None;
                    }
                    let lo = hex4(inner.get(i + 2..i + 6)?)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                } else {
                    char::from_u32(hi)?
                }
            }
            _ => return None,
        };
        out.push(c);
    }
    out.push_str(inner.get(i..)?);
    Some(out)
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// A content part with a `type` and maybe a `text`.
#[derive(Deserialize)]
struct Part<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
}

fn join(prefix: &str, rest: String) -> String {
    if prefix.is_empty() {
        rest
    } else {
        format!("{prefix}{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_fields_come_from_the_same_pass() {
        let fields = |body: &str| locate(body, Some(Format::OpenaiChat)).map(|l| l.request);
        let got = fields(r#"{"model":"gpt-4o","stream" : true ,"n": 3,"messages":[]}"#).ok();
        let want = RequestFields { model: Some("gpt-4o".into()), stream: true, choices: Some(Some(3)) };
        assert_eq!(got, Some(want));
        let got = fields(r#"{"stream":"true","n":1.5,"messages":[]}"#).ok();
        assert_eq!(got, Some(RequestFields { model: None, stream: false, choices: Some(None) }));
        assert_eq!(fields(r#"[{"role":"user","content":"x"}]"#).ok(), Some(RequestFields::default()));
    }

    #[test]
    fn unescape_agrees_with_serde() {
        let samples = [
            r#""plain""#,
            r#""""#,
            r#""q\"uote\\ back\/slash \b\f\n\r\t end""#,
            r#""caf\u00e9 \u4e2d\u6587 \ud83d\ude00 emoji""#,
            "\"raw é 中文 😀\"",
            r#""{\"results\": [{\"title\": \"Result 0\"}]}""#,
        ];
        for raw in samples {
            let ours = unescape(raw);
            let theirs: String = serde_json::from_str(raw).unwrap();
            assert_eq!(ours.as_deref(), Some(theirs.as_str()), "{raw}");
        }
        // Unusual input goes to serde_json (which reports the error).
        for raw in [r#""lone \ud800 high""#, r#""lone \udc00 low""#, r#""bad \x escape""#] {
            assert_eq!(unescape(raw), None, "{raw}");
        }
    }

    #[test]
    fn detects_formats() {
        let oa = r#"[{"role":"system","content":"s"},{"role":"user","content":"hi"}]"#;
        assert_eq!(locate(oa, None).unwrap().format, Format::OpenaiChat);
        let an = r#"[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}]"#;
        assert_eq!(locate(an, None).unwrap().format, Format::Anthropic);
        let body = r#"{"model":"claude-x","system":"s","messages":[{"role":"user","content":"hi"}]}"#;
        assert_eq!(locate(body, None).unwrap().format, Format::Anthropic);
        let resp =
            r#"{"model":"gpt-5","input":[{"type":"function_call_output","call_id":"c","output":"out"}]}"#;
        let l = locate(resp, None).unwrap();
        assert_eq!(l.format, Format::OpenaiResponses);
        assert_eq!(l.slots[0].role, Role::Tool);
    }

    #[test]
    fn spans_point_at_string_literals() {
        let body = r#"{"messages":[{"role":"tool","tool_call_id":"a","content":"he said \"hi\"\n"}]}"#;
        let l = locate(body, None).unwrap();
        let s = &l.slots[0];
        assert_eq!(&body[s.span.start..s.span.end], r#""he said \"hi\"\n""#);
        assert_eq!(s.text, "he said \"hi\"\n");
    }

    #[test]
    fn rejects_non_messages() {
        assert!(locate("42", None).is_err());
        assert!(locate("{\"foo\":1}", None).is_err());
        assert!(locate("[1,", None).is_err());
    }
}
