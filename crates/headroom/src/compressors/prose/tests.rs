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

/// Line-oriented output that reached the prose compressor (no `. `, no blank lines: one
/// "sentence" of hundreds of lines, bigger than any budget) must not vanish behind one marker:
/// the first and last lines and the error lines stay.
#[test]
fn text_without_sentences_keeps_its_errors_and_edges() {
    let mut text = String::from("cc -O2 -c -o build/util.o util.c\n");
    for i in 0..300 {
        text.push_str(&format!("[compiling module_{i} from src/module_{i}.c with 3 include dirs]\n"));
        if i == 211 {
            text.push_str("src/module_211.c:48:17: error: 'struct conn' has no member named 'fd'\n");
        }
    }
    text.push_str("[link step skipped because of 1 error]\nbuild finished with status 2\n");
    let out = run(&ProseCompressor, ContentKind::Prose, &text, "why did it fail").expect("compressed");
    for kept in [
        "cc -O2 -c -o build/util.o util.c",
        "src/module_211.c:48:17: error: 'struct conn' has no member named 'fd'",
        "build finished with status 2",
    ] {
        assert!(out.lines().any(|l| l == kept), "missing {kept:?}:\n{out}");
    }
    assert!(out.len() * 4 < text.len(), "{} of {}", out.len(), text.len());
}

/// A document with a long pasted run of output lines: the prose around it is handled as
/// prose, the run is cut into line units so its first and last lines and its error survive.
#[test]
fn pasted_output_inside_a_document_is_cut_into_lines() {
    let mut text =
        String::from("# Upgrade notes\n\nThe upgrade went mostly fine. One step failed, as shown below.\n\n");
    for i in 0..80 {
        text.push_str(&format!("step {i}: copied shard_{i} to the new volume in {} ms\n", 10 + i % 9));
        if i == 57 {
            text.push_str("step 57: fatal: shard_57 checksum mismatch\n");
        }
    }
    text.push_str("\n## Next\n\nWe will retry the failed shard tomorrow. Nothing else needs to change.\n");
    for i in 0..40 {
        text.push_str(&format!(
            "\nParagraph {i} covers an unrelated operational detail in plain words. It is filler.\n"
        ));
    }
    let out = run(&ProseCompressor, ContentKind::Prose, &text, "").expect("compressed");
    for kept in [
        "step 0: copied shard_0 to the new volume in 10 ms",
        "step 57: fatal: shard_57 checksum mismatch",
        "step 79: copied shard_79 to the new volume in 17 ms",
    ] {
        assert!(out.lines().any(|l| l == kept), "missing {kept:?}:\n{out}");
    }
}
