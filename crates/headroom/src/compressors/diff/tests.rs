//! Diff compressor tests: real `git log -p` snippets, exact counts, and the corpus targets.

use super::DiffCompressor;
use crate::compressors::search::tests::corpus_report;
use crate::compressors::testing::run;
use crate::detect::ContentKind;
use crate::marker::Marker;

/// A `git log -p` excerpt (psf/requests): the netrc lookup fix.
const NETRC_FIX: &str = "commit 96ba401c1296ab1dda74a2365ef36d88f7d144ef
Author: Nate Prewitt <nate.prewitt@gmail.com>
Date:   Wed Sep 25 08:03:20 2024 -0700

    Only use hostname to do netrc lookup instead of netloc

diff --git a/src/requests/utils.py b/src/requests/utils.py
index 699683e5..8a307ca8 100644
--- a/src/requests/utils.py
+++ b/src/requests/utils.py
@@ -236,13 +236,7 @@ def get_netrc_auth(url, raise_errors=False):
             return
 
         ri = urlparse(url)
-
-        # Strip port numbers from netloc. This weird `if...encode`` dance is
-        # used for Python 3.2, which doesn't support unicode literals.
-        splitstr = b\":\"
-        if isinstance(url, str):
-            splitstr = splitstr.decode(\"ascii\")
-        host = ri.netloc.split(splitstr)[0]
+        host = ri.hostname
 
         try:
             _netrc = netrc(netrc_path).authenticators(host)
";

/// A big unrelated commit: `n` one-line hunks in one file.
fn noise_commit(n: usize) -> String {
    let mut s = String::from(
        "commit 2019450b43511289d45c6b3e7376f2813e1c27b4\nAuthor: R <r@x>\nDate:   Sat Mar 29 14:53:45 2025 +0100\n\n    Rename helpers\n\ndiff --git a/src/requests/models.py b/src/requests/models.py\nindex 1443cb93..09fcb6de 100644\n--- a/src/requests/models.py\n+++ b/src/requests/models.py\n",
    );
    for i in 0..n {
        let at = 100 + 40 * i;
        s.push_str(&format!(
            "@@ -{at},7 +{at},7 @@ class Response:\n     def helper_{i}(self):\n         value = self.raw_{i}\n         other = value + {i}\n-        return old_name_{i}(value, other)\n+        return new_name_{i}(value, other)\n \n     def after_{i}(self):\n"
        ));
    }
    s
}

/// (removed, added) lines per file section of a diff text: visible `-`/`+` lines plus the
/// counts printed in `(-d +a lines)` markers.
pub(super) fn change_counts(text: &str) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    let mut in_hunk = false;
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("diff --git ") {
            out.push((rest.to_owned(), 0, 0));
            in_hunk = false;
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        if l.starts_with("@@") {
            in_hunk = true;
        } else if l.starts_with("commit ") {
            in_hunk = false;
        } else if let Some(m) =
            l.strip_prefix('(').and_then(|r| r.split(" lines)").next()).filter(|_| l.contains("[headroom: "))
        {
            let nums: Vec<usize> = m
                .rsplit(", ")
                .next()
                .unwrap_or(m)
                .split(' ')
                .filter_map(|x| x.trim_start_matches(['-', '+']).parse().ok())
                .collect();
            if let [d, a] = nums[..] {
                cur.1 += d;
                cur.2 += a;
            }
        } else if in_hunk && l.starts_with('-') && !l.starts_with("--- ") {
            cur.1 += 1;
        } else if in_hunk && l.starts_with('+') && !l.starts_with("+++ ") {
            cur.2 += 1;
        }
    }
    out
}

#[test]
fn keeps_the_fix_and_counts_every_dropped_hunk() {
    let text = format!("{}\n{NETRC_FIX}", noise_commit(60));
    let q = "What exactly was the netrc fix (old line vs new line)?";
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    for needle in [
        "-        host = ri.netloc.split(splitstr)[0]",
        "+        host = ri.hostname",
        "    Only use hostname to do netrc lookup instead of netloc",
        "commit 2019450b43511289d45c6b3e7376f2813e1c27b4",
        "Date:   Sat Mar 29 14:53:45 2025 +0100",
    ] {
        assert!(out.contains(needle), "lost {needle:?}");
    }
    assert!(out.len() * 2 < text.len(), "{} -> {}", text.len(), out.len());
    // Exact accounting: visible plus marked changes equal the input's, file by file.
    assert_eq!(change_counts(&out), change_counts(&text));
    // Every noise hunk is either shown (one piece each) or counted by a marker.
    let noise = out.split("    Only use hostname").next().unwrap_or_default();
    let hunks_marked: usize =
        Marker::find_all(noise).iter().filter(|m| m.unit == "hunks").map(|m| m.count).sum();
    let hunks_shown = noise.lines().filter(|l| l.starts_with("@@ ")).count();
    assert_eq!(hunks_marked + hunks_shown, 60);
    assert!(hunks_marked > 0);
}

