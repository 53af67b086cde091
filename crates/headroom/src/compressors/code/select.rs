//! Which definitions and comment blocks the question is about, and so stay whole: those it
//! names, those carrying its rare identifiers, then the best BM25 matches within a byte budget.

use crate::compressors::Context;
use crate::relevance::bm25_stemmed;

/// A relevant unit must score at least this fraction of the best score.
const MIN_REL_SCORE: f64 = 0.3;
/// Callees and callers kept around a named unit or the best match (each).
const NEIGHBOURS: usize = 2;
/// At most this many named units, and this many rare-identifier carriers, are expanded to their
/// callees and callers.
const MAX_ANCHORS: usize = 6;
/// This many best-scoring units are kept before the rest is chosen by score per byte.
const TOP_BY_SCORE: usize = 3;

/// Something that may be kept whole or elided: a definition's body or a comment block's tail.
pub(super) struct Unit<'a> {
    /// Symbol name (empty for comment blocks).
    pub name: &'a str,
    /// What the unit is scored on: name, doc, signature and body.
    pub text: String,
    /// Bytes that keeping the unit costs.
    pub cost: usize,
}

/// `true` for each unit the question is about.
pub(super) fn relevant(units: &[Unit<'_>], budget: usize, cx: &Context<'_>) -> Vec<bool> {
    let docs: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let sizes: Vec<usize> = units.iter().map(|u| u.cost).collect();
    let stemmed = bm25_stemmed(cx.query, &docs);
    let scores: Vec<f64> = stemmed.iter().map(|s| s.bm25).collect();
    let rare_ids = rare_identifiers(cx, &docs);

    let score = |i: usize| scores.get(i).copied().unwrap_or(0.0);
    let top = scores.iter().copied().fold(0.0, f64::max);
    let mut by_score: Vec<usize> = (0..units.len()).filter(|&i| score(i) >= top * MIN_REL_SCORE).collect();
    by_score.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));

    // Named by the question: kept whatever their size.
    let mut pick = Picker {
        keep: units.iter().map(|u| names_match(u.name, cx)).collect(),
        kept: 0,
        budget,
        sizes: &sizes,
    };
    let named: Vec<usize> = (0..units.len()).filter(|&i| pick.keep.get(i) == Some(&true)).collect();
    // Carrying a rare identifier of the question, best scores first.
    let mut carriers: Vec<usize> =
        (0..units.len()).filter(|&i| rare_ids.iter().any(|hits| hits.get(i) == Some(&true))).collect();
    carriers.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
    for &i in &carriers {
        pick.take(i);
    }
    if top <= 0.0 {
        return pick.keep;
    }
    // The best BM25 matches.
    for &i in by_score.iter().take(TOP_BY_SCORE) {
        pick.take(i);
    }
    // Around what is kept so far: what it calls explains what it does, where it is called
    // explains when it runs. Two steps out for callees (helpers of helpers), one for callers.
    let density = |i: usize| score(i) / (sizes.get(i).copied().unwrap_or(1).max(1) as f64).sqrt();
    let mut all_by_density: Vec<usize> = (0..units.len()).collect();
    all_by_density.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    // Bounded, so a question naming many symbols cannot make this quadratic.
    let mut anchors: Vec<usize> = named
        .iter()
        .take(MAX_ANCHORS)
        .chain(carriers.iter().take(MAX_ANCHORS))
        .chain(by_score.iter().take(TOP_BY_SCORE))
        .copied()
        .collect();
    for step in 0..2 {
        let mut added = Vec::new();
        for &anchor in &anchors {
            let Some(a) = units.get(anchor).filter(|u| !u.name.is_empty()) else { continue };
            if pick.keep.get(anchor) != Some(&true) {
                continue;
            }
            let called = calls(&a.text);
            let short = short_name(a.name);
            let short_finder = memchr::memmem::Finder::new(short);
            let is_callee = |u: &Unit<'_>| called.contains(short_name(u.name));
            let is_caller =
                |u: &Unit<'_>| step == 0 && short.len() >= 4 && contains_word(&u.text, &short_finder);
            for relation in [&is_callee as &dyn Fn(&Unit<'_>) -> bool, &is_caller] {
                let near: Vec<usize> = all_by_density
                    .iter()
                    .copied()
                    .filter(|&i| pick.keep.get(i) == Some(&false))
                    .filter(|&i| units.get(i).is_some_and(|u| !u.name.is_empty() && relation(u)))
                    .take(NEIGHBOURS)
                    .collect();
                for i in near {
                    if pick.take(i) {
                        added.push(i);
                    }
                }
            }
        }
        anchors = added;
    }
    // The rest of the budget by score per byte, so one long loosely matching body cannot crowd
    // out several precise ones.
    by_score.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    for i in by_score {
        pick.take(i);
    }
    pick.keep
}

