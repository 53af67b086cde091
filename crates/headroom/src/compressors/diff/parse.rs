//! Reads unified diffs (`git diff`, `git show`, `git log -p`, `diff -u`, combined `diff --cc`)
//! into commits' text lines, file sections and hunks. Hunk bodies end where the header's line
//! counts say, so commit messages and blank separators are never mistaken for context lines.

/// A piece of the diff, in input order.
#[derive(Debug)]
pub(super) enum Part<'a> {
    /// A line outside any file section: commit headers and messages, blank lines, stats.
    Line(&'a str),
    /// One file's section.
    File(File<'a>),
}

/// One file's section: its header lines and hunks.
#[derive(Debug)]
pub(super) struct File<'a> {
    /// `diff --git ...`, `index ...`, mode / rename lines, `--- a/x`, `+++ b/x`, `Binary files ...`.
    pub header: Vec<&'a str>,
    /// `GIT binary patch` payload lines (already counted out of `header`).
    pub binary: Vec<&'a str>,
    /// The file's path (new side, `a/`/`b/` stripped).
    pub path: &'a str,
    pub hunks: Vec<Hunk<'a>>,
    /// Index of the commit (count of `commit ` lines seen before it).
    pub commit: usize,
}

/// One hunk.
#[derive(Debug)]
pub(super) struct Hunk<'a> {
    /// The `@@ ... @@ heading` line.
    pub header: &'a str,
    /// Number of parents: 1 for unified diffs, 2+ for combined (`@@@`) hunks.
    pub parents: usize,
    /// Old-side start (first parent) and new-side start, from the header.
    pub old_start: u32,
    pub new_start: u32,
    /// Text after the closing `@@` (the function context git prints).
    pub heading: &'a str,
    /// Body lines, prefix included.
    pub lines: Vec<&'a str>,
}

impl Hunk<'_> {
    /// Is body line `l` an added or removed line (any parent column)?
    pub(super) fn is_change(&self, l: &str) -> bool {
        l.as_bytes().iter().take(self.parents).any(|&b| b == b'+' || b == b'-')
    }

    /// Is `l` a removed line (a `-` in some parent column)?
    pub(super) fn is_removal(&self, l: &str) -> bool {
        l.as_bytes().iter().take(self.parents).any(|&b| b == b'-')
    }

    /// Is `l` an added line (`+` columns, no `-`)?
    pub(super) fn is_addition(&self, l: &str) -> bool {
        !self.is_removal(l) && l.as_bytes().iter().take(self.parents).any(|&b| b == b'+')
    }

    /// Body line without its prefix columns.
    pub(super) fn text<'l>(&self, l: &'l str) -> &'l str {
        l.get(self.parents..).unwrap_or("")
    }
}

/// Parse `text` into parts. Never fails: lines that fit no structure become [`Part::Line`].
pub(super) fn parse(text: &str) -> Vec<Part<'_>> {
    let lines = crate::compressors::lines::split_lines(text);
    let mut parts = Vec::new();
    let mut commit = 0usize;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        if starts_file(&lines, i) {
            let (file, next) = parse_file(&lines, i, commit);
            parts.push(Part::File(file));
            i = next;
            continue;
        }
        if line.starts_with("commit ") {
            commit += 1;
        }
        parts.push(Part::Line(line));
        i += 1;
    }
    parts
}

fn starts_file(lines: &[&str], i: usize) -> bool {
    let Some(l) = lines.get(i) else { return false };
    if l.starts_with("diff --git ") || l.starts_with("diff --cc ") || l.starts_with("diff --combined ") {
        return true;
    }
    // `diff -u a b` style command echo, or a bare `--- a` / `+++ b` / `@@` triple.
    let next_is = |k: usize, p: &str| lines.get(i + k).is_some_and(|n| n.starts_with(p));
    (l.starts_with("diff -") && (next_is(1, "--- ") || next_is(1, "Only in") || next_is(1, "Binary files")))
        || (l.starts_with("--- ") && next_is(1, "+++ ") && next_is(2, "@@"))
}

fn is_header_line(l: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "index ",
        "new file mode",
        "deleted file mode",
        "old mode",
        "new mode",
        "similarity index",
        "dissimilarity index",
        "rename from",
        "rename to",
        "copy from",
        "copy to",
        "--- ",
        "+++ ",
        "Binary files ",
        "mode ",
    ];
    PREFIXES.iter().any(|p| l.starts_with(p))
}

