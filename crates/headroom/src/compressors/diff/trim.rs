//! Context trimming inside one hunk: unchanged lines further than `reach` from a change are
//! dropped, and a hunk whose middle loses a long unchanged run is split in two, each piece
//! with a recomputed `@@ -a,b +c,d @@` header (what `git diff -U<reach>` would print). Changed
//! lines are never touched.

use std::fmt::Write as _;

use super::parse::Hunk;

/// Unchanged runs inside a hunk shorter than this stay whole: a new header would cost more
/// than the lines it saves.
const SPLIT_MIN: usize = 4;

/// A row of a printed piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Row<'a> {
    /// An input line, verbatim.
    Line(&'a str),
    /// Consecutive lines elided, printed as one marker: how many, and how many of them were
    /// removed / added lines.
    Gap { lines: usize, removed: usize, added: usize },
}

/// One output piece of a hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece<'a> {
    /// The original header when the piece spans the whole hunk, else a recomputed one.
    pub header: std::borrow::Cow<'a, str>,
    pub rows: Vec<Row<'a>>,
}

/// A hunk after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Trimmed<'a> {
    pub pieces: Vec<Piece<'a>>,
    /// Unchanged lines trimmed away at piece edges and between pieces.
    pub dropped: usize,
    /// Lines left out of a hunk cut down to its definitions ([`skeleton`]).
    pub hidden: Hidden,
}

/// Lines left out of a hunk cut down to its definitions: how many, and how many of them were
/// removed / added lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Hidden {
    pub lines: usize,
    pub removed: usize,
    pub added: usize,
}

impl Trimmed<'_> {
    /// Bytes of the rendered pieces (headers, lines and gap markers, newline each).
    pub(super) fn bytes(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| {
                p.header.len()
                    + 1
                    + p.rows
                        .iter()
                        .map(|r| match r {
                            Row::Line(l) => l.len() + 1,
                            Row::Gap { .. } => super::plan::MARKER_BYTES,
                        })
                        .sum::<usize>()
            })
            .sum()
    }
}

/// The hunk unchanged, as one piece.
pub(super) fn whole<'a>(hunk: &Hunk<'a>) -> Trimmed<'a> {
    Trimmed {
        pieces: vec![Piece {
            header: hunk.header.into(),
            rows: hunk.lines.iter().map(|l| Row::Line(l)).collect(),
        }],
        dropped: 0,
        hidden: Hidden::default(),
    }
}

/// Trim `hunk`'s context to `reach` lines around changes, and print the lines flagged in
/// `elide` (whole blocks judged irrelevant) as gaps. Combined (multi-parent) hunks are only
/// elided, never re-split.
pub(super) fn trim<'a>(hunk: &Hunk<'a>, reach: usize, elide: &[bool]) -> Trimmed<'a> {
    let n = hunk.lines.len();
    let elided = |k: usize| elide.get(k).copied().unwrap_or(false);
    if n == 0 || hunk.parents != 1 && !(0..n).any(elided) {
        return whole(hunk);
    }
    let mut keep = vec![true; n];
    if hunk.parents == 1 {
        let change: Vec<bool> =
            hunk.lines.iter().enumerate().map(|(k, l)| is_change(l) && !elided(k)).collect();
        keep = context_mask(hunk, &change, reach);
        for (k, x) in keep.iter_mut().enumerate() {
            *x |= elided(k);
        }
    }
    let dropped = keep.iter().filter(|&&k| !k).count();
    if dropped == 0 && !(0..n).any(elided) {
        return whole(hunk);
    }
    Trimmed { pieces: pieces(hunk, &keep, elided), dropped, hidden: Hidden::default() }
}

/// `hunk` cut down to body lines `lines` (changed lines, in order), each run of them a piece
/// under a recomputed header; the other lines are counted in [`Trimmed::hidden`]. `None` for
/// combined hunks, which are never re-split.
pub(super) fn skeleton<'a>(hunk: &Hunk<'a>, lines: &[usize]) -> Option<Trimmed<'a>> {
    if hunk.parents != 1 || lines.is_empty() {
        return None;
    }
    let mut keep = vec![false; hunk.lines.len()];
    for &k in lines {
        *keep.get_mut(k)? = true;
    }
    // `\ No newline at end of file` follows the line it annotates.
    for k in 1..keep.len() {
        if hunk.lines.get(k).is_some_and(|l| l.starts_with('\\')) && keep.get(k - 1) == Some(&true) {
            if let Some(x) = keep.get_mut(k) {
                *x = true;
            }
        }
    }
    let (mut lines, mut removed, mut added) = (0, 0, 0);
    for (l, _) in hunk.lines.iter().zip(&keep).filter(|(_, &k)| !k) {
        lines += 1;
        match l.as_bytes().first() {
            Some(b'-') => removed += 1,
            Some(b'+') => added += 1,
            _ => {}
        }
    }
    Some(Trimmed {
        pieces: pieces(hunk, &keep, |_| false),
        dropped: 0,
        hidden: Hidden { lines, removed, added },
    })
}

