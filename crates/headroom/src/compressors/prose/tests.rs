//! Unit tests on real snippets and the corpus targets for prose.

use super::*;
use crate::compressors::code::tests::assert_corpus_targets;
use crate::compressors::testing::run;
use crate::detect::ContentKind;

fn is_text(k: ContentKind) -> bool {
    matches!(k, ContentKind::Prose | ContentKind::Html)
}

#[test]
fn corpus_text_targets() {
    assert_corpus_targets(&ProseCompressor, "text", is_text, 0.30);
}

#[test]
fn dump_outputs() {
    let Ok(id) = std::env::var("HEADROOM_DUMP_PROSE") else { return };
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let case = cases.iter().find(|c| c.id == id).expect("case");
    for text in case.tool_outputs() {
        if let Some(out) = run(&ProseCompressor, ContentKind::Prose, &text, &case.question) {
            eprintln!("{out}");
        }
    }
}

#[test]
fn markdown_keeps_headings_and_relevant_parts() {
    let filler = |topic: &str| -> String {
        (0..6)
            .map(|i| {
                format!(
                    "The {topic} subsystem handles case number {i} in a careful and well documented way.\n"
                )
            })
            .collect()
    };
    let text = format!(
        "# Guide\n\n## Caching\n\n{}\n## Retries\n\nBy default, the client does not retry failed connections.\nUse `max_retries` to change it:\n\n```python\ns.mount('https://', HTTPAdapter(max_retries=3))\n```\n\n{}\n## Logging\n\n{}",
        filler("cache"),
        filler("retry"),
        filler("logging")
    );
    let out = run(
        &ProseCompressor,
        ContentKind::Prose,
        &text,
        "Does it retry failed connections, and how do I add max_retries?",
    )
    .expect("compressed");
    for kept in [
        "# Guide",
        "## Caching",
        "## Retries",
        "## Logging",
        "By default, the client does not retry failed connections.",
        "s.mount('https://', HTTPAdapter(max_retries=3))",
        "The cache subsystem handles case number 0",
    ] {
        assert!(out.contains(kept), "missing {kept:?}:\n{out}");
    }
    assert!(!out.contains("The logging subsystem handles case number 5"), "{out}");
    crate::compressors::code::tests::assert_faithful(&text, &out, true);
}

#[test]
fn html_is_extracted_then_compressed() {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} explains an unrelated corner of the protocol in some detail, at length.</p>\n"
        )
    };
    let mut html = String::from("<!DOCTYPE html><html><head><title>WS</title><script>var x = 1 < 2;</script></head><body>\n<nav><a href=\"/\">Home</a></nav>\n<h1>Control Frames</h1>\n");
    for i in 0..12 {
        html.push_str(&para(i));
    }
    html.push_str("<p>All control frames MUST have a payload length of 125 bytes or less.</p>\n");
    for i in 12..24 {
        html.push_str(&para(i));
    }
    html.push_str("<footer>(c) 2011</footer></body></html>\n");
    let out = run(&HtmlExtractor, ContentKind::Html, &html, "What is the max payload of a control frame?")
        .expect("compressed");
    let first = out.lines().next().unwrap_or("");
    assert!(crate::marker::Marker::find_all(first).first().is_some_and(|m| m.unit == "tags"), "{out}");
    assert!(out.contains("# Control Frames"), "{out}");
    assert!(out.contains("All control frames MUST have a payload length of 125 bytes or less."), "{out}");
    assert!(!out.contains("<p>") && !out.contains("Home") && !out.contains("var x"), "{out}");
}

#[test]
fn lossless_mode_leaves_prose_and_html_alone() {
    let text = "<html><body><p>Some text that is long enough to matter here.</p></body></html>";
    let query = crate::relevance::Query::new("what?");
    let counter = crate::tokens::TokenCounter::for_model("gpt-4o");
    let signals = crate::signals::Signals::new();
    let cx = Context {
        kind: ContentKind::Html,
        query: &query,
        mode: crate::compressors::Mode::Lossless,
        counter: &counter,
        signals: &signals,
        hash: crate::marker::ContentHash::of(text),
        target_ratio: None,
    };
    assert_eq!(HtmlExtractor.compress(text, &cx), Ok(None));
    assert_eq!(ProseCompressor.compress(text, &cx), Ok(None));
}
