//! The invariant checker, run over every corpus case under several configs: output is valid
//! and same-shaped, never inflates, is deterministic, leaves bytes outside edited spans
//! identical, every marker parses and points at a returned original whose hash matches, and
//! every needle is kept or recoverable. Lossless mode emits no marker.

use headroom::wire::locate;
use headroom::{BlockOutcome, CompressConfig, ContentHash, Engine, Marker, ProtectRecent, Retrieval};
use headroom_testkit::corpus::{default_dir, extra_dir, load, Case};

pub(crate) fn check(case: &Case, config: &CompressConfig) {
    let input = case.body(config.model.as_str());
    let engine = Engine::new(config.clone());
    let result = engine.compress(&input).unwrap_or_else(|e| panic!("{}: {e}", case.id));
    let output = result.messages.get();
    let id = &case.id;

    // Valid JSON, same slots in the same places with the same roles.
    let _: serde_json::Value =
        serde_json::from_str(output).unwrap_or_else(|e| panic!("{id}: output not JSON: {e}"));
    let a = locate(&input, None).unwrap();
    let b = locate(output, None).unwrap();
    assert_eq!(a.format, b.format, "{id}");
    assert_eq!(a.slots.len(), b.slots.len(), "{id}: slot count changed");

    // Bytes between slots identical; each slot either unchanged or strictly fewer tokens.
    let (mut pa, mut pb) = (0, 0);
    for (sa, sb) in a.slots.iter().zip(&b.slots) {
        assert_eq!((sa.role, &sa.path), (sb.role, &sb.path), "{id}");
        assert_eq!(
            &input[pa..sa.span.start],
            &output[pb..sb.span.start],
            "{id}: bytes outside slots changed"
        );
        pa = sa.span.end;
        pb = sb.span.end;
        if sa.text != sb.text {
            let (ta, tb) = (engine.counter().count(&sa.text), engine.counter().count(&sb.text));
            assert!(tb < ta, "{id} {}: inflated {ta} -> {tb}", sa.path);
        }
    }
    assert_eq!(&input[pa..], &output[pb..], "{id}: tail changed");

    // Totals add up; per-block reports agree with the text.
    assert_eq!(result.tokens_saved, result.tokens_before - result.tokens_after, "{id}");
    assert!(result.tokens_after <= result.tokens_before, "{id}");
    for r in &result.blocks {
        if let BlockOutcome::Failed { error, .. } = &r.outcome {
            panic!("{id} {}: compressor failed: {error}", r.path);
        }
    }

    // Deterministic, also across engines; a resent request (answered from the engine's memo)
    // gives the same bytes and the same accounting as a fresh engine.
    let again = Engine::new(config.clone()).without_memo().compress(&input).unwrap();
    assert_eq!(output, again.messages.get(), "{id}: not deterministic");
    let resent = engine.compress(&input).unwrap();
    assert_eq!(output, resent.messages.get(), "{id}: memo changed the output");
    assert_eq!(
        serde_json::to_value(&resent.blocks).unwrap(),
        serde_json::to_value(&result.blocks).unwrap(),
        "{id}: memo changed the block reports"
    );
    assert_eq!(resent.originals.len(), result.originals.len(), "{id}: memo lost originals");

    // Markers: parse, point at returned originals whose hash matches, and whose content is the
    // original block at that position.
    for (sa, sb) in a.slots.iter().zip(&b.slots) {
        for m in Marker::find_all(&sb.text) {
            if config.retrieval == Retrieval::LosslessOnly {
                panic!("{id}: marker in lossless mode");
            }
            let original = result.originals.iter().find(|o| o.hash == m.hash);
            let original = original.unwrap_or_else(|| panic!("{id}: marker hash {} has no original", m.hash));
            assert_eq!(ContentHash::of(&original.content), m.hash, "{id}: hash mismatch");
            assert_eq!(original.content, sa.text, "{id}: marker points at another block");
        }
    }
    if config.retrieval == Retrieval::LosslessOnly {
        assert!(result.originals.is_empty(), "{id}: originals in lossless mode");
    }

    // Needles kept verbatim or recoverable.
    let kept: String = b.slots.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n\u{0}");
    for n in &case.needles {
        let ok = kept.contains(n.as_str()) || result.originals.iter().any(|o| o.content.contains(n.as_str()));
        assert!(ok, "{id}: needle lost: {n:?}");
    }
}

fn configs() -> Vec<(&'static str, CompressConfig)> {
    let base = CompressConfig { model: "gpt-4o".into(), ..CompressConfig::default() };
    vec![
        ("default", base.clone()),
        ("claude", CompressConfig { model: "claude-sonnet-4-5".into(), ..base.clone() }),
        ("lossless", CompressConfig { retrieval: Retrieval::LosslessOnly, ..base.clone() }),
        ("protect", CompressConfig { protect_recent: ProtectRecent(4), ..base.clone() }),
        (
            "everything",
            CompressConfig {
                compress_user_messages: true,
                compress_system_messages: true,
                min_tokens_to_compress: 20,
                ..base
            },
        ),
    ]
}

#[test]
fn invariants_hold_on_every_corpus_case_and_config() {
    let cases = load(&default_dir());
    assert!(cases.len() >= 30, "corpus not found or too small");
    check_all(&cases);
}

#[test]
fn invariants_hold_on_every_out_of_corpus_case_and_config() {
    let cases = load(&extra_dir());
    assert!(cases.len() >= 20, "out-of-corpus set not found or too small");
    check_all(&cases);
}

/// Every case under every config, each config and case printed as it starts.
#[allow(clippy::print_stderr)]
fn check_all(cases: &[Case]) {
    for (name, config) in configs() {
        for case in cases {
            eprintln!("{name}: {}", case.id);
            check(case, &config);
        }
    }
}
