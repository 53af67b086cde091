//! The column rules: per field across the items, numeric extremes and change points, gaps
//! where a column is usually filled, rare categories, and values the question names.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use super::super::parse::{decode, Node};
use super::reader::{key_words, Item};
use super::{Scores, FORCED, MIN_ITEMS_FOR_ANOMALIES};
use crate::compressors::Context;
use crate::relevance::{stem, stem_word};

/// Short strings are categorical candidates; longer ones are free text.
const CATEGORY_MAX_LEN: usize = 60;

fn numeric(node: &Node<'_>) -> Option<f64> {
    match node {
        Node::Num(raw) => raw.parse().ok().filter(|v: &f64| v.is_finite()),
        _ => None,
    }
}

/// One column's cells across the items (`None` = key absent).
struct Column<'c, 'a, 'n> {
    path: &'c str,
    values: &'c [Option<&'n Node<'a>>],
    /// Does the question name this column?
    relevant: bool,
}

/// Column rules: numeric extremes and score fields, nulls where a column is usually filled,
/// rare categorical values, and cells equal to a word of the question.
pub(super) fn columns(rows: &[Item<'_, '_>], cx: &Context<'_>, cap: usize, sc: &mut Scores) {
    let n = rows.len();
    // Only columns most items have: the rules are about what is usual, and this bounds memory
    // on arrays whose items each bring their own keys.
    let mut presence: HashMap<&str, usize> = HashMap::default();
    for r in rows {
        for (path, _) in &r.leaves {
            *presence.entry(path.as_ref()).or_default() += 1;
        }
    }
    let mut paths: Vec<&str> = presence.into_iter().filter(|&(_, k)| k * 2 >= n).map(|(p, _)| p).collect();
    paths.sort_unstable();
    let index: HashMap<&str, usize> = paths.iter().enumerate().map(|(c, p)| (*p, c)).collect();
    let mut cols: Vec<Vec<Option<&Node<'_>>>> = vec![vec![None; n]; paths.len()];
    for (i, r) in rows.iter().enumerate() {
        for (path, v) in &r.leaves {
            let slot = index.get(path.as_ref()).and_then(|&c| cols.get_mut(c)).and_then(|col| col.get_mut(i));
            if let Some(slot) = slot {
                *slot = Some(*v);
            }
        }
    }
    // Words that are only pieces of an identifier (`type` in `--fix-type`) do not name columns.
    let ids: Vec<String> = cx.query.identifiers.iter().map(|id| id.to_lowercase()).collect();
    let terms: Vec<String> = cx
        .query
        .terms
        .iter()
        .filter(|t| !ids.iter().any(|id| id.contains(t.as_str())))
        .map(|t| stem(t))
        .collect();
    let columns: Vec<Column<'_, '_, '_>> = paths
        .iter()
        .zip(&cols)
        .map(|(path, values)| {
            // The leaf key names the column: in `author.id`, the question saying "author" is
            // about the author, not about its id.
            let leaf = path.rsplit('.').next().unwrap_or(path);
            Column {
                path,
                values,
                relevant: key_words(leaf).iter().any(|w| terms.contains(&stem(w)))
                    || cx.query.identifiers.iter().any(|id| id == leaf),
            }
        })
        .collect();
    // When the question names a score field, the others are only context.
    let score_named = columns.iter().any(|c| c.relevant && score_field(c, cx).is_some());
    for col in &columns {
        numbers(col, cx, score_named, sc);
        if n >= MIN_ITEMS_FOR_ANOMALIES {
            gaps(col, sc);
        }
        categories(col, cx, cap, sc);
    }
}

fn score_field(col: &Column<'_, '_, '_>, cx: &Context<'_>) -> Option<bool> {
    cx.signals.score_field(col.path.rsplit('.').next().unwrap_or(col.path))
}

/// Identifiers are numbers without magnitude: their extremes mean nothing.
fn id_like(path: &str) -> bool {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    key_words(leaf).last().is_some_and(|w| w == "id" || w == "ids")
}

fn filled(col: &Column<'_, '_, '_>) -> usize {
    col.values.iter().filter(|v| !matches!(v, None | Some(Node::Null))).count()
}

