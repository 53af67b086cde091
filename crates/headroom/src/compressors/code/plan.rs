//! From an outline and the relevant units to the output: which rows are omitted and where each
//! marker line goes. A lone irrelevant body becomes one `body of NAME (lines a-b)` marker; a run
//! of adjacent irrelevant definitions keeps each signature (and its doc's first line) and shares
//! one marker after the run, so files of many small functions shrink too.

use std::borrow::Cow;

use super::region::{Doc, Item, Outline};
use super::select::{self, Unit};
use super::source::Source;
use crate::compressors::Context;

/// Elided text of at most this many rows is kept: a marker would cost as much.
const SMALL_ROWS: usize = 4;
/// Elided text under this many bytes is kept, whatever its row count.
const SMALL_BYTES: usize = 200;
/// A run's shared marker must save at least this many bytes.
const RUN_MIN_BYTES: usize = 200;

/// Share of the block the output aims at when no target ratio is given.
const AIM_KEPT: f64 = 0.5;
/// Bounds on the share of the block relevant bodies may keep, whatever the skeleton costs.
const RELEVANT_SHARE: (f64, f64) = (0.08, 0.35);

/// One marker line and the rows it stands for.
struct Cut {
    /// Omitted row ranges (inclusive).
    rows: Vec<(usize, usize)>,
    /// The marker line is written before this row.
    anchor: usize,
    /// Indentation and comment token that start the marker line.
    lead: String,
    /// `body of NAME ` / `bodies of A, B ` / empty for comment tails.
    label: String,
    /// First and last row of what the marker summarises.
    span: (usize, usize),
}

/// The compressed text, or `None` when nothing is worth eliding.
pub(super) fn render(outline: &Outline, src: &Source<'_>, comment: &str, cx: &Context<'_>) -> Option<String> {
    let cuts = plan(outline, src, comment, cx);
    if cuts.is_empty() {
        return None;
    }
    let n = src.len();
    let mut omitted = vec![false; n];
    let mut markers: Vec<(usize, String)> = Vec::with_capacity(cuts.len());
    for cut in &cuts {
        let mut count = 0;
        for &(a, b) in &cut.rows {
            for row in a..=b {
                if let Some(o) = omitted.get_mut(row).filter(|o| !**o) {
                    *o = true;
                    count += 1;
                }
            }
        }
        let (a, b) = (src.number(cut.span.0), src.number(cut.span.1));
        let line = format!(
            "{}{}{}(lines {a}-{b}): {}",
            src.pad(cut.anchor.min(n.saturating_sub(1))),
            cut.lead,
            cut.label,
            cx.marker(count, "lines")
        );
        markers.push((cut.anchor, line));
    }
    markers.sort_by_key(|m| m.0);
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(n);
    let mut pending = markers.into_iter().peekable();
    for (row, line) in src.lines.iter().enumerate() {
        while let Some((_, m)) = pending.next_if(|m| m.0 <= row) {
            out.push(Cow::Owned(m));
        }
        if !omitted.get(row).copied().unwrap_or(false) {
            out.push(Cow::Borrowed(line));
        }
    }
    out.extend(pending.map(|(_, m)| Cow::Owned(m)));
    Some(out.join("\n"))
}

