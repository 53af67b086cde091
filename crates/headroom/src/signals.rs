//! THE keyword registry: which words mark a line or value as an error, a warning, a stack-trace
//! frame or a summary. Every compressor asks here; no other module keeps a keyword list.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Words that mark an error or failure (matched case-insensitively on word boundaries).
pub(crate) const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "err",
    "fatal",
    "panic",
    "panicked",
    "exception",
    "traceback",
    "failed",
    "failure",
    "failures",
    "fail",
    "fails",
    "critical",
    "crash",
    "crashed",
    "aborted",
    "abort",
    "segfault",
    "segmentation fault",
    "killed",
    "denied",
    "refused",
    "unreachable",
    "timed out",
    "timeout",
    "cannot",
    "can't",
    "couldn't",
    "unable",
    "invalid",
    "corrupt",
    "corrupted",
    "severe",
    "emerg",
    "alert",
    "died",
    "broken",
    "mismatch",
    "rejected",
    "violation",
    "not found",
    "no such file",
    "undefined reference",
    "unresolved",
    "uncaught",
    "unhandled",
    "stack overflow",
    "out of memory",
    "oom",
    "assertion",
    "assert",
    "yanked",
    "deprecated",
];

/// Level names as log headers write them (`ERROR`, `[error]`, `<crit>`); logcat's one-letter
/// levels are handled in [`Signals::level`].
pub(crate) const ERROR_LEVELS: &[&str] =
    &["error", "err", "fatal", "crit", "critical", "severe", "emerg", "emergency", "alert", "panic"];

/// Warning level names as log headers write them.
pub(crate) const WARNING_LEVELS: &[&str] = &["warn", "warning"];

/// Words that mark a warning.
pub(crate) const WARNING_WORDS: &[&str] = &["warning", "warnings", "warn", "caution", "notice"];

/// Words that mark security-relevant changes (credentials, vulnerabilities, access control).
pub(crate) const SECURITY_WORDS: &[&str] = &[
    "security",
    "vulnerability",
    "vulnerable",
    "cve",
    "exploit",
    "leak",
    "leaks",
    "credential",
    "credentials",
    "password",
    "passwd",
    "secret",
    "secrets",
    "token",
    "auth",
    "authorization",
    "authentication",
    "permission",
    "permissions",
    "sanitize",
    "injection",
    "xss",
    "csrf",
    "ssrf",
    "unsafe",
    "privilege",
    "tls",
    "ssl",
    "certificate",
];

/// Words that mark a run summary (test totals, build results).
pub(crate) const SUMMARY_WORDS: &[&str] = &[
    "passed",
    "summary",
    "total",
    "totals",
    "tests run",
    "test result",
    "finished",
    "succeeded",
    "success",
    "successful",
    "skipped",
    "ignored",
    "ran",
    "completed",
    "built target",
    "done",
];

/// Field names that rank items (bigger is better unless listed in [`RANK_FIELDS`]); matched
/// case-insensitively against the last segment of a JSON key path.
pub(crate) const SCORE_FIELDS: &[&str] = &[
    "score",
    "stars",
    "stargazers_count",
    "stargazers",
    "downloads",
    "downloads_count",
    "download_count",
    "forks",
    "forks_count",
    "watchers_count",
    "rank",
    "ranking",
    "relevance",
    "rating",
    "votes",
    "likes",
    "popularity",
    "priority",
];

/// Score fields where the smallest value is the best.
pub(crate) const RANK_FIELDS: &[&str] = &["rank", "ranking", "priority"];

/// Words that open an error report when they lead a line, after any program or source-location
/// prefix: `error: ...`, `error[E0277]: ...`, `fatal: ...`, `FAILED tests/...`, `npm ERR!`,
/// `[ERROR] ...`, `panic: ...`. Followed by `:`, a bracket, `!` or the end of the line; followed
/// by a space only in upper case (`ERROR Foo`) or as a past tense (`Failed to open ...`).
pub(crate) const ERROR_LEADS: &[&str] =
    &["error", "fatal", "failed", "fail", "failure", "panic", "err", "critical", "crit", "severe", "emerg"];

