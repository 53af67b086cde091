//! Query relevance shared by every compressor: which terms the user asked about, exact
//! identifiers from the question, and BM25 scoring of candidate pieces (lines, items, hunks).
//!
//! Submodules: `words` (tokens), `stem` (the stemmer), `screen` (token pre-filters), `bm25`
//! (scoring).

mod bm25;
mod screen;
mod stem;
mod words;

use std::collections::HashSet;

pub(crate) use bm25::{bm25, bm25_counted, bm25_stemmed, bm25_terms, TermCounter};
pub(crate) use stem::{stem, stem_word};
pub(crate) use words::{for_each_stemmed_word, raw_words, words};

pub(crate) use screen::FirstBytes;
use words::for_each_word;

pub(super) const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "was", "were", "what", "which", "when", "where", "who", "whom", "how", "why",
    "does", "did", "done", "this", "that", "these", "those", "with", "from", "into", "any", "all", "each",
    "give", "tell", "show", "list", "there", "their", "them", "they", "its", "has", "have", "had", "not",
    "but", "can", "could", "would", "should", "will", "about", "also", "than", "then", "only", "most",
    "more", "some", "such", "over", "under", "between", "exactly", "please", "me", "you", "your", "our",
    "out", "get", "got", "use", "used", "using", "one", "two", "first", "last", "new", "old", "like", "just",
    "been", "being", "here", "it's", "let", "did", "doing", "whether", "other", "same", "many", "much",
    "very", "via", "per", "give", "name", "names", "point", "quote", "find", "look", "make", "made", "need",
    "needs", "want",
];

/// The relevance query, preprocessed once per block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// Content words (lowercased, no stopwords), in first-seen order.
    pub terms: Vec<String>,
    /// Exact tokens the user quoted or that look like identifiers (numbers, versions, paths,
    /// `snake_case`, `CamelCase`, `--flags`, backticked text), case preserved.
    pub identifiers: Vec<String>,
}

impl Query {
    pub(crate) fn new(text: &str) -> Self {
        let stop: HashSet<&str> = STOPWORDS.iter().copied().collect();
        let mut seen = HashSet::new();
        let terms = words(text)
            .filter(|w| w.len() >= 3 && !stop.contains(w.as_str()))
            .filter(|w| seen.insert(w.clone()))
            .collect();
        let mut identifiers = Vec::new();
        let mut push = |s: &str| {
            let s = s.trim_matches(|c: char| {
                matches!(c, '.' | ',' | '?' | '!' | ':' | ';' | '(' | ')' | '\'' | '"')
            });
            if s.len() >= 2 && !identifiers.iter().any(|x: &String| x == s) {
                identifiers.push(s.to_owned());
            }
        };
        for quoted in text.split('`').skip(1).step_by(2) {
            push(quoted);
        }
        for tok in text.split(|c: char| c.is_whitespace() || c == '`') {
            let t = tok.trim_matches(|c: char| {
                matches!(c, '.' | ',' | '?' | '!' | ':' | ';' | '(' | ')' | '\'' | '"')
            });
            let has_digit = t.bytes().any(|b| b.is_ascii_digit());
            let inner_upper = t.chars().skip(1).any(char::is_uppercase) && t.chars().any(char::is_lowercase);
            // `over-indented`, `non-strict`: hyphenated words often name an identifier.
            let hyphenated =
                t.split('-').filter(|p| p.len() >= 2 && p.chars().all(char::is_alphabetic)).count() >= 2;
            let structured = hyphenated
                || t.contains('_')
                || t.contains('/')
                || t.contains("::")
                || t.starts_with("--")
                || t.contains('.') && t.len() > 3;
            if has_digit || inner_upper || structured {
                push(t);
            }
        }
        Self { terms, identifiers }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.identifiers.is_empty()
    }

    /// Does `text` contain one of the question's identifiers verbatim?
    pub(crate) fn mentions_identifier(&self, text: &str) -> bool {
        self.identifiers.iter().any(|id| text.contains(id.as_str()))
    }

    /// How many distinct query terms occur in `text` (case-insensitive word match).
    pub(crate) fn term_hits(&self, text: &str) -> usize {
        if self.terms.is_empty() {
            return 0;
        }
        let mut hit = vec![false; self.terms.len()];
        let first = FirstBytes::of(&self.terms);
        for_each_word(text, &mut String::new(), &first, &mut |w| {
            if let Some(i) = w.and_then(|w| self.terms.iter().position(|t| t == w)) {
                if let Some(h) = hit.get_mut(i) {
                    *h = true;
                }
            }
        });
        hit.iter().filter(|&&h| h).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_and_identifiers() {
        let q = Query::new(
            "Which regex versions are yanked? Give the `dl_path` for 1.0.0 and ShellCompDirectiveKeepOrder.",
        );
        assert!(q.terms.contains(&"regex".to_string()));
        assert!(q.terms.contains(&"yanked".to_string()));
        assert!(!q.terms.contains(&"which".to_string()));
        assert!(q.identifiers.contains(&"dl_path".to_string()));
        assert!(q.identifiers.contains(&"1.0.0".to_string()));
        assert!(q.identifiers.contains(&"ShellCompDirectiveKeepOrder".to_string()));
    }
}
