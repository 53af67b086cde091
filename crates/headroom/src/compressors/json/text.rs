//! Long multi-line string values (captured logs, stdout, patches) in lossy mode: the first and
//! last lines plus the lines that carry an error, a warning or a word of the question stay;
//! each run of other lines becomes one marker line naming how many were cut. Lines are cut on
//! the string's `\n` escapes and kept exactly as written in the source.

use super::parse::decode;
use crate::compressors::Context;

/// Strings shorter than this (source bytes) are left whole.
const MIN_BYTES: usize = 4000;
/// ... and so are strings with fewer lines than this.
const MIN_LINES: usize = 60;
/// Lines always kept at each end.
const EDGE_LINES: usize = 15;
/// At most this many lines are kept for their signals.
const MAX_SIGNAL_LINES: usize = 60;

/// The raw lines of a string body: split on `\n` escapes, never inside another escape.
fn raw_lines(raw: &str) -> Vec<&str> {
    let b = raw.as_bytes();
    let (mut lines, mut start, mut i) = (Vec::new(), 0, 0);
    while i < b.len() {
        if b.get(i) == Some(&b'\\') {
            if b.get(i + 1) == Some(&b'n') {
                lines.push(raw.get(start..i).unwrap_or_default());
                start = i + 2;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    lines.push(raw.get(start..).unwrap_or_default());
    lines
}

/// The cut body of a long multi-line string, or `None` to keep it whole.
pub(super) fn cut_lines(raw: &str, cx: &Context<'_>) -> Option<String> {
    if raw.len() < MIN_BYTES {
        return None;
    }
    let lines = raw_lines(raw);
    let n = lines.len();
    if n < MIN_LINES {
        return None;
    }
    let mut keep: Vec<bool> = (0..n).map(|i| i < EDGE_LINES || i + EDGE_LINES >= n).collect();
    let mut signals = 0;
    for (i, line) in lines.iter().enumerate() {
        if signals >= MAX_SIGNAL_LINES {
            break;
        }
        let text = decode(line);
        let wanted = cx.signals.is_error(&text)
            || cx.signals.is_warning(&text)
            || cx.query.mentions_identifier(&text)
            || cx.query.term_hits(&text) > 0;
        if wanted && keep.get(i) == Some(&false) {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
                signals += 1;
            }
        }
    }
    let mut out = String::with_capacity(raw.len() / 4);
    let mut gap = 0;
    for (line, kept) in lines.iter().zip(&keep) {
        if !kept {
            gap += 1;
            continue;
        }
        if gap > 0 {
            out.push_str(&cx.marker(gap, "lines"));
            out.push_str("\\n");
            gap = 0;
        }
        out.push_str(line);
        out.push_str("\\n");
    }
    // The last line is always kept, so no gap is left open; drop the separator after it.
    out.truncate(out.len().saturating_sub(2));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_only_on_newline_escapes() {
        assert_eq!(raw_lines(r"a\nb\\nc\u000a\n"), vec!["a", r"b\\nc\u000a", ""]);
    }
}
