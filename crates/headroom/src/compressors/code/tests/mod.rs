//! Unit tests on real-shaped snippets: named bodies kept across languages, numbered
//! listings, run markers, the indentation fallback, lossless mode, and any text read as any
//! language.

pub(in crate::compressors) mod corpus;

pub(in crate::compressors) use corpus::{assert_corpus_targets, assert_faithful};

use super::*;
use crate::compressors::testing::run;
use crate::detect::Language;
use crate::tokens::TokenCounter;

#[test]
fn python_bodies_elided_named_kept() {
    let text = "import os\n\n\nclass Session:\n    \"\"\"A session.\n\n    Longer text here.\n    And more.\n    \"\"\"\n\n    def rebuild_auth(self, prepared_request, response):\n        \"\"\"When being redirected we may want to strip authentication from the\n        request to avoid leaking credentials.\n        \"\"\"\n        headers = prepared_request.headers\n        url = prepared_request.url\n        if \"Authorization\" in headers and self.should_strip_auth(response.url, url):\n            del headers[\"Authorization\"]\n        new_auth = get_netrc_auth(url) if self.trust_env else None\n        if new_auth is not None:\n            prepared_request.prepare_auth(new_auth)\n\n    def close(self):\n        \"\"\"Closes all adapters and as such the session\"\"\"\n        for v in self.adapters.values():\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n            v.close()\n";
    let out = run(&CodeCompressor, ContentKind::Code(Language::Python), text, "what does `rebuild_auth` do?")
        .expect("compressed");
    assert!(out.contains("            del headers[\"Authorization\"]\n"), "{out}");
    assert!(out.contains("    def close(self):\n        \"\"\"Closes all adapters and as such the session\"\"\"\n        # body of Session.close (lines 25-33): [headroom: 9 lines omitted; retrieve hash="), "{out}");
}

/// Any text, read as any language (JSON as C++, logs as Python, a diff as Go...), gives either
/// nothing or a faithful result: no panic, kept lines original, marker counts exact.
#[test]
fn any_text_any_language_is_faithful() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let langs = Language::ALL;
    for case in &cases {
        for text in case.tool_outputs() {
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