fn plan(outline: &Outline, src: &Source<'_>, comment: &str, cx: &Context<'_>) -> Vec<Cut> {
    let Outline { items, docs } = outline;
    // Rows `a..=b` joined by `\n`, appended to `out`.
    let push_rows = |out: &mut String, (a, b): (usize, usize)| {
        for (k, line) in src.code.get(a..=b).unwrap_or_default().iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
    };
    let mut doc_at: Vec<Option<usize>> = vec![None; src.len()];
    for (i, d) in docs.iter().enumerate() {
        for slot in doc_at.iter_mut().take(d.end + 1).skip(d.start) {
            *slot = Some(i);
        }
    }
    // A definition is scored with its signature and doc comment: they say what the body does.
    let mut units: Vec<Unit<'_>> = items
        .iter()
        .map(|it| {
            let doc = leading_doc(it, src, &doc_at).and_then(|d| docs.get(d));
            // Name, doc comment and whole definition, a line apart.
            let mut text = String::with_capacity(it.name.len() + 2 + bytes(src, (it.start, it.end)));
            text.push_str(&it.name);
            text.push('\n');
            if let Some(d) = doc {
                push_rows(&mut text, (d.start, d.end));
            }
            text.push('\n');
            push_rows(&mut text, (it.start, it.end));
            let cost = bytes(src, (it.body.0, it.end));
            Unit { name: &it.name, text, cost }
        })
        .collect();
    units.extend(docs.iter().map(|d| {
        let mut text = String::new();
        push_rows(&mut text, d.tail);
        Unit { name: "", text, cost: bytes(src, d.tail) }
    }));
    let keep = select::relevant(&units, budget(items, docs, src, cx.target_ratio), cx);
    let (item_keep, doc_keep) = keep.split_at(items.len().min(keep.len()));
    let mut doc_in_run = vec![false; docs.len()];
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if item_keep.get(i).copied().unwrap_or(true) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < items.len()
            && !item_keep.get(j).copied().unwrap_or(true)
            && adjacent(items.get(j - 1), items.get(j), src, &doc_at)
        {
            j += 1;
        }
        let run = items.get(i..j).unwrap_or_default();
        match run_cut(run, src, comment, docs, doc_keep, &doc_at) {
            Some((cut, run_docs)) => {
                for d in run_docs {
                    if let Some(x) = doc_in_run.get_mut(d) {
                        *x = true;
                    }
                }
                cuts.push(cut);
            }
            None => cuts.extend(run.iter().filter_map(|it| body_cut(it, src, comment))),
        }
        i = j;
    }
    for (k, d) in docs.iter().enumerate() {
        if !doc_keep.get(k).copied().unwrap_or(true) && !doc_in_run.get(k).copied().unwrap_or(false) {
            cuts.extend(doc_cut(d, src));
        }
    }
    cuts
}

/// Bytes relevant units may keep: what is left of the aimed output once the skeleton (all that
/// is never elided) is paid for, within [`RELEVANT_SHARE`].
fn budget(items: &[Item], docs: &[Doc], src: &Source<'_>, target_ratio: Option<f64>) -> usize {
    let total = bytes(src, (0, src.len().saturating_sub(1)));
    let elidable: usize = items.iter().map(|it| bytes(src, (it.body.0, it.end))).sum::<usize>()
        + docs.iter().map(|d| bytes(src, d.tail)).sum::<usize>();
    let skeleton = total.saturating_sub(elidable) as f64;
    let aim = target_ratio.map_or(AIM_KEPT, |r| 1.0 - r) * total as f64;
    let (lo, hi) = RELEVANT_SHARE;
    (aim - skeleton).clamp(lo * total as f64, hi * total as f64) as usize
}

fn bytes(src: &Source<'_>, (a, b): (usize, usize)) -> usize {
    src.code.get(a..=b).map_or(0, |ls| ls.iter().map(|l| l.len() + 1).sum())
}

fn worth_a_marker(src: &Source<'_>, rows: (usize, usize)) -> bool {
    rows.1 + 1 - rows.0 > SMALL_ROWS && bytes(src, rows) >= SMALL_BYTES
}

/// The marker replacing one body.
fn body_cut(it: &Item, src: &Source<'_>, comment: &str) -> Option<Cut> {
    worth_a_marker(src, it.body).then(|| Cut {
        rows: vec![it.body],
        anchor: it.body.0,
        lead: format!("{}{comment} ", it.body_indent),
        label: format!("body of {} ", it.name),
        span: it.body,
    })
}