fn parse_file<'a>(lines: &[&'a str], start: usize, commit: usize) -> (File<'a>, usize) {
    let mut header = Vec::new();
    let mut binary = Vec::new();
    let mut i = start;
    if let Some(&first) = lines.get(i) {
        header.push(first);
        i += 1;
    }
    while let Some(&l) = lines.get(i) {
        if l == "GIT binary patch" {
            header.push(l);
            i += 1;
            // literal/delta blocks of base85, separated by one blank line.
            while let Some(&b) = lines.get(i) {
                let next_block =
                    lines.get(i + 1).is_some_and(|n| n.starts_with("literal ") || n.starts_with("delta "));
                if b.is_empty() && !next_block {
                    break;
                }
                binary.push(b);
                i += 1;
            }
            continue;
        }
        if !is_header_line(l) {
            break;
        }
        header.push(l);
        i += 1;
    }
    let path = file_path(&header);
    let mut hunks = Vec::new();
    while let Some(&l) = lines.get(i) {
        let Some(mut hunk) = parse_hunk_header(l) else { break };
        i += 1;
        let mut remaining: Vec<u32> = hunk_counts(l);
        // A body has at most as many lines as its sides together (and as are left).
        let most: usize = remaining.iter().map(|&r| r as usize).sum();
        hunk.lines.reserve(most.min(lines.len().saturating_sub(i)));
        while let Some(&b) = lines.get(i) {
            if b.starts_with('\\') {
                hunk.lines.push(b);
                i += 1;
                continue;
            }
            if remaining.iter().all(|&r| r == 0) {
                break;
            }
            let prefix = b.as_bytes().get(..hunk.parents);
            let valid = prefix.is_some_and(|p| p.iter().all(|c| matches!(c, b' ' | b'+' | b'-')));
            // Some tools strip the single space of an empty context line.
            if !(valid || b.is_empty()) {
                break;
            }
            count_line(&mut remaining, b.as_bytes().get(..hunk.parents).unwrap_or(&[]), hunk.parents);
            hunk.lines.push(b);
            i += 1;
        }
        hunks.push(hunk);
    }
    (File { header, binary, path, hunks, commit }, i)
}

/// Decrement the per-side counts (parents..., result) for one body line with prefix `p`.
fn count_line(remaining: &mut [u32], p: &[u8], parents: usize) {
    let removed_somewhere = p.contains(&b'-');
    for (j, r) in remaining.iter_mut().enumerate() {
        let column = p.get(j).copied().unwrap_or(b' ');
        // A parent has the line when its column says `-`, or `' '` on a line no parent removed.
        let hit = if j < parents {
            column == b'-' || column == b' ' && !removed_somewhere
        } else {
            !removed_somewhere
        };
        if hit {
            *r = r.saturating_sub(1);
        }
    }
}

/// `@@ -a,b +c,d @@ h` / `@@@ -a,b -c,d +e,f @@@ h`.
fn parse_hunk_header(l: &str) -> Option<Hunk<'_>> {
    let ats = l.bytes().take_while(|&b| b == b'@').count();
    if ats < 2 || l.as_bytes().get(ats) != Some(&b' ') {
        return None;
    }
    let fence = l.get(..ats)?;
    let body = l.get(ats..)?;
    // The first ` @@` (one `@` per column) after the ranges.
    let close = body
        .match_indices(' ')
        .map(|(i, _)| i)
        .find(|&i| body.get(i + 1..).is_some_and(|r| r.starts_with(fence)))?;
    let ranges = body.get(..close)?;
    let heading = body.get(close + 1 + ats..).unwrap_or("").trim_start();
    let starts: Vec<u32> =
        ranges.split_whitespace().filter_map(|r| r.get(1..)?.split(',').next()?.parse().ok()).collect();
    if starts.len() != ats {
        return None;
    }
    Some(Hunk {
        header: l,
        parents: ats - 1,
        old_start: starts.first().copied().unwrap_or(0),
        new_start: starts.last().copied().unwrap_or(0),
        heading,
        lines: Vec::new(),
    })
}

