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
    let mut st = CaseStats { id: case.id.clone(), before: 0, after: 0, verbatim: 0, recoverable: 0, lost: 0 };
    let mut outs = Vec::new();
    for text in tool_outputs(case) {
        let kind = detect(&text);
        let out = if wanted(kind) { run(c, kind, &text, &case.question) } else { None };
        if let Some(o) = &out {
            assert_faithful(&text, o, !matches!(kind, ContentKind::Code(_)));
        }
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

/// Every output line is either an original line (in order) or a marker line carrying the
/// block's hash, and the markers' counts add up to exactly the original lines left out. With
/// `local`, each marker also accounts for exactly the lines missing where it stands (prose);
/// code's run markers follow the signatures they summarise, so only the total is checked.
pub(in crate::compressors) fn assert_faithful(original: &str, output: &str, local: bool) {
    let hash = crate::marker::ContentHash::of(original);
    let lines: Vec<&str> = original.split('\n').collect();
    let (mut at, mut pending, mut skipped_total, mut counted_total) = (0, 0usize, 0usize, 0usize);
    for out in output.split('\n') {
        if let Some(m) = crate::marker::Marker::find_all(out).first() {
            assert_eq!(m.hash, hash, "marker hash");
            pending += m.count;
            counted_total += m.count;
            continue;
        }
        let mut skipped = 0;
        while lines.get(at).is_some_and(|l| *l != out) {
            at += 1;
            skipped += 1;
        }
        assert!(at < lines.len(), "output line not in the original (or out of order): {out:?}");
        at += 1;
        skipped_total += skipped;
        if local {
            assert!(skipped <= pending, "{skipped} lines vanished without a marker before {out:?}");
            pending -= skipped;
            if !out.trim().is_empty() {
                assert_eq!(pending, 0, "marker counts {pending} lines too many before {out:?}");
            }
        }
    }
    skipped_total += lines.len() - at.min(lines.len());
    assert_eq!(skipped_total, counted_total, "marker counts do not add up");
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
        eprintln!(
            "{}: saved {:.1}% ({} -> {}), needles {}/{} verbatim, {} recoverable",
            st.id,
            st.saved() * 100.0,
            st.before,
            st.after,
            st.verbatim,
            st.verbatim + st.recoverable + st.lost,
            st.recoverable
        );
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
    eprintln!(
        "{}: saved {:.1}% ({} -> {}), needles {} verbatim, {} recoverable",
        st.id,
        st.saved() * 100.0,
        st.before,
        st.after,
        st.verbatim,
        st.recoverable
    );
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

/// Throughput over the corpus code outputs (run with `--release -- --ignored`).
#[test]
#[ignore]
fn throughput() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let texts: Vec<(ContentKind, String, String)> = cases
        .iter()
        .flat_map(|c| tool_outputs(c).into_iter().map(move |t| (detect(&t), t, c.question.clone())))
        .filter(|(k, _, _)| matches!(k, ContentKind::Code(_) | ContentKind::Prose | ContentKind::Html))
        .collect();
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = crate::signals::Signals::new();
    for (name, want) in [("code", true), ("prose", false)] {
        let mut bytes = 0usize;
        let mut secs = 0.0;
        for (k, t, q) in texts.iter().filter(|(k, _, _)| matches!(k, ContentKind::Code(_)) == want) {
            let query = crate::relevance::Query::new(q);
            let cx = Context {
                kind: *k,
                query: &query,
                mode: crate::compressors::Mode::Lossy,
                counter: &counter,
                signals: &signals,
                hash: crate::marker::ContentHash::of(t),
                target_ratio: None,
            };
            let c: &dyn Compressor =
                if want { &CodeCompressor } else { &crate::compressors::prose::ProseCompressor };
            let start = std::time::Instant::now();
            for _ in 0..5 {
                let _ = c.compress(t, &cx);
                bytes += t.len();
            }
            let s = start.elapsed().as_secs_f64();
            eprintln!("  {k:?} {} bytes: {:.1} MB/s", t.len(), 5.0 * t.len() as f64 / s / 1e6);
            secs += s;
        }
        eprintln!("{name}: {:.1} MB/s ({bytes} bytes)", bytes as f64 / secs / 1e6);
    }
}

#[test]
#[ignore]
fn phase_timing() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    for case in cases.iter().filter(|c| c.kind == "code") {
        let text = tool_outputs(case).remove(0);
        let ContentKind::Code(lang) = detect(&text) else { continue };
        let src = Source::new(&text);
        let code = src.code_text(&text);
        let t = std::time::Instant::now();
        let mut p = tree_sitter::Parser::new();
        p.set_language(&lang::grammar(lang)).expect("grammar");
        for _ in 0..10 {
            let _ = p.parse(code.as_ref(), None);
        }
        let parse = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        for _ in 0..10 {
            let _ = region::from_tree(lang, &code, &src);
        }
        let outline = t.elapsed().as_secs_f64();
        let mb = 10.0 * text.len() as f64 / 1e6;
        eprintln!("{lang:?}: parse {:.1} MB/s, parse+outline {:.1} MB/s", mb / parse, mb / outline);
    }
}