/// The marker replacing a comment block's tail.
fn doc_cut(d: &Doc, src: &Source<'_>) -> Option<Cut> {
    worth_a_marker(src, d.tail).then(|| Cut {
        rows: vec![d.tail],
        anchor: d.tail.0,
        lead: d.lead.clone(),
        label: String::new(),
        span: d.tail,
    })
}

/// Rows between two definitions that let them share a marker: blank, comment, decorator,
/// attribute or preprocessor rows only, at the same indentation.
fn adjacent(prev: Option<&Item>, next: Option<&Item>, src: &Source<'_>, doc_at: &[Option<usize>]) -> bool {
    let (Some(prev), Some(next)) = (prev, next) else { return false };
    if next.start <= prev.end || indent(src, prev.start) != indent(src, next.start) {
        return false;
    }
    (prev.end + 1..next.start).all(|r| {
        let t = src.code.get(r).map_or("", |l| l.trim());
        t.is_empty()
            || doc_at.get(r).is_some_and(Option::is_some)
            || ["@", "#", "//", "/*", "*"].iter().any(|p| t.starts_with(p))
    })
}

/// The doc block right above a definition (attribute / decorator rows may sit between).
fn leading_doc(it: &Item, src: &Source<'_>, doc_at: &[Option<usize>]) -> Option<usize> {
    let mut r = it.start.checked_sub(1)?;
    loop {
        if let Some(d) = doc_at.get(r).copied().flatten() {
            return Some(d);
        }
        let t = src.code.get(r)?.trim();
        if !(t.starts_with('@') || t.starts_with("#[")) {
            return None;
        }
        r = r.checked_sub(1)?;
    }
}

fn indent<'a>(src: &Source<'a>, row: usize) -> &'a str {
    let l = src.code.get(row).copied().unwrap_or("");
    l.get(..l.len() - l.trim_start().len()).unwrap_or("")
}

/// One shared marker for a run of two or more definitions: bodies, closing rows, blank rows
/// and doc tails between them go; signatures and first doc lines stay.
fn run_cut(
    run: &[Item],
    src: &Source<'_>,
    comment: &str,
    docs: &[Doc],
    doc_keep: &[bool],
    doc_at: &[Option<usize>],
) -> Option<(Cut, Vec<usize>)> {
    let (first, last) = (run.first()?, run.last()?);
    if run.len() < 2 {
        return None;
    }
    let mut rows = Vec::new();
    let mut run_docs = Vec::new();
    for (k, it) in run.iter().enumerate() {
        rows.push((it.body.0, it.end));
        let Some(next) = run.get(k + 1) else { break };
        let mut r = it.end + 1;
        while r < next.start {
            match doc_at.get(r).copied().flatten() {
                Some(d) => {
                    let doc = docs.get(d)?;
                    if !doc_keep.get(d).copied().unwrap_or(true) {
                        rows.push(doc.tail);
                    }
                    run_docs.push(d);
                    r = doc.end.max(r) + 1;
                }
                None => {
                    if src.code.get(r).is_some_and(|l| l.trim().is_empty()) {
                        rows.push((r, r));
                    }
                    r += 1;
                }
            }
        }
    }
    let saved: usize = rows.iter().map(|&r| bytes(src, r)).sum();
    if saved < RUN_MIN_BYTES {
        return None;
    }
    let names: Vec<&str> = run.iter().map(|it| it.name.as_str()).collect();
    let label = match names.as_slice() {
        [a, b] => format!("bodies of {a} and {b} "),
        [a, b, c] => format!("bodies of {a}, {b} and {c} "),
        [a, b, rest @ ..] => format!("bodies of {a}, {b} and {} more ", rest.len()),
        _ => String::new(),
    };
    let cut = Cut {
        rows,
        anchor: last.end + 1,
        lead: format!("{}{comment} ", indent(src, first.start)),
        label,
        span: (first.start, last.end),
    };
    Some((cut, run_docs))
}