/// Lead words that report an error when followed by a space in any case (`Failed to bind`).
pub(crate) const ERROR_LEADS_SPACED: &[&str] = &["failed"];

/// Endings of raised error type names (`ValueError:`, `java.io.IOException:`) that, leading a
/// line, make it an error report.
pub(crate) const ERROR_TYPE_SUFFIXES: &[&str] = &["Error", "Exception"];

/// Phrases that make a line an error report wherever they stand.
pub(crate) const ERROR_PHRASES: &[&str] = &[
    " panicked at ",
    "Traceback (most recent call last)",
    "Exception in thread ",
    "Segmentation fault",
    "core dumped",
    "undefined reference to ",
];

/// Lines ending in one of these report a failed test (`test foo ... FAILED`, pytest `-v`).
pub(crate) const FAILED_ENDS: &[&str] = &[" FAILED", " FAIL", " ERROR"];

/// How alarming a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// Nothing notable.
    None,
    /// A summary line.
    Summary,
    /// A warning.
    Warning,
    /// An error or failure.
    Error,
}

/// The compiled registry. Built once per [`crate::Engine`].
pub(crate) struct Signals {
    errors: Option<AhoCorasick>,
    warnings: Option<AhoCorasick>,
    summaries: Option<AhoCorasick>,
    security: Option<AhoCorasick>,
    /// Error, warning and summary words together: most lines carry none, and one scan that
    /// finds nothing settles [`Signals::severity`] without the three precise ones.
    any_severity: Option<AhoCorasick>,
    /// [`ERROR_PHRASES`], case-sensitive.
    error_phrases: Option<AhoCorasick>,
}

impl std::fmt::Debug for Signals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signals")
    }
}

/// `None` only if the automaton cannot be built, which fixed small word lists never hit.
fn automaton(words: &[&str]) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
        .ok()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A match counts on word boundaries, and also at a CamelCase boundary, so `ValueError`,
/// `IOException` and `errorCode` match while `terrorist` does not.
fn has_word(ac: &Option<AhoCorasick>, text: &str) -> bool {
    let Some(ac) = ac else { return false };
    let b = text.as_bytes();
    ac.find_iter(text).any(|m| {
        let first = b.get(m.start()).copied().unwrap_or(b' ');
        let second_lower = b.get(m.start() + 1).is_some_and(u8::is_ascii_lowercase);
        let last = b.get(m.end().wrapping_sub(1)).copied();
        let before = m.start() == 0
            || b.get(m.start() - 1).is_none_or(|&c| {
                !is_word_byte(c)
                    || (first.is_ascii_uppercase()
                        && (c.is_ascii_lowercase() || (c.is_ascii_uppercase() && second_lower)))
            });
        let after = b.get(m.end()).is_none_or(|&c| {
            !is_word_byte(c) || (c.is_ascii_uppercase() && last.is_some_and(|l| l.is_ascii_lowercase()))
        });
        before && after
    })
}

/// A log line states what happened up front; an error word beyond this many bytes sits in a
/// payload (an echoed command line, a dumped value), not in the message.
const SIGNAL_SPAN: usize = 256;

/// The first `max` bytes of `s`, cut back to a char boundary.
fn head_of(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or(s)
}

/// [`has_word`] for a log line, without the words that only name things: command-line flags
/// and option names (`--error-format=json`, `-Wno-error=x`, `on_error=`), hyphenated names
/// (`error-context`, `no-panic`), path and file names (`src/errors/`, `error.rs`) and the front
/// of CamelCase identifiers (`ErrorKind`, `errorCode`). The back of one still counts
/// (`ValueError`, `IOException`).
fn has_signal_word(ac: &Option<AhoCorasick>, text: &str) -> bool {
    let Some(ac) = ac else { return false };
    let b = text.as_bytes();
    ac.find_iter(text).any(|m| {
        let (s, e) = (m.start(), m.end());
        let first = b.get(s).copied().unwrap_or(b' ');
        let second_lower = b.get(s + 1).is_some_and(u8::is_ascii_lowercase);
        let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
        let next = b.get(e).copied();
        let after_next = b.get(e + 1).copied();
        let before = prev.is_none_or(|c| {
            !is_word_byte(c)
                || (first.is_ascii_uppercase()
                    && (c.is_ascii_lowercase() || (c.is_ascii_uppercase() && second_lower)))
        });
        let after = next.is_none_or(|c| !is_word_byte(c));
        let naming = matches!(prev, Some(b'-' | b'/' | b'\\'))
            || in_flag(b, s)
            || matches!(next, Some(b'=' | b'/' | b'\\'))
            || (matches!(next, Some(b'-' | b'.')) && after_next.is_some_and(|c| c.is_ascii_alphanumeric()));
        before && after && !naming
    })
}