/// Any text, read as any language (JSON as C++, logs as Python, a diff as Go...), gives either
/// nothing or a faithful result: no panic, kept lines original, marker counts exact.
#[test]
fn any_text_any_language_is_faithful() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let langs = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Rust,
        Language::Go,
        Language::Java,
        Language::C,
        Language::Cpp,
    ];
    for case in &cases {
        for text in tool_outputs(case) {
            let cut = (0..=2500.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let text = &text[..cut];
            for lang in langs {
                if let Some(out) = run(&CodeCompressor, ContentKind::Code(lang), text, &case.question) {
                    assert_faithful(text, &out, false);
                    assert_eq!(
                        run(&CodeCompressor, ContentKind::Code(lang), text, &case.question).as_deref(),
                        Some(out.as_str())
                    );
                }
            }
        }
    }
}

/// Ten statements: big enough that eliding them is worth a marker.
fn filler(indent: &str, stmt: &str) -> String {
    (0..10).map(|i| format!("{indent}{}\n", stmt.replace('N', &i.to_string()))).collect()
}

/// The body of the function the question names stays whole; the other is elided behind a
/// marker naming it, with its line range, in the language's comment syntax.
fn named_body_kept(lang: Language, text: &str, question: &str, kept: &str, marker: &str) {
    let out = run(&CodeCompressor, ContentKind::Code(lang), text, question).expect("compressed");
    assert!(out.contains(kept), "{lang:?}: named body not kept:\n{out}");
    assert!(out.contains(marker), "{lang:?}: no marker {marker:?}:\n{out}");
    assert_faithful(text, &out, false);
}