/// Line counts of every range in a hunk header (a missing count means 1).
fn hunk_counts(l: &str) -> Vec<u32> {
    let ats = l.bytes().take_while(|&b| b == b'@').count();
    l.get(ats..)
        .unwrap_or("")
        .split_whitespace()
        .take_while(|r| r.starts_with('-') || r.starts_with('+'))
        .map(|r| r.split_once(',').map_or(Some(1), |(_, c)| c.parse().ok()).unwrap_or(0))
        .collect()
}

/// The new-side path from `+++ b/x`, else `diff --git a/x b/x`, else `--- a/x`.
fn file_path<'a>(header: &[&'a str]) -> &'a str {
    let strip = |p: &'a str| -> &'a str {
        let p = p.split('\t').next().unwrap_or(p);
        p.strip_prefix("b/").or_else(|| p.strip_prefix("a/")).unwrap_or(p)
    };
    if let Some(p) = header.iter().find_map(|h| h.strip_prefix("+++ ")).filter(|p| *p != "/dev/null") {
        return strip(p);
    }
    if let Some(p) = header.iter().find_map(|h| h.strip_prefix("--- ")).filter(|p| *p != "/dev/null") {
        return strip(p);
    }
    if let Some(rest) = header.first().and_then(|h| h.strip_prefix("diff --git ")) {
        if let Some(pos) = rest.rfind(" b/") {
            return rest.get(pos + 3..).unwrap_or(rest);
        }
    }
    header
        .first()
        .and_then(|h| h.strip_prefix("diff --cc ").or_else(|| h.strip_prefix("diff --combined ")))
        .or_else(|| header.first().and_then(|h| h.rsplit(' ').next()))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "commit 1111111111111111111111111111111111111111
Author: A <a@x>
Date:   Mon Aug 18 13:23:20 2025 -0700

    Fix it

diff --git a/src/x.py b/src/x.py
index 3128a464..effdd98c 100644
--- a/src/x.py
+++ b/src/x.py
@@ -5,3 +5,3 @@ def f():
 a
-b
+c
 d

 e
commit 2222222222222222222222222222222222222222
";

    #[test]
    fn log_with_hunks() {
        let parts = parse(LOG);
        let files: Vec<&File<'_>> =
            parts.iter().filter_map(|p| if let Part::File(f) = p { Some(f) } else { None }).collect();
        assert_eq!(files.len(), 1);
        let f = files[0];
        assert_eq!(f.path, "src/x.py");
        assert_eq!(f.commit, 1);
        assert_eq!(f.header.len(), 4);
        assert_eq!(f.hunks.len(), 1);
        // Counts end the hunk at ` d`; the empty line and ` e` are not part of it.
        assert_eq!(f.hunks[0].lines, vec![" a", "-b", "+c", " d"]);
        assert_eq!((f.hunks[0].old_start, f.hunks[0].new_start, f.hunks[0].heading), (5, 5, "def f():"));
        let lines: usize = parts
            .iter()
            .map(|p| match p {
                Part::Line(_) => 1,
                Part::File(f) => f.header.len() + f.hunks.iter().map(|h| h.lines.len() + 1).sum::<usize>(),
            })
            .sum();
        assert_eq!(lines, LOG.split('\n').count());
    }

    #[test]
    fn combined_and_binary() {
        let text = "diff --cc a.c\nindex 1,2..3\n--- a/a.c\n+++ b/a.c\n@@@ -1,3 -1,1 +1,3 @@@\n  x\n- y\n +z\n++w\ndiff --git a/i.png b/i.png\nGIT binary patch\nliteral 5\nabcde\n\nliteral 0\nHcmV?d00001\n\ntail";
        let parts = parse(text);
        let Some(Part::File(f)) = parts.first() else { unreachable!("no file part") };
        assert_eq!(f.hunks[0].parents, 2);
        assert_eq!(f.hunks[0].lines, vec!["  x", "- y", " +z", "++w"]);
        let Some(Part::File(b)) = parts.get(1) else { unreachable!("no file part") };
        assert_eq!(b.binary, vec!["literal 5", "abcde", "", "literal 0", "HcmV?d00001"]);
        assert!(matches!(parts.get(2), Some(Part::Line(""))));
    }
}
