//! Why an item is worth keeping: each rule raises an item's priority.
//!
//! An item names an identifier from the question, carries an error in its values, is an
//! anomaly (a rare value, a null where the column is usually filled, a numeric extreme), ranks
//! first by a score-like field, matches the question's words (stemmed BM25), or sits at either
//! end. A keyed map's entries are items too: the key is one more value, and a key the question
//! spells (an identifier in any case, or all of the key's words) names its entry. Rules that
//! single out a few items force them (priority >= [`FORCED`]); rules that match many only rank.

mod columns;
mod reader;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use super::parse::{decode, Node};
use crate::compressors::Context;
use crate::relevance::{bm25, stem, Query};
use columns::columns;
use reader::{data_keys, key_words, Item, Reader};

/// Priority at or above which an item is kept regardless of budget.
pub(super) const FORCED: f64 = 1000.0;
/// Arrays at least this long have their items read in parallel.
pub(super) const PARALLEL_ITEMS: usize = 256;
/// Anomaly rules (rare values, unusual nulls) need this many items to mean anything.
const MIN_ITEMS_FOR_ANOMALIES: usize = 10;

/// Each item's priority and the rule that set it (the reason is for debugging and tests).
pub(super) struct Scores {
    pub p: Vec<f64>,
    pub why: Vec<&'static str>,
}

impl Scores {
    pub(super) fn bump(&mut self, i: usize, v: f64, why: &'static str) {
        if let (Some(x), Some(w)) = (self.p.get_mut(i), self.why.get_mut(i)) {
            if v > *x {
                *x = v;
                *w = why;
            }
        }
    }
}

/// Does `id` occur in `text` with no letter or digit glued to either side?
fn contains_bounded(text: &str, id: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(id).any(|(at, m)| {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        let after = text.get(at + m.len()..).and_then(|s| s.chars().next());
        !glued(before) && !glued(after)
    })
}

/// Priority of every item (see the module doc).
/// `keys` are a keyed map's keys, one per item.
pub(super) fn priorities(
    items: &[&Node<'_>],
    keys: Option<&[&str]>,
    cx: &Context<'_>,
    max_rows: usize,
) -> Scores {
    let n = items.len();
    let mut sc = Scores { p: vec![0.0; n], why: vec![""; n] };
    // A rule matching more items than this does not single anything out; it only ranks.
    let cap = (max_rows / 3).max(2);
    let key_nodes: Vec<Node<'_>> = keys.unwrap_or_default().iter().map(|k| Node::Str(k)).collect();
    let data_keys = data_keys(items, cx);
    // Items are independent: long arrays are read on all cores (collected in order).
    let rows: Vec<Item<'_, '_>> = if n >= PARALLEL_ITEMS {
        items
            .par_iter()
            .enumerate()
            .with_min_len(64)
            .map_init(|| Reader::new(cx, &data_keys), |r, (i, item)| r.item(item, key_nodes.get(i)))
            .collect()
    } else {
        let mut r = Reader::new(cx, &data_keys);
        items.iter().enumerate().map(|(i, item)| r.item(item, key_nodes.get(i))).collect()
    };

    // An even sample fills whatever budget the rules leave, so the reader sees the spread.
    let stride = (n / max_rows).max(1);
    for i in (0..n).step_by(stride) {
        sc.bump(i, 10.0, "sample");
    }
    for i in 0..n {
        sc.bump(i, 1.0, "filler");
    }
    for (i, v) in [(0, 350.0), (n - 1, 250.0), (1, 120.0), (2, 100.0), (n - 2, 90.0)] {
        sc.bump(i, v, "edge");
    }

    // Identifiers from the question: exact cells first, then bounded mentions anywhere.
    for id in &cx.query.identifiers {
        // A key is matched in any case: a schema's `ResultType` is the question's `resultType`.
        let exact: Vec<usize> = (0..n)
            .filter(|&i| {
                rows[i].leaves.iter().any(|(_, v)| v.scalar_text().map(decode).as_deref() == Some(id))
                    || rows[i].key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(id))
            })
            .collect();
        let mentions: Vec<usize> = (0..n).filter(|&i| contains_bounded(&rows[i].text, id)).collect();
        let hit = if !exact.is_empty() && exact.len() <= cap { exact } else { mentions };
        let force = !hit.is_empty() && hit.len() <= cap;
        for &i in &hit {
            if force {
                sc.bump(i, FORCED + 200.0, "identifier");
                sc.bump(i.saturating_sub(1), 400.0, "next to identifier");
                sc.bump(i + 1, 400.0, "next to identifier");
            } else if hit.len() <= n / 2 {
                sc.bump(i, 450.0, "identifier (common)");
            }
        }
    }

    if keys.is_some() {
        keys_spelled(&rows, cx, cap, &mut sc);
    }
    fields_present(items, cx, cap, &mut sc);

    // Errors in values.
    let errors: Vec<usize> = (0..n).filter(|&i| rows[i].error).collect();
    let force_errors = errors.len() <= cap.max(n / 10);
    for &i in &errors {
        sc.bump(i, if force_errors { FORCED + 100.0 } else { 300.0 }, "error");
    }

    // The column rules and the question's words read the items independently: on long
    // arrays both run at once, the words' scores merged after as if bumped in sequence.
    if n >= PARALLEL_ITEMS {
        let ((), words) = rayon::join(
            || columns(&rows, cx, cap, &mut sc),
            || {
                let mut w = Scores { p: vec![0.0; n], why: vec![""; n] };
                words_of_question(&rows, cx, cap, &mut w);
                w
            },
        );
        for (i, (p, why)) in words.p.into_iter().zip(words.why).enumerate() {
            sc.bump(i, p, why);
        }
    } else {
        columns(&rows, cx, cap, &mut sc);
        words_of_question(&rows, cx, cap, &mut sc);
    }
    sc
}

