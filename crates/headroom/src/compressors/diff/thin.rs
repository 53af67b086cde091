//! Thinning of long runs of changed lines inside a hunk (a deleted module doc, a rewritten
//! table, a new file): a hunk kept for one asked-about line would otherwise carry hundreds of
//! lines around it. In runs of [`RUN_MIN`] changed lines or more, a line stays when it tells
//! something: it defines a name (signature, type, constant), carries question terms that are
//! rare among all such lines of the diff (BM25 over them, with subword pieces) or a question
//! identifier, holds an error word where those are rare, or sits where question terms are
//! dense. Kept lines take one line of context each side (a definition, the two lines after it,
//! or its whole body when the definition itself tells and is short); a run's first and last
//! lines always stay. In tests nobody asked about, only definitions and lines telling on their
//! own stay. Stretches of other lines become gaps (one marker with exact counts) when long
//! enough to pay for the marker.

use super::classify::Collapse;
use super::parse::{File, Hunk};
use super::plan::MARKER_BYTES;
use crate::compressors::search::rank;
use crate::compressors::Context;
use crate::relevance::Query;

/// Runs of fewer changed lines are kept whole.
const RUN_MIN: usize = 20;
/// A stretch of untelling lines shorter than this stays.
const GAP_MIN: usize = 6;
/// Score (BM25 over the long runs' lines, plus identifier weights) that makes a line telling:
/// about one question term found in a twentieth of those lines or fewer, or two commoner ones.
const TELLING: f64 = 3.0;
/// A line with some question term is telling when this many lines within [`DENSE_REACH`] of
/// it (itself included) have one too.
const DENSE_HITS: usize = 3;
const DENSE_REACH: usize = 3;
/// What counts as a hit for [`DENSE_HITS`]: a term in about an eighth of the lines or fewer.
const DENSE_SCORE: f64 = 2.0;
/// Error words make a line telling only in this share of the lines or fewer.
const ERROR_SHARE: f64 = 0.1;
/// Lines kept after a definition (the rest of its signature, the start of its body).
const DEF_TAIL: usize = 2;
/// A telling definition keeps its whole body when it ends within this many lines.
const BODY_MAX: usize = 40;

/// One long run: file, hunk, and body lines `start..end`.
struct Run {
    file: usize,
    hunk: usize,
    start: usize,
    end: usize,
}

