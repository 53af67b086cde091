//! Writes the kept rows back out, verbatim and in input order, then one closing line that
//! names every file that lost matches with its exact counts and carries the block's single
//! marker: `matches omitted/total per file: src/a.rs 9/12, src/{b.rs 2/2, c.rs 1/4}
//! [headroom: 12 matches omitted; ...]` (`lines` when context lines went too). Per-file marker
//! lines would cost about as much as the one or two hits they stand for; files of one
//! directory share its name once.

use std::fmt::Write as _;

use rustc_hash::FxHashMap as HashMap;

use super::parse::{Kind, Row};
use super::select::groups;
use crate::compressors::Context;

/// What one file (group of rows) had and lost.
#[derive(Debug, Default, Clone, Copy)]
struct Tally<'a> {
    path: &'a str,
    matches: usize,
    omitted_matches: usize,
    omitted_context: usize,
    kept: usize,
}

/// Render `rows` keeping those with `keep[i]`.
pub(super) fn render(rows: &[Row<'_>], keep: &[bool], cx: &Context<'_>) -> String {
    let group = groups(rows);
    let n_groups = group.last().copied().unwrap_or(0) + 1;
    let mut tally: Vec<Tally<'_>> = vec![Tally::default(); n_groups];
    for (i, r) in rows.iter().enumerate() {
        let (Some(&g), Some(&k)) = (group.get(i), keep.get(i)) else { continue };
        let Some(t) = tally.get_mut(g) else { continue };
        match r.kind {
            Kind::Match | Kind::Context => {
                t.path = r.path;
                if r.kind == Kind::Match {
                    t.matches += 1;
                }
                match (k, r.kind) {
                    (true, _) => t.kept += 1,
                    (false, Kind::Match) => t.omitted_matches += 1,
                    _ => t.omitted_context += 1,
                }
            }
            Kind::Heading => t.path = r.path,
            Kind::Separator | Kind::Other => {}
        }
    }
    let separated = rows.iter().any(|r| r.kind == Kind::Separator);

    let mut out = Out { text: String::with_capacity(rows.len() * 40), last_blank: false, any: false };
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
    }
    if let Some(line) = summary(&tally, cx) {
        out.line(&line);
    }
    if owed_blank && !out.last_blank {
        out.line("");
    }
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

/// The closing line: each file that lost matches as `path omitted/total` (the files of one
/// directory as `dir/{a 1/2, b 2/2}`, directories in order of first appearance), then the
/// marker for everything dropped.
fn summary(tally: &[Tally<'_>], cx: &Context<'_>) -> Option<String> {
    let omitted_matches: usize = tally.iter().map(|t| t.omitted_matches).sum();
    let omitted_context: usize = tally.iter().map(|t| t.omitted_context).sum();
    if omitted_matches + omitted_context == 0 {
        return None;
    }
    // Per file, a file split over several runs counted once.
    let mut files: Vec<FileCount<'_>> = Vec::new();
    let mut file_slot: HashMap<&str, usize> = HashMap::default();
    for t in tally.iter().filter(|t| t.matches > 0) {
        let k = *file_slot.entry(t.path).or_insert_with(|| {
            files.push(FileCount { path: t.path, omitted: 0, total: 0 });
            files.len() - 1
        });
        if let Some(f) = files.get_mut(k) {
            f.omitted += t.omitted_matches;
            f.total += t.matches;
        }
    }
    let mut dirs: Vec<(&str, Vec<FileCount<'_>>)> = Vec::new();
    let mut dir_slot: HashMap<&str, usize> = HashMap::default();
    for f in files.into_iter().filter(|f| f.omitted > 0) {
        let dir = parent(f.path);
        let k = *dir_slot.entry(dir).or_insert_with(|| {
            dirs.push((dir, Vec::new()));
            dirs.len() - 1
        });
        if let Some((_, in_dir)) = dirs.get_mut(k) {
            in_dir.push(f);
        }
    }
    let mut line = String::new();
    if !dirs.is_empty() {
        line.push_str("matches omitted/total per file:");
    }
    for (k, (dir, in_dir)) in dirs.iter().enumerate() {
        line.push_str(if k == 0 { " " } else { ", " });
        // Bare names (no directory) and lone files are written out; the others share their
        // directory's name.
        let shared = !dir.is_empty() && in_dir.len() > 1;
        if shared {
            line.push_str(dir);
            line.push('{');
        }
        for (j, f) in in_dir.iter().enumerate() {
            let name = if shared { f.path.get(dir.len()..).unwrap_or(f.path) } else { f.path };
            let sep = if j == 0 { "" } else { ", " };
            let space = if name.is_empty() { "" } else { " " };
            let _ = write!(line, "{sep}{name}{space}{}/{}", f.omitted, f.total);
        }
        if shared {
            line.push('}');
        }
    }
    if !line.is_empty() {
        line.push(' ');
    }
    line.push_str(&if omitted_context == 0 {
        cx.marker(omitted_matches, "matches")
    } else {
        cx.marker(omitted_matches + omitted_context, "lines")
    });
    Some(line)
}

/// One file's matches: how many were omitted, of how many.
#[derive(Debug, Clone, Copy)]
struct FileCount<'a> {
    path: &'a str,
    omitted: usize,
    total: usize,
}

/// `a/b/` of `a/b/c.rs` (`""` for a bare name).
fn parent(path: &str) -> &str {
    path.rfind('/').and_then(|i| path.get(..=i)).unwrap_or("")
}
