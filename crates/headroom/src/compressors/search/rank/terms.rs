//! The question's terms against lines of code: camelCase / snake_case pieces of compound words
//! that are terms ("with_subwords"), BM25 over lines with those pieces counted in one sweep,
//! and term hits in paths.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::path_words;
use crate::relevance::{bm25_counted, bm25_terms, raw_words, FirstBytes, Query, TermCounter};

/// The question's terms as a set, for [`with_subwords`] and [`count_with_subwords`], with a
/// cheap screen (first byte and length) so most words are rejected before they are lowercased
/// and hashed.
pub(in crate::compressors) struct Terms<'q> {
    /// Each distinct term: how many times the question lists it, and its index in
    /// [`bm25_terms`] order.
    set: HashMap<&'q str, (usize, usize)>,
    all: &'q [String],
    /// The distinct terms in [`bm25_terms`] order.
    wanted: Vec<&'q str>,
    /// Rules out most words before they are lowercased and hashed.
    screen: FirstBytes,
}

impl<'q> Terms<'q> {
    /// The ASCII `piece`, lowercased into `buf`, and its term's BM25 index, if it is a term.
    fn index_ascii(&self, piece: &str, buf: &mut String) -> Option<usize> {
        if !self.screen.may_match_word(piece) {
            return None;
        }
        buf.clear();
        buf.push_str(piece);
        buf.make_ascii_lowercase();
        self.set.get(buf.as_str()).map(|&(_, i)| i)
    }

    /// Is the ASCII `piece`, lowercased (into `buf`), a term?
    fn holds_ascii(&self, piece: &str, buf: &mut String) -> bool {
        self.index_ascii(piece, buf).is_some()
    }

    /// How many of the question's terms name a word of `path` (split on non-alphanumerics,
    /// lowercased, 2 bytes or more).
    pub(in crate::compressors) fn path_hits(&self, path: &str) -> usize {
        if self.set.is_empty() {
            return 0;
        }
        if !path.is_ascii() {
            let words: Vec<String> = path_words(path).collect();
            return self.all.iter().filter(|t| words.iter().any(|w| w == *t)).count();
        }
        let mut buf = String::new();
        let mut hit: Vec<&str> = Vec::new();
        for w in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2) {
            if self.holds_ascii(w, &mut buf) && !hit.contains(&buf.as_str()) {
                if let Some((&t, _)) = self.set.get_key_value(buf.as_str()) {
                    hit.push(t);
                }
            }
        }
        hit.iter().map(|t| self.set.get(t).map_or(0, |&(times, _)| times)).sum()
    }
}

impl Terms<'_> {
    /// The terms that name a word of `path` (as [`Terms::path_hits`] counts them): each as
    /// (its index in [`bm25_terms`] order, how many times the question lists it).
    pub(in crate::compressors) fn path_terms(&self, path: &str) -> Vec<(usize, usize)> {
        let mut hit: Vec<(usize, usize)> = Vec::new();
        if self.set.is_empty() {
            return hit;
        }
        let mut add = |w: &str| {
            if let Some(&(times, i)) = self.set.get(w) {
                if times > 0 && !hit.iter().any(|&(j, _)| j == i) {
                    hit.push((i, times));
                }
            }
        };
        if !path.is_ascii() {
            path_words(path).for_each(|w| add(&w));
            return hit;
        }
        let mut buf = String::new();
        for w in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2) {
            if self.holds_ascii(w, &mut buf) {
                add(&buf);
            }
        }
        hit
    }
}

/// The question's terms as a set, for [`with_subwords`].
pub(in crate::compressors) fn term_set(query: &Query) -> Terms<'_> {
    let wanted = bm25_terms(query);
    let mut set: HashMap<&str, (usize, usize)> = HashMap::default();
    for (i, &t) in wanted.iter().enumerate() {
        set.insert(t, (0, i));
    }
    for t in &query.terms {
        if let Some((times, _)) = set.get_mut(t.as_str()) {
            *times += 1;
        }
    }
    Terms { set, all: &query.terms, screen: FirstBytes::of(&wanted), wanted }
}