/// The last segment of a qualified name (`Session.rebuild_auth` → `rebuild_auth`).
fn short_name(name: &str) -> &str {
    name.rsplit(['.', ':']).next().unwrap_or(name)
}

/// Names called in `text`: an identifier right before `(` or `!(`.
fn calls(text: &str) -> std::collections::BTreeSet<&str> {
    let mut out = std::collections::BTreeSet::new();
    let b = text.as_bytes();
    for (i, _) in text.match_indices('(') {
        let end = if i > 0 && b.get(i - 1) == Some(&b'!') { i - 1 } else { i };
        let head = text.get(..end).unwrap_or("");
        let start = head.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
        if let Some(name) = head.get(start..).filter(|n| n.len() >= 2) {
            out.insert(name);
        }
    }
    out
}

/// Keeps units while the byte budget lasts.
struct Picker<'a> {
    keep: Vec<bool>,
    kept: usize,
    budget: usize,
    sizes: &'a [usize],
}

impl Picker<'_> {
    /// Keep unit `i` if the budget allows; `true` if it was newly kept.
    fn take(&mut self, i: usize) -> bool {
        let size = self.sizes.get(i).copied().unwrap_or(0);
        match self.keep.get_mut(i) {
            Some(k) if !*k && self.kept + size <= self.budget => {
                self.kept += size;
                *k = true;
                true
            }
            _ => false,
        }
    }
}

/// Does the question name this symbol (`should_strip_auth`, `` `any()` ``, "the execute
/// function")?
fn names_match(name: &str, cx: &Context<'_>) -> bool {
    let last = short_name(name);
    if last.is_empty() {
        return false;
    }
    cx.query.identifiers.iter().any(|id| id == last || id == name)
        || (last.len() >= 5 && cx.query.terms.iter().any(|t| t.eq_ignore_ascii_case(last)))
}

/// Question identifiers that occur in only a few units: where they occur is what the question
/// is about. A hyphenated phrase (`over-indented`) also matches the identifiers that spell it
/// (`overIndentedLineError`, `over_indented`).
fn rare_identifiers(cx: &Context<'_>, docs: &[&str]) -> Vec<Vec<bool>> {
    let limit = (docs.len() / 10).max(3);
    let squashed: Vec<String> = if cx.query.identifiers.iter().any(|id| id.contains('-')) {
        docs.iter().map(|d| d.to_lowercase().replace('_', "")).collect()
    } else {
        Vec::new()
    };
    cx.query
        .identifiers
        .iter()
        .filter(|id| is_distinctive(id))
        .map(|id| {
            if id.contains('-') {
                let compound = id.to_lowercase().replace('-', "");
                squashed.iter().map(|d| d.contains(&compound)).collect()
            } else {
                let finder = memchr::memmem::Finder::new(id);
                docs.iter().map(|d| contains_word(d, &finder)).collect::<Vec<bool>>()
            }
        })
        .filter(|hits: &Vec<bool>| {
            let df = hits.iter().filter(|h| **h).count();
            df > 0 && df <= limit
        })
        .collect()
}

/// An identifier precise enough that where it occurs matters: structured (`snake_case`,
/// `CamelCase`, digits, paths, hyphenated phrases) or long. Plain short words (`get`, `any`)
/// occur everywhere in code and only feed the BM25 score.
fn is_distinctive(id: &str) -> bool {
    id.len() >= 8
        || id.len() >= 3
            && id
                .chars()
                .any(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.' | ':'))
}

/// `needle` (searched by `finder`, built once per needle) in `hay` with no identifier
/// character right before or after it. Occurrences are tried left to right, each search
/// resuming after the previous match, as `str::match_indices` would.
fn contains_word(hay: &str, finder: &memchr::memmem::Finder<'_>) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let len = finder.needle().len();
    let word_at = |i: usize| {
        let before = hay.get(..i).and_then(|s| s.chars().next_back());
        let after = hay.get(i + len..).and_then(|s| s.chars().next());
        !before.is_some_and(ident) && !after.is_some_and(ident)
    };
    if len == 0 {
        // An empty needle matches at every char boundary (the byte finder would also try the
        // middle of chars).
        return hay.match_indices("").any(|(i, _)| word_at(i));
    }
    finder.find_iter(hay.as_bytes()).any(word_at)
}
