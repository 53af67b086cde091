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

/// Every file the closing line names: (path, omitted, total), from `matches omitted/total per
/// file: a.rs 1/2, dir/{b.rs 2/2, c.rs 1/3} [headroom: ...]`.
fn summary_counts(out: &str) -> Vec<(String, usize, usize)> {
    let Some(line) = out.lines().find(|l| l.starts_with("matches omitted/total per file: ")) else {
        return Vec::new();
    };
    let body = line.trim_start_matches("matches omitted/total per file: ");
    let body = body.get(..body.find(" [headroom: ").unwrap_or(body.len())).unwrap_or("");
    // Split on ", " outside braces.
    let (mut entries, mut depth, mut from) = (Vec::new(), 0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                entries.push(&body[from..i]);
                from = i + 2;
            }
            _ => {}
        }
    }
    entries.push(&body[from..]);
    let file = |prefix: &str, e: &str| {
        let (name, counts) = e.rsplit_once(' ').unwrap_or(("", e));
        let (o, t) = counts.split_once('/').unwrap_or(("0", "0"));
        (format!("{prefix}{name}"), o.parse().unwrap_or(usize::MAX), t.parse().unwrap_or(usize::MAX))
    };
    let mut out = Vec::new();
    for e in entries {
        match e.split_once('{') {
            Some((dir, rest)) => {
                out.extend(rest.trim_end_matches('}').split(", ").map(|f| file(dir, f)));
            }
            None => out.push(file("", e)),
        }
    }
    out
}

/// (total, omitted) for `path` from the closing line, if it names the file.
fn file_counts(out: &str, path: &str) -> Option<(usize, usize)> {
    summary_counts(out).into_iter().find(|(p, _, _)| p == path).map(|(_, o, t)| (t, o))
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
    assert_eq!(summary_counts(&out), vec![(String::new(), omitted, 80)], "{out}");
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

/// Kept lines are input lines; per file, kept + omitted = total; nothing else is dropped.
fn assert_accounted(text: &str, out: &str) {
    let rows = super::parse::parse(text);
    for l in out.lines().filter(|l| !l.contains("[headroom: ") && *l != "--") {
        assert!(text.lines().any(|g| g == l), "invented line {l:?}");
    }
    let named = summary_counts(out);
    let mut paths: Vec<&str> =
        rows.iter().filter(|r| r.kind == super::parse::Kind::Match).map(|r| r.path).collect();
    paths.dedup();
    for path in paths {
        let total = rows.iter().filter(|r| r.kind == super::parse::Kind::Match && r.path == path).count();
        let kept = out.lines().filter(|l| l.starts_with(&format!("{path}:"))).count();
        match named.iter().find(|(p, _, _)| p == path) {
            Some((_, omitted, t)) => assert_eq!((*t, kept + omitted), (total, total), "{path}\n{out}"),
            None => assert_eq!(kept, total, "{path} lost lines without being named\n{out}"),
        }
    }
}

#[test]
fn one_closing_line_names_every_file_with_exact_counts() {
    // Sixty small files with two hits each: a marker line per file would cost as much as the
    // hit it replaces.
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "src/handlers/h{i}.rs:{}:    fn handle(&mut self, req: Request) -> Response {{\n",
            20 + i
        ));
        text.push_str(&format!("src/handlers/h{i}.rs:{}:        self.inner.handle(req)\n", 21 + i));
    }
    text.push_str("src/handlers/retry.rs:77:        warn!(\"retry budget exhausted; handle dropped\");\n");
    let out = run(
        &SearchCompressor,
        ContentKind::Search,
        &text,
        "Which handler logs that the retry budget is exhausted?",
    )
    .unwrap_or_default();
    assert!(
        out.contains("src/handlers/retry.rs:77:        warn!(\"retry budget exhausted; handle dropped\");")
    );
    assert_eq!(Marker::find_all(&out).len(), 1, "{out}");
    assert_accounted(&text, &out);
    // Files of one directory share its name once.
    assert_eq!(
        out.matches("src/handlers/").count(),
        out.lines().filter(|l| l.starts_with("src/")).count() + 1
    );
    assert!(out.len() * 2 < text.len(), "{} of {} bytes:\n{out}", out.len(), text.len());
}

