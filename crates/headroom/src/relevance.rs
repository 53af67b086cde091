//! Query relevance shared by every compressor: which terms the user asked about, exact
//! identifiers from the question, and BM25 scoring of candidate pieces (lines, items, hunks).

use std::collections::{HashMap, HashSet};

const STOPWORDS: &[&str] = &[
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

/// Lowercased word tokens of `text` (letters, digits, `_`), at least 2 bytes long.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| w.len() >= 2).map(str::to_lowercase)
}

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
            let structured = t.contains('_')
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
        let ws: HashSet<String> = words(text).collect();
        self.terms.iter().filter(|t| ws.contains(*t)).count()
    }
}

/// BM25 scores of `docs` against `query` (k1 = 1.2, b = 0.75). Terms that occur in most docs
/// weigh little, so scores favour the few pieces that carry the rare words of the question.
pub(crate) fn bm25(query: &Query, docs: &[&str]) -> Vec<f64> {
    let n = docs.len();
    if n == 0 || query.terms.is_empty() {
        return vec![0.0; n];
    }
    let wanted: HashSet<&str> = query.terms.iter().map(String::as_str).collect();
    let mut tf: Vec<HashMap<String, u32>> = Vec::with_capacity(n);
    let mut lens = Vec::with_capacity(n);
    let mut df: HashMap<String, u32> = HashMap::new();
    for d in docs {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut len = 0u32;
        for w in words(d) {
            len += 1;
            if wanted.contains(w.as_str()) {
                *counts.entry(w).or_default() += 1;
            }
        }
        for k in counts.keys() {
            *df.entry(k.clone()).or_default() += 1;
        }
        tf.push(counts);
        lens.push(len as f64);
    }
    let avg = (lens.iter().sum::<f64>() / n as f64).max(1.0);
    let (k1, b) = (1.2, 0.75);
    tf.iter()
        .zip(&lens)
        .map(|(counts, len)| {
            // Summed in query-term order: HashMap order would make the float sum (and so
            // rankings on ties) differ between processes.
            query
                .terms
                .iter()
                .filter_map(|term| counts.get(term).map(|&f| (term, f)))
                .map(|(term, f)| {
                    let dfi = f64::from(df.get(term).copied().unwrap_or(0));
                    let idf = ((n as f64 - dfi + 0.5) / (dfi + 0.5) + 1.0).ln();
                    let f = f64::from(f);
                    idf * f * (k1 + 1.0) / (f + k1 * (1.0 - b + b * len / avg))
                })
                .sum()
        })
        .collect()
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

    #[test]
    fn bm25_prefers_rare_terms() {
        let q = Query::new("broadcast slowest");
        let docs = ["INFO took 5 ms", "INFO broadcast variable 3 took 12 ms", "INFO took 7 ms"];
        let s = bm25(&q, &docs);
        assert!(s[1] > s[0] && s[1] > s[2]);
        assert_eq!(s[0], 0.0);
    }
}
