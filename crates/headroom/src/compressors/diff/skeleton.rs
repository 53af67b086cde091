//! Definitions in dropped hunks: a hunk dropped for the byte budget may still add or remove a
//! function, type or constant, and "what was added / removed" questions need that line. Such
//! hunks come back cut down to their changed definition lines (each under a recomputed
//! `@@` header, as `git diff -U0` prints it; the rest counted by one marker per file), best
//! scoring first, while their bytes fit a small share of the input.

use super::parse::{File, Hunk};
use super::score::Score;
use super::thin::defines;
use super::trim::{self, Trimmed};
use crate::compressors::search::rank;

/// Share of the input's bytes that definition lines of dropped hunks may take...
const SHARE: f64 = 0.03;
/// ...but never less than this.
const MIN_BYTES: usize = 600;
/// Rough bytes of a recomputed `@@ -a,0 +b @@` header.
const HEADER_BYTES: usize = 24;

/// Replace dropped hunks (`None` in `hunks`) that change definitions by their definition
/// lines. Tests, docs and examples count only when `tests_asked`.
pub(super) fn restore<'a>(
    files: &[&File<'a>],
    scores: &[Vec<Score>],
    hunks: &mut [Vec<Option<Trimmed<'a>>>],
    total_bytes: usize,
    tests_asked: bool,
) {
    // (score, file, hunk, definition lines, bytes) of every dropped hunk with definitions.
    let mut found: Vec<(f64, usize, usize, Vec<usize>, usize)> = Vec::new();
    for (f, (file, row)) in files.iter().zip(hunks.iter()).enumerate() {
        if !tests_asked && rank::is_peripheral_path(file.path) {
            continue;
        }
        for (h, (hunk, slot)) in file.hunks.iter().zip(row).enumerate() {
            if slot.is_some() || hunk.parents != 1 {
                continue;
            }
            let lines = definitions(hunk, tests_asked);
            if lines.is_empty() {
                continue;
            }
            let bytes =
                lines.iter().filter_map(|&k| hunk.lines.get(k)).map(|l| l.len() + 1 + HEADER_BYTES).sum();
            let score = scores.get(f).and_then(|s| s.get(h)).map_or(0.0, |s| s.total);
            found.push((score, f, h, lines, bytes));
        }
    }
    // Best first; ties in input order.
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut room = ((total_bytes as f64 * SHARE) as usize).max(MIN_BYTES);
    for (_, f, h, lines, bytes) in found {
        if bytes > room {
            continue;
        }
        let Some(hunk) = files.get(f).and_then(|file| file.hunks.get(h)) else { continue };
        let Some(slot) = hunks.get_mut(f).and_then(|r| r.get_mut(h)) else { continue };
        if let Some(t) = trim::skeleton(hunk, &lines) {
            *slot = Some(t);
            room -= bytes;
        }
    }
}

/// Body indexes of `hunk`'s changed lines that add or remove a definition: a name defined on
/// one side only (`-var x = 1` / `+const x = 1` edits `x`, and is left out). Tests only when
/// `tests`.
fn definitions(hunk: &Hunk<'_>, tests: bool) -> Vec<usize> {
    // (index, name, removed?) of every changed definition line.
    let defs: Vec<(usize, &str, bool)> = hunk
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| hunk.is_change(l))
        .filter_map(|(k, l)| {
            let t = hunk.text(l);
            let def = rank::definition(t);
            let (_, name) = def.filter(|_| defines(t, def))?;
            let test = rank::is_test_decl(t) || rank::is_test_name(name);
            (tests || !test).then_some((k, name, hunk.is_removal(l)))
        })
        .collect();
    // Names per side, sorted for lookup (a hunk may define thousands of names).
    let side = |removed: bool| {
        let mut names: Vec<&str> = defs.iter().filter(|d| d.2 == removed).map(|d| d.1).collect();
        names.sort_unstable();
        names
    };
    let (gone, added) = (side(true), side(false));
    defs.iter()
        .filter(|(_, name, removed)| {
            let other = if *removed { &added } else { &gone };
            other.binary_search(name).is_err()
        })
        .map(|&(k, _, _)| k)
        .collect()
}
