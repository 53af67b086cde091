//! Content detection: one function, one answer. Every eligible block is classified here and
//! nowhere else.

use serde::{Deserialize, Serialize};

/// A programming language the code compressor understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Python.
    Python,
    /// JavaScript.
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// Rust.
    Rust,
    /// Go.
    Go,
    /// Java.
    Java,
    /// C.
    C,
    /// C++.
    Cpp,
}

impl Language {
    /// Every language, in detection tie-break order.
    pub const ALL: [Language; 8] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Rust,
        Language::Go,
        Language::Java,
        Language::C,
        Language::Cpp,
    ];
}

/// What a block of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "language")]
pub enum ContentKind {
    /// A JSON document.
    Json,
    /// Log lines or build / test output.
    Log,
    /// grep / ripgrep hits (`path:line:content`).
    Search,
    /// A unified diff or `git log -p` / `git show` output.
    Diff,
    /// Source code.
    Code(Language),
    /// An HTML document.
    Html,
    /// Natural-language text (docs, READMEs, RFCs).
    Prose,
}

impl ContentKind {
    /// A short name for tables (`json`, `log`, `code:python`, ...).
    pub fn name(&self) -> String {
        match self {
            Self::Json => "json".into(),
            Self::Log => "log".into(),
            Self::Search => "search".into(),
            Self::Diff => "diff".into(),
            Self::Code(l) => format!(
                "code:{}",
                serde_json::to_value(l).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            ),
            Self::Html => "html".into(),
            Self::Prose => "prose".into(),
        }
    }
}

/// Classify `text`. Looks at no more than the first ~400 lines.
pub fn detect(text: &str) -> ContentKind {
    let t = text.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return ContentKind::Json;
    }
    let head = t.get(..512.min(t.len())).unwrap_or(t).to_ascii_lowercase();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with('<') && head.contains("<body"))
    {
        return ContentKind::Html;
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(400).collect();
    if lines.is_empty() {
        return ContentKind::Prose;
    }
    let n = lines.len() as f64;
    if is_diff(&lines) {
        return ContentKind::Diff;
    }
    // Compiler diagnostics (`src/a.c:12:5: error: ...`) have a hit's shape but are build output.
    let diagnostics = lines.iter().filter(|l| is_diagnostic(l)).count();
    let search = (lines.iter().filter(|l| is_search_hit(l)).count().saturating_sub(diagnostics)) as f64;
    if search / n >= 0.6 || is_heading_listing(&lines) {
        return ContentKind::Search;
    }
    let body: Vec<&str> = lines.iter().map(|l| strip_line_number(l)).collect();
    let logish = body.iter().filter(|l| is_log_line(l)).count() as f64;
    if logish / n >= 0.3 {
        return ContentKind::Log;
    }
    if let Some(lang) = code_language(&body).filter(|_| !mostly_sentences(&body)) {
        return ContentKind::Code(lang);
    }
    if is_html_fragment(t) {
        return ContentKind::Html;
    }
    if line_oriented(text) {
        return ContentKind::Log;
    }
    ContentKind::Prose
}

/// Output made of independent lines rather than paragraphs (package managers, installers,
/// verbose tools: `Unpacking x (1.2-3) ...`, `[loading /a/B.class]`): almost no blank lines,
/// no sentence wrapped over lines, and most lines opening with a word that opens many others.
/// Lists and changelogs open theirs with bullets, which do not count.
fn line_oriented(text: &str) -> bool {
    const SAMPLE: usize = 400;
    let mut blank = 0usize;
    let mut rows: Vec<&str> = Vec::with_capacity(SAMPLE);
    for l in text.lines().take(SAMPLE) {
        if l.trim().is_empty() {
            blank += 1;
        } else {
            rows.push(l);
        }
    }
    let n = rows.len();
    if n < 20 || blank * 20 > n {
        return false;
    }
    // A line that carries on the previous one's sentence: that one ends mid-sentence (a letter
    // or a comma) and this one starts in lower case.
    let wrapped = rows
        .windows(2)
        .filter(|w| {
            let (Some(a), Some(b)) = (w.first(), w.get(1)) else { return false };
            let end = a.trim_end().bytes().last();
            let start = b.trim_start().bytes().next();
            end.is_some_and(|c| c.is_ascii_alphabetic() || c == b',')
                && start.is_some_and(|c| c.is_ascii_lowercase())
        })
        .count();
    if wrapped * 10 > n {
        return false;
    }
    let mut openers: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for l in &rows {
        let first = l.split_whitespace().next().unwrap_or("");
        let word: String = first.chars().take(24).map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
        *openers.entry(word).or_default() += 1;
    }
    let bullet = |w: &str| {
        w.chars().all(|c| !c.is_alphanumeric()) || w.trim_end_matches(['.', ')']).chars().all(|c| c == '0')
    };
    let repeated: usize = openers.iter().filter(|(w, &c)| c >= 5 && !bullet(w)).map(|(_, &c)| c).sum();
    repeated * 10 >= n * 6
}

