//! What to keep of a parsed diff: collapsed files, weak blocks of big hunks elided, long runs
//! of changed lines thinned, context trimmed where that pays, the hunks that drop when a big
//! diff is over its byte budget (thinned lines buy no budget) or score near zero next to a
//! clear best, and the definition lines of dropped hunks that come back.

use super::blocks;
use super::classify::{classify, identifier_finders, Collapse};
use super::parse::{File, Hunk, Part};
use super::score::score_hunks;
use super::skeleton;
use super::thin;
use super::trim::{self, Trimmed};
use crate::compressors::search::rank;
use crate::compressors::Context;

/// Share of a large diff's bytes kept when the caller sets no target ratio (smaller diffs keep
/// more).
const DEFAULT_KEEP: f64 = 0.40;
/// Unchanged lines kept on each side of a change.
const REACH: usize = 1;
/// A file's context is trimmed only when that saves at least this many bytes (its marker
/// line costs about [`MARKER_BYTES`]).
const TRIM_MIN_BYTES: usize = 240;
/// Rough size of one marker line.
pub(super) const MARKER_BYTES: usize = 90;
/// Below this many bytes (after collapsing and trimming) no hunk is dropped.
const DROP_MIN_BYTES: usize = 10_000;
/// In big diffs, hunks below this share of the best hunk drop even under budget.
const NOISE_SHARE: f64 = 0.1;
/// Hunks scoring at least this share of the best hunk are never dropped for budget.
const MUST_SHARE: f64 = 0.5;

/// Why a whole file collapses to one summary line.
/// The decisions for one diff, indexed like the files of the parse.
#[derive(Debug)]
pub(super) struct Plan<'a> {
    pub collapse: Vec<Option<Collapse>>,
    /// Per file, per hunk: the pieces to print, or `None` when the hunk is dropped.
    pub hunks: Vec<Vec<Option<Trimmed<'a>>>>,
}

/// Files of `parts`, in order.
pub(super) fn files<'p, 'a>(parts: &'p [Part<'a>]) -> Vec<&'p File<'a>> {
    parts.iter().filter_map(|p| if let Part::File(f) = p { Some(f) } else { None }).collect()
}