/// Numeric columns: the best items by a score field; extremes; z-score outliers.
fn numbers(col: &Column<'_, '_, '_>, cx: &Context<'_>, score_named: bool, sc: &mut Scores) {
    let nums: Vec<(usize, f64)> =
        col.values.iter().enumerate().filter_map(|(i, v)| v.and_then(numeric).map(|v| (i, v))).collect();
    let mut distinct: Vec<f64> = nums.iter().map(|x| x.1).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() < 3 || nums.len() * 5 < filled(col) * 4 || id_like(col.path) {
        return;
    }
    let mut by_value = nums.clone();
    // Stable sort: ties keep document order, so the first of equal extremes wins.
    by_value.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (hi, lo) = (by_value.first().map(|x| x.0), by_value.last().map(|x| x.0));
    if let Some(smaller_better) = score_field(col, cx) {
        let best: Vec<usize> = if smaller_better {
            by_value.iter().rev().take(3).map(|x| x.0).collect()
        } else {
            by_value.iter().take(3).map(|x| x.0).collect()
        };
        let (lead, rest) = if col.relevant || !score_named { (FORCED, 600.0) } else { (400.0, 300.0) };
        for (rank, &i) in best.iter().enumerate() {
            sc.bump(i, if rank == 0 { lead } else { rest - rank as f64 }, "top score");
        }
        for i in [hi, lo].into_iter().flatten() {
            sc.bump(i, 150.0, "extreme");
        }
        return;
    }
    for i in [hi, lo].into_iter().flatten() {
        sc.bump(i, if col.relevant { FORCED } else { 150.0 }, "extreme");
    }
    let mean = nums.iter().map(|x| x.1).sum::<f64>() / nums.len() as f64;
    let sd = (nums.iter().map(|x| (x.1 - mean).powi(2)).sum::<f64>() / nums.len() as f64).sqrt();
    if sd > 0.0 {
        let mut outliers: Vec<(usize, f64)> =
            nums.iter().map(|&(i, v)| (i, ((v - mean) / sd).abs())).filter(|x| x.1 > 3.0).collect();
        outliers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        outliers.iter().take(3).for_each(|&(i, _)| sc.bump(i, 130.0, "outlier"));
    }
    change_point(&nums, sc);
}

/// The biggest step between neighbouring values, when it dwarfs the usual step: where a
/// series changes level (latency jumps, a counter resets), keep both sides.
fn change_point(nums: &[(usize, f64)], sc: &mut Scores) {
    if nums.len() < MIN_ITEMS_FOR_ANOMALIES {
        return;
    }
    let steps: Vec<(usize, usize, f64)> =
        nums.windows(2).map(|w| (w[0].0, w[1].0, (w[1].1 - w[0].1).abs())).collect();
    let mut sizes: Vec<f64> = steps.iter().map(|s| s.2).collect();
    sizes.sort_by(f64::total_cmp);
    let usual = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
    // First of the largest steps, for determinism on ties.
    let biggest = steps.iter().fold(None::<&(usize, usize, f64)>, |best, s| match best {
        Some(b) if b.2 >= s.2 => Some(b),
        _ => Some(s),
    });
    if let Some(&(before, after, size)) = biggest {
        if usual > 0.0 && size >= 8.0 * usual {
            sc.bump(after, 140.0, "change point");
            sc.bump(before, 120.0, "change point");
        }
    }
}

/// Nulls (or absence) where the column is usually filled: the first, second and last such item.
fn gaps(col: &Column<'_, '_, '_>, sc: &mut Scores) {
    let n = col.values.len();
    let filled = filled(col);
    if filled * 5 < n * 4 || filled == n {
        return;
    }
    let gaps: Vec<usize> = (0..n).filter(|&i| matches!(col.values[i], None | Some(Node::Null))).collect();
    for (k, &i) in gaps.iter().enumerate() {
        let (first, edge) = (k == 0, k == 1 || k + 1 == gaps.len());
        let v = match (col.relevant, first, edge) {
            (true, true, _) => FORCED,
            (true, false, true) => 400.0,
            (false, true, _) => 200.0,
            (false, false, true) => 100.0,
            _ => continue,
        };
        sc.bump(i, v, "null");
    }
}

/// Can the stem of `value` (lowercased) be `stem`, a stemmed word of the question? Stems only
/// cut a suffix of letters, sometimes adding a `y`, so an ASCII value must start with the stem
/// (less that `y`). Non-ASCII is checked in full.
fn may_stem_to(value: &str, stem: &str) -> bool {
    let core = stem.strip_suffix('y').unwrap_or(stem).as_bytes();
    !value.is_ascii() || value.as_bytes().get(..core.len()).is_some_and(|p| p.eq_ignore_ascii_case(core))
}

