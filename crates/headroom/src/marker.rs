//! The one retrieval-marker grammar and the content hash it carries.
//!
//! ```text
//! [headroom: 480 items omitted; retrieve hash=0123456789abcdef01234567]
//! ```
//!
//! `hash` is the first 24 hex digits of the BLAKE3 digest of the original block's bytes. Only
//! the unit word varies between compressors.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const PREFIX: &str = "[headroom: ";
const MIDDLE: &str = " omitted; retrieve hash=";
const HASH_LEN: usize = 24;

/// 24 lowercase hex digits of BLAKE3 over an original block's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; HASH_LEN]);

impl ContentHash {
    /// Hash of `content`'s bytes.
    pub fn of(content: &str) -> Self {
        let hex = blake3::hash(content.as_bytes()).to_hex();
        let mut out = [0u8; HASH_LEN];
        out.copy_from_slice(&hex.as_bytes()[..HASH_LEN]);
        Self(out)
    }

    /// The hash as 24 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not 24 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a headroom hash (want 24 lowercase hex digits): {0:?}")]
pub struct BadHash(pub String);

impl FromStr for ContentHash {
    type Err = BadHash;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != HASH_LEN || !b.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)) {
            return Err(BadHash(s.to_owned()));
        }
        let mut out = [0u8; HASH_LEN];
        out.copy_from_slice(b);
        Ok(Self(out))
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One parsed marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    /// How many units were omitted.
    pub count: usize,
    /// The unit word (`items`, `lines`, `matches`, ...).
    pub unit: &'a str,
    /// Where the original is stored.
    pub hash: ContentHash,
    /// Byte range of the marker in the scanned text.
    pub range: std::ops::Range<usize>,
}

impl Marker<'_> {
    /// Render a marker. `unit` must be one lowercase word.
    pub fn render(count: usize, unit: &str, hash: &ContentHash) -> String {
        format!("{PREFIX}{count} {unit}{MIDDLE}{hash}]")
    }

    /// Every well-formed marker in `text`, in order.
    pub fn find_all(text: &str) -> Vec<Marker<'_>> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(pos) = text[from..].find(PREFIX) {
            let start = from + pos;
            from = start + PREFIX.len();
            if let Some(m) = parse_at(text, start) {
                from = m.range.end;
                out.push(m);
            }
        }
        out
    }
}

fn parse_at(text: &str, start: usize) -> Option<Marker<'_>> {
    let rest = &text[start + PREFIX.len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let count: usize = rest[..digits].parse().ok()?;
    let rest = rest[digits..].strip_prefix(' ')?;
    let unit_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    if unit_len == 0 {
        return None;
    }
    let unit = &rest[..unit_len];
    let rest = rest[unit_len..].strip_prefix(MIDDLE)?;
    let hash: ContentHash = rest.get(..HASH_LEN)?.parse().ok()?;
    rest[HASH_LEN..].strip_prefix(']')?;
    let end = text.len() - rest.len() + HASH_LEN + 1;
    Some(Marker { count, unit, hash, range: start..end })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_blake3_prefix() {
        let h = ContentHash::of("hello");
        // blake3("hello") = ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f
        assert_eq!(h.as_str(), "ea8f163db38682925e4491c5");
    }

    #[test]
    fn render_parse_round_trip() {
        let h = ContentHash::of("original");
        let text = format!("a\n{}\nb {}", Marker::render(480, "items", &h), Marker::render(3, "lines", &h));
        let found = Marker::find_all(&text);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].count, found[0].unit, found[0].hash), (480, "items", h));
        assert_eq!(&text[found[1].range.clone()], Marker::render(3, "lines", &h));
    }

    #[test]
    fn rejects_near_misses() {
        assert!(Marker::find_all("[headroom: 3 lines omitted; retrieve hash=ABCDEF0123456789abcdef01]")
            .is_empty());
        assert!(Marker::find_all("[headroom: x lines omitted; retrieve hash=0123456789abcdef01234567]")
            .is_empty());
        assert!("0123".parse::<ContentHash>().is_err());
    }
}