/// Is the word at byte `at` of `b` part of a command-line flag (`-Wno-error=deprecated`) or
/// a flag's argument (`--cap-lints warn`)? Looks back a bounded way so long lines stay linear.
fn in_flag(b: &[u8], at: usize) -> bool {
    let is_sep = |c: &u8| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'`');
    let from = at.saturating_sub(64);
    let Some(start) = b.get(from..at).and_then(|w| w.iter().rposition(is_sep)).map(|i| from + i + 1) else {
        return false;
    };
    if b.get(start) == Some(&b'-') {
        return true;
    }
    // A flag's argument (`--cap-lints warn`): the token right before is a flag.
    if start != at || !b.get(start - 1).is_some_and(u8::is_ascii_whitespace) {
        return false;
    }
    let end = start - 1;
    let from = end.saturating_sub(64);
    let prev = b.get(from..end).and_then(|w| w.iter().rposition(is_sep)).map(|i| from + i + 1);
    prev.is_some_and(|p| {
        b.get(p) == Some(&b'-') && b.get(p..end).is_some_and(|t| t.iter().any(u8::is_ascii_alphabetic))
    })
}

/// Does `line` report an error in so many words: an error word leading it (after a program
/// name such as `make:` or `npm`, or a source location such as `src/a.c:12:5:`,
/// `Foo.java:12:`, `x.ts(3,7):`), a raised error type (`ValueError: ...`), pytest's `E   `
/// lines, a failed test line, or a panic / traceback header. Such lines outrank lines that
/// merely contain an error word.
fn is_error_report(phrases: &Option<AhoCorasick>, line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    if FAILED_ENDS.iter().any(|e| t.ends_with(e)) || phrases.as_ref().is_some_and(|ac| ac.is_match(t)) {
        return true;
    }
    // pytest: `E       AssertionError: ...` (the `E` then an indented message).
    if line.trim_start().strip_prefix("E  ").is_some_and(|r| !r.trim().is_empty()) {
        return true;
    }
    let mut rest = t;
    let mut located = false;
    for _ in 0..3 {
        if leads_with_error(rest, located) {
            return true;
        }
        match strip_line_prefix(rest) {
            // make's `make[2]: *** ...` is its error line.
            Some((r, false)) if r.starts_with("*** ") => return true,
            Some((r, loc)) => {
                rest = r;
                located |= loc;
            }
            None => return false,
        }
    }
    false
}

