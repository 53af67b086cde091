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

impl Signals {
    pub(crate) fn new() -> Self {
        Self {
            errors: automaton(ERROR_WORDS),
            warnings: automaton(WARNING_WORDS),
            summaries: automaton(SUMMARY_WORDS),
            security: automaton(SECURITY_WORDS),
            any_severity: automaton(&[ERROR_WORDS, WARNING_WORDS, SUMMARY_WORDS].concat()),
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

    /// Does `text` contain a summary word?
    pub(crate) fn is_summary(&self, text: &str) -> bool {
        has_word(&self.summaries, text)
    }

    /// Does `text` contain a security word?
    pub(crate) fn is_security(&self, text: &str) -> bool {
        has_word(&self.security, text)
    }

    /// The strongest signal in `text`.
    pub(crate) fn severity(&self, text: &str) -> Severity {
        if self.any_severity.as_ref().is_some_and(|ac| !ac.is_match(text)) {
            Severity::None
        } else if self.is_error(text) {
            Severity::Error
        } else if self.is_warning(text) {
            Severity::Warning
        } else if self.is_summary(text) {
            Severity::Summary
        } else {
            Severity::None
        }
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
        assert_eq!(s.severity("test result: ok. 12 passed"), Severity::Summary);
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
