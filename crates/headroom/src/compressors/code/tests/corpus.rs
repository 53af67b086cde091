//! Corpus helpers shared with the prose tests, the faithfulness invariant, and the corpus
//! targets for code (per case and through the engine), plus opt-in throughput and real-file
//! checks (`--ignored`).

use super::super::*;
use crate::compressors::testing::run;
use crate::detect::detect;
use crate::tokens::TokenCounter;

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
    for text in case.tool_outputs() {
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

/// Run `compressor` over every corpus case of `kind`: every needle kept verbatim in every case,
/// and token-weighted savings at least `min_saved`.
pub(in crate::compressors) fn assert_corpus_targets(
    compressor: &dyn Compressor,
    kind: &str,
    accepts: fn(ContentKind) -> bool,
    min_saved: f64,
) {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let (mut before, mut after) = (0, 0);
    for case in cases.iter().filter(|c| c.kind == kind) {
        let st = measure(compressor, case, accepts);
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
    eprintln!("{kind} total: saved {:.1}% ({before} -> {after})", saved * 100.0);
    assert!(saved >= min_saved, "{kind}: token-weighted savings {saved:.3} below {min_saved}");
}

#[test]
fn corpus_code_targets() {
    assert_corpus_targets(&CodeCompressor, "code", is_code, 0.40);
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
    for text in case.tool_outputs() {
        let kind = detect(&text);
        eprintln!("=== kind {kind:?}");
        if let Some(out) = run(&CodeCompressor, kind, &text, &case.question) {
            eprintln!("{out}");
        }
    }
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

/// Throughput over the corpus code outputs (run with `--release -- --ignored`).
#[test]
#[ignore]
fn throughput() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let texts: Vec<(ContentKind, String, String)> = cases
        .iter()
        .flat_map(|c| c.tool_outputs().into_iter().map(move |t| (detect(&t), t, c.question.clone())))
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
        let text = case.tool_outputs().remove(0);
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
