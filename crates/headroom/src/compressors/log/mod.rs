//! Logs and build / test output: syslog and service logs, logcat, pytest / cargo / npm / jest /
//! make / cmake / gcc output, Java / Python / Go / Rust stack traces.
//!
//! Lossy only. Each line is reduced to a template (variable parts masked, lines clustered,
//! [`template`]); the template's slots are profiled for categorical values and numeric outliers
//! ([`fields`]); rules propose lines with priorities and a token budget admits them
//! ([`select`]); kept lines come out verbatim and in order, every dropped run becomes one
//! marker with its exact line count, and a digest lists the templates of the dropped lines with
//! exact counts ([`render`]).
//!
//! Lossless mode returns `None`: a log has no reversible rewrite worth making (collapsing
//! repeated lines into a count is only reversible with a notation the model could mistake for
//! log content), so the block stays as it is.

mod fields;
mod render;
mod select;
mod template;
#[cfg(test)]
mod tests;

use super::{CompressError, Compressor, Context, Transform};
use crate::relevance::bm25;
use crate::signals::Severity;
use fields::Profile;
use select::{Input, LineFacts, Priority};
use template::Templates;

/// Logs and build output compressor.
pub(crate) struct LogCompressor;

/// The compressor's knobs; one place, documented here.
#[derive(Debug, Clone)]
pub(super) struct Knobs {
    /// First lines, kept at the highest priority.
    pub head: usize,
    /// Last lines, kept at the highest priority.
    pub tail: usize,
    /// An error template with at most this many lines keeps all of them.
    pub error_all: usize,
    /// Lines of context on each side of a kept rare error.
    pub context: usize,
    /// Most lines of a compiler diagnostic's body kept under its error or warning line.
    pub diagnostic_max: usize,
    /// Longest stack trace kept whole; longer ones keep their start and end.
    pub trace_cap: usize,
    /// At most this many lines kept for the question's identifiers (and as many for its terms).
    pub query_cap: usize,
    /// Share of the block's tokens the output may use when no target ratio is configured.
    pub keep_share: f64,
    /// Tokens the output may use on top of the share (small blocks need room for their
    /// first and last lines and errors).
    pub budget_floor: usize,
    /// Share of the budget reserved for the template digest.
    pub digest_share: f64,
    /// Blocks with fewer lines are left alone.
    pub min_lines: usize,
    /// A line costing more than 1/`long_line_parts` of the budget is admitted after the other
    /// lines of its priority.
    pub long_line_parts: usize,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            head: 5,
            tail: 5,
            error_all: 10,
            context: 1,
            diagnostic_max: 8,
            trace_cap: 40,
            query_cap: 40,
            keep_share: 0.15,
            budget_floor: 500,
            digest_share: 0.15,
            min_lines: 12,
            long_line_parts: 16,
        }
    }
}

impl Compressor for LogCompressor {
    fn transform(&self) -> Transform {
        Transform::LogCompressor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        if !cx.lossy() {
            return Ok(None);
        }
        Ok(compress_with(text, cx, &Knobs::default()))
    }
}

/// The log rules over any line-oriented text (lossy): for other compressors whose own units
/// do not fit the text, such as prose without sentences.
pub(super) fn compress_lines(text: &str, cx: &Context<'_>) -> Option<String> {
    if !cx.lossy() {
        return None;
    }
    compress_with(text, cx, &Knobs::default())
}

/// Split `text` into lines; the flag says whether it ended with a newline.
fn split_lines(text: &str) -> (Vec<&str>, bool) {
    let trailing = text.ends_with('\n');
    let body = if trailing { text.get(..text.len() - 1).unwrap_or("") } else { text };
    (crate::compressors::lines::split_lines(body), trailing)
}

