//! Reads grep / git grep / ripgrep output into rows: matches (`path:12:text`), ripgrep context
//! lines (`path-12-text`), `--` separators, and ripgrep's heading mode (a path line, then
//! `12:text` rows). Attribution is conservative: a context line belongs to a file only when it
//! starts with that file's path, so no row is ever credited to the wrong path or line.

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A matching line.
    Match,
    /// A context line (ripgrep `-A/-B/-C`).
    Context,
    /// ripgrep `--heading` file name line.
    Heading,
    /// The `--` between context groups.
    Separator,
    /// Anything else (blank lines, `Binary file x matches`, tool chatter).
    Other,
}

/// One input line, classified.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'a> {
    /// The line exactly as in the input (no trailing newline).
    pub raw: &'a str,
    pub kind: Kind,
    /// File the row belongs to (`""` for rows outside any file, or plain `grep -n` on one file).
    pub path: &'a str,
    /// Line number (0 when the row has none).
    pub line: u32,
    /// The matched / context text after the `path:line:` prefix.
    pub content: &'a str,
}

impl<'a> Row<'a> {
    fn new(raw: &'a str, kind: Kind) -> Self {
        Self { raw, kind, path: "", line: 0, content: "" }
    }
}

/// Classify every line of `text`.
pub(super) fn parse(text: &str) -> Vec<Row<'_>> {
    let mut lines = crate::compressors::lines::split_lines(text);
    for l in &mut lines {
        *l = l.strip_suffix('\r').unwrap_or(l);
    }
    let numbered = lines.iter().filter(|l| numbered_row(l).is_some()).count();
    let nonblank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    if nonblank > 0 && numbered * 2 >= nonblank {
        return parse_headings(&lines);
    }
    parse_prefixed(&lines)
}

/// `12:text` / `12-text`: (line, separator, text).
fn numbered_row(line: &str) -> Option<(u32, u8, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let sep = *line.as_bytes().get(digits)?;
    if digits == 0 || digits > 9 || !(sep == b':' || sep == b'-') {
        return None;
    }
    let n = line.get(..digits)?.parse().ok()?;
    Some((n, sep, line.get(digits + 1..)?))
}

fn parse_headings<'a>(lines: &[&'a str]) -> Vec<Row<'a>> {
    let mut path = "";
    lines
        .iter()
        .map(|&raw| {
            if raw == "--" {
                return Row::new(raw, Kind::Separator);
            }
            if raw.trim().is_empty() {
                return Row::new(raw, Kind::Other);
            }
            if let Some((line, sep, content)) = numbered_row(raw) {
                let kind = if sep == b':' { Kind::Match } else { Kind::Context };
                return Row { raw, kind, path, line, content };
            }
            path = raw;
            Row { raw, kind: Kind::Heading, path: raw, line: 0, content: "" }
        })
        .collect()
}

/// A path must look like one: no leading blank, and whitespace only inside a directory path.
fn pathish(path: &str) -> bool {
    if path.is_ascii() {
        // Byte for byte what the char tests below say, without decoding.
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        let b = path.as_bytes();
        return b.first().is_some_and(|f| !space(f))
            && b.iter().any(u8::is_ascii_alphanumeric)
            && (!b.iter().any(space) || b.contains(&b'/'));
    }
    !path.is_empty()
        && !path.starts_with(char::is_whitespace)
        && path.bytes().any(|b| b.is_ascii_alphanumeric())
        && (!path.contains(char::is_whitespace) || path.contains('/'))
}

