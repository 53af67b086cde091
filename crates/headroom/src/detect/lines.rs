//! The shapes of single lines detection counts: search hits (`path:line:content`, context
//! rows), log lines (timestamps, levels, tool prefixes, bracket tags) and compiler diagnostics.

/// A compiler diagnostic: a source location, then a severity (`src/a.c:12:5: error: ...`,
/// `Foo.java:3: warning: ...`, `a.ts(4,2): error TS2304: ...`, `a.ts:4:2 - error TS2304`).
pub(super) fn is_diagnostic(line: &str) -> bool {
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

pub(super) fn is_log_line(line: &str) -> bool {
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