/// Does `s` open with an error lead word or a raised error type? After a source location
/// (`located`) the word is a severity column (eslint's `12:5  error  ...`) and needs nothing
/// after it.
fn leads_with_error(s: &str, located: bool) -> bool {
    let s = s.trim_start_matches(['[', '*', '-', '=', '!', '>', '#', '(', ' ']);
    let word_len = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (Some(word), rest) = (s.get(..word_len), s.get(word_len..).unwrap_or("")) else { return false };
    if word.is_empty() {
        return false;
    }
    let lead = ERROR_LEADS.iter().any(|w| w.eq_ignore_ascii_case(word));
    if lead {
        let upper = word.bytes().all(|b| b.is_ascii_uppercase());
        match rest.bytes().next() {
            None | Some(b':' | b'[' | b']' | b'!' | b')') => return true,
            Some(b' ' | b'\t') => {
                // `error TS2304:` / `error C2065:`: an error code follows.
                let code = rest.split_whitespace().next().is_some_and(|c| {
                    let c = c.trim_end_matches(':');
                    let letters = c.bytes().take_while(u8::is_ascii_uppercase).count();
                    letters > 0 && c.len() > letters && c.bytes().skip(letters).all(|b| b.is_ascii_digit())
                });
                if upper || located || code || ERROR_LEADS_SPACED.iter().any(|w| w.eq_ignore_ascii_case(word))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    // A raised error type: `ValueError: x`, `java.lang.IllegalStateException: x`.
    let token = s.split(|c: char| c.is_whitespace() || c == ':').next().unwrap_or("");
    let after = s.get(token.len()..).unwrap_or("");
    (after.is_empty() || after.starts_with(':'))
        && ERROR_TYPE_SUFFIXES.iter().any(|suf| {
            token.len() > suf.len()
                && token.ends_with(suf)
                && token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$'))
        })
}

/// `s` without its first token (and whether it was a location) when that token is a program name (`make:`, `make[2]:`,
/// `/usr/bin/ld:`; or a lower-case tool name before an upper-case word, `npm ERR!`) or a
/// source location (`src/a.c:12:5:`, `Foo.java:12:`, `x.ts(3,7):`, `src/a.ts:3:7 -`, eslint's
/// `12:5`).
fn strip_line_prefix(s: &str) -> Option<(&str, bool)> {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let token = s.get(..end)?;
    let rest = s.get(end..)?.trim_start();
    if token.is_empty() || rest.is_empty() {
        return None;
    }
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    if is_location(token) {
        return Some((rest, true));
    }
    let name = token.strip_suffix(':');
    let program = name.is_some_and(|n| {
        !n.is_empty()
            && n.len() <= 40
            && n.bytes().any(|b| b.is_ascii_alphabetic())
            && n.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/' | b'[' | b']' | b'+')
            })
    });
    let tool = token.bytes().all(|b| b.is_ascii_lowercase())
        && rest.split_whitespace().next().is_some_and(|w| {
            w.bytes().any(|b| b.is_ascii_uppercase())
                && w.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_punctuation())
        });
    (program || tool).then_some((rest, false))
}

/// A source location token: `path:12`, `path:12:5`, `path(12,5)`, `12:5`, each with an
/// optional trailing `:`.
pub(crate) fn is_location(token: &str) -> bool {
    let t = token.strip_suffix(':').unwrap_or(token);
    // `path(12,5)` / `path(12)`
    if let Some(open) = t.strip_suffix(')').and_then(|x| x.rfind('(').map(|i| (x, i))) {
        let (x, i) = open;
        let inner = x.get(i + 1..).unwrap_or("");
        return i > 0 && !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit() || b == b',');
    }
    let digits = |p: &str| !p.is_empty() && p.len() <= 7 && p.bytes().all(|b| b.is_ascii_digit());
    let Some((head, last)) = t.rsplit_once(':') else { return false };
    if !digits(last) {
        return false;
    }
    match head.rsplit_once(':') {
        Some((path, mid)) if digits(mid) => path.is_empty() || pathish(path),
        _ => digits(head) || pathish(head),
    }
}

/// Looks like a file path: no spaces, and a `/` or a dotted extension.
fn pathish(p: &str) -> bool {
    !p.is_empty()
        && !p.contains(char::is_whitespace)
        && (p.contains('/')
            || p.contains('\\')
            || p.rsplit_once('.').is_some_and(|(a, ext)| {
                !a.is_empty()
                    && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                    && ext.bytes().any(|b| b.is_ascii_alphabetic())
            }))
}

impl Signals {
    pub(crate) fn new() -> Self {
        Self {
            errors: automaton(ERROR_WORDS),
            warnings: automaton(WARNING_WORDS),
            summaries: automaton(SUMMARY_WORDS),
            security: automaton(SECURITY_WORDS),
            any_severity: automaton(&[ERROR_WORDS, WARNING_WORDS, SUMMARY_WORDS].concat()),
            error_phrases: AhoCorasick::new(ERROR_PHRASES).ok(),
        }
    }

    /// Does `text` contain an error/failure word?
    pub(crate) fn is_error(&self, text: &str) -> bool {
        has_word(&self.errors, text)
    }

    /// Does `text` contain a warning word?
    pub(crate) fn is_warning(&self, text: &str) -> bool {
        has_word(&self.warnings, text)
    }

