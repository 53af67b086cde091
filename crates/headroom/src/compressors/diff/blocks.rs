//! Inside one big hunk (a new file, a long addition), which blank-line-separated blocks to
//! elide: those that rank far below the hunk's best block against the question. Small hunks
//! are never cut; a block is elided only when its gap marker costs less than its lines.

use super::parse::Hunk;
use super::plan::MARKER_BYTES;
use crate::compressors::search::rank;
use crate::compressors::Context;
use crate::relevance::Query;

/// Hunks with fewer changed lines are kept whole.
const BIG_HUNK: usize = 30;
/// The block at this rank (0-based) is the yardstick...
const REFERENCE_RANK: usize = 2;
/// ...and blocks scoring below this share of it are elided.
const BLOCK_SHARE: f64 = 0.3;
/// Share of the best block a block needs in strict mode.
const STRICT_SHARE: f64 = 0.4;

/// One flag per body line of `hunk`: `true` for lines to print as a gap. Empty when nothing
/// is elided.
pub(super) fn elide_mask(
    hunk: &Hunk<'_>,
    query: &Query,
    terms: &rank::Terms<'_>,
    cx: &Context<'_>,
    strict: bool,
) -> Vec<bool> {
    let changed = hunk.lines.iter().filter(|l| hunk.is_change(l)).count();
    if changed < BIG_HUNK || query.is_empty() {
        return Vec::new();
    }
    let blank = |l: &str| hunk.text(l).trim().is_empty();
    // Blocks: maximal runs of non-blank body lines, as [start, end).
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (k, l) in hunk.lines.iter().enumerate() {
        match (blank(l), start) {
            (false, None) => start = Some(k),
            (true, Some(s)) => {
                spans.push((s, k));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, hunk.lines.len()));
    }
    if spans.len() < 3 {
        return Vec::new();
    }
    let texts: Vec<String> = spans
        .iter()
        .map(|&(a, b)| {
            hunk.lines.get(a..b).unwrap_or(&[]).iter().map(|l| hunk.text(l)).collect::<Vec<_>>().join("\n")
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let text_scores = rank::bm25_with_subwords(&refs, terms);
    let ids = rank::Identifiers::new(query, &refs);
    let scores: Vec<f64> = texts
        .iter()
        .enumerate()
        .map(|(b, t)| {
            let mut s = text_scores.get(b).copied().unwrap_or(0.0) + 1.5 * ids.score(t);
            if cx.signals.is_error(t) || cx.signals.is_security(t) {
                s += 0.25;
            }
            rank::quantize(s)
        })
        .collect();
    // Measured against the third best, so one standout block does not condemn the rest; in
    // strict mode (tests nobody asked about) against the best, keeping only its peers.
    let mut ranked = scores.clone();
    ranked.sort_by(|a, b| b.total_cmp(a));
    let reference =
        ranked.get(if strict { 0 } else { REFERENCE_RANK }).or(ranked.last()).copied().unwrap_or(0.0);
    let share = if strict { STRICT_SHARE } else { BLOCK_SHARE };
    if reference <= 0.0 {
        return Vec::new();
    }
    let mut mask = vec![false; hunk.lines.len()];
    for (&(a, b), &s) in spans.iter().zip(&scores) {
        let has_change = hunk.lines.get(a..b).is_some_and(|ls| ls.iter().any(|l| hunk.is_change(l)));
        if has_change && s < reference * share {
            for x in mask.iter_mut().take(b).skip(a) {
                *x = true;
            }
        }
    }
    // Blank lines between two elided blocks join their gaps.
    for k in 1..hunk.lines.len() {
        let is_blank = hunk.lines.get(k).is_some_and(|l| blank(l));
        if is_blank && mask.get(k - 1) == Some(&true) {
            let next = (k + 1..hunk.lines.len()).find(|&j| !hunk.lines.get(j).is_some_and(|l| blank(l)));
            if next.is_some_and(|j| mask.get(j) == Some(&true)) {
                if let Some(x) = mask.get_mut(k) {
                    *x = true;
                }
            }
        }
    }
    // A gap must save more than its marker costs.
    let mut k = 0;
    while k < mask.len() {
        if mask.get(k) == Some(&true) {
            let end = (k..mask.len()).find(|&j| mask.get(j) != Some(&true)).unwrap_or(mask.len());
            let bytes: usize = hunk.lines.get(k..end).unwrap_or(&[]).iter().map(|l| l.len() + 1).sum();
            if bytes < 2 * MARKER_BYTES {
                for x in mask.iter_mut().take(end).skip(k) {
                    *x = false;
                }
            }
            k = end;
        } else {
            k += 1;
        }
    }
    if mask.iter().any(|&m| m) {
        mask
    } else {
        Vec::new()
    }
}