#[test]
fn collapses_lockfiles_with_counts() {
    let mut text = String::from("diff --git a/Cargo.lock b/Cargo.lock\nindex 1111111..2222222 100644\n--- a/Cargo.lock\n+++ b/Cargo.lock\n");
    for i in 0..30 {
        text.push_str(&format!(
            "@@ -{0},6 +{0},6 @@ dependencies = [\n [[package]]\n name = \"crate{i}\"\n-version = \"1.0.{i}\"\n+version = \"1.1.{i}\"\n source = \"registry+https://github.com/rust-lang/crates.io-index\"\n-checksum = \"aaaa{i}\"\n+checksum = \"bbbb{i}\"\n",
            10 + 7 * i
        ));
    }
    text.push_str("diff --git a/src/lib.rs b/src/lib.rs\nindex 3333333..4444444 100644\n--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,3 @@\n use serde;\n-pub fn parse() {}\n+pub fn parse_all() {}\n \n");
    let out = run(&DiffCompressor, ContentKind::Diff, &text, "why was parse renamed?").unwrap_or_default();
    assert!(out.contains("diff --git a/Cargo.lock b/Cargo.lock\n"));
    let summary = out.lines().find(|l| l.starts_with("(lockfile")).unwrap_or_default();
    assert!(
        summary.starts_with("(lockfile, -60 +60 lines) [headroom: 30 hunks omitted; retrieve hash="),
        "{summary}"
    );
    assert!(out.contains("-pub fn parse() {}\n+pub fn parse_all() {}"));
    assert_eq!(change_counts(&out), change_counts(&text));
}

#[test]
fn trimmed_hunks_have_true_headers() {
    let q = "which helpers were renamed, and what do they return now?";
    let text = format!("{}\n{NETRC_FIX}", noise_commit(60));
    let out = run(&DiffCompressor, ContentKind::Diff, &text, q).unwrap_or_default();
    // Re-parse the output: every piece's header counts match the lines printed under it.
    let parts = super::parse::parse(&out);
    let mut pieces = 0;
    for f in super::plan::files(&parts) {
        for h in &f.hunks {
            let old = h.lines.iter().filter(|l| !l.starts_with('+')).count();
            let new = h.lines.iter().filter(|l| !l.starts_with('-')).count();
            let header_counts: Vec<usize> = h
                .header
                .split(' ')
                .filter(|t| t.starts_with('-') || t.starts_with('+'))
                .map(|t| t.split(',').nth(1).and_then(|c| c.parse().ok()).unwrap_or(1))
                .collect();
            assert_eq!(header_counts, vec![old, new], "{}", h.header);
            pieces += 1;
        }
    }
    assert!(pieces >= 1);
    // Some headers were recomputed for trimmed context (`@@ -942,3 +942,3 @@` for `@@ -940,7 ...`).
    assert!(out.lines().any(|l| l.starts_with("@@ ") && !text.contains(l)), "{out}");
}

#[test]
fn lossless_mode_leaves_diffs_alone() {
    use crate::compressors::{Compressor, Context, Mode};
    let query = crate::relevance::Query::new("netrc");
    let counter = crate::tokens::TokenCounter::for_model("gpt-4o");
    let signals = crate::signals::Signals::new();
    let cx = Context {
        kind: ContentKind::Diff,
        query: &query,
        mode: Mode::Lossless,
        counter: &counter,
        signals: &signals,
        hash: crate::marker::ContentHash::of(NETRC_FIX),
        target_ratio: None,
    };
    assert_eq!(DiffCompressor.compress(NETRC_FIX, &cx), Ok(None));
}

#[test]
fn corpus_diff_targets() {
    let (results, before, after) = corpus_report(
        &DiffCompressor,
        ContentKind::Diff,
        &["s_diff_", "s_anth_diff_", "s_multi_requests_redirect_auth"],
    );
    assert!(results.len() >= 4);
    for r in results.iter().filter(|r| r.id.contains("diff")) {
        assert!(r.lost.is_empty(), "{}: needles not kept verbatim: {:?}", r.id, r.lost);
    }
    let saved = 1.0 - after as f64 / before as f64;
    assert!(saved >= 0.40, "diff savings {saved:.3} < 0.40");
}

