//! The input as lines: plain source, or `cat -n` / `12: ` style numbered listings whose numbers
//! are stripped for parsing while the original lines stay available byte for byte.

use std::borrow::Cow;

use crate::detect::strip_line_number;

/// The block split into lines, with the code each line carries.
pub(super) struct Source<'a> {
    /// Original lines (split on `\n`), as they must be reproduced when kept.
    pub lines: Vec<&'a str>,
    /// The code part of each line (the line itself unless numbered).
    pub code: Vec<&'a str>,
    /// The line numbers shown to the reader, when the input carries them.
    numbers: Option<Vec<u64>>,
}

impl<'a> Source<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.split('\n').collect();
        match numbered(&lines) {
            Some((code, numbers)) => Self { lines, code, numbers: Some(numbers) },
            None => Self { code: lines.clone(), lines, numbers: None },
        }
    }

    /// The text to parse: the code of every line, joined.
    pub(super) fn code_text(&self, original: &'a str) -> Cow<'a, str> {
        if self.numbers.is_some() {
            Cow::Owned(self.code.join("\n"))
        } else {
            Cow::Borrowed(original)
        }
    }

    /// The line number a reader sees for row `row` (1-based when the input has none).
    pub(super) fn number(&self, row: usize) -> u64 {
        match &self.numbers {
            Some(n) => n.get(row).copied().unwrap_or(row as u64 + 1),
            None => row as u64 + 1,
        }
    }

    /// Blank padding as wide as row `row`'s number prefix, so marker lines line up with code.
    pub(super) fn pad(&self, row: usize) -> String {
        if self.numbers.is_none() {
            return String::new();
        }
        let (Some(line), Some(code)) = (self.lines.get(row), self.code.get(row)) else {
            return String::new();
        };
        let prefix = line.get(..line.len().saturating_sub(code.len())).unwrap_or("");
        prefix.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect()
    }

    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }
}

/// The leading number of a numbered line, if any (`   12\tx`, `12: x`, a bare `  12`), and the
/// code after it (empty for a bare number).
fn leading_number(line: &str) -> Option<(u64, &str)> {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 7 {
        return None;
    }
    let n = t.get(..digits)?.parse().ok()?;
    if t.len() == digits {
        return Some((n, ""));
    }
    let code = strip_line_number(line);
    (code.len() != line.len()).then_some((n, code))
}

/// Split numbered lines into code and numbers when nearly every line is numbered and the
/// numbers count up by one (so code that merely starts with digits is not mistaken for it).
fn numbered<'a>(lines: &[&'a str]) -> Option<(Vec<&'a str>, Vec<u64>)> {
    let mut numbers = Vec::with_capacity(lines.len());
    let mut code = Vec::with_capacity(lines.len());
    let (mut hits, mut steps, mut nonblank) = (0usize, 0usize, 0usize);
    let mut prev: Option<u64> = None;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            code.push("");
            numbers.push(prev.map_or(i as u64 + 1, |p| p + 1));
            continue;
        }
        nonblank += 1;
        match leading_number(line) {
            Some((n, stripped)) => {
                hits += 1;
                if prev.is_some_and(|p| p + 1 == n) {
                    steps += 1;
                }
                prev = Some(n);
                numbers.push(n);
                code.push(stripped);
            }
            None => {
                prev = prev.map(|p| p + 1);
                numbers.push(prev.unwrap_or(i as u64 + 1));
                code.push(line);
            }
        }
    }
    let enough = nonblank >= 3 && hits * 10 >= nonblank * 9 && steps * 10 >= hits.saturating_sub(1) * 9;
    enough.then_some((code, numbers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_listing_is_split() {
        let text = "   9\timport os\n  10\t\n  11\tdef f():\n  12\t    return 1\n";
        let s = Source::new(text);
        assert_eq!(s.code, ["import os", "", "def f():", "    return 1", ""]);
        assert_eq!(s.number(3), 12);
        assert_eq!(s.pad(3), "    \t");
        assert_eq!(s.code_text(text), "import os\n\ndef f():\n    return 1\n");
    }

    #[test]
    fn plain_code_is_not_numbered() {
        let text = "x = [\n    1,  2,\n    3,  4,\n]\n";
        let s = Source::new(text);
        assert_eq!(s.code, s.lines);
        assert_eq!(s.number(0), 1);
    }
}