#[test]
fn named_bodies_kept_across_languages() {
    let js = format!(
        "import {{ x }} from './x.js'\n\nclass Decoder {{\n  decodeKey(line) {{\n{}  }}\n\n  other(line) {{\n{}  }}\n}}\n",
        filler("    ", "const vN = line.slice(N) + 'key';"),
        filler("    ", "const wN = compute(N, line);")
    );
    named_body_kept(
        Language::JavaScript,
        &js,
        "what does `decodeKey` do?",
        "const v9 = line.slice(9) + 'key';",
        "    // body of Decoder.other (lines 18-27): [headroom: 10 lines omitted; retrieve hash=",
    );
    let java = format!(
        "package a;\n\npublic class Router {{\n    public int route(String m) {{\n{}    }}\n\n    private void log(String m) {{\n{}    }}\n}}\n",
        filler("        ", "int vN = m.length() * N;"),
        filler("        ", "System.out.println(m + N);")
    );
    named_body_kept(
        Language::Java,
        &java,
        "how does route work?",
        "int v9 = m.length() * 9;",
        "        // body of Router.log (lines 18-27)",
    );
    let c = format!(
        "#include <stdio.h>\n\nstatic int parse_header(const char *s) {{\n{}}}\n\nint main(void) {{\n{}}}\n",
        filler("    ", "int vN = s[N] - '0';"),
        filler("    ", "printf(\"%d\\n\", N);")
    );
    named_body_kept(
        Language::C,
        &c,
        "Where is parse_header?",
        "    int v9 = s[9] - '0';",
        "    // body of main (lines 17-26)",
    );
    let cpp = format!(
        "#include <string>\n\nnamespace net {{\nclass Conn {{\n public:\n  int send_frame(const std::string& s) {{\n{}  }}\n  void close() {{\n{}  }}\n}};\n}}\n",
        filler("    ", "int vN = s.size() + N;"),
        filler("    ", "log_message(this->peer, N);")
    );
    named_body_kept(
        Language::Cpp,
        &cpp,
        "What does send_frame return?",
        "    int v9 = s.size() + 9;",
        "    // body of net::Conn::close (lines 19-28)",
    );
    let go = format!(
        "package cobra\n\nimport \"fmt\"\n\nfunc (c *Command) execute(a []string) error {{\n{}}}\n\nfunc helper() {{\n{}}}\n",
        filler("\t", "fmt.Println(a, N)"),
        filler("\t", "fmt.Println(helperState.Name(), N)")
    );
    named_body_kept(
        Language::Go,
        &go,
        "Point me to the execute function",
        "\tfmt.Println(a, 9)",
        "\t// body of helper (lines 19-28)",
    );
    let rust = format!(
        "use std::fmt;\n\nimpl<S> MethodRouter<S> {{\n    pub fn call_with_state(&self) -> u32 {{\n{}    }}\n\n    fn other(&self) {{\n{}    }}\n}}\n",
        filler("        ", "let vN = self.get(N);"),
        filler("        ", "drop(self.inner.take(N));")
    );
    named_body_kept(
        Language::Rust,
        &rust,
        "What does `call_with_state` do?",
        "        let v9 = self.get(9);",
        "        // body of MethodRouter::other (lines 18-27)",
    );
}

#[test]
fn numbered_listing_keeps_numbers_and_ranges() {
    let mut text = String::new();
    let mut n = 100;
    let mut line = |s: &str| {
        text.push_str(&format!("{n:>6}\t{s}\n"));
        n += 1;
    };
    line("class Session:");
    line("    def should_strip_auth(self, old_url, new_url):");
    for i in 0..8 {
        line(&format!("        changed_port = old.port != new.port + {i}"));
    }
    line("");
    line("    def send(self, request):");
    line("        \"\"\"Send a given PreparedRequest.\"\"\"");
    for i in 0..8 {
        line(&format!("        r = adapter.send(request, {i})"));
    }
    let out = run(
        &CodeCompressor,
        ContentKind::Code(Language::Python),
        &text,
        "when is auth stripped? should_strip_auth",
    )
    .expect("compressed");
    assert!(out.contains("   109\t        changed_port = old.port != new.port + 7\n"), "{out}");
    assert!(out.contains("   112\t        \"\"\"Send a given PreparedRequest.\"\"\"\n"), "{out}");
    assert!(out.contains("      \t        # body of Session.send (lines 113-120): [headroom: 8 lines omitted; retrieve hash="), "{out}");
    assert_faithful(&text, &out, false);
}

#[test]
fn run_of_small_functions_shares_one_marker() {
    let mut go = String::from("package cobra\n\n");
    for name in ["SetOut", "SetErr", "SetIn", "SetHelp"] {
        go.push_str(&format!(
            "// {name} sets the destination.\n// If nil, the default is used.\nfunc (c *Command) {name}(w io.Writer) {{\n\tc.{name}Writer = w\n\tc.touched = true\n}}\n\n"
        ));
    }
    let out = run(&CodeCompressor, ContentKind::Code(Language::Go), &go, "how is Execute called?")
        .expect("compressed");
    let markers = crate::marker::Marker::find_all(&out);
    assert_eq!(markers.len(), 1, "{out}");
    assert!(
        out.contains("\n// bodies of Command.SetOut, Command.SetErr and 2 more (lines 5-29): [headroom: 18 lines omitted;"),
        "{out}"
    );
    for name in ["SetErr", "SetIn", "SetHelp"] {
        assert!(
            out.contains(&format!(
                "// {name} sets the destination.\nfunc (c *Command) {name}(w io.Writer) {{\n"
            )),
            "{out}"
        );
    }
    assert_faithful(&go, &out, false);
}