/// The pieces printing `hunk`'s lines flagged in `keep` (lines also `elided` print as gaps),
/// each maximal run of kept lines under its own header.
fn pieces<'a>(hunk: &Hunk<'a>, keep: &[bool], elided: impl Fn(usize) -> bool) -> Vec<Piece<'a>> {
    let n = hunk.lines.len();
    let mut pieces = Vec::new();
    let (mut old_ln, mut new_ln) = (hunk.old_start, hunk.new_start);
    let mut current: Option<Open<'a>> = None;
    for (k, &l) in hunk.lines.iter().enumerate() {
        let (d_old, d_new) = match l.as_bytes().first() {
            Some(b'+') => (0, 1),
            Some(b'-') => (1, 0),
            Some(b'\\') => (0, 0),
            _ => (1, 1),
        };
        if keep.get(k) == Some(&true) {
            let cur = current.get_or_insert_with(|| Open {
                first: k,
                old: (old_ln, 0),
                new: (new_ln, 0),
                // Bounded: a hunk cut to many one-line pieces must not reserve its length for each.
                rows: Vec::with_capacity((n - k).min(256)),
            });
            cur.old.1 = cur.old.1.saturating_add(d_old);
            cur.new.1 = cur.new.1.saturating_add(d_new);
            if elided(k) {
                if !matches!(cur.rows.last(), Some(Row::Gap { .. })) {
                    cur.rows.push(Row::Gap { lines: 0, removed: 0, added: 0 });
                }
                if let Some(Row::Gap { lines, removed, added }) = cur.rows.last_mut() {
                    *lines += 1;
                    *removed += usize::from(hunk.is_removal(l));
                    *added += usize::from(hunk.is_addition(l));
                }
            } else {
                cur.rows.push(Row::Line(l));
            }
        } else if let Some(done) = current.take() {
            pieces.push(done.close(hunk, k));
        }
        old_ln = old_ln.saturating_add(d_old);
        new_ln = new_ln.saturating_add(d_new);
    }
    if let Some(done) = current.take() {
        pieces.push(done.close(hunk, n));
    }
    pieces
}

fn is_change(l: &str) -> bool {
    l.starts_with('+') || l.starts_with('-')
}

/// Which lines to keep so every change has `reach` unchanged lines around it; short inner
/// runs stay whole.
fn context_mask(hunk: &Hunk<'_>, change: &[bool], reach: usize) -> Vec<bool> {
    let n = change.len();
    let mut keep = vec![false; n];
    let mut last_change: Option<usize> = None;
    for (k, &c) in change.iter().enumerate() {
        if c {
            last_change = Some(k);
        }
        if last_change.is_some_and(|lc| k - lc <= reach) {
            if let Some(x) = keep.get_mut(k) {
                *x = true;
            }
        }
    }
    let mut next_change: Option<usize> = None;
    for k in (0..n).rev() {
        if change.get(k) == Some(&true) {
            next_change = Some(k);
        }
        if next_change.is_some_and(|nc| nc - k <= reach) {
            if let Some(x) = keep.get_mut(k) {
                *x = true;
            }
        }
    }
    // `\ No newline at end of file` follows the line it annotates.
    for k in 1..n {
        if hunk.lines.get(k).is_some_and(|l| l.starts_with('\\')) && keep.get(k - 1) == Some(&true) {
            if let Some(x) = keep.get_mut(k) {
                *x = true;
            }
        }
    }
    let (Some(first), Some(last)) = (keep.iter().position(|&k| k), keep.iter().rposition(|&k| k)) else {
        return vec![true; n];
    };
    let mut k = first;
    while k <= last {
        if keep.get(k) == Some(&false) {
            let end = (k..=last).find(|&j| keep.get(j) == Some(&true)).unwrap_or(last + 1);
            if end - k < SPLIT_MIN {
                for x in keep.iter_mut().take(end).skip(k) {
                    *x = true;
                }
            }
            k = end;
        } else {
            k += 1;
        }
    }
    keep
}

