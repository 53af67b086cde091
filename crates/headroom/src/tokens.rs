//! The one token-counting entry point.
//!
//! OpenAI models get exact BPE counts (o200k for gpt-4o / gpt-4.1 / gpt-5 / o-series, cl100k for
//! gpt-4 and gpt-3.5), from vocabularies embedded in the binary. Claude and unknown models have
//! no public tokenizer: they get an estimate, o200k's count scaled by [`CLAUDE_PER_O200K`], and
//! results say it is an estimate.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Claude tokens per o200k token. The only offline Claude tokenizer (the legacy Claude BPE)
/// measured 1.06× o200k on this project's corpus; newer Claude tokenizers are reported to
/// produce somewhat more tokens than that, so the estimate leans a little higher.
pub const CLAUDE_PER_O200K: f64 = 1.10;

/// How a count was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum TokenCount {
    /// Exact BPE with the named encoding.
    Exact {
        /// Which vocabulary.
        encoding: Encoding,
    },
    /// Calibrated estimate (o200k × [`CLAUDE_PER_O200K`]).
    Estimate,
}

/// An OpenAI BPE vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// gpt-4o, gpt-4.1, gpt-5, o-series.
    O200kBase,
    /// gpt-4, gpt-3.5.
    Cl100kBase,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Self::O200kBase => "o200k_base",
            Self::Cl100kBase => "cl100k_base",
        }
    }
}

/// Counts tokens for one model. Cheap to copy once built; the vocabularies are loaded once per
/// process by the tokenizer crate.
#[derive(Clone, Copy)]
pub struct TokenCounter {
    bpe: &'static tiktoken::CoreBpe,
    method: TokenCount,
}

impl std::fmt::Debug for TokenCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCounter").field("method", &self.method).finish()
    }
}

impl TokenCounter {
    /// The counter for `model`.
    pub fn for_model(model: &str) -> Self {
        let m = model.to_ascii_lowercase();
        let m = m.rsplit('/').next().unwrap_or(&m); // "openai/gpt-4o" style prefixes
        let encoding = if m.starts_with("gpt-4o")
            || m.starts_with("gpt-4.1")
            || m.starts_with("gpt-4.5")
            || m.starts_with("gpt-5")
            || m.starts_with("chatgpt-4o")
            || m.starts_with("codex")
            || m.starts_with("gpt-oss")
            || is_o_series(m)
        {
            Some(Encoding::O200kBase)
        } else if m.starts_with("gpt-4") || m.starts_with("gpt-3.5") || m.starts_with("text-embedding") {
            Some(Encoding::Cl100kBase)
        } else {
            None
        };
        let (name, method) = match encoding {
            Some(e) => (e.name(), TokenCount::Exact { encoding: e }),
            None => ("o200k_base", TokenCount::Estimate),
        };
        // Both vocabularies are compiled in (see Cargo features), so lookup cannot miss; fall
        // back to cl100k for the type system's sake.
        let bpe = tiktoken::get_encoding(name)
            .or_else(|| tiktoken::get_encoding("cl100k_base"))
            .unwrap_or_else(|| unreachable_vocab());
        Self { bpe, method }
    }

    /// Tokens in `text`. Long texts are cut where the BPE pre-tokeniser always ends a piece
    /// (see [`piece_boundary`]) and the parts are counted on several cores: BPE never merges
    /// across pieces, so the sum is the exact count.
    pub fn count(&self, text: &str) -> usize {
        let threads = rayon::current_num_threads();
        let n = if text.len() < PARALLEL_COUNT_BYTES || threads < 2 {
            self.bpe.count(text)
        } else {
            self.count_in_parts(text, text.len().div_ceil(threads * 2))
        };
        match self.method {
            TokenCount::Exact { .. } => n,
            TokenCount::Estimate => (n as f64 * CLAUDE_PER_O200K).ceil() as usize,
        }
    }

    /// A fast approximation of [`count`](Self::count) (within about a tenth on real tool
    /// output), for sizing budgets inside compressors, where exact BPE over every candidate
    /// line or item would cost more than the selection itself. Reported counts always use
    /// `count`.
    pub fn estimate(&self, text: &str) -> usize {
        let n = estimate_o200k(text);
        match self.method {
            TokenCount::Estimate => (n as f64 * CLAUDE_PER_O200K).ceil() as usize,
            TokenCount::Exact { .. } => n,
        }
    }