#[test]
fn broken_code_falls_back_to_indentation() {
    // A template: not parseable as Python, but its blocks are still visible by indentation.
    let mut text = String::from("{% block body %}\n");
    for f in ["render_header", "render_footer"] {
        text.push_str(&format!("def {f}(ctx) {{%\n"));
        for i in 0..8 {
            text.push_str(&format!("    {{{{ ctx.items[{i}] | e }}}} %}} <{f}>\n"));
        }
    }
    let src = Source::new(&text);
    assert!(region::from_tree(Language::Python, &text, &src).is_none(), "tree should not be trusted");
    let out =
        run(&CodeCompressor, ContentKind::Code(Language::Python), &text, "what does render_header print?")
            .expect("compressed");
    assert!(out.contains("    {{ ctx.items[7] | e }} %} <render_header>\n"), "{out}");
    assert!(out.contains("    # body of render_footer (lines 12-19): [headroom: 8 lines omitted;"), "{out}");
    assert_faithful(&text, &out, false);
}

#[test]
fn lossless_mode_leaves_code_alone() {
    let text = format!("def f():\n{}", filler("    ", "x = N"));
    let query = crate::relevance::Query::new("what?");
    let counter = TokenCounter::for_model("gpt-4o");
    let signals = crate::signals::Signals::new();
    let cx = Context {
        kind: ContentKind::Code(Language::Python),
        query: &query,
        mode: crate::compressors::Mode::Lossless,
        counter: &counter,
        signals: &signals,
        hash: crate::marker::ContentHash::of(&text),
        target_ratio: None,
    };
    assert_eq!(CodeCompressor.compress(&text, &cx), Ok(None));
}

/// End to end through the engine (default config): the figures `headroom eval` reports.
#[test]
fn engine_on_code_and_text_cases() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let engine = crate::Engine::new(crate::CompressConfig::default());
    for case in cases
        .iter()
        .filter(|c| matches!(c.kind.as_str(), "code" | "text") || c.id == "s_multi_requests_redirect_auth")
    {
        let result = engine.compress(&case.body("claude-sonnet-4-5")).expect("compress");
        let out = result.messages.get();
        let verbatim = case
            .needles
            .iter()
            .filter(|n| {
                out.contains(&serde_json::to_string(n).unwrap_or_default().trim_matches('"').to_string())
            })
            .count();
        eprintln!(
            "engine {}: {} -> {} tokens, saved {:.1}%, needles {verbatim}/{} verbatim, {:?}",
            case.id,
            result.tokens_before,
            result.tokens_after,
            result.compression_ratio * 100.0,
            case.needles.len(),
            result.transforms_applied
        );
        assert_eq!(verbatim, case.needles.len(), "{}", case.id);
    }
}

/// Ad-hoc check on real files: `HEADROOM_FILES="path|question;path|question"`.
#[test]
#[ignore]
fn real_files() {
    let Ok(spec) = std::env::var("HEADROOM_FILES") else { return };
    let counter = TokenCounter::for_model("gpt-4o");
    for item in spec.split(';').filter(|s| !s.is_empty()) {
        let (path, question) = item.split_once('|').unwrap_or((item, ""));
        let text = std::fs::read_to_string(path).expect("read");
        let kind = detect(&text);
        let c: &dyn Compressor = match kind {
            ContentKind::Code(_) => &CodeCompressor,
            _ => &crate::compressors::prose::ProseCompressor,
        };
        let t = std::time::Instant::now();
        let out = run(c, kind, &text, question);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let (b, a) =
            (counter.count(&text), out.as_deref().map_or(counter.count(&text), |o| counter.count(o)));
        if let Some(o) = &out {
            assert_faithful(&text, o, !matches!(kind, ContentKind::Code(_)));
            if std::env::var("HEADROOM_SHOW").is_ok() {
                eprintln!("{o}");
            }
        }
        eprintln!(
            "{path} ({kind:?}): {b} -> {a} tokens, saved {:.1}%, {ms:.0} ms",
            100.0 * (1.0 - a as f64 / b as f64)
        );
    }
}
