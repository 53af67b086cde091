//! Search compressor tests: real `git grep` snippets, exact counts, and the corpus targets.

use super::SearchCompressor;
use crate::compressors::testing::run;
use crate::detect::{detect, ContentKind};
use crate::marker::Marker;
use crate::tokens::TokenCounter;

/// One corpus case through one compressor: (tokens before, tokens after, needles verbatim,
/// needles only recoverable, needles lost).
pub(in crate::compressors) struct CaseResult {
    pub id: String,
    pub before: usize,
    pub after: usize,
    pub verbatim: usize,
    pub recoverable: usize,
    pub lost: Vec<String>,
}

/// Run `c` over the tool outputs of `case` that detect as `kind`.
pub(in crate::compressors) fn run_case(
    c: &dyn crate::compressors::Compressor,
    kind: ContentKind,
    case: &headroom_testkit::corpus::Case,
) -> CaseResult {
    let counter = TokenCounter::for_model("gpt-4o");
    let (mut before, mut after) = (0, 0);
    let mut originals = Vec::new();
    let mut outputs = Vec::new();
    for text in case.tool_outputs() {
        if detect(&text) != kind {
            continue;
        }
        let out = run(c, kind, &text, &case.question).unwrap_or_else(|| text.clone());
        // Deterministic: same input, same bytes.
        assert_eq!(Some(out.clone()), run(c, kind, &text, &case.question).or(Some(text.clone())));
        before += counter.count(&text);
        after += counter.count(&out);
        originals.push(text);
        outputs.push(out);
    }
    let (mut verbatim, mut recoverable, mut lost) = (0, 0, Vec::new());
    for n in case.needles.iter().filter(|n| originals.iter().any(|o| o.contains(n.as_str()))) {
        if outputs.iter().any(|o| o.contains(n.as_str())) {
            verbatim += 1;
        } else if outputs.iter().any(|o| !Marker::find_all(o).is_empty()) {
            recoverable += 1;
            lost.push(format!("(recoverable) {n}"));
        } else {
            lost.push(n.clone());
        }
    }
    CaseResult { id: case.id.clone(), before, after, verbatim, recoverable, lost }
}

#[allow(clippy::print_stderr)]
fn report(results: &[CaseResult]) -> (usize, usize) {
    let (mut b, mut a) = (0, 0);
    for r in results {
        eprintln!(
            "{:40} {:>6} -> {:>6} tokens ({:5.1}% saved), needles verbatim {} recoverable {} lost {:?}",
            r.id,
            r.before,
            r.after,
            100.0 * (1.0 - r.after as f64 / r.before.max(1) as f64),
            r.verbatim,
            r.recoverable,
            r.lost
        );
        b += r.before;
        a += r.after;
    }
    eprintln!("total {b} -> {a} ({:.1}% saved)", 100.0 * (1.0 - a as f64 / b.max(1) as f64));
    (b, a)
}

pub(in crate::compressors) fn corpus_report(
    c: &dyn crate::compressors::Compressor,
    kind: ContentKind,
    ids: &[&str],
) -> (Vec<CaseResult>, usize, usize) {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    let results: Vec<CaseResult> = cases
        .iter()
        .filter(|c| ids.iter().any(|p| c.id.starts_with(p)))
        .map(|case| run_case(c, kind, case))
        .collect();
    let (b, a) = report(&results);
    (results, b, a)
}

#[test]
fn corpus_search_targets() {
    let (results, before, after) = corpus_report(
        &SearchCompressor,
        ContentKind::Search,
        &["s_search_", "s_anth_search_", "s_multi_requests_redirect_auth"],
    );
    assert!(results.len() >= 4);
    for r in results.iter().filter(|r| r.id.contains("search")) {
        assert!(r.lost.is_empty(), "{}: needles not kept verbatim: {:?}", r.id, r.lost);
    }
    let saved = 1.0 - after as f64 / before as f64;
    assert!(saved >= 0.60, "search savings {saved:.3} < 0.60");
}