/// A piece being built: first body index, (start, count) per side, rows.
struct Open<'a> {
    first: usize,
    old: (u32, u32),
    new: (u32, u32),
    rows: Vec<Row<'a>>,
}

impl<'a> Open<'a> {
    fn close(self, hunk: &Hunk<'a>, end: usize) -> Piece<'a> {
        if self.first == 0 && end == hunk.lines.len() {
            return Piece { header: hunk.header.into(), rows: self.rows };
        }
        // git prints an empty side as the line before it, and omits a count of 1.
        let range = |out: &mut String, (start, count): (u32, u32)| {
            let _ = match count {
                0 => write!(out, "{},0", start.saturating_sub(1)),
                1 => write!(out, "{start}"),
                c => write!(out, "{start},{c}"),
            };
        };
        let mut header = String::with_capacity(32 + hunk.heading.len());
        header.push_str("@@ -");
        range(&mut header, self.old);
        header.push_str(" +");
        range(&mut header, self.new);
        header.push_str(" @@");
        if !hunk.heading.is_empty() {
            header.push(' ');
            header.push_str(hunk.heading);
        }
        Piece { header: header.into(), rows: self.rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compressors::diff::parse::{parse, Part};

    fn hunk_of(text: &str) -> Option<Hunk<'_>> {
        parse(text).into_iter().find_map(|p| {
            if let Part::File(f) = p {
                f.hunks.into_iter().next()
            } else {
                None
            }
        })
    }

    #[test]
    fn trims_edges_and_splits_long_gaps() {
        let text = "--- a/u.py\n+++ b/u.py\n@@ -236,14 +236,11 @@ def get_netrc_auth(url):\n             return\n \n         ri = urlparse(url)\n-\n-        splitstr = b\":\"\n-        host = ri.netloc.split(splitstr)[0]\n+        host = ri.hostname\n \n         try:\n             a = 1\n             b = 2\n             c = 3\n             d = 4\n-            e = 5\n             f = 6\n";
        let Some(h) = hunk_of(text) else { unreachable!("no hunk") };
        let t = trim(&h, 1, &[]);
        assert_eq!(t.pieces.len(), 2);
        assert_eq!(t.pieces[0].header, "@@ -238,5 +238,3 @@ def get_netrc_auth(url):");
        assert_eq!(
            t.pieces[0].rows,
            lines(&[
                "         ri = urlparse(url)",
                "-",
                "-        splitstr = b\":\"",
                "-        host = ri.netloc.split(splitstr)[0]",
                "+        host = ri.hostname",
                " "
            ])
        );
        assert_eq!(t.pieces[1].header, "@@ -247,3 +245,2 @@ def get_netrc_auth(url):");
        assert_eq!(
            t.pieces[1].rows,
            lines(&["             d = 4", "-            e = 5", "             f = 6"])
        );
        // kept + dropped = all lines.
        let kept: usize = t.pieces.iter().map(|p| p.rows.len()).sum();
        assert_eq!(kept + t.dropped, h.lines.len());
    }

    #[test]
    fn short_gaps_stay_whole() {
        let text = "--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n-d\n+D\n";
        let Some(h) = hunk_of(text) else { unreachable!("no hunk") };
        assert_eq!(trim(&h, 1, &[]), whole(&h));
    }

    #[test]
    fn elided_blocks_become_gaps_under_the_original_header() {
        let text = "--- /dev/null\n+++ b/n.ts\n@@ -0,0 +1,7 @@\n+import x\n+\n+function a() {\n+  return 1\n+}\n+\n+export const b = 2\n";
        let Some(h) = hunk_of(text) else { unreachable!("no hunk") };
        let t = trim(&h, 1, &[false, false, true, true, true, false, false]);
        assert_eq!(t.pieces.len(), 1);
        assert_eq!(t.pieces[0].header, "@@ -0,0 +1,7 @@");
        let mut want = lines(&["+import x", "+"]);
        want.push(Row::Gap { lines: 3, removed: 0, added: 3 });
        want.extend(lines(&["+", "+export const b = 2"]));
        assert_eq!(t.pieces[0].rows, want);
    }

    fn lines<'a>(ls: &[&'a str]) -> Vec<Row<'a>> {
        ls.iter().map(|l| Row::Line(l)).collect()
    }
}