#[test]
fn a_method_every_implementation_repeats_gives_way_to_the_answer() {
    let mut text = String::from(
        "src/sink.rs:88:    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>>;\n",
    );
    for i in 0..40 {
        let f = format!("src/sinks/s{i}.rs");
        text.push_str(&format!(
            "{f}:{}:    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {{\n",
            30 + i
        ));
        text.push_str(&format!("{f}:{}:        self.inner.poll_flush(cx)\n", 31 + i));
        if i % 13 == 5 {
            text.push_str(&format!(
                "{f}:{}:            .expect(\"buffer full; poll_flush must be called before close\");\n",
                90 + i
            ));
        }
    }
    let q = "Where is poll_flush declared on the Sink trait, and which sinks panic in close when poll_flush was not called before?";
    let out = run(&SearchCompressor, ContentKind::Search, &text, q).unwrap_or_default();
    assert!(out.contains(
        "src/sink.rs:88:    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>>;"
    ));
    for i in [5, 18, 31] {
        assert!(
            out.contains(&format!(
                "src/sinks/s{i}.rs:{}:            .expect(\"buffer full; poll_flush",
                90 + i
            )),
            "s{i} panic line missing:\n{out}"
        );
    }
    // The copies are no longer kept past the budget (all 40 were): at most what fits.
    let impls = out.lines().filter(|l| l.ends_with("Poll<Result<(), Self::Error>> {")).count();
    assert!(impls <= 15, "{impls} copies of the implementation line kept:\n{out}");
    assert_accounted(&text, &out);
}

#[test]
fn a_statement_over_two_hit_lines_stays_whole() {
    // The version is on the second line of the call, the API's name on the first; each line
    // alone ranks below fifty one-line warnings that say more of the question's words.
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!(
            "pkg/mod{i}.py:{}:    warnings.warn(\"spin_{i}() is deprecated and will be removed\", DeprecationWarning)\n",
            10 + i
        ));
    }
    text.push_str("pkg/legacy.py:40:    warnings.warn(\"Frobnicator.spin() is deprecated and will be\"\n");
    text.push_str("pkg/legacy.py:41:                  \" removed in 4.2\", DeprecationWarning)\n");
    let out =
        run(&SearchCompressor, ContentKind::Search, &text, "Which deprecated spin API is removed in 4.2?")
            .unwrap_or_default();
    assert!(out.contains("pkg/legacy.py:41:                  \" removed in 4.2\", DeprecationWarning)"));
    assert!(
        out.contains("pkg/legacy.py:40:    warnings.warn(\"Frobnicator.spin() is deprecated and will be\""),
        "{out}"
    );
    assert_accounted(&text, &out);
}

#[test]
fn a_comment_next_to_a_kept_line_is_kept_whole() {
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "src/task/t{i}.rs-{}-\nsrc/task/t{i}.rs:{}:unsafe impl Send for Task{i} {{}}\nsrc/task/t{i}.rs:{}:unsafe impl Sync for Task{i} {{}}\nsrc/task/t{i}.rs-{}-\n--\n",
            9 + i,
            10 + i,
            11 + i,
            12 + i
        ));
    }
    text.push_str(
        "src/lock.rs-10-// Safety: the guard holds a raw pointer to `T`, so it may move to another\n\
         src/lock.rs-11-// thread only when `T` is Sync.\n\
         src/lock.rs:12:unsafe impl<T: Sync> Send for Guard<'_, T> {}\n\
         src/lock.rs-13-\n\
         src/lock.rs-14-fn other() {}\n",
    );
    let out =
        run(&SearchCompressor, ContentKind::Search, &text, "Why is `Guard<'_, T>` Send only when T is Sync?")
            .unwrap_or_default();
    assert!(out.contains("src/lock.rs:12:unsafe impl<T: Sync> Send for Guard<'_, T> {}"), "{out}");
    assert!(
        out.contains("src/lock.rs-10-// Safety: the guard holds a raw pointer to `T`, so it may move to another\nsrc/lock.rs-11-"),
        "{out}"
    );
    // Context far from the match, and not part of the comment, still goes.
    assert!(!out.contains("src/lock.rs-14-"), "{out}");
}
