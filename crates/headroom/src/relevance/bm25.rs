//! BM25 scoring (k1 = 1.2, b = 0.75) of candidate pieces against the question, over plain
//! words or over stemmed identifier parts, and the term counter the search ranker shares.

use rustc_hash::{FxHashMap, FxHashSet};

use super::screen::FirstBytes;
use super::words::{for_each_stem, for_each_word, stemmed_words};
use super::{Query, STOPWORDS};

/// BM25 scores of `docs` against `query` (k1 = 1.2, b = 0.75). Terms that occur in most docs
/// weigh little, so scores favour the few pieces that carry the rare words of the question.
pub(crate) fn bm25(query: &Query, docs: &[&str]) -> Vec<f64> {
    let n = docs.len();
    if n == 0 || query.terms.is_empty() {
        return vec![0.0; n];
    }
    let wanted = bm25_terms(query);
    let tally = Tally::new(docs, &wanted, Tokens::Words);
    (0..n).map(|d| tally.score(d).0).collect()
}

/// The distinct terms [`bm25`] scores, in question order: term `i` of [`bm25_counted`] and
/// [`TermCounter`].
pub(crate) fn bm25_terms(query: &Query) -> Vec<&str> {
    let mut wanted: Vec<&str> = Vec::with_capacity(query.terms.len());
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for t in &query.terms {
        if seen.insert(t) {
            wanted.push(t);
        }
    }
    wanted
}

/// [`bm25`] over counts the caller made (every document tokenized as [`bm25`] does, e.g. by
/// [`TermCounter`]): `lens[d]` tokens in document `d`, and `counts[d * terms + i]` occurrences
/// of term `i` of [`bm25_terms`]. Same scores as [`bm25`] on the same documents.
pub(crate) fn bm25_counted(terms: usize, lens: &[u32], counts: Vec<u32>) -> Vec<f64> {
    let n = lens.len();
    if terms == 0 || n == 0 || counts.len() != n * terms {
        return vec![0.0; n];
    }
    let tally = Tally::from_counts(terms, counts, lens.iter().map(|&l| f64::from(l)).collect());
    (0..n).map(|d| tally.score(d).0).collect()
}

/// How [`Tally`] splits documents into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tokens {
    /// [`super::words`]: lowercased words.
    Words,
    /// [`stemmed_words`]: lowercased, stemmed words and identifier parts.
    Stems,
}

impl Tokens {
    /// The screen for `wanted` terms: the prefix sieve only pays off for stemmed tokens.
    fn screen(self, wanted: &[&str]) -> FirstBytes {
        match self {
            Self::Words => FirstBytes::of(wanted),
            Self::Stems => FirstBytes::with_prefixes(wanted),
        }
    }

    /// Calls `f` once per token of `text`, with the token (built in `buf`) when `screen` lets it
    /// through, else with `None`.
    fn each(self, text: &str, buf: &mut String, screen: &FirstBytes, f: &mut dyn FnMut(Option<&str>)) {
        match self {
            Self::Words => for_each_word(text, buf, screen, f),
            Self::Stems => for_each_stem(text, buf, screen, f),
        }
    }
}

/// Up to this many wanted terms are found by a linear scan; more, by hash.
const LINEAR_TERMS: usize = 8;

/// Counts the wanted terms in texts, tokenized as [`bm25`] (or [`bm25_stemmed`]) does.
pub(crate) struct TermCounter<'w> {
    wanted: &'w [&'w str],
    tokens: Tokens,
    first: FirstBytes,
    /// Term → index, when there are too many terms for a linear scan.
    index: FxHashMap<&'w str, usize>,
    buf: String,
}

impl<'w> TermCounter<'w> {
    /// A counter of `wanted` (see [`bm25_terms`]) in [`words`] tokens.
    pub(crate) fn new(wanted: &'w [&'w str]) -> Self {
        Self::with_tokens(wanted, Tokens::Words)
    }

    fn with_tokens(wanted: &'w [&'w str], tokens: Tokens) -> Self {
        // Expanded questions carry dozens of terms: look those up by hash, not one by one.
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        if wanted.len() > LINEAR_TERMS {
            index.reserve(wanted.len());
            for (i, &w) in wanted.iter().enumerate() {
                index.entry(w).or_insert(i);
            }
        }
        Self { wanted, tokens, first: tokens.screen(wanted), index, buf: String::new() }
    }

    /// Add the occurrences of each wanted term in `text` to `row` (one slot per term); return
    /// how many tokens `text` has.
    pub(crate) fn count(&mut self, text: &str, row: &mut [u32]) -> u32 {
        let Self { wanted, tokens, first, index, buf } = self;
        let linear = wanted.len() <= LINEAR_TERMS;
        let find = |w: &str| if linear { wanted.iter().position(|&x| x == w) } else { index.get(w).copied() };
        let mut len = 0u32;
        tokens.each(text, buf, first, &mut |w| {
            len += 1;
            if let Some(x) = w.and_then(find).and_then(|i| row.get_mut(i)) {
                *x += 1;
            }
        });
        len
    }
}