/// `text` followed by those camelCase / snake_case pieces of its compound words that are
/// question terms, so BM25 matches `state` in `from_fn_with_state` and `router` in
/// `MethodRouter` as well as the whole words. Borrows when nothing is added.
pub(in crate::compressors) fn with_subwords<'t>(text: &'t str, terms: &Terms<'_>) -> Cow<'t, str> {
    if terms.set.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out: Option<String> = None;
    let mut piece = String::new();
    let mut add = |piece: &str| {
        let o = out.get_or_insert_with(|| {
            let mut o = String::with_capacity(text.len() + 64);
            o.push_str(text);
            o
        });
        o.push(' ');
        o.push_str(piece);
    };
    if text.is_ascii() {
        for_each_ascii_word(text, |word, compound| {
            if compound {
                for_each_piece(word, |part| {
                    if terms.holds_ascii(part, &mut piece) {
                        add(&piece);
                    }
                });
            }
        });
    } else {
        for word in raw_words(text) {
            let b = word.as_bytes();
            let camel = |w: &[u8]| matches!(w, [x, y] if x.is_ascii_lowercase() && y.is_ascii_uppercase());
            if !(b.contains(&b'_') || b.windows(2).any(camel)) {
                continue;
            }
            for_each_piece(word, |part| {
                let hit = if part.is_ascii() {
                    terms.holds_ascii(part, &mut piece)
                } else {
                    piece.clear();
                    piece.extend(part.chars().flat_map(char::to_lowercase));
                    terms.set.contains_key(piece.as_str())
                };
                if hit {
                    add(&piece);
                }
            });
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// BM25 counts of [`with_subwords`]`(text)`, tokenized as BM25 does, added to `row` (one slot
/// per term of [`Terms::wanted`]); returns its token count. ASCII text is read in one sweep,
/// without building the longer string.
fn count_with_subwords(
    text: &str,
    terms: &Terms<'_>,
    counter: &mut TermCounter<'_>,
    buf: &mut String,
    row: &mut [u32],
) -> u32 {
    if !text.is_ascii() {
        return counter.count(&with_subwords(text, terms), row);
    }
    let mut len = 0u32;
    let mut hit = |i: usize, len: &mut u32| {
        *len += 1;
        if let Some(x) = row.get_mut(i) {
            *x += 1;
        }
    };
    for_each_ascii_word(text, |word, compound| {
        if word.len() < 2 {
            return;
        }
        match terms.index_ascii(word, buf) {
            Some(i) => hit(i, &mut len),
            None => len += 1,
        }
        // Each piece that is a term is one more token (appended by `with_subwords`).
        if compound {
            for_each_piece(word, |part| {
                if let Some(i) = terms.index_ascii(part, buf) {
                    hit(i, &mut len);
                }
            });
        }
    });
    len
}

/// BM25 scores of `docs` each followed by its subword pieces: `bm25(query, with_subwords(doc))`
/// for the query `terms` was made from, without building the longer strings.
pub(in crate::compressors) fn bm25_with_subwords(docs: &[&str], terms: &Terms<'_>) -> Vec<f64> {
    let t = terms.wanted.len();
    if t == 0 {
        return vec![0.0; docs.len()];
    }
    let mut counter = TermCounter::new(&terms.wanted);
    let mut buf = String::new();
    let mut counts = vec![0u32; docs.len() * t];
    let mut lens = Vec::with_capacity(docs.len());
    for (d, row) in docs.iter().zip(counts.chunks_mut(t)) {
        lens.push(count_with_subwords(d, terms, &mut counter, &mut buf, row));
    }
    bm25_counted(t, &lens, counts)
}

/// Words of ASCII `text` (runs of letters, digits and `_`), each with whether it is compound
/// (holds a `_` or a lower→upper step).
fn for_each_ascii_word(text: &str, mut f: impl FnMut(&str, bool)) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let mut class = byte_class(c);
        if class & WORD == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut seen = 0u8;
        loop {
            i += 1;
            let Some(&next) = b.get(i) else { break };
            let next_class = byte_class(next);
            if next_class & WORD == 0 {
                break;
            }
            // UPPER sits one bit above LOWER: a lower byte then an upper one sets UPPER.
            seen |= class & UNDERSCORE | (class << 1) & next_class & UPPER;
            class = next_class;
        }
        seen |= class & UNDERSCORE;
        f(text.get(start..i).unwrap_or(""), seen != 0);
    }
}

/// The pieces of compound `word` of 3 bytes or more: its runs between `_`s, cut again at
/// lower→upper steps (ASCII bytes, so char boundaries).
fn for_each_piece(word: &str, mut f: impl FnMut(&str)) {
    let b = word.as_bytes();
    let mut p = 0;
    while let Some(&first) = b.get(p) {
        if first == b'_' {
            p += 1;
            continue;
        }
        let start = p;
        let mut class = byte_class(first);
        p += 1;
        while let Some(&c) = b.get(p) {
            let next = byte_class(c);
            if next & UNDERSCORE != 0 || (class << 1) & next & UPPER != 0 {
                break;
            }
            class = next;
            p += 1;
        }
        if p - start >= 3 {
            if let Some(part) = word.get(start..p) {
                f(part);
            }
        }
    }
}

/// Byte classes for [`with_subwords`]: bit flags.
const WORD: u8 = 1;
const LOWER: u8 = 2;
const UPPER: u8 = 4;
const UNDERSCORE: u8 = 8;

/// [`WORD`] | [`LOWER`] / [`UPPER`] / [`UNDERSCORE`] per ASCII byte (0 for the rest).
static BYTE_CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() {
            WORD | LOWER
        } else if c.is_ascii_uppercase() {
            WORD | UPPER
        } else if c.is_ascii_digit() {
            WORD
        } else if c == b'_' {
            WORD | UNDERSCORE
        } else {
            0
        };
        b += 1;
    }
    t
};

fn byte_class(c: u8) -> u8 {
    BYTE_CLASSES.get(usize::from(c)).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::expanded;
    use super::*;

    #[test]
    fn subwords() {
        let q = Query::new("which state does the router take");
        let terms = term_set(&q);
        assert_eq!(
            with_subwords("x from_fn_with_state(MethodRouter)", &terms),
            "x from_fn_with_state(MethodRouter) state router"
        );
        assert_eq!(with_subwords("plain words", &terms), "plain words");
    }

    #[test]
    fn counted_bm25_matches_bm25_of_subwords() {
        let docs = [
            "let app = Router::new().with_state(state); // MethodRouter",
            "pub fn from_fn_with_state<F>(f: F, state: S) -> FromFnLayer",
            "x",
            "",
            "Zustände_state über stateRouter Straße_with ÉTAT_state",
            "WITH_STATE with_state WithState withState __state__",
        ];
        for question in ["which state does the router take with_state", "nothing matches here", ""] {
            let q = expanded(&Query::new(question));
            let terms = term_set(&q);
            let subworded: Vec<String> = docs.iter().map(|d| with_subwords(d, &terms).into_owned()).collect();
            let want = crate::relevance::bm25(&q, &subworded.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(bm25_with_subwords(&docs, &terms), want, "{question}");
        }
    }
}
