//! Word tokens as every relevance rule sees them: raw runs of letters, digits and `_`, their
//! lowercased forms, and the identifier parts (`snake_case`, `camelCase`) stemmed for code and
//! prose.

use super::screen::FirstBytes;
use super::stem::stem_in_place;

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
pub(super) fn lower_word(raw: &str, buf: &mut String) {
    buf.clear();
    if raw.is_ascii() {
        buf.push_str(raw);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&raw.to_lowercase());
    }
}

/// [`words`] for [`Tally`]: lowercases only tokens that may match.
pub(super) fn for_each_word(
    text: &str,
    buf: &mut String,
    screen: &FirstBytes,
    f: &mut dyn FnMut(Option<&str>),
) {
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
pub(super) fn for_each_stem(
    text: &str,
    buf: &mut String,
    screen: &FirstBytes,
    f: &mut dyn FnMut(Option<&str>),
) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
