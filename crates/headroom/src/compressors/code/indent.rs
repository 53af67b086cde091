//! The outline by indentation alone, for code tree-sitter cannot parse (fragments cut
//! mid-block, templates, dialects): a line followed by a deeper-indented block opens a body;
//! class-like openers are descended into instead.

use super::region::{first_indent, short, Item, Outline};
use super::source::Source;

/// Definitions whose indented block has at least `min_rows` rows.
pub(super) fn outline(src: &Source<'_>, min_rows: usize) -> Outline {
    let code = &src.code;
    let n = code.len();
    let indent = |r: usize| -> Option<usize> {
        let l = code.get(r)?;
        if l.trim().is_empty() {
            return None;
        }
        Some(l.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum())
    };
    let mut out = Vec::new();
    let mut r = 0;
    while r < n {
        let Some(d) = indent(r) else {
            r += 1;
            continue;
        };
        // The block: following rows deeper than `d` (blank rows inside count).
        let mut last_deep = None;
        let mut k = r + 1;
        while k < n {
            match indent(k) {
                Some(dk) if dk <= d => break,
                Some(_) => last_deep = Some(k),
                None => {}
            }
            k += 1;
        }
        let Some(end) = last_deep else {
            r += 1;
            continue;
        };
        let opener = code.get(r).copied().unwrap_or("").trim();
        if is_container_opener(opener) || end - r < min_rows {
            r += 1;
            continue;
        }
        let name = opener_name(opener);
        // A closing `}` / `)` at the opener's depth belongs to the definition.
        let closes =
            indent(k) == Some(d) && code.get(k).is_some_and(|l| l.trim_start().starts_with(['}', ')', ']']));
        let item_end = if closes { k } else { end };
        out.push(Item {
            start: r,
            body: (r + 1, end),
            end: item_end,
            name,
            body_indent: first_indent(code, (r + 1, end)),
        });
        r = item_end + 1;
    }
    Outline { items: out, docs: Vec::new() }
}

fn is_container_opener(line: &str) -> bool {
    let words =
        ["class ", "impl ", "impl<", "struct ", "interface ", "namespace ", "mod ", "trait ", "enum "];
    let stripped = line
        .trim_start_matches("pub ")
        .trim_start_matches("export ")
        .trim_start_matches("public ")
        .trim_start_matches("abstract ");
    words.iter().any(|w| stripped.starts_with(w))
}

/// The identifier right before the first `(` of an opener line, else its first word.
fn opener_name(line: &str) -> String {
    let head = line.split('(').next().unwrap_or(line);
    let name = head
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == ':'))
        .find(|w| !w.is_empty())
        .unwrap_or("block");
    short(name)
}