/// Per-document counts of the wanted terms, document lengths and document frequencies.
struct Tally {
    terms: usize,
    counts: Vec<u32>,
    lens: Vec<f64>,
    idf: Vec<f64>,
    avg: f64,
}

impl Tally {
    fn new(docs: &[&str], wanted: &[&str], tokens: Tokens) -> Self {
        let t = wanted.len();
        let mut counter = TermCounter::with_tokens(wanted, tokens);
        let mut counts = vec![0u32; docs.len() * t];
        let mut lens = Vec::with_capacity(docs.len());
        for (d, row) in docs.iter().zip(counts.chunks_mut(t.max(1))) {
            lens.push(f64::from(counter.count(d, row)));
        }
        Self::from_counts(t, counts, lens)
    }

    /// `counts`: `t` per document; `lens`: tokens per document.
    fn from_counts(t: usize, counts: Vec<u32>, lens: Vec<f64>) -> Self {
        let mut df = vec![0u32; t];
        for row in counts.chunks(t.max(1)) {
            for (x, d) in row.iter().zip(df.iter_mut()) {
                *d += u32::from(*x > 0);
            }
        }
        let n = lens.len() as f64;
        let avg = (lens.iter().sum::<f64>() / n.max(1.0)).max(1.0);
        let idf = df.iter().map(|&d| ((n - f64::from(d) + 0.5) / (f64::from(d) + 0.5) + 1.0).ln()).collect();
        Self { terms: t, counts, lens, idf, avg }
    }

    /// Document `d`'s BM25 score (summed in term order, so the float sum is the same in every
    /// process) and the bitset of the first 64 terms it contains.
    fn score(&self, d: usize) -> (f64, u64) {
        let (k1, b) = (1.2, 0.75);
        let len = self.lens.get(d).copied().unwrap_or(0.0);
        let row = self.counts.get(d * self.terms..(d + 1) * self.terms).unwrap_or(&[]);
        let (mut score, mut bits) = (0.0, 0u64);
        for (i, (&f, w)) in row.iter().zip(&self.idf).enumerate() {
            if f > 0 {
                let f = f64::from(f);
                score += w * f * (k1 + 1.0) / (f + k1 * (1.0 - b + b * len / self.avg));
                if i < 64 {
                    bits |= 1 << i;
                }
            }
        }
        (score, bits)
    }
}

/// How well one piece matches the question under [`bm25_stemmed`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct StemmedScore {
    /// BM25 score.
    pub bm25: f64,
    /// Which of [`stemmed_terms`] the piece contains: bit `i` for term `i` (first 64 terms).
    pub terms: u64,
}

/// The question's terms and identifiers as [`stemmed_words`], without stopwords, deduplicated.
pub(crate) fn stemmed_terms(query: &Query) -> Vec<String> {
    let mut wanted: Vec<String> = Vec::new();
    for t in query.terms.iter().chain(&query.identifiers) {
        for w in stemmed_words(t) {
            if w.len() >= 3 && !STOPWORDS.contains(&w.as_str()) && !wanted.contains(&w) {
                wanted.push(w);
            }
        }
    }
    wanted
}

/// BM25 over [`stemmed_words`]: the question's terms and identifiers against `docs`, both split
/// and stemmed. Same formula and constants as [`bm25`]; for code and prose, where wording varies.
pub(crate) fn bm25_stemmed(query: &Query, docs: &[&str]) -> Vec<StemmedScore> {
    let wanted = stemmed_terms(query);
    let n = docs.len();
    if wanted.is_empty() || n == 0 {
        return vec![StemmedScore::default(); n];
    }
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let tally = Tally::new(docs, &wanted, Tokens::Stems);
    (0..n)
        .map(|d| {
            let (bm25, terms) = tally.score(d);
            StemmedScore { bm25, terms }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_prefers_rare_terms() {
        let q = Query::new("broadcast slowest");
        let docs = ["INFO took 5 ms", "INFO broadcast variable 3 took 12 ms", "INFO took 7 ms"];
        let s = bm25(&q, &docs);
        assert!(s[1] > s[0] && s[1] > s[2]);
        assert_eq!(s[0], 0.0);
    }
}