/// Map entries whose key the question spells out word for word (`LoggingLevel` for "logging
/// levels", `Tool` for "tool"): the question names them even without an identifier.
fn keys_spelled(rows: &[Item<'_, '_>], cx: &Context<'_>, cap: usize, sc: &mut Scores) {
    let terms: Vec<String> = cx.query.terms.iter().map(|t| stem(t)).collect();
    if terms.is_empty() {
        return;
    }
    let spelled: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let words = r.key.as_deref().map(key_words).unwrap_or_default();
            words.iter().any(|w| w.len() >= 3) && words.iter().all(|w| terms.contains(&stem(w)))
        })
        .map(|(i, _)| i)
        .collect();
    let force = spelled.len() <= cap;
    for i in spelled {
        sc.bump(i, if force { FORCED + 150.0 } else { 450.0 }, "key named");
    }
}

/// Fields only a few items have (`deprecated`, `missing`, `licenses` where the rest say
/// `license`) mark those items as unusual; when the question names such a field, they are
/// what it asks about.
fn fields_present(items: &[&Node<'_>], cx: &Context<'_>, cap: usize, sc: &mut Scores) {
    let n = items.len();
    if n < MIN_ITEMS_FOR_ANOMALIES {
        return;
    }
    let mut presence: HashMap<&str, usize> = HashMap::default();
    for item in items {
        if let Node::Obj(fields) = item {
            fields.iter().for_each(|(k, _)| *presence.entry(k).or_default() += 1);
        }
    }
    let rare_max = (n / 20).max(1);
    let terms: Vec<String> = cx.query.terms.iter().map(|t| stem(t)).collect();
    // Every word of the field's name (short ones aside): `lock_reason` for "lock reason", not
    // `state_reason`.
    let named = |k: &str| {
        let words: Vec<String> = key_words(k).into_iter().filter(|w| w.len() >= 3).collect();
        !words.is_empty() && words.iter().all(|w| terms.contains(&stem(w)))
    };
    // Each uncommon field: is the question asking for it?
    let few: HashMap<&str, bool> = presence
        .into_iter()
        .filter_map(|(k, c)| {
            let asked = c <= cap && named(k);
            (c <= rare_max || asked).then_some((k, asked))
        })
        .collect();
    if few.is_empty() {
        return;
    }
    for (i, item) in items.iter().enumerate() {
        let Node::Obj(fields) = item else { continue };
        for (k, _) in fields {
            match few.get(k) {
                Some(true) => sc.bump(i, FORCED, "named field"),
                Some(false) => sc.bump(i, 200.0, "rare field"),
                None => {}
            }
        }
    }
}

/// Items whose words match the question's (stemmed BM25). Only scores clearly above the
/// typical item count: when every item mentions the term, it singles none out.
fn words_of_question(rows: &[Item<'_, '_>], cx: &Context<'_>, cap: usize, sc: &mut Scores) {
    let n = rows.len();
    let mut terms: Vec<String> = Vec::new();
    for t in &cx.query.terms {
        let t = stem(t);
        if !terms.contains(&t) {
            terms.push(t);
        }
    }
    if terms.is_empty() {
        return;
    }
    let query = Query { terms, identifiers: Vec::new() };
    let docs: Vec<&str> = rows.iter().map(|r| r.words.as_str()).collect();
    let scores = bm25(&query, &docs);
    let mut sorted = scores.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(n / 2).copied().unwrap_or(0.0);
    let max = sorted.last().copied().unwrap_or(0.0);
    if max <= 0.0 {
        return;
    }
    let lift = |s: f64| (s - median) / max;
    let mut strong = Vec::new();
    for (i, &s) in scores.iter().enumerate() {
        if s > 0.0 && lift(s) >= 0.15 {
            sc.bump(i, 500.0 + 400.0 * lift(s), "words");
            if lift(s) >= 0.5 * lift(max) {
                strong.push(i);
            }
        }
    }
    if strong.len() <= cap {
        for &i in &strong {
            sc.bump(i, FORCED, "words (strong)");
            sc.bump(i.saturating_sub(1), 400.0, "next to match");
            sc.bump(i + 1, 400.0, "next to match");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_mentions() {
        assert!(contains_bounded("Publish version 0.7", "0.7"));
        assert!(!contains_bounded("version 10.7", "0.7"));
        assert!(contains_bounded("Add --fix-type option", "--fix-type"));
    }
}