/// Whole-engine check on the search / diff / mixed cases (run with `--ignored`).
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn engine_end_to_end() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    for case in cases.iter().filter(|c| matches!(c.kind.as_str(), "search" | "diff" | "mixed")) {
        let config = crate::CompressConfig { model: "gpt-4o".into(), ..crate::CompressConfig::default() };
        let Ok(result) = crate::compress(&case.body("gpt-4o"), &config) else {
            eprintln!("{}: engine error", case.id);
            continue;
        };
        let text = result.messages.get();
        let lost: Vec<&String> = case
            .needles
            .iter()
            .filter(|n| {
                !text.contains(&serde_json::to_string(n).unwrap_or_default().trim_matches('"').to_owned())
            })
            .collect();
        eprintln!(
            "{:40} {:>6} -> {:>6} ({:4.1}%) {:?} lost {:?}",
            case.id,
            result.tokens_before,
            result.tokens_after,
            100.0 * result.compression_ratio,
            result.transforms_applied,
            lost
        );
    }
}

/// Extra real inputs in `$EXTRA_DIR` (`*.txt`, question in `$EXTRA_Q_<stem>` or a default;
/// outputs written to `$EXTRA_OUT` if set): invariants only (run with `--ignored`).
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn extra_inputs() {
    let Ok(dir) = std::env::var("EXTRA_DIR") else { return };
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    paths.sort();
    let counter = crate::tokens::TokenCounter::for_model("gpt-4o");
    for p in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        let Ok(text) = std::fs::read_to_string(p) else { continue };
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_owned();
        let q = std::env::var(format!("EXTRA_Q_{stem}"))
            .unwrap_or_else(|_| "what changed and where is it defined?".into());
        let kind = crate::detect::detect(&text);
        let c = crate::compressors::for_kind(kind);
        let out = run(c, kind, &text, &q).unwrap_or_else(|| text.clone());
        if let Ok(dir) = std::env::var("EXTRA_OUT") {
            let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{stem}.out")), &out);
        }
        // Every printed line is an input line, a marker line, or a recomputed hunk header.
        let input: std::collections::HashSet<&str> = text.lines().collect();
        let invented: Vec<&str> = out
            .lines()
            .filter(|l| !input.contains(l) && !l.contains("[headroom: ") && !l.starts_with("@@ "))
            .collect();
        if kind == ContentKind::Diff {
            assert_eq!(change_counts(&out), change_counts(&text), "{stem}");
        }
        eprintln!(
            "{stem:28} {:?} {:>6} -> {:>6} tokens, invented {:?}",
            kind,
            counter.count(&text),
            counter.count(&out),
            invented.iter().take(3).collect::<Vec<_>>()
        );
    }
}

#[test]
fn any_corpus_text_and_its_truncations_are_safe() {
    // Every tool output of every kind, whole and cut mid-way, through both compressors: no
    // panic, never larger than the input, and deterministic.
    let search = crate::compressors::for_kind(ContentKind::Search);
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    for case in &cases {
        for text in case.tool_outputs() {
            let cuts = [text.len(), text.len() / 2 + 7];
            for cut in cuts {
                let Some(t) = text.get(..cut) else { continue };
                for (c, kind) in [
                    (&DiffCompressor as &dyn crate::compressors::Compressor, ContentKind::Diff),
                    (search, ContentKind::Search),
                ] {
                    let out = run(c, kind, t, &case.question);
                    if let Some(o) = &out {
                        assert!(o.len() <= t.len() + 200, "{} grew a lot", case.id);
                    }
                    assert_eq!(out, run(c, kind, t, &case.question));
                }
            }
        }
    }
}

#[test]
fn a_file_named_in_the_question_keeps_its_hunks() {
    // The noise commit's file, asked about by path, outranks the netrc fix.
    let text = format!("{}\n{NETRC_FIX}", noise_commit(60));
    let out = run(&DiffCompressor, ContentKind::Diff, &text, "What changed in src/requests/models.py?")
        .unwrap_or_default();
    assert!(out.contains("+        return new_name_0(value, other)"), "{out}");
    assert!(out.contains("+        return new_name_59(value, other)"), "{out}");
}
