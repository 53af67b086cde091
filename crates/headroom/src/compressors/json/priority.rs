//! Why an item is worth keeping: each rule raises an item's priority.
//!
//! An item names an identifier from the question, carries an error in its values, is an
//! anomaly (a rare value, a null where the column is usually filled, a numeric extreme), ranks
//! first by a score-like field, matches the question's words (stemmed BM25), or sits at either
//! end. A keyed map's entries are items too: the key is one more value, and a key the question
//! spells (an identifier in any case, or all of the key's words) names its entry. Rules that
//! single out a few items force them (priority >= [`FORCED`]); rules that match many only rank.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::parse::{decode, Node};
use crate::compressors::Context;
use crate::relevance::{bm25, for_each_stemmed_word, stem, stem_word, Query};

/// Priority at or above which an item is kept regardless of budget.
pub(super) const FORCED: f64 = 1000.0;
/// Short strings are categorical candidates; longer ones are free text.
const CATEGORY_MAX_LEN: usize = 60;
/// Strings up to this long are checked for error words whole; longer ones (free text, where
/// "can't" or "error" is conversation, not a report) only by a short first line.
const ERROR_TEXT_MAX: usize = 300;
const ERROR_LINE_MAX: usize = 120;
/// The column path of a map entry's key (no JSON key path reads like this: paths never start
/// with `(`).
const KEY_PATH: &str = "(key)";
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
    fn bump(&mut self, i: usize, v: f64, why: &'static str) {
        if let (Some(x), Some(w)) = (self.p.get_mut(i), self.why.get_mut(i)) {
            if v > *x {
                *x = v;
                *w = why;
            }
        }
    }
}

/// What one item offers to the rules.
struct Item<'a, 'n> {
    /// Decoded scalar text, for identifier matching (empty when the question names none).
    text: String,
    /// Distinct stemmed words of the values, URLs left out (their path words, `/forks`,
    /// `/issues`, say nothing about the item). Distinct, so an item is ranked by which of the
    /// question's words it has, not by how often a name repeats across its fields. Empty when
    /// the question has no words.
    words: String,
    /// Scalars reached through objects only, by dotted path (top-level keys borrowed).
    leaves: Vec<(Cow<'a, str>, &'n Node<'a>)>,
    /// Any string value carrying an error word.
    error: bool,
    /// A map entry's key, decoded.
    key: Option<Cow<'a, str>>,
}

/// Which words an item already has, by hash: no allocation per word, a linear scan while an
/// item has few (most have a dozen), a set past that.
#[derive(Default)]
struct SeenWords {
    few: Vec<u64>,
    many: HashSet<u64>,
}

impl SeenWords {
    fn clear(&mut self) {
        self.few.clear();
        self.many.clear();
    }

    /// Record `w`; `false` if it was already there.
    fn insert(&mut self, w: &str) -> bool {
        let mut h = rustc_hash::FxHasher::default();
        w.hash(&mut h);
        let h = h.finish();
        if !self.many.is_empty() {
            return self.many.insert(h);
        }
        if self.few.contains(&h) {
            return false;
        }
        self.few.push(h);
        if self.few.len() > 64 {
            self.many.extend(self.few.drain(..));
        }
        true
    }
}

/// Reads items one after another, reusing its scratch buffers (one reader per thread).
struct Reader<'c> {
    cx: &'c Context<'c>,
    /// Build [`Item::text`] (the question names identifiers).
    want_text: bool,
    /// Build [`Item::words`] (the question has words).
    want_words: bool,
    path: String,
    word: String,
    seen: SeenWords,
    /// Hashes of the nested keys whose words count (see [`data_keys`]).
    data_keys: &'c HashSet<u64>,
}

impl<'c> Reader<'c> {
    fn new(cx: &'c Context<'c>, data_keys: &'c HashSet<u64>) -> Self {
        Reader {
            cx,
            want_text: !cx.query.identifiers.is_empty(),
            want_words: !cx.query.terms.is_empty(),
            path: String::new(),
            word: String::new(),
            seen: SeenWords::default(),
            data_keys,
        }
    }

    /// Read one item; `key` is a map entry's key (as a string node).
    fn item<'a, 'n>(&mut self, node: &'n Node<'a>, key: Option<&'n Node<'a>>) -> Item<'a, 'n> {
        // Sized for a typical record: growing from empty cost more than the rest of the walk.
        let cap = |want: bool| if want { 256 } else { 0 };
        let mut it = Item {
            text: String::with_capacity(cap(self.want_text)),
            words: String::with_capacity(cap(self.want_words)),
            leaves: Vec::with_capacity(16),
            error: false,
            key: None,
        };
        self.seen.clear();
        self.path.clear();
        if let Some(k @ Node::Str(raw)) = key {
            self.key(k, raw, &mut it);
        }
        self.walk(node, true, &mut it);
        it
    }

    /// A key is a value like any other, except that it names rather than reports (no error
    /// check) and its camelCase words count as words (`LoggingLevel` is `logging level`).
    fn key<'a, 'n>(&mut self, node: &'n Node<'a>, raw: &'a str, it: &mut Item<'a, 'n>) {
        let k = decode(raw);
        it.leaves.push((Cow::Borrowed(KEY_PATH), node));
        if self.want_text {
            it.text.push_str(&k);
            it.text.push('\n');
        }
        if self.want_words {
            let (seen, words) = (&mut self.seen, &mut it.words);
            for w in key_words(&k) {
                let w = stem(&w);
                if seen.insert(&w) {
                    words.push_str(&w);
                    words.push(' ');
                }
            }
        }
        it.key = Some(k);
    }