const GREP: &str = "\
src/requests/adapters.py:19:from urllib3.exceptions import ConnectTimeoutError
src/requests/adapters.py:30:from urllib3.util import Timeout as TimeoutSauce
src/requests/adapters.py:59:    ConnectTimeout,
src/requests/adapters.py:66:    ReadTimeout,
src/requests/adapters.py:77:DEFAULT_POOL_TIMEOUT = None
src/requests/adapters.py:683:                connect, read = timeout
src/requests/adapters.py:684:                timeout = TimeoutSauce(connect=connect, read=read)
src/requests/adapters.py:717:                    raise ConnectTimeout(e, request=request)
src/requests/adapters.py:742:                raise ReadTimeout(e, request=request)
src/requests/exceptions.py:94:class Timeout(RequestException):
src/requests/exceptions.py:102:class ConnectTimeout(ConnectionError, Timeout):
src/requests/exceptions.py:109:class ReadTimeout(Timeout):
tests/test_requests.py:2470:    def test_stream_timeout(self, httpbin):
tests/test_requests.py:2472:            requests.get(httpbin(\"delay/10\"), timeout=2.0)
tests/test_requests.py:2476:    def test_invalid_timeout(self, httpbin, timeout, error_text):
tests/test_requests.py:2478:            requests.get(httpbin(\"get\"), timeout=timeout)
tests/test_requests.py:2482:        requests.get(httpbin(\"get\"), timeout=None)
tests/test_requests.py:2490:            requests.get(TARPIT, timeout=(0.1, None))
tests/test_requests.py:2497:            requests.get(TARPIT, timeout=(None, 0.1))
tests/test_requests.py:2504:            requests.get(TARPIT, timeout=(0.1, 0.1))
tests/test_requests.py:2511:            requests.get(TARPIT, timeout=(0.1, 0.1))
tests/test_requests.py:2518:            requests.get(TARPIT, timeout=(0.1, 0.1))
tests/test_requests.py:2525:            requests.get(TARPIT, timeout=(0.1, 0.1))
";

/// (total, omitted) for `path` from its marker line: `path (N matches) [headroom: M ...]`, or
/// the `other files: path (N matches), ...` line (all N omitted).
fn file_counts(out: &str, path: &str) -> Option<(usize, usize)> {
    let line = out.lines().find(|l| l.contains(&format!("{path} (")) && l.contains("[headroom: "))?;
    let after = line.get(line.find(&format!("{path} ("))? + path.len() + 2..)?;
    let total: usize = after.split(' ').next()?.trim_end_matches(')').parse().ok()?;
    if line.starts_with("other files:") {
        return Some((total, total));
    }
    Some((total, Marker::find_all(line).last()?.count))
}

fn grep_listing() -> String {
    let mut text = GREP.to_owned();
    for i in 0..30 {
        text.push_str(&format!("tests/test_lowlevel.py:{}:    close_server.wait(timeout={i})\n", 40 + 3 * i));
    }
    text
}

#[test]
fn keeps_answers_verbatim_and_counts_exactly() {
    let q = "Where does requests raise ConnectTimeout, and where is a (connect, read) tuple unpacked?";
    let grep = grep_listing();
    let out = run(&SearchCompressor, ContentKind::Search, &grep, q).unwrap_or_default();
    assert!(out.contains("src/requests/adapters.py:683:                connect, read = timeout\n"));
    assert!(out.contains(
        "src/requests/adapters.py:717:                    raise ConnectTimeout(e, request=request)"
    ));
    assert!(out.contains("src/requests/exceptions.py:102:class ConnectTimeout(ConnectionError, Timeout):"));
    // Every kept hit is an input line, whole.
    for l in out.lines().filter(|l| !l.contains("[headroom: ")) {
        assert!(grep.lines().any(|g| g == l), "invented line {l:?}");
    }
    // Every file is named; kept + omitted = total per file.
    for path in [
        "src/requests/adapters.py",
        "src/requests/exceptions.py",
        "tests/test_requests.py",
        "tests/test_lowlevel.py",
    ] {
        let total = grep.lines().filter(|l| l.starts_with(&format!("{path}:"))).count();
        let kept = out.lines().filter(|l| l.starts_with(&format!("{path}:"))).count();
        match file_counts(&out, path) {
            Some((t, omitted)) => {
                assert_eq!(t, total, "{path}");
                assert_eq!(kept + omitted, total, "{path}");
            }
            None => assert_eq!(kept, total, "{path} lost lines without a marker"),
        }
    }
}

#[test]
fn near_duplicates_collapse_within_a_file_only() {
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!(
            "completions_test.go:{}:\t\treturn nil, ShellCompDirectiveNoFileComp\n",
            100 + i
        ));
    }
    text.push_str(
        "bash_completionsV2.go:465:\t\tShellCompDirectiveFilterDirs, ShellCompDirectiveKeepOrder,\n",
    );
    text.push_str("zsh_completions.go:306:\t\tShellCompDirectiveFilterDirs, ShellCompDirectiveKeepOrder,\n");
    let out =
        run(&SearchCompressor, ContentKind::Search, &text, "which shells use ShellCompDirectiveKeepOrder?")
            .unwrap_or_default();
    assert!(out.contains("bash_completionsV2.go:465:"));
    assert!(out.contains("zsh_completions.go:306:"));
    let kept = out.lines().filter(|l| l.starts_with("completions_test.go:")).count();
    let (total, omitted) = file_counts(&out, "completions_test.go").unwrap_or((0, 0));
    assert_eq!((total, kept + omitted), (50, 50));
    assert!(kept <= 1);
}

#[test]
fn ripgrep_context_and_headings_stay_attributed() {
    let mut text = String::new();
    for f in 0..8 {
        text.push_str(&format!("src/mod{f}.rs\n"));
        for i in 0..6 {
            let n = 10 * i + 1;
            text.push_str(&format!(
                "{}-    // before {f} {i}\n{}:    call_thing({f}, {i});\n{}-    // after\n",
                n,
                n + 1,
                n + 2
            ));
        }
        text.push('\n');
    }
    text.push_str("src/target.rs\n7-    /// Docs.\n8:pub fn call_thing(a: u32, b: u32) {\n9-    todo\n");
    let out = run(&SearchCompressor, ContentKind::Search, &text, "where is call_thing defined?")
        .unwrap_or_default();
    assert!(out.contains("src/target.rs\n7-    /// Docs.\n8:pub fn call_thing(a: u32, b: u32) {\n9-    todo"));
    // Rows kept verbatim plus rows named by markers add up to every input row.
    let rows_in = text
        .lines()
        .filter(|l| l.contains(':') || l.contains('-'))
        .filter(|l| !l.starts_with("src/"))
        .count();
    let kept = out
        .lines()
        .filter(|l| !l.contains("[headroom:") && !l.starts_with("src/"))
        .filter(|l| !l.is_empty())
        .count();
    let omitted: usize = Marker::find_all(&out).iter().map(|m| m.count).sum();
    assert_eq!(kept + omitted, rows_in, "{out}");
    // A kept context line always sits under its own file's heading.
    let mut heading = "";
    for l in out.lines() {
        if l.starts_with("src/") && !l.contains('(') {
            heading = l;
        } else if l.starts_with(|c: char| c.is_ascii_digit()) {
            let n: u32 = l.split([':', '-']).next().and_then(|d| d.parse().ok()).unwrap_or(0);
            assert!(
                text.contains(&format!("{heading}\n"))
                    && text
                        .split(&format!("{heading}\n"))
                        .nth(1)
                        .is_some_and(|b| b.split("\n\n").next().is_some_and(|b| b.lines().any(|x| x == l))),
                "{l} (line {n}) not under {heading}"
            );
        }
    }
}

/// Throughput over the corpus listings repeated to a few MB (run with `--release --ignored`).
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
pub(in crate::compressors) fn throughput() {
    let cases = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir());
    for (kind, c) in [
        (ContentKind::Search, &SearchCompressor as &dyn crate::compressors::Compressor),
        (ContentKind::Diff, &crate::compressors::diff::DiffCompressor),
    ] {
        let mut texts: Vec<(String, String)> = Vec::new();
        for case in &cases {
            for t in case.tool_outputs() {
                if detect(&t) == kind {
                    texts.push((t.repeat(40), case.question.clone()));
                }
            }
        }
        let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
        let counter = TokenCounter::for_model("gpt-4o");
        let signals = crate::signals::Signals::new();
        let prepared: Vec<(crate::relevance::Query, crate::marker::ContentHash)> = texts
            .iter()
            .map(|(t, q)| (crate::relevance::Query::new(q), crate::marker::ContentHash::of(t)))
            .collect();
        // CPU time of this thread (the machine may be shared), falling back to wall time.
        let cpu = || {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
                .map(|ns| ns / 1e9)
        };
        let wall = std::time::Instant::now();
        let start = cpu();
        for ((t, _), (query, hash)) in texts.iter().zip(&prepared) {
            let cx = crate::compressors::Context {
                kind,
                query,
                mode: crate::compressors::Mode::Lossy,
                counter: &counter,
                signals: &signals,
                hash: *hash,
                target_ratio: None,
            };
            let _ = c.compress(t, &cx);
        }
        let secs = match (start, cpu()) {
            (Some(a), Some(b)) => b - a,
            _ => wall.elapsed().as_secs_f64(),
        };
        eprintln!(
            "{kind:?}: {:.1} MB in {secs:.2}s = {:.1} MB/s",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs
        );
    }
}

#[test]
fn single_file_grep_n_keeps_line_numbers() {
    // `grep -n` on one file prints `N:text` rows with no path.
    let mut text = String::new();
    for i in 1..=80 {
        if i == 57 {
            text.push_str("57:def resolve_redirects(self, resp, req, stream=False, timeout=None):\n");
        } else {
            text.push_str(&format!("{i}:        timeout_{i} = self.timeout\n"));
        }
    }
    let out = run(&SearchCompressor, ContentKind::Search, &text, "where is resolve_redirects defined?")
        .unwrap_or_default();
    assert!(out.contains("57:def resolve_redirects(self, resp, req, stream=False, timeout=None):"));
    let kept = out.lines().filter(|l| !l.contains("[headroom: ")).count();
    let omitted: usize = Marker::find_all(&out).iter().map(|m| m.count).sum();
    assert_eq!(kept + omitted, 80, "{out}");
    assert!(out.contains("(80 matches) [headroom: "));
}

#[test]
fn unrelated_question_still_samples_every_file() {
    let mut text = String::new();
    for f in 0..6 {
        for i in 0..12 {
            text.push_str(&format!(
                "logs/app{f}.log:{}:2024-01-0{} INFO worker {i} finished batch\n",
                10 + i,
                1 + f % 9
            ));
        }
    }
    let out = run(&SearchCompressor, ContentKind::Search, &text, "summarize").unwrap_or_default();
    for f in 0..6 {
        assert!(out.contains(&format!("logs/app{f}.log:10:")), "no sample of app{f}: {out}");
    }
}
