//! Which context lines (ripgrep / grep `-A/-B/-C`) to keep around the kept matches: the
//! nearest ones, and a comment block touching a kept line whole (as far as the context
//! reaches), so a two-line `// Safety:` note is never cut in half.

use rustc_hash::FxHashSet as HashSet;

use super::parse::{Kind, Row};

/// How far (in lines) a context line may sit from a kept match and still be kept.
const CONTEXT_REACH: u32 = 1;

/// Keep context rows within [`CONTEXT_REACH`] lines of a kept match of the same file, and the
/// comment lines that continue a kept comment line.
pub(super) fn keep_context(rows: &[Row<'_>], group: &[usize], keep: &mut [bool]) {
    let kept: HashSet<(usize, u32)> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| r.kind == Kind::Match && keep.get(*i) == Some(&true))
        .map(|(i, r)| (group.get(i).copied().unwrap_or(0), r.line))
        .collect();
    for (i, r) in rows.iter().enumerate() {
        if r.kind != Kind::Context {
            continue;
        }
        let g = group.get(i).copied().unwrap_or(0);
        let near = (r.line.saturating_sub(CONTEXT_REACH)..=r.line.saturating_add(CONTEXT_REACH))
            .any(|l| kept.contains(&(g, l)));
        if let Some(k) = keep.get_mut(i) {
            *k = near;
        }
    }
    // A kept comment line pulls in the comment lines next to it, up and down, as far as the
    // context rows go (each pass carries the pull along a block).
    for i in (1..rows.len()).rev() {
        if keep.get(i) == Some(&true) && comment_context(rows, group, i, i - 1) {
            if let Some(k) = keep.get_mut(i - 1) {
                *k = true;
            }
        }
    }
    for i in 1..rows.len() {
        if keep.get(i - 1) == Some(&true) && comment_context(rows, group, i - 1, i) {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
        }
    }
}

/// Is row `b` a comment context line that continues comment row `a` (same file, next line)?
fn comment_context(rows: &[Row<'_>], group: &[usize], a: usize, b: usize) -> bool {
    match (rows.get(a), rows.get(b)) {
        (Some(x), Some(y)) => {
            y.kind == Kind::Context
                && group.get(a) == group.get(b)
                && x.line.abs_diff(y.line) == 1
                && is_comment(x.content)
                && is_comment(y.content)
        }
        _ => false,
    }
}

/// Does `line` (source, no grep prefix) hold only a comment: `//`, `/*`, ` * `, `# `, `-- `?
fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//")
        || t.starts_with("/*")
        || t == "*"
        || t.starts_with("* ")
        || t.starts_with("*/")
        || t.starts_with("<!--")
        || t == "#"
        || t.starts_with("# ")
        || t.starts_with("##")
        || t.starts_with("-- ")
}