/// A compiler diagnostic: a source location, then a severity (`src/a.c:12:5: error: ...`,
/// `Foo.java:3: warning: ...`, `a.ts(4,2): error TS2304: ...`, `a.ts:4:2 - error TS2304`).
fn is_diagnostic(line: &str) -> bool {
    let t = line.trim_start();
    let Some((loc, rest)) = t.split_once(' ') else { return false };
    if !crate::signals::is_location(loc) {
        return false;
    }
    // One space after the location: a grep hit's content would keep its indentation.
    if rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let rest = rest.strip_prefix("fatal ").unwrap_or(rest);
    ["error", "warning", "note", "Error", "Warning", "Note", "ERROR", "WARNING"]
        .iter()
        .any(|w| rest.strip_prefix(w).is_some_and(|r| r.starts_with([':', ' ', '[']) || r.is_empty()))
}

fn is_diff(lines: &[&str]) -> bool {
    let git = lines.iter().any(|l| l.starts_with("diff --git ") || l.starts_with("diff --cc "));
    let hunks = lines.iter().filter(|l| l.starts_with("@@ ")).count();
    let headers = lines.iter().filter(|l| l.starts_with("--- ") || l.starts_with("+++ ")).count();
    // Without a git header, changed lines must be a fair share: test logs embed small diffs.
    let changed = lines.iter().filter(|l| l.starts_with(['+', '-', '@'])).count();
    (git && hunks > 0) || (hunks > 0 && headers >= 2 && changed * 8 >= lines.len())
}

/// ripgrep `--heading` output: path lines, each followed by `12:content` match rows (and
/// `12-context` rows). Needs a path heading, so dated log lines (`03-17 16:13:38 ...`) and
/// numbered file listings stay what they are.
fn is_heading_listing(lines: &[&str]) -> bool {
    let row = |l: &str| -> Option<u8> {
        let digits = l.bytes().take_while(u8::is_ascii_digit).count();
        let sep = l.as_bytes().get(digits).copied();
        (digits > 0 && digits <= 9).then_some(sep).flatten().filter(|s| matches!(s, b':' | b'-'))
    };
    let matches = lines.iter().filter(|l| row(l) == Some(b':')).count();
    let context = lines.iter().filter(|l| row(l) == Some(b'-')).count();
    let headings = lines
        .windows(2)
        .filter(|w| {
            let (Some(h), Some(next)) = (w.first(), w.get(1)) else { return false };
            row(h).is_none()
                && !h.contains(char::is_whitespace)
                && (h.contains('/') || h.contains('.'))
                && row(next).is_some()
        })
        .count();
    headings > 0 && matches >= context && (matches + context + headings) * 10 >= lines.len() * 8
}

/// `path:12:content`, `path-12-content` (rg context) or `path:12:3:content` (with column).
pub(crate) fn is_search_hit(line: &str) -> bool {
    split_search_hit(line).is_some()
}