/// `path<sep>12<sep>rest` at the first position where it fits.
fn split_at_sep(line: &str, sep: u8) -> Option<(&str, u32, &str)> {
    let b = line.as_bytes();
    let mut from = 1;
    while let Some(off) = b.get(from..).and_then(|r| memchr::memchr(sep, r)) {
        let i = from + off;
        let digits = b.get(i + 1..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        if digits > 0 && digits <= 9 && b.get(i + 1 + digits) == Some(&sep) {
            let path = line.get(..i)?;
            if pathish(path) {
                let n = line.get(i + 1..i + 1 + digits)?.parse().ok()?;
                return Some((path, n, line.get(i + 2 + digits..)?));
            }
        }
        from = i + 1;
    }
    None
}

/// `path-12-rest` where `path` is known.
fn context_of<'a>(line: &'a str, path: &str) -> Option<(u32, &'a str)> {
    let rest = line.strip_prefix(path)?.strip_prefix('-')?;
    let (n, sep, content) = numbered_row(rest)?;
    (sep == b'-').then_some((n, content))
}

fn parse_prefixed<'a>(lines: &[&'a str]) -> Vec<Row<'a>> {
    let matches: Vec<Option<(&str, u32, &str)>> = lines.iter().map(|l| split_at_sep(l, b':')).collect();
    // Path of the next match after each line, for `-B` context that precedes its match.
    let mut next_path = vec![""; lines.len()];
    let mut upcoming = "";
    for (i, m) in matches.iter().enumerate().rev() {
        if let Some(slot) = next_path.get_mut(i) {
            *slot = upcoming;
        }
        if let Some((p, _, _)) = m {
            upcoming = p;
        }
    }
    let mut prev_path = "";
    let mut rows = Vec::with_capacity(lines.len());
    for (i, &raw) in lines.iter().enumerate() {
        let next = next_path.get(i).copied().unwrap_or("");
        let row = if raw == "--" {
            Row::new(raw, Kind::Separator)
        } else if let Some((p, (line, content))) = [prev_path, next]
            .into_iter()
            .filter(|p| !p.is_empty())
            .find_map(|p| context_of(raw, p).map(|c| (p, c)))
        {
            Row { raw, kind: Kind::Context, path: p, line, content }
        } else if let Some((path, line, content)) = matches.get(i).copied().flatten() {
            Row { raw, kind: Kind::Match, path, line, content }
        } else if let Some((path, line, content)) = split_at_sep(raw, b'-') {
            Row { raw, kind: Kind::Context, path, line, content }
        } else {
            Row::new(raw, Kind::Other)
        };
        if matches!(row.kind, Kind::Match | Kind::Context) {
            prev_path = row.path;
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str, u32)> {
        parse(text).iter().map(|r| (r.kind, r.path, r.line)).collect()
    }

    #[test]
    fn git_grep_lines() {
        let rows = parse("src/a-1-b.rs:12:let x = \"k:1:v\";\nsrc/c.rs:3:fn c() {}");
        assert_eq!((rows[0].kind, rows[0].path, rows[0].line), (Kind::Match, "src/a-1-b.rs", 12));
        assert_eq!(rows[0].content, "let x = \"k:1:v\";");
        assert_eq!((rows[1].path, rows[1].line), ("src/c.rs", 3));
    }

    #[test]
    fn ripgrep_context() {
        let text = "src/a.rs-11-    // see x:1:y/z\nsrc/a.rs:12:    fn hit() {}\nsrc/a.rs-13-    }\n--\nsrc/b.rs:40:hit";
        assert_eq!(
            kinds(text),
            vec![
                (Kind::Context, "src/a.rs", 11),
                (Kind::Match, "src/a.rs", 12),
                (Kind::Context, "src/a.rs", 13),
                (Kind::Separator, "", 0),
                (Kind::Match, "src/b.rs", 40),
            ]
        );
    }

    #[test]
    fn ripgrep_headings() {
        let text = "src/a.rs\n12:    fn hit() {}\n13-    }\n\nsrc/b.rs\n40:hit\n";
        assert_eq!(
            kinds(text),
            vec![
                (Kind::Heading, "src/a.rs", 0),
                (Kind::Match, "src/a.rs", 12),
                (Kind::Context, "src/a.rs", 13),
                (Kind::Other, "", 0),
                (Kind::Heading, "src/b.rs", 0),
                (Kind::Match, "src/b.rs", 40),
                (Kind::Other, "", 0),
            ]
        );
    }
}
