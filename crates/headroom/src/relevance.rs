//! Query relevance shared by every compressor: which terms the user asked about, exact
//! identifiers from the question, and BM25 scoring of candidate pieces (lines, items, hunks).

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};

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
    raw_words(text).map(str::to_lowercase)
}

/// The word tokens of `text` as written: runs of letters, digits and `_`, at least 2 bytes.
pub(crate) fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    RawWords { text, pos: 0 }.filter(|w| w.len() >= 2)
}

/// Runs of alphanumeric chars and `_` (what `split(|c| !(c.is_alphanumeric() || c == '_'))`
/// yields, minus the empty pieces), read byte by byte: only non-ASCII chars are decoded.
struct RawWords<'a> {
    text: &'a str,
    pos: usize,
}

/// What a byte is to [`RawWords`].
const SEP: u8 = 0;
const WORD: u8 = 1;
const NON_ASCII: u8 = 2;

/// [`SEP`], [`WORD`] (ASCII letter, digit, `_`) or [`NON_ASCII`] for every byte.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if !c.is_ascii() {
            NON_ASCII
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            WORD
        } else {
            SEP
        };
        b += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    BYTE_CLASS.get(usize::from(b)).copied().unwrap_or(SEP)
}

impl RawWords<'_> {
    /// Is the (non-ASCII) char at `at` alphanumeric, and how long is it?
    fn wide_char(&self, at: usize) -> Option<(usize, bool)> {
        let c = self.text.get(at..)?.chars().next()?;
        Some((c.len_utf8(), c.is_alphanumeric()))
    }
}

impl<'a> Iterator for RawWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        // Separators: runs of ASCII are skipped in one sweep; non-ASCII chars are decoded.
        loop {
            let rest = bytes.get(self.pos..)?;
            let Some(skip) = rest.iter().position(|&b| class(b) != SEP) else {
                self.pos = bytes.len();
                return None;
            };
            self.pos += skip;
            if bytes.get(self.pos).is_some_and(|&b| class(b) == WORD) {
                break;
            }
            let (n, word) = self.wide_char(self.pos)?;
            if word {
                break;
            }
            self.pos += n;
        }
        let start = self.pos;
        loop {
            let rest = bytes.get(self.pos..).unwrap_or(&[]);
            self.pos += rest.iter().position(|&b| class(b) != WORD).unwrap_or(rest.len());
            match bytes.get(self.pos) {
                Some(&b) if class(b) == NON_ASCII => match self.wide_char(self.pos) {
                    Some((n, true)) => self.pos += n,
                    _ => break,
                },
                _ => break,
            }
        }
        self.text.get(start..self.pos)
    }
}

/// [`words`], each stemmed, without allocating per word: `f` sees each in turn.
pub(crate) fn for_each_stemmed_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for raw in raw_words(text) {
        lower_word(raw, buf);
        stem_in_place(buf);
        f(buf);
    }
}

/// `raw` lowercased into `buf` (as [`words`] lowercases it).
fn lower_word(raw: &str, buf: &mut String) {
    buf.clear();
    if raw.is_ascii() {
        buf.push_str(raw);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&raw.to_lowercase());
    }
}

/// The stem of a lowercased word (see [`stem_in_place`]), so inflections of a question word
/// still match: `licensing`, `licensed`, `license` → `licens`; `moved`, `moves` → `mov`.
pub(crate) fn stem(word: &str) -> String {
    let mut s = word.to_owned();
    stem_in_place(&mut s);
    s
}

/// The stem of `word` lowercased, built in `buf` (no allocation once `buf` has grown).
pub(crate) fn stem_word<'b>(word: &str, buf: &'b mut String) -> &'b str {
    lower_word(word, buf);
    stem_in_place(buf);
    buf
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

