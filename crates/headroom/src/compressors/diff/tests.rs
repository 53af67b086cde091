//! Diff compressor tests: real `git log -p` snippets, exact counts, and the corpus targets.

use super::DiffCompressor;
use crate::compressors::search::tests::corpus_report;
use crate::detect::ContentKind;

#[test]
fn corpus_diff_targets() {
    let (results, before, after) =
        corpus_report(&DiffCompressor, ContentKind::Diff, &["s_diff_", "s_anth_diff_", "s_multi_requests_redirect_auth"]);
    assert!(results.len() >= 4);
    for r in results.iter().filter(|r| r.id.contains("diff")) {
        assert!(r.lost.is_empty(), "{}: needles not kept verbatim: {:?}", r.id, r.lost);
    }
    let saved = 1.0 - after as f64 / before as f64;
    assert!(saved >= 0.40, "diff savings {saved:.3} < 0.40");
}

#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn debug_hunks() {
    use crate::compressors::search::tests::tool_outputs;
    use crate::compressors::{Context, Mode};
    let id = std::env::var("CASE").unwrap_or_default();
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    for case in cases.iter().filter(|c| c.id == id) {
        for (k, text) in tool_outputs(case).iter().enumerate() {
            if crate::detect::detect(text) != ContentKind::Diff {
                continue;
            }
            let query = crate::relevance::Query::new(&case.question);
            let counter = crate::tokens::TokenCounter::for_model("gpt-4o");
            let signals = crate::signals::Signals::new();
            let cx = Context { kind: ContentKind::Diff, query: &query, mode: Mode::Lossy, counter: &counter, signals: &signals, hash: crate::marker::ContentHash::of(text), target_ratio: None };
            let parts = super::parse::parse(text);
            let scores = super::plan::debug_scores(&parts, &cx);
            for (f, file) in super::plan::files(&parts).iter().enumerate() {
                for (h, hunk) in file.hunks.iter().enumerate() {
                    let needle = case.needles.iter().any(|n| hunk.lines.iter().any(|l| l.contains(n.as_str())));
                    let (s, m) = scores[f][h];
                    eprintln!("{s:6.2} {} {} c{} {} {}", if m { "M" } else { " " }, if needle { "N" } else { " " }, file.commit, file.path, hunk.header.chars().take(60).collect::<String>());
                }
            }
            let out = crate::compressors::testing::run(&DiffCompressor, ContentKind::Diff, text, &case.question).unwrap_or_default();
            let _ = std::fs::write(format!("/tmp/sd/out_{id}.{k}.txt"), &out);
        }
    }
}