/// Could `value` be a word of the question, as written or stemmed? Question words are single
/// words, so ASCII text with anything but letters, digits and `_` never is.
fn may_be_word(value: &str) -> bool {
    !value.is_ascii() || value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Categorical columns: rare values are anomalies; values the question names are answers.
fn categories<'a>(col: &Column<'_, 'a, '_>, cx: &Context<'_>, cap: usize, sc: &mut Scores) {
    let n = col.values.len();
    let text_of = |v: Option<&Node<'a>>| -> Option<Cow<'a, str>> {
        match v {
            None | Some(Node::Null) => Some(Cow::Borrowed("null")),
            Some(Node::Str(raw)) => (raw.len() <= CATEGORY_MAX_LEN).then(|| decode(raw)),
            Some(other) => other.scalar_text().map(Cow::Borrowed),
        }
    };
    let cats: Vec<Option<Cow<'a, str>>> = col.values.iter().map(|v| text_of(*v)).collect();
    if !cats.iter().all(Option::is_some) {
        return;
    }
    // Past this many distinct values a column is not categorical: counting stops there.
    let max_distinct = (n / 5).max(3);
    let mut counts: HashMap<&str, usize> = HashMap::default();
    let mut categorical = true;
    for c in cats.iter().flatten() {
        *counts.entry(c.as_ref()).or_default() += 1;
        if counts.len() > max_distinct {
            categorical = false;
            break;
        }
    }
    // The most frequent value; among equals the greatest, so the choice never depends on
    // hash order.
    let (dominant, dominant_value) = counts.iter().map(|(&v, &k)| (k, Some(v))).max().unwrap_or((0, None));
    if n >= MIN_ITEMS_FOR_ANOMALIES && categorical && counts.len() >= 2 && dominant * 5 >= n * 3 {
        // In a column the question names, every item off the usual value is an answer (when
        // there are few); elsewhere only values seen about once are anomalies.
        let minority: Vec<usize> = (0..n).filter(|&i| cats[i].as_deref() != dominant_value).collect();
        let rare_max = (n / 50).max(1);
        for &i in &minority {
            let Some(c) = cats[i].as_deref() else { continue };
            let count = counts.get(c).copied().unwrap_or(0);
            let alarming = cx.signals.is_error(c);
            if (col.relevant && minority.len() <= cap) || (alarming && count <= cap) {
                sc.bump(i, FORCED, "off-usual value");
            } else if count <= rare_max {
                sc.bump(i, 250.0, "rare value");
            }
        }
    }
    if cx.query.terms.is_empty() {
        return;
    }
    let term_stems: Vec<String> = cx.query.terms.iter().map(|t| stem(t)).collect();
    let mut buf = String::new();
    let mut is_term = |w: &str| {
        cx.query.terms.iter().zip(&term_stems).any(|(t, ts)| {
            t.eq_ignore_ascii_case(w) || (may_stem_to(w, ts) && stem_word(w, &mut buf) == ts.as_str())
        })
    };
    // In a categorical column a value of several words is named too when the question has
    // every one (`Unlicense OR MIT`; words under three letters aside): decided once per value.
    let mut is_named = |c: &str, several: bool| {
        if c == "null" {
            return false;
        }
        if may_be_word(c) {
            return is_term(c);
        }
        let mut words =
            c.split(|ch: char| !ch.is_alphanumeric()).filter(|w| w.chars().count() >= 3).peekable();
        several && words.peek().is_some() && words.all(&mut is_term)
    };
    // A categorical column repeats a handful of values: decide once per value.
    let named: Vec<usize> = if categorical {
        let named_values: HashMap<&str, bool> = counts.keys().map(|&c| (c, is_named(c, true))).collect();
        (0..n)
            .filter(|&i| cats[i].as_deref().and_then(|c| named_values.get(c)).copied().unwrap_or(false))
            .collect()
    } else {
        (0..n).filter(|&i| cats[i].as_deref().is_some_and(|c| is_named(c, false))).collect()
    };
    if !named.is_empty() && named.len() <= cap {
        named.iter().for_each(|&i| sc.bump(i, FORCED, "named value"));
    }
    // The question names this column's usual values ("not MIT or ISC", "not Running"): it is
    // about the column, and the few items holding any other value are the answer.
    let filled: Vec<usize> = (0..n).filter(|&i| cats[i].as_deref() != Some("null")).collect();
    if !named.is_empty() && named.len() * 2 >= filled.len() {
        let others: Vec<usize> = filled.into_iter().filter(|i| named.binary_search(i).is_err()).collect();
        if !others.is_empty() && others.len() <= cap.max(n / 6) {
            others.iter().for_each(|&i| sc.bump(i, FORCED, "off named value"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_point_marks_both_sides_of_a_level_shift() {
        let series: Vec<(usize, f64)> = (0..20)
            .map(|i| (i, if i < 12 { 20.0 + (i % 3) as f64 } else { 900.0 + (i % 2) as f64 }))
            .collect();
        let mut sc = Scores { p: vec![0.0; 20], why: vec![""; 20] };
        change_point(&series, &mut sc);
        assert_eq!((sc.why[11], sc.why[12]), ("change point", "change point"));
        assert_eq!(sc.p.iter().filter(|p| **p > 0.0).count(), 2);
        let mut flat = Scores { p: vec![0.0; 20], why: vec![""; 20] };
        change_point(&(0..20).map(|i| (i, (i % 5) as f64)).collect::<Vec<_>>(), &mut flat);
        assert!(flat.p.iter().all(|p| *p == 0.0));
    }

    #[test]
    fn inflections_pass_the_stem_screen() {
        for w in ["licensing", "Licensed", "licenses", "classes", "libraries", "moved", "running", "nations"]
        {
            let st = stem(&w.to_lowercase());
            assert!(may_be_word(w) && may_stem_to(w, &st), "{w} -> {st}");
        }
        assert!(!may_be_word("Result 5") && !may_be_word("https://example.com/results"));
        assert!(!may_stem_to("resort", &stem("results")));
        assert!(may_be_word("Ünïcode") && may_stem_to("Ünïcode", &stem("unicode")));
    }
}