/// BM25 scores of `docs` against `query` (k1 = 1.2, b = 0.75). Terms that occur in most docs
/// weigh little, so scores favour the few pieces that carry the rare words of the question.
pub(crate) fn bm25(query: &Query, docs: &[&str]) -> Vec<f64> {
    let n = docs.len();
    if n == 0 || query.terms.is_empty() {
        return vec![0.0; n];
    }
    let wanted = bm25_terms(query);
    let tally = Tally::new(docs, &wanted, for_each_word);
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

/// Which first bytes (and lengths) the wanted terms have: most tokens of a document start or
/// measure otherwise and are skipped before they are lowercased, stemmed or compared.
struct FirstBytes {
    /// `lens[b]`: bit `n` set when some wanted term starts with byte `b` and is `n` bytes long
    /// (bit 63: 63 or more).
    lens: [u64; 256],
    /// The finer sieve for stemmed tokens; `None` lets every token through.
    prefixes: Option<Prefixes>,
}

impl FirstBytes {
    fn of<S: AsRef<str>>(wanted: &[S]) -> Self {
        let mut lens = [0u64; 256];
        for w in wanted.iter().map(AsRef::as_ref) {
            if let Some(mask) = w.as_bytes().first().and_then(|&b| lens.get_mut(usize::from(b))) {
                *mask |= 1 << w.len().min(63);
            }
        }
        Self { lens, prefixes: Some(Prefixes::of(wanted)) }
    }

    /// Every token may match.
    fn any() -> Self {
        Self { lens: [u64::MAX; 256], prefixes: None }
    }

    fn mask(&self, b: u8) -> u64 {
        self.lens.get(usize::from(b.to_ascii_lowercase())).copied().unwrap_or(0)
    }

    /// Could a token whose raw first byte is `b` equal a wanted term once lowercased (and
    /// stemmed)?
    fn may_match(&self, b: u8) -> bool {
        !b.is_ascii() || self.mask(b) != 0
    }

    /// Could the raw token `raw` equal a wanted term once lowercased? An ASCII token keeps its
    /// length; any other might not.
    fn may_match_word(&self, raw: &str) -> bool {
        let Some(&b) = raw.as_bytes().first() else { return false };
        !b.is_ascii() || self.mask(b) & (1 << raw.len().min(63)) != 0 || self.may_match(b) && !raw.is_ascii()
    }
}

impl FirstBytes {
    /// Could the raw token `raw` equal a wanted term once lowercased and stemmed?
    fn may_match_stem(&self, raw: &[u8]) -> bool {
        raw.first().is_some_and(|&b| self.may_match(b))
            && self.prefixes.as_ref().is_none_or(|p| p.may_match(raw))
    }
}

/// Which first bytes the wanted terms start with, for stemmed tokens: a finer sieve than the
/// first byte alone, by the first two bytes and then the third.
///
/// Exact, because lowercasing maps ASCII to ASCII byte for byte and the stemmer only
/// truncates, except `-ies` → `-y`, which rewrites the third byte of a five-byte word. So a
/// token whose first bytes are ASCII can equal a wanted term (of at least 3 bytes) only if its
/// first three bytes lowercase to the term's (or, for a five-byte `-ies` word, its first two
/// and a `y`); a token of two ASCII bytes never can. Tokens with a non-ASCII byte among the
/// first three always pass.
struct Prefixes {
    /// Bit `a * 128 + b`: some wanted term starts with ASCII bytes `a`, `b`.
    pairs: [u64; 256],
    /// The first three bytes of every wanted term, packed.
    triples: FxHashSet<u32>,
    /// A wanted term shorter than 3 bytes: only the two-byte sieve applies, if that.
    short: bool,
    /// A wanted term shorter than 2 bytes: nothing can be ruled out.
    all: bool,
}

/// The bit of two ASCII bytes in [`Prefixes::pairs`].
fn pair_bit(a: u8, b: u8) -> usize {
    usize::from(a & 0x7f) << 7 | usize::from(b & 0x7f)
}

/// Three bytes packed into one key.
fn triple(a: u8, b: u8, c: u8) -> u32 {
    u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c)
}

impl Prefixes {
    fn of<S: AsRef<str>>(wanted: &[S]) -> Self {
        let mut pairs = [0u64; 256];
        let mut triples = FxHashSet::default();
        let (mut short, mut all) = (false, false);
        for w in wanted.iter().map(AsRef::as_ref) {
            match w.as_bytes() {
                [a, b, rest @ ..] => {
                    if a.is_ascii() && b.is_ascii() {
                        let bit = pair_bit(*a, *b);
                        if let Some(p) = pairs.get_mut(bit / 64) {
                            *p |= 1 << (bit % 64);
                        }
                    }
                    match rest.first() {
                        Some(c) => {
                            triples.insert(triple(*a, *b, *c));
                        }
                        None => short = true,
                    }
                }
                _ => all = true,
            }
        }
        Self { pairs, triples, short, all }
    }

