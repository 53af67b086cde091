//! Unit tests on real snippets and the corpus targets for code.

use super::*;
use crate::compressors::testing::run;
use crate::detect::{detect, Language};
use crate::tokens::TokenCounter;

/// Every tool output of a corpus case (OpenAI `tool` messages, Anthropic `tool_result` blocks).
pub(in crate::compressors) fn tool_outputs(case: &headroom_testkit::corpus::Case) -> Vec<String> {
    fn texts(content: &serde_json::Value, out: &mut Vec<String>) {
        match content {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(parts) => {
                for p in parts {
                    if let Some(t) = p.get("text").and_then(|t| t.as_str()) {
                        out.push(t.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for m in case.messages.as_array().into_iter().flatten() {
        let content = m.get("content").unwrap_or(&serde_json::Value::Null);
        if m.get("role").and_then(|r| r.as_str()) == Some("tool") {
            texts(content, &mut out);
        } else if let Some(blocks) = content.as_array() {
            for b in blocks {
                if b.get("type").and_then(|t| t.as_str()) == Some("tool_result") {
                    texts(b.get("content").unwrap_or(&serde_json::Value::Null), &mut out);
                }
            }
        }
    }
    out
}

/// Per-case figures of one compressor over the corpus.
#[derive(Debug)]
pub(in crate::compressors) struct CaseStats {
    pub id: String,
    pub before: usize,
    pub after: usize,
    pub verbatim: usize,
    pub recoverable: usize,
    pub lost: usize,
}

impl CaseStats {
    pub(in crate::compressors) fn saved(&self) -> f64 {
        1.0 - self.after as f64 / self.before.max(1) as f64
    }
}

/// Run `c` over the tool outputs of `case` that detect as one of `kinds` (the others count
/// as unchanged); needles are judged over the outputs of the case.
pub(in crate::compressors) fn measure(
    c: &dyn Compressor,
    case: &headroom_testkit::corpus::Case,
    wanted: impl Fn(ContentKind) -> bool,
) -> CaseStats {
    let counter = TokenCounter::for_model("gpt-4o");
    let mut st = CaseStats {
        id: case.id.clone(),
        before: 0,
        after: 0,
        verbatim: 0,
        recoverable: 0,
        lost: 0,
    };
    let mut outs = Vec::new();
    for text in tool_outputs(case) {
        let kind = detect(&text);
        let out = if wanted(kind) { run(c, kind, &text, &case.question) } else { None };
        let out = out.filter(|o| counter.count(o) < counter.count(&text)).unwrap_or_else(|| text.clone());
        st.before += counter.count(&text);
        st.after += counter.count(&out);
        outs.push((text, out));
    }
    for needle in &case.needles {
        if outs.iter().any(|(_, o)| o.contains(needle.as_str())) {
            st.verbatim += 1;
        } else if outs.iter().any(|(t, _)| t.contains(needle.as_str())) {
            st.recoverable += 1;
            eprintln!("{}: needle only recoverable: {needle}", case.id);
        } else {
            st.lost += 1;
        }
    }
    st
}

fn is_code(k: ContentKind) -> bool {
    matches!(k, ContentKind::Code(_))
}

#[test]
fn corpus_code_targets() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let mut before = 0;
    let mut after = 0;
    for case in cases.iter().filter(|c| c.kind == "code") {
        let st = measure(&CodeCompressor, case, is_code);
        eprintln!("{}: saved {:.1}% ({} -> {}), needles {}/{} verbatim, {} recoverable", st.id, st.saved() * 100.0, st.before, st.after, st.verbatim, st.verbatim + st.recoverable + st.lost, st.recoverable);
        assert_eq!(st.lost, 0, "{}", st.id);
        assert_eq!(st.recoverable, 0, "{}: every needle kept verbatim", st.id);
        before += st.before;
        after += st.after;
    }
    let saved = 1.0 - after as f64 / before as f64;
    eprintln!("code total: saved {:.1}% ({before} -> {after})", saved * 100.0);
    assert!(saved >= 0.40, "token-weighted savings {saved:.3} below 40%");
}

#[test]
fn corpus_mixed_code_outputs() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let case = cases.iter().find(|c| c.id == "s_multi_requests_redirect_auth").expect("case");
    let st = measure(&CodeCompressor, case, is_code);
    eprintln!("{}: saved {:.1}% ({} -> {}), needles {} verbatim, {} recoverable", st.id, st.saved() * 100.0, st.before, st.after, st.verbatim, st.recoverable);
    assert_eq!(st.lost + st.recoverable, 0);
}

#[test]
fn dump_outputs() {
    let Ok(id) = std::env::var("HEADROOM_DUMP") else { return };
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let case = cases.iter().find(|c| c.id == id).expect("case");
    for text in tool_outputs(case) {
        let kind = detect(&text);
        eprintln!("=== kind {kind:?}");
        if let Some(out) = run(&CodeCompressor, kind, &text, &case.question) {
            eprintln!("{out}");
        }
    }
}

#[test]
fn python_bodies_elided_named_kept() {
    let text = "import os\n\n\nclass Session:\n    \"\"\"A session.\n\n    Longer text here.\n    And more.\n    \"\"\"\n\n    def rebuild_auth(self, prepared_request, response):\n        \"\"\"When being redirected we may want to strip authentication from the\n        request to avoid leaking credentials.\n        \"\"\"\n        headers = prepared_request.headers\n        url = prepared_request.url\n        if \"Authorization\" in headers and self.should_strip_auth(response.url, url):\n            del headers[\"Authorization\"]\n        new_auth = get_netrc_auth(url) if self.trust_env else None\n        if new_auth is not None:\n            prepared_request.prepare_auth(new_auth)\n\n    def close(self):\n        \"\"\"Closes all adapters and as such the session\"\"\"\n        for v in self.adapters.values():\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n";
    let out = run(&CodeCompressor, ContentKind::Code(Language::Python), text, "what does `rebuild_auth` do?")
        .expect("compressed");
    assert!(out.contains("            del headers[\"Authorization\"]\n"), "{out}");
    assert!(out.contains("    def close(self):\n        \"\"\"Closes all adapters and as such the session\"\"\"\n        # body of Session.close (lines 25-33): [headroom: 9 lines omitted; retrieve hash="), "{out}");
}