/// Split a search hit into (path, line number, separator, content).
pub(crate) fn split_search_hit(line: &str) -> Option<(&str, u32, char, &str)> {
    let bytes = line.as_bytes();
    // The path ends at the first ':' or '-' that is followed by digits and the same separator.
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b' ' && i == 0 {
            return None;
        }
        if (c == b':' || c == b'-') && i > 0 {
            let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
            let after = i + 1 + digits;
            if digits > 0 && after < bytes.len() && bytes[after] == c {
                let path = &line[..i];
                let pathish = path.bytes().any(|b| b.is_ascii_alphabetic() || b == b'/' || b == b'.');
                if !pathish || path.contains(char::is_whitespace) && !path.contains('/') {
                    return None;
                }
                // `17/06/09 20:10:40 INFO`: a date and an hour, not a path.
                let last = path.rsplit(char::is_whitespace).next().unwrap_or(path);
                if path.contains(char::is_whitespace) && last.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let num = line[i + 1..after].parse().ok()?;
                return Some((path, num, c as char, &line[after + 1..]));
            }
            if c == b':' {
                return None;
            }
        }
        i += 1;
    }
    None
}

/// Drop a `cat -n` / `nl` style line-number prefix.
pub(crate) fn strip_line_number(line: &str) -> &str {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 7 {
        return line;
    }
    let rest = &t[digits..];
    for sep in ["\t", ": ", " | ", "→", "| ", "  "] {
        if let Some(r) = rest.strip_prefix(sep) {
            return r;
        }
    }
    line
}

fn is_log_line(line: &str) -> bool {
    let t = line.trim_start();
    let upper_level = ["INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "NOTICE", "SEVERE", "CRITICAL"]
        .iter()
        .any(|lv| t.contains(lv) && word_at(t, lv));
    let ts = starts_with_timestamp(t);
    let build = [
        "Compiling ",
        "Finished ",
        "Running ",
        "warning:",
        "error:",
        "error[",
        "note:",
        "-- ",
        "[ ",
        "PASS",
        "FAIL",
        "ok ",
        "test ",
        "Building ",
        "Linking ",
        "Scanning ",
        "npm ",
        "make[",
        "gcc ",
        "cc ",
        "Step ",
        "collected ",
        "=====",
        "-----",
    ]
    .iter()
    .any(|p| t.starts_with(p));
    let pytest =
        t.ends_with("PASSED") || t.ends_with("FAILED") || t.contains(" PASSED ") || t.contains(" FAILED ");
    upper_level || ts || build || pytest || tool_line(t) || bracket_tag(t) || is_diagnostic(t)
}

/// Status lines of build tools, test runners and package managers.
fn tool_line(t: &str) -> bool {
    const PREFIXES: &[&str] = &[
        // make, ninja, cmake, gradle, maven
        "make: ",
        "ninja: ",
        "CMake ",
        "> Task ",
        "BUILD SUCCESSFUL",
        "BUILD FAILED",
        "FAILURE: ",
        "* What went wrong",
        // go
        "=== RUN",
        "=== PAUSE",
        "=== CONT",
        "--- FAIL",
        "--- PASS",
        "--- SKIP",
        "go: ",
        // npm, yarn, pnpm, pip
        "yarn ",
        "pnpm ",
        "added ",
        "Collecting ",
        "Downloading ",
        "Installing collected",
        "Successfully installed",
        "Requirement already satisfied",
        // apt / dpkg
        "Get:",
        "Hit:",
        "Ign:",
        "Err:",
        "Fetched ",
        "Reading package lists",
        "Reading state information",
        "Building dependency tree",
        "Selecting previously unselected",
        "Preparing to unpack",
        "Unpacking ",
        "Setting up ",
        "Processing triggers",
        "Removing ",
        "Purging configuration",
        // cargo
        "Downloaded ",
        "Checking ",
        "Fresh ",
        "Locking ",
        "Updating ",
        "Blocking ",
        "Doc-tests ",
        // docker
        " ---> ",
        "Successfully built",
        "Successfully tagged",
        // test runners
        "Tests:",
        "Test Suites:",
        "Ran ",
        "OK (",
        "not ok ",
    ];
    // BuildKit steps: `#7 0.412 ...`.
    let step = t.strip_prefix('#').is_some_and(|r| {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && r.as_bytes().get(digits) == Some(&b' ')
    });
    step || PREFIXES.iter().any(|p| t.starts_with(p))
}

/// `[loading /a/B.class]`, `[INFO] ...`, `[quote 1.0.47] cargo:...`: a bracketed tag opening
/// the line (a word, then a space, `]` or `:`), not a Markdown link.
fn bracket_tag(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('[') else { return false };
    let word = rest.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'-' || *b == b'_').count();
    word >= 2
        && rest.as_bytes().get(word).is_some_and(|c| matches!(c, b' ' | b']' | b':'))
        && !t.contains("](")
}