    /// Does `text` contain a security word?
    pub(crate) fn is_security(&self, text: &str) -> bool {
        has_word(&self.security, text)
    }

    /// [`Signals::severity`] of a log line: words that only name things (flags, option names,
    /// paths, hyphenated and CamelCase-prefix identifiers) do not count, nor words beyond the
    /// line's first [`SIGNAL_SPAN`] bytes.
    pub(crate) fn line_severity(&self, line: &str) -> Severity {
        let line = head_of(line, SIGNAL_SPAN);
        if self.any_severity.as_ref().is_some_and(|ac| !ac.is_match(line)) {
            Severity::None
        } else if has_signal_word(&self.errors, line) {
            Severity::Error
        } else if has_signal_word(&self.warnings, line) {
            Severity::Warning
        } else if has_signal_word(&self.summaries, line) {
            Severity::Summary
        } else {
            Severity::None
        }
    }

    /// Does `line` report an error in so many words (see [`is_error_report`])?
    pub(crate) fn is_error_report(&self, line: &str) -> bool {
        is_error_report(&self.error_phrases, line)
    }

    /// Is `name` (a JSON key) a field that ranks items? `Some(true)` when smaller is better.
    pub(crate) fn score_field(&self, name: &str) -> Option<bool> {
        let lower = name.to_ascii_lowercase();
        SCORE_FIELDS.contains(&lower.as_str()).then(|| RANK_FIELDS.contains(&lower.as_str()))
    }

    /// The severity a log header's level token names: `ERROR`, `[error]`, `WARN`, logcat `E` or
    /// `E/Tag(`. Anything else is [`Severity::None`].
    pub(crate) fn level(&self, token: &str) -> Severity {
        let t = token.trim_matches(|c: char| matches!(c, '[' | ']' | '<' | '>' | ':' | '(' | ')' | '|'));
        let letter = t.split('/').next().unwrap_or(t);
        if letter.len() == 1 && (letter.len() == t.len() || t.contains('/')) {
            return match letter {
                "E" | "F" | "A" => Severity::Error,
                "W" => Severity::Warning,
                _ => Severity::None,
            };
        }
        if ERROR_LEVELS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
            Severity::Error
        } else if WARNING_LEVELS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
            Severity::Warning
        } else {
            Severity::None
        }
    }

    /// Is `line` a stack-trace frame or trace header (Python, Java, Go, Rust, JS)?
    pub(crate) fn is_trace_line(&self, line: &str) -> bool {
        let t = line.trim_start();
        t.starts_with("Traceback (most recent call last)")
            || (t.starts_with("File \"") && t.contains(", line "))
            || (t.starts_with("at ")
                && (t.contains('(') || t.contains(".java:") || t.contains(".js:") || t.contains(".ts:")))
            || t.starts_with("Caused by:")
            || t.starts_with("goroutine ")
            || t.starts_with("stack backtrace:")
            || (t.contains(".go:") && line.starts_with('\t'))
            || rust_frame(t)
            || t.starts_with("... ") && t.ends_with(" more")
    }
}

