//! Cheap screens that rule a token out before it is lowercased, stemmed or looked up: by first
//! byte and length, then by its first three bytes.

use rustc_hash::FxHashSet;

/// Which first bytes (and lengths) the wanted terms have: most tokens of a document start or
/// measure otherwise and are skipped before they are lowercased, stemmed or compared.
pub(crate) struct FirstBytes {
    /// `lens[b]`: bit `n` set when some wanted term starts with byte `b` and is `n` bytes long
    /// (bit 63: 63 or more).
    lens: [u64; 256],
    /// The finer sieve for stemmed tokens; `None` lets every token through.
    prefixes: Option<Prefixes>,
}

impl FirstBytes {
    pub(crate) fn of<S: AsRef<str>>(wanted: &[S]) -> Self {
        let mut lens = [0u64; 256];
        for w in wanted.iter().map(AsRef::as_ref) {
            if let Some(mask) = w.as_bytes().first().and_then(|&b| lens.get_mut(usize::from(b))) {
                *mask |= 1 << w.len().min(63);
            }
        }
        Self { lens, prefixes: None }
    }

    /// [`Self::of`] with the finer three-byte sieve for stemmed tokens.
    pub(super) fn with_prefixes<S: AsRef<str>>(wanted: &[S]) -> Self {
        Self { prefixes: Some(Prefixes::of(wanted)), ..Self::of(wanted) }
    }

    /// Every token may match.
    pub(super) fn any() -> Self {
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
    pub(crate) fn may_match_word(&self, raw: &str) -> bool {
        let Some(&b) = raw.as_bytes().first() else { return false };
        !b.is_ascii() || self.mask(b) & (1 << raw.len().min(63)) != 0 || self.may_match(b) && !raw.is_ascii()
    }
}

impl FirstBytes {
    /// Could the raw token `raw` equal a wanted term once lowercased and stemmed?
    pub(super) fn may_match_stem(&self, raw: &[u8]) -> bool {
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
    pub(crate) fn of<S: AsRef<str>>(wanted: &[S]) -> Self {
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