fn word_at(t: &str, w: &str) -> bool {
    t.match_indices(w).any(|(i, _)| {
        let b = t.as_bytes();
        let before = i == 0 || !b[i - 1].is_ascii_alphabetic();
        let end = i + w.len();
        let after = end >= b.len() || !b[end].is_ascii_alphabetic();
        before && after
    })
}

fn starts_with_timestamp(t: &str) -> bool {
    let b = t.trim_start_matches(['[', '<']).as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // 2024-01-02 / 2024/01/02 / 081109 203615 / 17/06/09 20:10:40 / 03-17 16:13:38
    let iso = digit(0) && digit(1) && digit(2) && digit(3) && matches!(b.get(4), Some(b'-' | b'/'));
    let compact = (0..6).all(digit) && b.get(6) == Some(&b' ');
    // 20171223-22:15:29:606 / 20240102T10:00:00
    let dense = (0..8).all(digit) && matches!(b.get(8), Some(b'-' | b'T' | b' ' | b'|'));
    let short = digit(0) && digit(1) && matches!(b.get(2), Some(b'-' | b'/')) && digit(3) && digit(4);
    let hms =
        digit(0) && digit(1) && b.get(2) == Some(&b':') && digit(3) && digit(4) && b.get(5) == Some(&b':');
    let month =
        ["Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "];
    let syslog = month.iter().any(|m| t.starts_with(m)) && t.get(6..9).is_some_and(|s| s.contains(':'))
        || month.iter().any(|m| t.starts_with(m))
            && t.get(4..16).is_some_and(|s| s.matches(':').count() >= 2);
    let dayname = ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "]
        .iter()
        .any(|d| t.trim_start_matches('[').starts_with(d));
    iso || compact || dense || short || hms || syslog || dayname
}

fn code_language(lines: &[&str]) -> Option<Language> {
    let mut score = [0u32; 8];
    let idx = |l: Language| l as usize;
    let mut codeish = 0u32;
    for l in lines {
        let t = l.trim();
        let ends_code = t.ends_with('{')
            || t.ends_with('}')
            || t.ends_with(';')
            || t.ends_with(':')
            || t.ends_with(')')
            || t.ends_with(',');
        if ends_code || t.starts_with("//") || t.starts_with('#') || t.starts_with("/*") || t.starts_with('*')
        {
            codeish += 1;
        }
        let mut bump = |lang: Language, w: u32| score[idx(lang)] += w;
        if t.starts_with("def ")
            || t.starts_with("async def ")
            || (t.starts_with("class ") && t.ends_with(':'))
            || t.starts_with("from ") && t.contains(" import ")
            || t.starts_with("elif ")
            || t == "else:"
            || t.starts_with("self.")
        {
            bump(Language::Python, 3);
        }
        if t.starts_with("import ") && !t.ends_with(';') && !t.contains(" from ") && !t.contains('"') {
            bump(Language::Python, 1);
        }
        if t.starts_with("fn ")
            || t.starts_with("pub fn ")
            || t.starts_with("pub(crate) ")
            || t.starts_with("impl")
            || t.starts_with("use ") && t.ends_with(';')
            || t.starts_with("let mut ")
            || t.starts_with("#[")
            || t.starts_with("pub struct ")
            || t.starts_with("pub enum ")
            || t.starts_with("mod ")
            || t.starts_with("pub mod ")
            || t.contains("-> Self")
        {
            bump(Language::Rust, 3);
        }
        if t.starts_with("func ")
            || t.starts_with("package ") && !t.ends_with(';')
            || t.contains(" := ")
            || t.starts_with("if err != nil")
            || t.starts_with("type ") && t.ends_with(" struct {")
        {
            bump(Language::Go, 3);
        }
        if t.starts_with("public class ")
            || t.starts_with("import java")
            || t.starts_with("package ") && t.ends_with(';')
            || t.starts_with("@Override")
            || t.contains("public static void")
            || t.starts_with("private final ")
        {
            bump(Language::Java, 3);
        }
        if t.starts_with("#include")
            || t.starts_with("#define")
            || t.starts_with("#ifdef")
            || t.starts_with("#ifndef")
            || t.starts_with("#endif")
        {
            bump(Language::C, 3);
        }
        if t.contains("std::")
            || t.starts_with("template<")
            || t.starts_with("template <")
            || t.starts_with("namespace ")
            || t.starts_with("#include <iostream>")
            || t.contains("::~")
        {
            bump(Language::Cpp, 3);
        }
        if t.starts_with("function ")
            || t.starts_with("const ") && t.contains(" = ")
            || t.contains("=> {")
            || t.starts_with("module.exports")
            || t.contains("require(")
            || t.starts_with("export ")
            || t.starts_with("import ") && (t.contains(" from '") || t.contains(" from \""))
        {
            bump(Language::JavaScript, 2);
        }
        if t.starts_with("interface ")
            || t.starts_with("export interface ")
            || t.starts_with("export type ")
            || t.starts_with("type ") && t.contains(" = ")
            || t.contains(": string")
            || t.contains(": number")
            || t.contains(": boolean")
            || t.starts_with("import type ")
            || t.contains("readonly ")
        {
            bump(Language::TypeScript, 3);
        }
    }
    let langs = Language::ALL;
    let mut best = None;
    let mut best_score = 0;
    for l in langs {
        let mut s = score[idx(l)];
        if l == Language::TypeScript && s > 0 {
            s += score[idx(Language::JavaScript)];
        }
        if l == Language::Cpp && s > 0 {
            s += score[idx(Language::C)];
        }
        if s > best_score {
            best_score = s;
            best = Some(l);
        }
    }
    let n = lines.len() as u32;
    let enough = best_score >= 6 || (best_score >= 3 && n < 20);
    let shaped = codeish * 4 >= n || best_score * 4 >= n;
    if enough && shaped {
        best
    } else {
        None
    }
}

