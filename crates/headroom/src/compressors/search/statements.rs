//! Statements that run over several matching lines: a call whose arguments continue on the
//! next line (`warnings.warn("x is deprecated",` / `DeprecationWarning)`), a line ending in
//! `\`. Both lines are hits, and they say one thing, so they are scored and kept as one unit.

use std::ops::Range;

use super::parse::{Kind, Row};

/// At most this many rows form one statement (bounds the cost of an unclosed bracket).
const MAX_ROWS: usize = 4;

/// Every match row in exactly one range of consecutive rows, in input order: a match starts a
/// unit, and the next row joins it while it is the next line of the same file and the unit so
/// far leaves a bracket open or ends in `\`.
pub(super) fn statements(rows: &[Row<'_>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = rows.get(i) {
        if first.kind != Kind::Match {
            i += 1;
            continue;
        }
        let start = i;
        let mut last = first;
        // Worked out only when a consecutive match follows (rare).
        let mut open: Option<i32> = None;
        i += 1;
        while i - start < MAX_ROWS {
            let Some(next) = rows.get(i) else { break };
            let adjacent = next.kind == Kind::Match
                && next.path == last.path
                && last.line.checked_add(1) == Some(next.line)
                && last.line > 0;
            if !adjacent {
                break;
            }
            let depth = *open.get_or_insert_with(|| balance(first.content));
            if depth <= 0 && !last.content.trim_end().ends_with('\\') {
                break;
            }
            open = Some(depth + balance(next.content));
            last = next;
            i += 1;
        }
        out.push(start..i);
    }
    out
}

/// Round and square brackets opened minus closed, outside double-quoted strings.
fn balance(text: &str) -> i32 {
    let mut depth = 0i32;
    let mut quoted = false;
    let mut escaped = false;
    for b in text.bytes() {
        if quoted {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn continued_calls_join() {
        let text = "\
lib/a.py:10:    warn('x is deprecated',
lib/a.py:11:         DeprecationWarning)
lib/a.py:12:    warn('y')
lib/a.py:20:    fn f(a: u32) {
lib/a.py:21:        g(a)
lib/b.py:22:    h(\"(\",
lib/b.py:23:      1)";
        let rows = parse(text);
        assert_eq!(statements(&rows), vec![0..2, 2..3, 3..4, 4..5, 5..7]);
    }
}
