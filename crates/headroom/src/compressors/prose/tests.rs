//! Unit tests on real snippets and the corpus targets for prose.

use super::*;
use crate::compressors::code::tests::measure;
use crate::compressors::testing::run;
use crate::detect::{detect, ContentKind};

fn is_text(k: ContentKind) -> bool {
    matches!(k, ContentKind::Prose | ContentKind::Html)
}

#[test]
fn corpus_text_targets() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let (mut before, mut after) = (0, 0);
    for case in cases.iter().filter(|c| c.kind == "text") {
        for text in crate::compressors::code::tests::tool_outputs(case) {
            eprintln!("{}: detected as {:?}", case.id, detect(&text));
        }
        let st = measure(&ProseCompressor, case, is_text);
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
    eprintln!("text total: saved {:.1}% ({before} -> {after})", saved * 100.0);
    assert!(saved >= 0.30, "token-weighted savings {saved:.3} below 30%");
}

#[test]
fn dump_outputs() {
    let Ok(id) = std::env::var("HEADROOM_DUMP_PROSE") else { return };
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let case = cases.iter().find(|c| c.id == id).expect("case");
    for text in crate::compressors::code::tests::tool_outputs(case) {
        if let Some(out) = run(&ProseCompressor, ContentKind::Prose, &text, &case.question) {
            eprintln!("{out}");
        }
    }
}