    fn walk<'a, 'n>(&mut self, node: &'n Node<'a>, leaf: bool, it: &mut Item<'a, 'n>) {
        match node {
            Node::Obj(fields) => {
                for (k, v) in fields {
                    // A top-level scalar's path is its key: borrowed, not built.
                    if self.path.is_empty() && !v.is_container() {
                        self.scalar(v, leaf.then_some(Cow::Borrowed(*k)), it);
                        continue;
                    }
                    let len = self.path.len();
                    if !self.path.is_empty() {
                        // Keys below the top level are often data (`dependencies.minimist`).
                        self.name(k, it);
                        self.path.push('.');
                    }
                    self.path.push_str(k);
                    self.walk(v, leaf, it);
                    self.path.truncate(len);
                }
            }
            Node::Arr(items) => items.iter().for_each(|v| self.walk(v, false, it)),
            scalar => {
                let path = leaf.then(|| Cow::Owned(self.path.clone()));
                self.scalar(scalar, path, it);
            }
        }
    }

    /// A nested key: text like a value (no leaf, no error check), and words when it is data.
    fn name(&mut self, raw: &str, it: &mut Item<'_, '_>) {
        if self.want_text {
            it.text.push_str(&decode(raw));
            it.text.push('\n');
        }
        if self.want_words && self.data_keys.contains(&key_hash(raw)) {
            let (seen, words) = (&mut self.seen, &mut it.words);
            for_each_stemmed_word(&decode(raw), &mut self.word, |w| {
                if seen.insert(w) {
                    words.push_str(w);
                    words.push(' ');
                }
            });
        }
    }

    fn scalar<'a, 'n>(&mut self, node: &'n Node<'a>, path: Option<Cow<'a, str>>, it: &mut Item<'a, 'n>) {
        if let Some(path) = path {
            it.leaves.push((path, node));
        }
        if let Node::Str(raw) = node {
            let s = decode(raw);
            // URLs name things; an "error" inside one is not a reported error.
            let checked = if s.len() <= ERROR_TEXT_MAX {
                Some(&*s)
            } else {
                s.lines().next().filter(|l| l.len() <= ERROR_LINE_MAX)
            };
            if !it.error && !s.contains("://") && checked.is_some_and(|t| self.cx.signals.is_error(t)) {
                it.error = true;
            }
            if self.want_text {
                it.text.push_str(&s);
            }
            if self.want_words
                && (!(s.starts_with("http://") || s.starts_with("https://")) || s.contains(' '))
            {
                let (seen, words) = (&mut self.seen, &mut it.words);
                for_each_stemmed_word(&s, &mut self.word, |w| {
                    if seen.insert(w) {
                        words.push_str(w);
                        words.push(' ');
                    }
                });
            }
        } else {
            let t = node.scalar_text().unwrap_or_default();
            if self.want_text {
                it.text.push_str(t);
            }
            if self.want_words {
                it.words.push_str(t);
                it.words.push(' ');
            }
        }
        if self.want_text {
            it.text.push('\n');
        }
    }
}

fn key_hash(k: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    k.hash(&mut h);
    h.finish()
}

/// Nested keys that only some items have are data (a package's dependency names, an
/// endpoint's status codes): their words count as the item's. Keys most items share are
/// schema (`owner.login`); matching a question word on every item would only blur the
/// ranking. Occurrences are counted, not items: a key repeated inside one item is schema too.
fn data_keys(items: &[&Node<'_>], cx: &Context<'_>) -> HashSet<u64> {
    fn count<'a>(node: &Node<'a>, nested: bool, counts: &mut HashMap<&'a str, usize>) {
        match node {
            Node::Obj(fields) => {
                for (k, v) in fields {
                    if nested {
                        *counts.entry(k).or_default() += 1;
                    }
                    count(v, true, counts);
                }
            }
            Node::Arr(items) => items.iter().for_each(|v| count(v, nested, counts)),
            _ => {}
        }
    }
    if cx.query.terms.is_empty() {
        return HashSet::default();
    }
    let mut counts = HashMap::default();
    items.iter().for_each(|item| count(item, false, &mut counts));
    let n = items.len();
    counts.into_iter().filter(|&(_, c)| c * 2 <= n).map(|(k, _)| key_hash(k)).collect()
}

/// Words of a key path: segments split on punctuation and camelCase, lowercased.
fn key_words(path: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in path.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
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

fn numeric(node: &Node<'_>) -> Option<f64> {
    match node {
        Node::Num(raw) => raw.parse().ok().filter(|v: &f64| v.is_finite()),
        _ => None,
    }
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

/// One column's cells across the items (`None` = key absent).
struct Column<'c, 'a, 'n> {
    path: &'c str,
    values: &'c [Option<&'n Node<'a>>],
    /// Does the question name this column?
    relevant: bool,
}

/// Column rules: numeric extremes and score fields, nulls where a column is usually filled,
/// rare categorical values, and cells equal to a word of the question.
fn columns(rows: &[Item<'_, '_>], cx: &Context<'_>, cap: usize, sc: &mut Scores) {
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
    fn key_words_split_case_and_punctuation() {
        assert_eq!(key_words("Miles_per_Gallon"), ["miles", "per", "gallon"]);
        assert_eq!(key_words("owner.stargazersCount"), ["owner", "stargazers", "count"]);
    }

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

    #[test]
    fn bounded_mentions() {
        assert!(contains_bounded("Publish version 0.7", "0.7"));
        assert!(!contains_bounded("version 10.7", "0.7"));
        assert!(contains_bounded("Add --fix-type option", "--fix-type"));
    }
}