    /// Does `a` cost no more tokens than `b`? Decided by estimate when the two are clearly
    /// apart, by exact counts when close: for picking the smaller of two renderings.
    pub fn no_larger(&self, a: &str, b: &str) -> bool {
        let (ea, eb) = (self.estimate(a) as f64, self.estimate(b) as f64);
        if ea < eb * 0.95 {
            true
        } else if eb < ea * 0.95 {
            false
        } else {
            self.count(a) <= self.count(b)
        }
    }

    /// How counts are obtained.
    pub fn method(&self) -> TokenCount {
        self.method
    }
}

/// Texts shorter than this are counted on one core: a fork costs more than it saves.
const PARALLEL_COUNT_BYTES: usize = 32 * 1024;

impl TokenCounter {
    /// The BPE count of `text`, summed over parts of about `part` bytes or more, cut at piece
    /// boundaries and counted in parallel.
    fn count_in_parts(&self, text: &str, part: usize) -> usize {
        let parts: Vec<&str> = parts(text, part).collect();
        parts.par_iter().map(|p| self.bpe.count(p)).sum()
    }
}

/// `text` cut into parts of at least `part` bytes (the last may be shorter) at
/// [`piece_boundary`] offsets.
fn parts(text: &str, part: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let b = rest.as_bytes();
        let cut = (part.max(1)..b.len()).find(|&i| piece_boundary(b, i)).unwrap_or(b.len());
        let (head, tail) = rest.split_at_checked(cut).unwrap_or((rest, ""));
        rest = tail;
        Some(head)
    })
}

/// Does every pre-tokeniser piece of `b` (o200k and cl100k alike) end at offset `i`, so that
/// counting `b[..i]` and `b[i..]` apart gives the same pieces?
///
/// True in two cases, shown alternative by alternative of the two split patterns (both are
/// `letters-with-one-leading-non-letter | digits{1,3} | ␠?punct+ [\r\n/]* | \s*[\r\n]+ |
/// \s+(?!\S) | \s+`, cl100k without the `/`):
/// - a newline followed by an ASCII graphic byte other than `/`: a newline is only ever the
///   optional leading byte of nothing, the trailing `[\r\n/]*` of a punctuation run (which
///   the graphic byte cannot extend), or part of a whitespace piece (which it ends);
/// - a space preceded by an ASCII graphic byte: a space only ever starts a piece (the optional
///   leading byte) or lies inside a whitespace piece, and a whitespace piece cannot hold the
///   graphic byte before it.
///
/// No alternative looks behind, and the one look-ahead (`(?!\S)`) never decides a piece that
/// ends at such an offset, so both halves split as they would inside the whole.
fn piece_boundary(b: &[u8], i: usize) -> bool {
    let graphic = |x: &u8| (0x21..=0x7e).contains(x);
    match (i.checked_sub(1).and_then(|p| b.get(p)), b.get(i)) {
        (Some(b'\n'), Some(next)) => graphic(next) && *next != b'/',
        (Some(prev), Some(b' ')) => graphic(prev),
        _ => false,
    }
}

/// Byte classes the estimate walks: the same splits the BPE pre-tokeniser makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Newline,
    Punct,
    Wide,
}

const fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b' ' | b'\t' => Class::Space,
        b'\n' | b'\r' => Class::Newline,
        0x80.. => Class::Wide,
        _ => Class::Punct,
    }
}

/// [`class`] of every byte, looked up rather than matched: the estimate walks every byte.
const CLASSES: [Class; 256] = {
    let mut t = [Class::Punct; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class(i as u8);
        i += 1;
    }
    t
};

/// Pre-tokeniser pieces, each charged by its length the way BPE tends to split it: a word is
/// one token per camelCase part (long parts more), digits go in threes, punctuation runs pair
/// up, a single space or punctuation mark rides on the word after it, newline runs are one.
fn estimate_o200k(text: &str) -> usize {
    let b = text.as_bytes();
    let mut tokens = 0usize;
    let mut i = 0;
    while let Some(&first) = b.get(i) {
        let c = CLASSES[usize::from(first)];
        let start = i;
        i += 1;
        let mut parts = 1;
        let mut part_len = 1;
        let mut extra = 0;
        if c == Class::Letter {
            let mut prev_lower = first.is_ascii_lowercase();
            while let Some(&x) = b.get(i).filter(|x| x.is_ascii_alphabetic()) {
                let upper = x.is_ascii_uppercase();
                if upper && prev_lower {
                    parts += 1;
                    extra += (part_len - 1) / LETTERS_PER_TOKEN;
                    part_len = 0;
                }
                prev_lower = !upper;
                part_len += 1;
                i += 1;
            }
        } else {
            while b.get(i).is_some_and(|&x| CLASSES[usize::from(x)] == c) {
                i += 1;
            }
        }
        let len = i - start;
        let next = b.get(i).map(|&x| CLASSES[usize::from(x)]);
        let joins_next = matches!(next, Some(Class::Letter | Class::Digit | Class::Punct | Class::Wide));
        tokens += match c {
            Class::Letter => parts + extra + (part_len - 1) / LETTERS_PER_TOKEN,
            Class::Digit => len.div_ceil(3),
            Class::Space => usize::from(len > 1 || !joins_next),
            Class::Newline => 1,
            Class::Punct if next == Some(Class::Letter) => (len - 1).div_ceil(2),
            Class::Punct => len.div_ceil(2),
            // Multi-byte UTF-8: roughly one token per character for CJK, fewer for accents.
            Class::Wide => len.div_ceil(3),
        };
    }
    tokens
}