/// Docs with code samples (RST, Markdown) score as code on their samples; a fifth of lines
/// that read as sentences outside comments says they are prose.
fn mostly_sentences(lines: &[&str]) -> bool {
    let sentence = |l: &&str| {
        let t = l.trim();
        if ["//", "#", "*", "/*", "--", ";", "\"\"\""].iter().any(|p| t.starts_with(p))
            || t.ends_with(['{', '}', ';'])
        {
            return false;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        let plain = words
            .iter()
            .filter(|w| {
                let w = w.trim_end_matches([',', '.', ';', ':', '!', '?']);
                let mut cs = w.chars();
                cs.next().is_some_and(|c| c.is_alphabetic())
                    && cs.all(|c| c.is_lowercase() || c == '\'' || c == '’')
            })
            .count();
        words.len() >= 6 && plain * 4 >= words.len() * 3
    };
    lines.iter().filter(|l| sentence(l)).count() * 5 >= lines.len()
}

fn is_html_fragment(t: &str) -> bool {
    let tags = t.matches("</").count();
    tags >= 5 && tags * 40 >= t.len() / 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(detect(r#"{"a": [1, 2]}"#), ContentKind::Json);
        assert_eq!(detect("src/main.rs:12:fn main() {\nsrc/lib.rs:3:pub fn x() {}\n"), ContentKind::Search);
        assert_eq!(
            detect("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n"),
            ContentKind::Diff
        );
        assert_eq!(
            detect("2024-01-02 10:00:00 INFO start\n2024-01-02 10:00:01 ERROR boom\n2024-01-02 10:00:02 INFO end\n"),
            ContentKind::Log
        );
        assert_eq!(
            detect("import os\n\ndef main():\n    x = 1\n    return x\n\nclass A:\n    def f(self):\n        pass\n"),
            ContentKind::Code(Language::Python)
        );
        assert_eq!(detect("<!DOCTYPE html><html><body><p>hi</p></body></html>"), ContentKind::Html);
        assert_eq!(detect("This is a sentence. And another one follows it here."), ContentKind::Prose);
        assert_eq!(
            detect(
                "17/06/09 20:10:40 INFO executor: Registered\n17/06/09 20:10:41 INFO spark: Changing acls\n"
            ),
            ContentKind::Log
        );
        assert_eq!(
            detect("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579\n20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4\n"),
            ContentKind::Log
        );
        let rst = "Session Objects\n---------------\n\nThe Session object allows you to persist certain parameters across\nrequests. It also persists cookies across all requests made from the\nSession instance::\n\n    import requests\n    from requests import Session\n    def f(s):\n        s = requests.Session()\n        return s.get('https://httpbin.org/cookies')\n";
        assert_eq!(detect(rst), ContentKind::Prose);
        assert_eq!(
            detect(
                "src/a.py\n12:import os\n40:    os.getcwd()\n\nsrc/b.py\n3:import os\n9:os.sep\n71:os.path\n"
            ),
            ContentKind::Search
        );
        let listing: String = (1..30).map(|i| format!("{i}:    x = {i}\n")).collect();
        assert_ne!(detect(&listing), ContentKind::Search);
        let log: String =
            (10..40).map(|i| format!("03-17 16:13:{i}.811  1702  2395 D WindowManager: frozen\n")).collect();
        assert_ne!(detect(&log), ContentKind::Search);
    }

    #[test]
    fn build_and_install_output_is_log() {
        // javac -verbose + make: bracketed progress tags, a diagnostic, make's error line.
        let mut javac = String::from("javac -verbose -d out src/app/Main.java\n");
        for i in 0..40 {
            javac.push_str(&format!(
                "[loading /modules/java.base/java/util/Type{i}.class]\n[checking app.Part{i}]\n"
            ));
        }
        javac.push_str(
            "src/app/Main.java:12: error: cannot find symbol\n1 error\nmake: *** [Makefile:4: all] Error 1\n",
        );
        assert_eq!(detect(&javac), ContentKind::Log);
        // gcc diagnostics have the shape of grep hits but are build output.
        let gcc: String = (0..12)
            .map(|i| {
                format!(
                    "src/net/conn{i}.c:{}:9: warning: unused variable 'n{i}' [-Wunused-variable]\n",
                    40 + i
                )
            })
            .chain(["src/net/conn3.c:88:5: error: implicit declaration of function 'frob'\n".to_owned()])
            .collect();
        assert_eq!(detect(&gcc), ContentKind::Log);
        // grep hits whose content happens to start with `error:` stay search hits.
        let grep: String =
            (0..12).map(|i| format!("deploy/svc{i}.yml:{}:    error: retry\n", 3 + i)).collect();
        assert_eq!(detect(&grep), ContentKind::Search);
        // dpkg: no timestamps, no levels, the same few verbs over and over.
        let mut dpkg = String::new();
        for i in 0..30 {
            dpkg.push_str(&format!(
                "Selecting previously unselected package libx{i}.\nPreparing to unpack .../libx{i}_1.{i}_amd64.deb ...\nUnpacking libx{i} (1.{i}) ...\n"
            ));
        }
        assert_eq!(detect(&dpkg), ContentKind::Log);
        // Any tool's line-oriented output: few words opening most lines, no paragraphs.
        let tool: String = (0..60)
            .map(|i| format!("{} shard-{i} on node{}\n", ["Copying", "Verifying", "Sealing"][i % 3], i % 4))
            .collect();
        assert_eq!(detect(&tool), ContentKind::Log);
        // A changelog is bulleted prose with paragraphs, not a log.
        let mut changelog = String::new();
        for v in 0..8 {
            changelog.push_str(&format!("## 1.{v}.0\n\n"));
            for i in 0..5 {
                changelog.push_str(&format!(
                    "- fix the handling of option number {i} when the
  connection is reused by a pooled client ([#{}])\n",
                    100 * v + i
                ));
            }
            changelog.push('\n');
        }
        assert_eq!(detect(&changelog), ContentKind::Prose);
    }

    #[test]
    fn splits_hits() {
        assert_eq!(
            split_search_hit("src/a-b.rs:12:  let x = 1;"),
            Some(("src/a-b.rs", 12, ':', "  let x = 1;"))
        );
        assert_eq!(split_search_hit("src/a.rs-13-context"), Some(("src/a.rs", 13, '-', "context")));
        assert_eq!(split_search_hit("no hit here"), None);
        assert_eq!(strip_line_number("    12\tdef f():"), "def f():");
    }
}