/// Per file, per hunk: one flag per body line, `true` for lines to print as a gap (empty when
/// nothing is thinned). Collapsed files and an empty question thin nothing; tests, docs and
/// examples thin harder unless `tests_asked`.
pub(super) fn masks(
    files: &[&File<'_>],
    collapse: &[Option<Collapse>],
    query: &Query,
    terms: &rank::Terms<'_>,
    cx: &Context<'_>,
    tests_asked: bool,
) -> Vec<Vec<Vec<bool>>> {
    let mut out: Vec<Vec<Vec<bool>>> = files.iter().map(|f| vec![Vec::new(); f.hunks.len()]).collect();
    if query.is_empty() {
        return out;
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut docs: Vec<&str> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if collapse.get(f).is_some_and(Option::is_some) {
            continue;
        }
        for (h, hunk) in file.hunks.iter().enumerate() {
            for (start, end) in long_runs(hunk) {
                docs.extend(hunk.lines.get(start..end).unwrap_or(&[]).iter().map(|l| hunk.text(l)));
                runs.push(Run { file: f, hunk: h, start, end });
            }
        }
    }
    if runs.is_empty() {
        return out;
    }
    let text = rank::bm25_with_subwords(&docs, terms);
    let ids = rank::Identifiers::new(query, &docs);
    let scores: Vec<f64> = docs.iter().zip(&text).map(|(d, t)| t + ids.score(d)).collect();
    // Error words tell only where they are rare (not `Error` in every signature).
    let cap = (docs.len() as f64 * ERROR_SHARE) as usize;
    let errors = rare_flags(&docs, cap, |d| cx.signals.is_error(d));

    let mut at = 0;
    for run in &runs {
        let Some(hunk) = files.get(run.file).and_then(|f| f.hunks.get(run.hunk)) else { continue };
        let len = run.end - run.start;
        let range = at..at + len;
        at += len;
        let (Some(score), Some(doc)) = (scores.get(range.clone()), docs.get(range.clone())) else {
            continue;
        };
        let test_file = files.get(run.file).is_some_and(|f| rank::is_peripheral_path(f.path));
        let signal = |i: usize| errors.as_ref().is_some_and(|f| f.get(range.start + i) == Some(&true));
        let keep = keep_flags(score, doc, signal, test_file, tests_asked);
        let Some(mask) = out.get_mut(run.file).and_then(|r| r.get_mut(run.hunk)) else { continue };
        let lines = hunk.lines.get(run.start..run.end).unwrap_or(&[]);
        mark_gaps(mask, hunk.lines.len(), run.start, &keep, lines);
    }
    out
}

/// `is(doc)` for every doc, or `None` once more than `cap` docs say yes (then it tells
/// nothing, and the rest is not worth reading).
fn rare_flags(docs: &[&str], cap: usize, is: impl Fn(&str) -> bool) -> Option<Vec<bool>> {
    let mut flags = Vec::with_capacity(docs.len());
    let mut yes = 0;
    for d in docs {
        let f = is(d);
        yes += usize::from(f);
        if yes > cap {
            return None;
        }
        flags.push(f);
    }
    Some(flags)
}

/// Maximal runs of at least [`RUN_MIN`] changed lines in `hunk`, as `[start, end)`.
fn long_runs(hunk: &Hunk<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (k, l) in hunk.lines.iter().enumerate() {
        match (hunk.is_change(l), start) {
            (true, None) => start = Some(k),
            (false, Some(s)) => {
                if k - s >= RUN_MIN {
                    out.push((s, k));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start.filter(|&s| hunk.lines.len() - s >= RUN_MIN) {
        out.push((s, hunk.lines.len()));
    }
    out
}

/// Which lines of one run stay: telling lines and their context, and the run's ends. Inside
/// tests nobody asked about (`in_test` at the start: a test file), only definitions and lines
/// telling on their own stay.
fn keep_flags(
    score: &[f64],
    doc: &[&str],
    signal: impl Fn(usize) -> bool,
    mut in_test: bool,
    tests_asked: bool,
) -> Vec<bool> {
    let test_file = in_test;
    let n = doc.len();
    if n == 0 {
        return Vec::new();
    }
    let mut keep = vec![false; n];
    let mut set = |from: usize, to: usize| {
        for x in keep.iter_mut().take(to.min(n - 1) + 1).skip(from) {
            *x = true;
        }
    };
    set(0, 0);
    set(n - 1, n - 1);
    // Lines with some question term, counted over a sliding window.
    let hit: Vec<bool> = score.iter().map(|&s| s >= DENSE_SCORE).collect();
    // A test attribute (`#[test]`, `@Test`) makes the next definition a test.
    let mut attribute = false;
    for (i, line) in doc.iter().enumerate() {
        let s = score.get(i).copied().unwrap_or(0.0);
        let def = rank::definition(line);
        let definition = defines(line, def);
        if definition {
            let test = attribute
                || rank::is_test_decl(line)
                || def.is_some_and(|(_, name)| rank::is_test_name(name));
            in_test = test || test_file;
            attribute = false;
        } else if rank::is_test_decl(line) {
            in_test = true;
            attribute = true;
        }
        let peripheral = in_test && !tests_asked;
        let lo = i.saturating_sub(DENSE_REACH);
        let dense = !peripheral
            && hit.get(i) == Some(&true)
            && hit.get(lo..(i + DENSE_REACH + 1).min(n)).map_or(0, |w| w.iter().filter(|&&h| h).count())
                >= DENSE_HITS;
        if definition {
            // A definition the question points at stays whole when short: its body is the answer.
            let body = if s >= TELLING && !peripheral { body_end(doc, i) } else { None };
            set(i.saturating_sub(1), body.unwrap_or(i + if peripheral { 1 } else { 1 + DEF_TAIL }));
        } else if s >= TELLING || dense || !peripheral && signal(i) {
            set(i.saturating_sub(1), i + 1);
        }
    }
    keep
}

/// The last line of the body of the definition on line `def` of `doc`, if it ends within
/// [`BODY_MAX`] lines (or the run does): the lines indented deeper than the definition (a
/// closing `)` that goes on with the signature included), then one closing `}` / `end` / `)` /
/// `]` at its level.
fn body_end(doc: &[&str], def: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let level = indent(doc.get(def)?);
    let last = doc.len().saturating_sub(1);
    if last <= def + BODY_MAX {
        // The run ends first: the rest of it, unless a line at the definition's level ends
        // the body sooner.
        return Some(body_close(doc, def, level, last).unwrap_or(last));
    }
    body_close(doc, def, level, def + BODY_MAX)
}

/// The line ending the body of the definition on line `def` (at indent `level`), looking no
/// further than line `limit`.
fn body_close(doc: &[&str], def: usize, level: usize, limit: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    for k in def + 1..=limit {
        let l = doc.get(k)?;
        let t = l.trim();
        if t.is_empty() || indent(l) > level {
            continue;
        }
        let opens = t.ends_with('{') || t.ends_with(':') || t.ends_with("=>");
        if t.starts_with(')') && opens {
            continue;
        }
        let closes = t.starts_with(['}', ')', ']']) || t == "end";
        return Some(if closes { k } else { k - 1 });
    }
    None
}

/// Given what [`rank::definition`] says of `line`: does it define a function, type or
/// constant (or a top-level module / macro)?
pub(super) fn defines(line: &str, def: Option<(rank::DefKind, &str)>) -> bool {
    let indented = line.starts_with([' ', '\t']);
    match def {
        Some((rank::DefKind::Other, _)) => !indented,
        // `const x = ...` / `var x` inside a body is a local binding (JS, TS, Go).
        Some((rank::DefKind::Constant, _)) => {
            let t = line.trim_start();
            !(indented && (t.starts_with("const ") || t.starts_with("var ")))
        }
        Some(_) => true,
        None => false,
    }
}

/// Flag, in `mask` (sized `n` on first use), the stretches of a run (starting at body line
/// `start`) that `keep` leaves out, when each is long enough to pay for its marker.
fn mark_gaps(mask: &mut Vec<bool>, n: usize, start: usize, keep: &[bool], lines: &[&str]) {
    let mut k = 0;
    while k < keep.len() {
        if keep.get(k) != Some(&false) {
            k += 1;
            continue;
        }
        let end = (k..keep.len()).find(|&j| keep.get(j) != Some(&false)).unwrap_or(keep.len());
        let bytes: usize = lines.get(k..end).unwrap_or(&[]).iter().map(|l| l.len() + 1).sum();
        if end - k >= GAP_MIN && bytes >= 2 * MARKER_BYTES {
            if mask.is_empty() {
                *mask = vec![false; n];
            }
            for x in mask.iter_mut().take(start + end).skip(start + k) {
                *x = true;
            }
        }
        k = end;
    }
}