/// Decide what to keep.
pub(super) fn plan<'a>(parts: &[Part<'a>], total_bytes: usize, cx: &Context<'_>) -> Plan<'a> {
    let query = rank::expanded(cx.query);
    let files = files(parts);
    let ids = identifier_finders(&query);
    let collapse: Vec<Option<Collapse>> = files.iter().map(|f| classify(f, &query, &ids)).collect();
    let terms = rank::term_set(&query);
    let scores = score_hunks(parts, &files, &collapse, &query, &terms, cx);
    let asks_peripheral = rank::asks_peripheral(&query);
    let thinned = thin::masks(&files, &collapse, &query, &terms, cx, asks_peripheral);

    // Irrelevant blocks of big hunks become gaps; context is trimmed per file when that pays
    // for its marker (decided again once hunks have dropped).
    let mut full: Vec<Vec<Trimmed<'a>>> = Vec::with_capacity(files.len());
    let mut hunks: Vec<Vec<Option<Trimmed<'a>>>> = Vec::with_capacity(files.len());
    for (f, thin) in files.iter().zip(&thinned) {
        let strict = !asks_peripheral && rank::is_peripheral_path(f.path);
        let masks: Vec<Vec<bool>> = f
            .hunks
            .iter()
            .zip(thin)
            .map(|(h, t)| union(blocks::elide_mask(h, &query, &terms, cx, strict), t))
            .collect();
        // Unbounded reach keeps every line: with nothing elided, that is the hunk as it is.
        let untrimmed = |(h, m): (&Hunk<'a>, &Vec<bool>)| {
            if m.contains(&true) {
                trim::trim(h, usize::MAX, m)
            } else {
                trim::whole(h)
            }
        };
        full.push(f.hunks.iter().zip(&masks).map(untrimmed).collect());
        hunks.push(f.hunks.iter().zip(&masks).map(|(h, m)| Some(trim::trim(h, REACH, m))).collect());
    }
    settle_trimming(&mut hunks, &full);

    // Small diffs are read whole but for context; big ones keep less.
    let default_keep = DEFAULT_KEEP + 0.3 * (-(total_bytes as f64) / 12_000.0).exp();
    let keep_share = cx.target_ratio.map_or(default_keep, |r| (1.0 - r).clamp(0.05, 0.95));
    // Lines thinned out of long runs are noise: they buy no room for other hunks.
    let thinned_bytes: usize = files
        .iter()
        .zip(&thinned)
        .flat_map(|(f, masks)| f.hunks.iter().zip(masks))
        .flat_map(|(h, m)| h.lines.iter().zip(m).filter(|(_, &x)| x).map(|(l, _)| l.len() + 1))
        .sum();
    let budget = (total_bytes.saturating_sub(thinned_bytes) as f64 * keep_share) as usize;
    let mut est = estimate(parts, &collapse, &hunks);
    // Whole hunks drop only from big diffs; a small one reads fine once context is trimmed.
    if est > DROP_MIN_BYTES {
        let best =
            scores.iter().flatten().filter(|s| s.total.is_finite()).map(|s| s.total).fold(0.0, f64::max);
        // With a clear best, hunks near zero are noise whatever the budget.
        let floor = if best >= 1.0 { best * NOISE_SHARE } else { 0.0 };
        let score_of =
            |(f, h): (usize, usize)| scores.get(f).and_then(|s| s.get(h)).copied().unwrap_or_default();
        // Least relevance per byte goes first: a big weak hunk before a small pointed one.
        let size_of = |(f, h): (usize, usize)| {
            hunks.get(f).and_then(|r| r.get(h)).and_then(Option::as_ref).map_or(1, Trimmed::bytes).max(1)
        };
        let density =
            |k: (usize, usize), size: usize| rank::quantize(1000.0 * score_of(k).total / size as f64);
        // (density, size, hunk), each worked out once.
        let mut order: Vec<(f64, usize, (usize, usize))> = scores
            .iter()
            .enumerate()
            .flat_map(|(f, hs)| (0..hs.len()).map(move |h| (f, h)))
            .filter(|&(f, _)| collapse.get(f).is_some_and(Option::is_none))
            .map(|k| {
                let size = size_of(k);
                (density(k, size), size, k)
            })
            .collect();
        // Ties (an uninformative question) drop the biggest hunks first, not the first files.
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        for (f, h) in order.into_iter().map(|(_, _, k)| k) {
            let s = score_of((f, h));
            if s.must || s.total >= best * MUST_SHARE || est <= budget && s.total >= floor {
                continue;
            }
            let Some(row) = hunks.get_mut(f) else { continue };
            let size = row.get(h).and_then(|t| t.as_ref()).map_or(0, Trimmed::bytes);
            let dropped = |k: Option<usize>| k.and_then(|k| row.get(k)).is_some_and(Option::is_none);
            let (left, right) = (dropped(h.checked_sub(1)), dropped(Some(h + 1)));
            let markers: isize = match (left, right) {
                (false, false) => 1,
                (true, true) => -1,
                _ => 0,
            };
            let delta = markers * MARKER_BYTES as isize - size as isize;
            if delta >= 0 {
                continue;
            }
            if let Some(slot) = row.get_mut(h) {
                *slot = None;
            }
            est = est.saturating_add_signed(delta);
        }
    }
    settle_trimming(&mut hunks, &full);
    skeleton::restore(&files, &scores, &mut hunks, total_bytes, asks_peripheral);
    Plan { collapse, hunks }
}

/// Lines elided by either mask (an empty mask elides nothing).
fn union(mut a: Vec<bool>, b: &[bool]) -> Vec<bool> {
    if a.is_empty() {
        return b.to_vec();
    }
    for (x, &y) in a.iter_mut().zip(b) {
        *x |= y;
    }
    a
}

/// Per file, keep trimmed context only when it saves more than its marker costs.
fn settle_trimming<'a>(hunks: &mut [Vec<Option<Trimmed<'a>>>], full: &[Vec<Trimmed<'a>>]) {
    for (row, full) in hunks.iter_mut().zip(full) {
        let saved: usize = row
            .iter()
            .zip(full)
            .filter_map(|(t, f)| t.as_ref().map(|t| f.bytes().saturating_sub(t.bytes())))
            .sum();
        if saved < TRIM_MIN_BYTES {
            for (t, f) in row.iter_mut().zip(full) {
                if t.is_some() {
                    *t = Some(f.clone());
                }
            }
        }
    }
}

/// Bytes the rendering will take, near enough for budgeting.
fn estimate(parts: &[Part<'_>], collapse: &[Option<Collapse>], hunks: &[Vec<Option<Trimmed<'_>>>]) -> usize {
    let mut est = 0;
    let mut f = 0;
    for p in parts {
        match p {
            Part::Line(l) => est += l.len() + 1,
            Part::File(file) => {
                est += file
                    .header
                    .iter()
                    .filter(|l| !l.starts_with("--- ") && !l.starts_with("+++ "))
                    .map(|l| l.len() + 1)
                    .sum::<usize>();
                if !file.binary.is_empty() {
                    est += MARKER_BYTES;
                }
                if collapse.get(f).is_some_and(Option::is_some) {
                    est += MARKER_BYTES;
                } else if let Some(row) = hunks.get(f) {
                    est += row.iter().flatten().map(Trimmed::bytes).sum::<usize>();
                    if row.iter().flatten().any(|t| t.dropped > 0) {
                        est += MARKER_BYTES;
                    }
                }
                f += 1;
            }
        }
    }
    est
}