/// A Rust backtrace frame: `  12: std::rt::lang_start` (the number, then the path).
fn rust_frame(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let path = t.get(digits..).and_then(|r| r.strip_prefix(": ")).and_then(|r| r.split_whitespace().next());
    digits > 0
        && path.is_some_and(|p| {
            p.contains("::") && p.starts_with(|c: char| c.is_alphabetic() || c == '<' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries() {
        let s = Signals::new();
        assert!(s.is_error("ERROR: connection refused"));
        assert!(s.is_error("thread 'main' panicked at src/main.rs:3:5"));
        assert!(!s.is_error("terrorist of the mirror")); // "error" inside other words
        assert!(s.is_error("java.lang.ClassCastException: x")); // CamelCase boundary
        assert!(s.is_error("KeyError: 'k'"));
        assert!(s.is_error("java.io.IOException: closed"));
        assert!(!s.is_error("Errorless"));
        assert_eq!(s.level("E"), Severity::Error);
        assert_eq!(s.level("E/AndroidRuntime("), Severity::Error);
        assert_eq!(s.level("[warn]"), Severity::Warning);
        assert_eq!(s.level("INFO"), Severity::None);
        assert_eq!(s.level("LabSZ"), Severity::None);
        assert!(s.is_warning("warning: unused variable `x`"));
        assert_eq!(s.line_severity("test result: ok. 12 passed"), Severity::Summary);
    }

    #[test]
    fn naming_words_are_not_signals() {
        let s = Signals::new();
        let run = "     Running `rustc --crate-name x --error-format=json --cfg 'feature=\"error-context\"' -C lint=no-panic src/errors/mod.rs`";
        assert!(s.is_error(run)); // the plain scan is fooled
        assert_eq!(s.line_severity(run), Severity::None);
        assert_eq!(s.line_severity("cc -Wno-error=deprecated -o errors.o errors.c"), Severity::None);
        assert_eq!(s.line_severity("rustc --cap-lints warn src/lib.rs"), Severity::None);
        assert_eq!(s.line_severity("--- FAIL: TestFrob"), Severity::Error);
        assert_eq!(s.line_severity("let k = ErrorKind::NotFound; on_error=skip"), Severity::None);
        assert_eq!(s.line_severity("    raise ValueError(msg)"), Severity::Error);
        assert_eq!(s.line_severity("ERROR: connection refused"), Severity::Error);
        assert_eq!(s.line_severity("java.io.IOException: closed"), Severity::Error);
        assert_eq!(s.line_severity("non-fatal: retrying"), Severity::None);
        assert_eq!(s.line_severity("build failed."), Severity::Error);
    }

    #[test]
    fn error_reports() {
        let s = Signals::new();
        for line in [
            "error[E0599]: no method named `frob` found for struct `Widget`",
            "error: aborting due to 2 previous errors",
            "src/parse.c:88:14: error: 'len' undeclared (first use in this function)",
            "lib/Widget.java:41: error: ';' expected",
            "web/app.ts(7,3): error TS2304: Cannot find name 'frob'.",
            "web/app.ts:7:3 - error TS2304: Cannot find name 'frob'.",
            "   7:3  error  'frob' is not defined  no-undef",
            "make[2]: *** [Makefile:40: obj/parse.o] Error 1",
            "make: *** No rule to make target 'all'.  Stop.",
            "npm ERR! code ELIFECYCLE",
            "[ERROR] Failed to execute goal on project widget",
            "fatal: not a git repository (or any of the parent directories): .git",
            "FAILED tests/test_widget.py::test_frob - KeyError: 'x'",
            "tests/test_widget.py::test_frob FAILED",
            "test widget::frob ... FAILED",
            "--- FAIL: TestFrob (0.01s)",
            "E       assert 3 == 4",
            "KeyError: 'frob'",
            "java.lang.IllegalStateException: closed",
            "thread 'main' panicked at src/main.rs:4:5:",
            "Failed to bind to 0.0.0.0:8080",
            "panic: runtime error: index out of range [3] with length 3",
        ] {
            assert!(s.is_error_report(line), "{line}");
        }
        for line in [
            "     Running `rustc --error-format=json --crate-name errors src/errors.rs`",
            "   Compiling error-chain v0.12.4",
            "Error handling is described in the next chapter",
            "src/errors.rs:12:pub enum ErrorKind {",
            "warning: unused variable: `x`",
            "2024-01-02 10:00:00 INFO retrying after error",
            "  = note: `#[warn(dead_code)]` on by default",
            "make[1]: Entering directory '/src/widget'",
        ] {
            assert!(!s.is_error_report(line), "{line}");
        }
    }

    #[test]
    fn trace_lines() {
        let s = Signals::new();
        assert!(s.is_trace_line("  File \"/app/x.py\", line 12, in main"));
        assert!(s.is_trace_line("\tat com.foo.Bar.baz(Bar.java:42)"));
        assert!(!s.is_trace_line("at the moment all is well"));
        assert!(s.is_trace_line("  12: std::rt::lang_start"));
        assert!(!s.is_trace_line(" 0013: Host: [2200::33]:33863"));
        assert!(!s.is_trace_line(
            "2015-07-30 18:18:02,003 - INFO  [ProcessThread(sid:1 cport:-1)::PrepRequestProcessor@476] - Processed"
        ));
    }
}