/// Letters one estimated token covers after a word part's first (tuned on the corpus).
const LETTERS_PER_TOKEN: usize = 7;

fn is_o_series(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() >= 2 && b[0] == b'o' && b[1].is_ascii_digit()
}

#[allow(clippy::panic)]
fn unreachable_vocab() -> &'static tiktoken::CoreBpe {
    // The crate features guarantee both vocabularies; reaching this is a build error.
    panic!("tiktoken built without cl100k/o200k vocabularies")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_encodings() {
        assert_eq!(
            TokenCounter::for_model("gpt-4o").method(),
            TokenCount::Exact { encoding: Encoding::O200kBase }
        );
        assert_eq!(
            TokenCounter::for_model("o3-mini").method(),
            TokenCount::Exact { encoding: Encoding::O200kBase }
        );
        assert_eq!(
            TokenCounter::for_model("gpt-4-turbo").method(),
            TokenCount::Exact { encoding: Encoding::Cl100kBase }
        );
        assert_eq!(TokenCounter::for_model("claude-sonnet-4-5").method(), TokenCount::Estimate);
    }

    /// Texts built from the bytes that decide piece boundaries, in every order.
    fn hostile_texts() -> Vec<String> {
        let atoms = [
            " ",
            "  ",
            "\n",
            "\r\n",
            "\n\n",
            "/",
            "a",
            "Ab",
            "ABC",
            "1",
            "1234",
            "'s",
            "'S",
            "'ll",
            "é",
            "e\u{301}",
            "!",
            "(",
            "\t",
            "日本",
            "x/y",
            "\u{a0}",
            "<|endoftext|>",
            "\u{2014}",
            ".",
            "_",
            "😀",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..400)
            .map(|_| {
                let len = 1 + (next() % 200) as usize;
                (0..len).map(|_| atoms[(next() % atoms.len() as u64) as usize]).collect()
            })
            .collect()
    }

    #[test]
    fn counting_in_parts_is_exact() {
        let mut texts = hostile_texts();
        for case in headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir()) {
            texts.extend(
                crate::wire::locate(&case.body("gpt-4o"), None)
                    .into_iter()
                    .flat_map(|l| l.slots)
                    .map(|s| s.text),
            );
        }
        let mut cuts = 0;
        for model in ["gpt-4o", "gpt-4"] {
            let counter = TokenCounter::for_model(model);
            for text in &texts {
                for part in [1, 7, 64, 4096] {
                    assert_eq!(
                        counter.count_in_parts(text, part),
                        counter.bpe.count(text),
                        "{model}, parts of {part}: {text:?}"
                    );
                }
                cuts += parts(text, 1).count() - 1;
                assert_eq!(parts(text, 5).collect::<String>(), *text);
            }
        }
        // The hostile texts must really be cut, at both kinds of boundary.
        assert!(cuts > 10_000, "{cuts}");
        assert!(piece_boundary(b"a\nb", 2) && piece_boundary(b"a b", 1));
        assert!(!piece_boundary(b"a\n/", 2) && !piece_boundary(b"\n b", 1) && !piece_boundary(b"a\n b", 2));
    }

    #[test]
    fn counts_known_strings() {
        // "hello world" is 2 tokens in both o200k and cl100k.
        assert_eq!(TokenCounter::for_model("gpt-4o").count("hello world"), 2);
        assert_eq!(TokenCounter::for_model("gpt-4").count("hello world"), 2);
        let est = TokenCounter::for_model("claude-3-opus").count("hello world");
        assert_eq!(est, 3); // ceil(2 * 1.1)
    }
}