    /// Could a token with raw bytes `raw` (at least 2) equal a wanted term once lowercased and
    /// stemmed?
    fn may_match(&self, raw: &[u8]) -> bool {
        let [a, b, rest @ ..] = raw else { return true };
        if !a.is_ascii() || !b.is_ascii() || self.all {
            return true;
        }
        let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
        let bit = pair_bit(a, b);
        let pair = self.pairs.get(bit / 64).is_some_and(|p| p & (1 << (bit % 64)) != 0);
        if !pair || self.short {
            return pair;
        }
        match rest.first() {
            None => false,
            Some(c) if c.is_ascii() => {
                self.triples.contains(&triple(a, b, c.to_ascii_lowercase()))
                    || (raw.len() == 5
                        && rest.eq_ignore_ascii_case(b"ies")
                        && self.triples.contains(&triple(a, b, b'y')))
            }
            Some(_) => true,
        }
    }
}

/// A tokenizer for [`Tally`]: calls `f` once per token of `text`, with the lowercased token
/// (in `buf`) when `screen` lets it through, else with `None`.
type Tokens = fn(&str, &mut String, &FirstBytes, &mut dyn FnMut(Option<&str>));

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
        Self::with_tokens(wanted, for_each_word)
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
        Self { wanted, tokens, first: FirstBytes::of(wanted), index, buf: String::new() }
    }

    /// Add the occurrences of each wanted term in `text` to `row` (one slot per term); return
    /// how many tokens `text` has.
    pub(crate) fn count(&mut self, text: &str, row: &mut [u32]) -> u32 {
        let Self { wanted, tokens, first, index, buf } = self;
        let linear = wanted.len() <= LINEAR_TERMS;
        let find = |w: &str| if linear { wanted.iter().position(|&x| x == w) } else { index.get(w).copied() };
        let mut len = 0u32;
        tokens(text, buf, first, &mut |w| {
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

/// [`words`] for [`Tally`]: lowercases only tokens that may match.
fn for_each_word(text: &str, buf: &mut String, screen: &FirstBytes, f: &mut dyn FnMut(Option<&str>)) {
    for raw in raw_words(text) {
        if screen.may_match_word(raw) {
            lower_word(raw, buf);
            f(Some(buf));
        } else {
            f(None);
        }
    }
}

/// Lowercased, lightly stemmed word tokens of `text`, with identifiers also split into their
/// parts (`should_strip_auth` → `should_strip_auth should strip auth`, `overIndentedLine` →
/// `overindentedline over indent line`). Lets a question in plain words ("over-indented",
/// "ports") meet code and prose that spell the same idea as identifiers or plurals.
pub(crate) fn stemmed_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_stem(text, &mut String::new(), &FirstBytes::any(), &mut |w| out.extend(w.map(str::to_owned)));
    out
}

/// [`stemmed_words`] without allocating per word, for [`Tally`]: a token is lowercased and
/// stemmed only when `screen` may let it through (see [`Prefixes`]).
fn for_each_stem(text: &str, buf: &mut String, screen: &FirstBytes, f: &mut dyn FnMut(Option<&str>)) {
    // Byte ranges of the current word's parts (allocated only once a word has several).
    let mut parts: Vec<(usize, usize)> = Vec::new();
    for raw in raw_words(text) {
        // Most words are plain (`the`, `The`): one part, no splitting needed.
        let b = raw.as_bytes();
        if b.iter().all(u8::is_ascii_alphabetic) && b.iter().skip(1).all(u8::is_ascii_lowercase) {
            if screen.may_match_stem(b) {
                lower_word(raw, buf);
                stem_in_place(buf);
                f(Some(buf));
            } else {
                f(None);
            }
            continue;
        }
        parts.clear();
        for_each_part(raw, |p| parts.push(p));
        if parts.len() > 1 {
            if screen.may_match_stem(raw.as_bytes()) {
                lower_word(raw, buf);
                f(Some(buf));
            } else {
                f(None);
            }
        }
        for &(start, end) in &parts {
            let p = raw.get(start..end).unwrap_or("");
            if p.len() >= 2 {
                if screen.may_match_stem(p.as_bytes()) {
                    lower_word(p, buf);
                    stem_in_place(buf);
                    f(Some(buf));
                } else {
                    f(None);
                }
            }
        }
    }
}

/// The `snake_case`, `camelCase`, `HTTPServer` and letter/digit parts of one word, as byte
/// ranges of `word`.
fn for_each_part(word: &str, mut f: impl FnMut((usize, usize))) {
    if word.is_ascii() {
        // One pass over the bytes: for ASCII, `char`'s case and class tests are the `u8` ones,
        // and a `_` ends a piece (empty pieces give no part).
        let b = word.as_bytes();
        let mut start = 0;
        for (i, &cur) in b.iter().enumerate() {
            if cur == b'_' {
                if i > start {
                    f((start, i));
                }
                start = i + 1;
                continue;
            }
            let Some(&prev) = i.checked_sub(1).and_then(|p| b.get(p)).filter(|&&p| p != b'_') else {
                continue;
            };
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = (prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower)
                || (prev.is_ascii_alphabetic() && cur.is_ascii_digit())
                || (prev.is_ascii_digit() && cur.is_ascii_alphabetic());
            if boundary {
                f((start, i));
                start = i;
            }
        }
        if b.len() > start {
            f((start, b.len()));
        }
        return;
    }
    let mut offset = 0;
    for piece in word.split('_') {
        let base = offset;
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let mut start = 0;
        let mut prev: Option<char> = None;
        let mut chars = piece.char_indices().peekable();
        while let Some((i, cur)) = chars.next() {
            if let Some(prev) = prev {
                let next_lower = chars.peek().is_some_and(|&(_, n)| n.is_lowercase());
                let boundary = (prev.is_lowercase() && cur.is_uppercase())
                    || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                    || (prev.is_alphabetic() && cur.is_ascii_digit())
                    || (prev.is_ascii_digit() && cur.is_alphabetic());
                if boundary {
                    f((base + start, base + i));
                    start = i;
                }
            }
            prev = Some(cur);
        }
        f((base + start, base + piece.len()));
    }
}

/// THE stemmer: a light English suffix stripper, in place: plurals, `-ation`, `-ed`, `-ing`
/// (doubled consonants undone), and a final silent `e` (so `license` meets `licensed`).
fn stem_in_place(s: &mut String) {
    if !s.is_ascii() || s.len() <= 3 {
        return;
    }
    if s.ends_with("ies") && s.len() >= 5 {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if s.ends_with("sses") {
        s.truncate(s.len() - 2);
    } else if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        s.truncate(s.len() - 1);
    }
    if s.len() >= 9 && s.ends_with("ation") {
        s.truncate(s.len() - 5);
    }
    for suffix in ["ing", "ed"] {
        let base = s.len().saturating_sub(suffix.len());
        // The suffix first: the vowel scan is the costly test.
        if s.len() > suffix.len() + 2
            && s.ends_with(suffix)
            && s.get(..base).is_some_and(|b| b.bytes().any(|c| b"aeiouy".contains(&c)))
        {
            s.truncate(base);
            let b = s.as_bytes();
            let n = b.len();
            if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'e' | b'o') {
                s.truncate(n - 1);
            }
            break;
        }
    }
    if s.len() >= 4 && s.ends_with('e') && !s.ends_with("ee") {
        s.pop();
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
    let tally = Tally::new(docs, &wanted, for_each_stem);
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
    fn raw_words_split_like_chars() {
        for text in [
            "fn from_fn_with_state(x: u8) -> Router<S2> {",
            "café—naïve → Straße_x1 日本語テキスト ok ¿qué? a b cc",
            "",
            "  __  _a\u{2014}bb\u{00e9}\u{00e9}",
            "x\u{1F600}yz\u{0301}w",
        ] {
            let want: Vec<&str> =
                text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| w.len() >= 2).collect();
            assert_eq!(raw_words(text).collect::<Vec<_>>(), want, "{text}");
        }
    }

    #[test]
    fn stems_join_inflections() {
        for (a, b) in
            [("licensing", "license"), ("licensed", "license"), ("moved", "move"), ("forks", "fork")]
        {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        assert_eq!(stem("process"), "process");
        assert_eq!(stem("yes"), "yes");
    }

    #[test]
    fn stemmed_words_split_identifiers() {
        assert_eq!(
            stemmed_words("overIndentedLineError METHOD_NOT_ALLOWED ports retries"),
            [
                "overindentedlineerror",
                "over",
                "indent",
                "lin",
                "error",
                "method_not_allowed",
                "method",
                "not",
                "allow",
                "port",
                "retry"
            ]
        );
        assert_eq!(stemmed_words("stripped HTTPServer"), ["strip", "httpserver", "http", "server"]);
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
