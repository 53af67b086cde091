//! Writes the kept rows back out, verbatim and in input order, with one marker line per file
//! that lost matches (`path (12 matches) [headroom: 9 matches omitted; ...]`, or `lines` when
//! context lines went too) and, last, one `other files: a.rs (3 matches), ...` line naming
//! every file that lost all of its matches.

use std::fmt::Write as _;

use super::parse::{Kind, Row};
use super::select::groups;
use crate::compressors::Context;

/// What one file (group of rows) had and lost.
#[derive(Debug, Default, Clone)]
struct Tally<'a> {
    path: &'a str,
    matches: usize,
    omitted_matches: usize,
    omitted_context: usize,
    kept: usize,
}

impl Tally<'_> {
    fn omitted(&self) -> usize {
        self.omitted_matches + self.omitted_context
    }
}

/// Past this many bytes the list of fully omitted files ends in "and N more files".
const LIST_BYTES: usize = 3000;

fn count_phrase(n: usize) -> String {
    if n == 1 {
        "1 match".to_owned()
    } else {
        format!("{n} matches")
    }
}

fn marker(cx: &Context<'_>, omitted_matches: usize, omitted_context: usize) -> String {
    if omitted_context == 0 {
        cx.marker(omitted_matches, "matches")
    } else {
        cx.marker(omitted_matches + omitted_context, "lines")
    }
}

/// Render `rows` keeping those with `keep[i]`.
pub(super) fn render(rows: &[Row<'_>], keep: &[bool], cx: &Context<'_>) -> String {
    let group = groups(rows);
    let n_groups = group.last().copied().unwrap_or(0) + 1;
    let mut tally: Vec<Tally<'_>> = vec![Tally::default(); n_groups];
    let mut last_row = vec![usize::MAX; n_groups];
    for (i, r) in rows.iter().enumerate() {
        let (Some(&g), Some(&k)) = (group.get(i), keep.get(i)) else { continue };
        let (Some(t), Some(last)) = (tally.get_mut(g), last_row.get_mut(g)) else { continue };
        match r.kind {
            Kind::Match => {
                t.path = r.path;
                t.matches += 1;
                if k {
                    t.kept += 1;
                } else {
                    t.omitted_matches += 1;
                }
                *last = i;
            }
            Kind::Context => {
                t.path = r.path;
                if k {
                    t.kept += 1;
                } else {
                    t.omitted_context += 1;
                }
                *last = i;
            }
            Kind::Heading => t.path = r.path,
            Kind::Separator | Kind::Other => {}
        }
    }
    let separated = rows.iter().any(|r| r.kind == Kind::Separator);

    let mut out = Out { text: String::with_capacity(rows.len() * 40), last_blank: false, any: false };
    let mut pending: Vec<Tally<'_>> = Vec::new();
    let mut owed_blank = false;
    let mut gap = false; // rows or a separator lie between the last written hit and the next
    for (i, r) in rows.iter().enumerate() {
        let g = group.get(i).copied().unwrap_or(0);
        let kept = keep.get(i).copied().unwrap_or(true);
        match r.kind {
            Kind::Match | Kind::Context => {
                if kept {
                    if separated && gap && out.any {
                        out.line("--");
                    }
                    out.line(r.raw);
                    gap = false;
                } else {
                    gap = true;
                }
            }
            Kind::Heading => {
                if tally.get(g).is_some_and(|t| t.kept > 0) {
                    out.line(r.raw);
                    gap = false;
                }
            }
            Kind::Separator => gap = true,
            Kind::Other => {
                let trailing = i + 1 == rows.len();
                if trailing && r.raw.is_empty() {
                    owed_blank = true;
                } else if !(r.raw.trim().is_empty() && out.last_blank) {
                    out.line(r.raw);
                }
            }
        }
        if last_row.get(g) == Some(&i) {
            if let Some(t) = tally.get(g) {
                if t.kept == 0 {
                    pending.push(t.clone());
                } else if t.omitted() > 0 {
                    let head = if t.path.is_empty() { String::new() } else { format!("{} ", t.path) };
                    let m = marker(cx, t.omitted_matches, t.omitted_context);
                    out.line(&format!("{head}({}) {m}", count_phrase(t.matches)));
                    gap = true;
                }
            }
        }
    }
    flush(&mut out, &mut pending, &mut owed_blank, cx);
    out.text
}

struct Out {
    text: String,
    last_blank: bool,
    any: bool,
}

impl Out {
    fn line(&mut self, l: &str) {
        if self.any {
            self.text.push('\n');
        }
        self.text.push_str(l);
        self.any = true;
        self.last_blank = l.trim().is_empty();
    }
}

/// Name the files that lost every match, on one line before any blank line held back.
fn flush(out: &mut Out, pending: &mut Vec<Tally<'_>>, owed_blank: &mut bool, cx: &Context<'_>) {
    if !pending.is_empty() {
        let mut line = String::from("other files:");
        let mut listed = 0;
        for t in pending.iter() {
            if line.len() > LIST_BYTES {
                break;
            }
            let sep = if listed == 0 { " " } else { ", " };
            let _ = write!(line, "{sep}{} ({})", t.path, count_phrase(t.matches));
            listed += 1;
        }
        if let Some(rest) = pending.get(listed..).filter(|r| !r.is_empty()) {
            let n: usize = rest.iter().map(|t| t.matches).sum();
            let _ = write!(line, " and {} more files ({})", rest.len(), count_phrase(n));
        }
        let m: usize = pending.iter().map(|t| t.omitted_matches).sum();
        let c: usize = pending.iter().map(|t| t.omitted_context).sum();
        let _ = write!(line, " {}", marker(cx, m, c));
        out.line(&line);
        pending.clear();
    }
    if *owed_blank {
        if !out.last_blank {
            out.line("");
        }
        *owed_blank = false;
    }
}