fn compress_with(text: &str, cx: &Context<'_>, knobs: &Knobs) -> Option<String> {
    let (lines, trailing) = split_lines(text);
    if lines.len() < knobs.min_lines {
        return None;
    }
    let templates = Templates::build(&lines);
    let facts: Vec<LineFacts> =
        lines.iter().enumerate().map(|(li, l)| LineFacts::of(l, &templates, li, cx.signals)).collect();
    let profiles: Vec<Profile<'_>> =
        templates.clusters.iter().map(|c| Profile::of(&templates, &lines, c)).collect();
    let inp = Input {
        lines: &lines,
        facts: &facts,
        templates: &templates,
        profiles: &profiles,
        query: cx.query,
        knobs,
    };
    let proposals = select::propose(&inp);

    let total = cx.counter.estimate(text);
    let share = cx.target_ratio.map_or(knobs.keep_share, |r| (1.0 - r).clamp(0.01, 1.0));
    let budget = (total as f64 * share) as usize;
    let budget = budget + knobs.budget_floor;
    let digest_budget = (budget as f64 * knobs.digest_share) as usize;
    let budget = budget - digest_budget;
    let marker_cost = cx.counter.estimate(&cx.marker(lines.len(), "lines")) + 1;
    let line_cost = |li: usize| lines.get(li).map_or(0, |l| cx.counter.estimate(l) + 1);
    // A line costing more than this share of the budget waits behind the shorter lines of its
    // priority: one echoed command line must not displace a dozen short error lines.
    let long = |li: usize| line_cost(li) * knobs.long_line_parts > budget;
    let order = admission_order(&inp, &proposals, &long);
    let mut keep = admit(lines.len(), &order, &line_cost, marker_cost, budget);
    fill_small_gaps(&mut keep, &line_cost, marker_cost);
    #[cfg(test)]
    tests::dump_why(&lines, &proposals, &keep, cx);
    if keep.iter().all(|&k| k) {
        return None;
    }
    let mut out = render::render(&inp, &keep, cx, digest_budget);
    if trailing {
        out.push('\n');
    }
    Some(out)
}

/// Proposed lines in the order the budget admits them: by priority; within a priority, lines
/// of ordinary length before `long` ones, then by relevance to the question (BM25 over the
/// proposed lines), then severity, then rarer templates first, then line order.
fn admission_order(
    inp: &Input<'_, '_>,
    proposals: &select::Proposals,
    long: &impl Fn(usize) -> bool,
) -> Vec<(Priority, usize)> {
    let candidates: Vec<(Priority, usize)> =
        (0..inp.lines.len()).filter_map(|li| proposals.get(li).map(|p| (p, li))).collect();
    let docs: Vec<&str> =
        candidates.iter().map(|&(_, li)| inp.lines.get(li).copied().unwrap_or("")).collect();
    // Rounded so that summation order inside BM25 can never change the ranking.
    let scores: Vec<i64> = bm25(inp.query, &docs).iter().map(|s| (s * 1e6).round() as i64).collect();
    let size = |li: usize| inp.templates.cluster_of(li).map_or(0, |c| c.members.len());
    let severity = |li: usize| inp.facts.get(li).map_or(Severity::None, |f| f.severity);
    let mut keyed: Vec<(Priority, bool, i64, Severity, usize, usize)> = candidates
        .iter()
        .zip(&scores)
        .map(|(&(p, li), &s)| (p, long(li), s, severity(li), size(li), li))
        .collect();
    keyed.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.cmp(&a.2))
            .then(b.3.cmp(&a.3))
            .then(a.4.cmp(&b.4))
            .then(a.5.cmp(&b.5))
    });
    keyed.into_iter().map(|(p, _, _, _, _, li)| (p, li)).collect()
}

/// `Must` lines may overrun the budget up to this multiple of it; beyond, even they are dropped
/// (behind markers), most relevant kept first.
const MUST_CEILING: usize = 3;

/// Admit lines in `order`: `Must` up to the ceiling, the rest while the budget lasts. Cost counts the line
/// and any marker its admission adds (splitting a dropped run).
fn admit(
    n: usize,
    order: &[(Priority, usize)],
    line_cost: &impl Fn(usize) -> usize,
    marker_cost: usize,
    budget: usize,
) -> Vec<bool> {
    let mut keep = vec![false; n];
    let mut spent = marker_cost;
    for &(p, li) in order {
        let left = li > 0 && !keep.get(li - 1).copied().unwrap_or(true);
        let right = li + 1 < n && !keep.get(li + 1).copied().unwrap_or(true);
        let markers = i64::from(left) + i64::from(right) - 1;
        let cost = line_cost(li) as i64 + markers * marker_cost as i64;
        let after = (spent as i64 + cost).max(0) as usize;
        let allowed = if p >= Priority::Must { budget.saturating_mul(MUST_CEILING) } else { budget };
        if after <= allowed {
            if let Some(k) = keep.get_mut(li) {
                *k = true;
            }
            spent = after;
        }
    }
    keep
}

/// A dropped run that costs no more than its marker is kept instead.
fn fill_small_gaps(keep: &mut [bool], line_cost: &impl Fn(usize) -> usize, marker_cost: usize) {
    let n = keep.len();
    let mut i = 0;
    while i < n {
        if keep.get(i).copied().unwrap_or(true) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && !keep.get(i).copied().unwrap_or(true) {
            i += 1;
        }
        // Every line costs at least its newline, so long runs never qualify; stop counting early.
        let mut cost = 0;
        for li in start..i {
            cost += line_cost(li);
            if cost > marker_cost {
                break;
            }
        }
        if cost <= marker_cost {
            for k in keep.get_mut(start..i).into_iter().flatten() {
                *k = true;
            }
        }
    }
}
