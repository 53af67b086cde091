//! One item as the rules see it: its leaf values by path, its text and stemmed words, and
//! whether a value reports an error, read by a [`Reader`] that reuses its buffers per thread.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::super::parse::{decode, Node};
use crate::compressors::Context;
use crate::relevance::{for_each_stemmed_word, stem};

/// Strings up to this long are checked for error words whole; longer ones (free text, where
/// "can't" or "error" is conversation, not a report) only by a short first line.
const ERROR_TEXT_MAX: usize = 300;
const ERROR_LINE_MAX: usize = 120;
/// The column path of a map entry's key (no JSON key path reads like this: paths never start
/// with `(`).
pub(super) const KEY_PATH: &str = "(key)";

/// What one item offers to the rules.
pub(super) struct Item<'a, 'n> {
    /// Decoded scalar text, for identifier matching (empty when the question names none).
    pub text: String,
    /// Distinct stemmed words of the values, URLs left out (their path words, `/forks`,
    /// `/issues`, say nothing about the item). Distinct, so an item is ranked by which of the
    /// question's words it has, not by how often a name repeats across its fields. Empty when
    /// the question has no words.
    pub words: String,
    /// Scalars reached through objects only, by dotted path (top-level keys borrowed).
    pub leaves: Vec<(Cow<'a, str>, &'n Node<'a>)>,
    /// Any string value carrying an error word.
    pub error: bool,
    /// A map entry's key, decoded.
    pub key: Option<Cow<'a, str>>,
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
pub(super) struct Reader<'c> {
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
    pub(super) fn new(cx: &'c Context<'c>, data_keys: &'c HashSet<u64>) -> Self {
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
    pub(super) fn item<'a, 'n>(&mut self, node: &'n Node<'a>, key: Option<&'n Node<'a>>) -> Item<'a, 'n> {
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
pub(super) fn data_keys(items: &[&Node<'_>], cx: &Context<'_>) -> HashSet<u64> {
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
pub(super) fn key_words(path: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_words_split_case_and_punctuation() {
        assert_eq!(key_words("Miles_per_Gallon"), ["miles", "per", "gallon"]);
        assert_eq!(key_words("owner.stargazersCount"), ["owner", "stargazers", "count"]);
    }
}
