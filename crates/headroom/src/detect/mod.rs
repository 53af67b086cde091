//! Content detection: one function, one answer. Every eligible block is classified here and
//! nowhere else. Line shapes (search hits, log lines, compiler diagnostics) live in `lines`,
//! the guess at a source language in `language`.

use serde::{Deserialize, Serialize};

mod language;
mod lines;

use language::code_language;
use lines::{is_diagnostic, is_log_line};
pub(crate) use lines::{is_search_hit, strip_line_number};

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
    use super::lines::split_search_hit;
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
