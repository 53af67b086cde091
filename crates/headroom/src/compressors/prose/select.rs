//! Which lines of a document stay: every heading; then, while the byte budget lasts, the units
//! the question is about (high BM25, its identifiers, its rare words), the units repeating a
//! distinctive value those carry (a GUID, a code, a hash defined in one place and used in an
//! example elsewhere), the first sentence of each section, and the rest by score. Repeated
//! sentences are kept once.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::structure::{Document, LineKind, Unit, UnitKind};
use crate::compressors::Context;
use crate::relevance::bm25_stemmed;

/// Share of the document's bytes kept when no target ratio is given.
const KEEP_SHARE: f64 = 0.45;
/// Units scoring at least this fraction of the best score are kept first.
const STRONG_SCORE: f64 = 0.5;
/// A question word found in at most this many units (or 0.5% of them) marks them all strong.
const RARE_DF: usize = 3;
/// A value repeated in at most this many units is followed from a strong unit to the others.
const VALUE_DF: usize = 5;

/// `true` for each line to keep.
pub(super) fn keep_lines(doc: &Document<'_>, cx: &Context<'_>) -> Vec<bool> {
    let units = &doc.units;
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let stemmed = bm25_stemmed(cx.query, &texts);
    let score = |i: usize| stemmed.get(i).map_or(0.0, |s| s.bm25);
    let top = stemmed.iter().map(|s| s.bm25).fold(0.0, f64::max);

    // Question words that only a few units use.
    let rare_limit = RARE_DF.max(units.len() / 200);
    let mut df = [0usize; 64];
    for s in &stemmed {
        let mut bits = s.terms;
        while bits != 0 {
            if let Some(d) = df.get_mut(bits.trailing_zeros() as usize) {
                *d += 1;
            }
            bits &= bits - 1;
        }
    }
    let rare_mask = df
        .iter()
        .enumerate()
        .filter(|(_, &d)| d > 0 && d <= rare_limit)
        .fold(0u64, |mask, (bit, _)| mask | (1 << bit));
    // One searcher per identifier, built once rather than per unit.
    let ids: Vec<memchr::memmem::Finder<'_>> = cx
        .query
        .identifiers
        .iter()
        .filter(|id| id.len() >= 3)
        .map(|id| memchr::memmem::Finder::new(id.as_bytes()))
        .collect();
    let is_strong = |i: usize| {
        score(i) >= top * STRONG_SCORE && top > 0.0
            || stemmed.get(i).is_some_and(|s| s.terms & rare_mask != 0)
            || units.get(i).is_some_and(|u| ids.iter().any(|id| id.find(u.text.as_bytes()).is_some()))
    };

    let listed = |i: usize| units.get(i).is_some_and(|u| u.kind != UnitKind::Toc);
    let mut by_score: Vec<usize> = (0..units.len()).filter(|&i| score(i) > 0.0 && listed(i)).collect();
    by_score.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
    let strong: Vec<usize> = (0..units.len()).filter(|&i| listed(i) && is_strong(i)).collect();
    let mut strong_sorted = strong.clone();
    strong_sorted.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
    let echoes = echoes(units, &strong);
    let mut section_seen = HashSet::default();
    let firsts: Vec<usize> = (0..units.len())
        .filter(|&i| {
            units.get(i).is_some_and(|u| {
                u.kind == UnitKind::Sentence && u.section > 0 && section_seen.insert(u.section)
            })
        })
        .collect();

    // In runs of lines without sentences (pasted output), the first and last line of each run
    // and the lines reporting an error, as the log rules would keep them.
    let is_line = |i: usize| units.get(i).is_some_and(|u| u.kind == UnitKind::Line);
    let line_marks: Vec<usize> = (0..units.len())
        .filter(|&i| {
            is_line(i)
                && (i == 0
                    || !is_line(i - 1)
                    || !is_line(i + 1)
                    || units.get(i).is_some_and(|u| cx.signals.is_error_report(&u.text)))
        })
        .collect();

    let mut pick = Picker::new(doc, cx.target_ratio);
    for i in strong_sorted.into_iter().chain(line_marks).chain(echoes).chain(firsts).chain(by_score) {
        pick.take(units.get(i));
    }
    pick.keep
}

/// Units outside `strong` that repeat a distinctive value (letters and digits mixed, at least
/// six characters, used by few units) found in a strong unit.
fn echoes(units: &[Unit], strong: &[usize]) -> Vec<usize> {
    let values: HashSet<&str> =
        strong.iter().filter_map(|&i| units.get(i)).flat_map(|u| values_in(&u.text)).collect();
    if values.is_empty() {
        return Vec::new();
    }
    // One pass: which units use each value.
    let mut users: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, u) in units.iter().enumerate() {
        for t in values_in(&u.text) {
            if values.contains(t) {
                let list = users.entry(t).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    let strong: HashSet<usize> = strong.iter().copied().collect();
    let mut out: Vec<usize> = users
        .into_values()
        .filter(|list| list.len() <= VALUE_DF)
        .flatten()
        .filter(|i| !strong.contains(i))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Distinctive values in `text`: letters and digits mixed, at least six characters.
fn values_in(text: &str) -> impl Iterator<Item = &str> {
    DigitRuns { text, pos: 0 }.filter(|w| w.len() >= 6 && w.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// Keeps units' lines while the byte budget lasts; headings are kept from the start.
struct Picker<'d, 'a> {
    doc: &'d Document<'a>,
    keep: Vec<bool>,
    kept: usize,
    budget: usize,
    seen: HashSet<Vec<u8>>,
}

impl<'d, 'a> Picker<'d, 'a> {
    fn new(doc: &'d Document<'a>, target_ratio: Option<f64>) -> Self {
        let keep: Vec<bool> = doc.kinds.iter().map(|k| *k == LineKind::Heading).collect();
        let total: usize = doc.lines.iter().map(|l| l.len() + 1).sum();
        let share = target_ratio.map_or(KEEP_SHARE, |r| (1.0 - r).clamp(0.05, 0.95));
        let kept = doc.lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| l.len() + 1).sum();
        Self { doc, keep, kept, budget: (total as f64 * share) as usize, seen: HashSet::default() }
    }

    fn take(&mut self, unit: Option<&Unit>) {
        let Some(u) = unit else { return };
        let rows = u.first..=u.last;
        if self.keep.get(rows.clone()).is_some_and(|ks| ks.iter().all(|k| *k)) {
            return;
        }
        let cost: usize = rows
            .clone()
            .filter(|&r| !self.keep.get(r).copied().unwrap_or(true))
            .map(|r| self.doc.lines.get(r).map_or(0, |l| l.len() + 1))
            .sum();
        if self.kept + cost > self.budget {
            return;
        }
        // The same sentence again (boilerplate, repeated notes) is kept once.
        if !self.seen.insert(normalized(&u.text)) {
            return;
        }
        self.kept += cost;
        for r in rows {
            if let Some(k) = self.keep.get_mut(r) {
                *k = true;
            }
        }
    }
}

/// For each ASCII byte: itself lowercased if a letter or digit, else 0.
const NORM: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// `text`'s letters and digits, lowercased (UTF-8 bytes): what makes two sentences the same.
fn normalized(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    if bytes.is_ascii() {
        // Every byte is written and the length advances past the kept ones only: no branch per
        // byte, and the output is never longer than the input.
        let mut norm = vec![0u8; bytes.len()];
        let mut len = 0;
        for &b in bytes {
            let m = NORM.get(usize::from(b)).copied().unwrap_or(0);
            if let Some(slot) = norm.get_mut(len) {
                *slot = m;
            }
            len += usize::from(m != 0);
        }
        norm.truncate(len);
        return norm;
    }
    let mut norm = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(&m) = NORM.get(usize::from(b)) {
            if m != 0 {
                norm.push(m);
            }
            i += 1;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else { break };
        if c.is_alphanumeric() {
            let mut utf8 = [0u8; 4];
            for l in c.to_lowercase() {
                norm.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
            }
        }
        i += c.len_utf8();
    }
    norm
}

/// Offset of the first ASCII digit in `bytes`. Eight bytes are tested at a time (SWAR: a byte
/// is a digit when it XORs with `0x30` to a value below 10), since most text has no digit for
/// a long stretch.
fn first_digit(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in chunks.by_ref() {
        let word = chunk.try_into().map_or(0, u64::from_ne_bytes) ^ (ONES * 0x30);
        // Some byte of `word` is below 10 (exact for a bound up to 128).
        if word.wrapping_sub(ONES * 10) & !word & HIGH != 0 {
            if let Some(i) = chunk.iter().position(u8::is_ascii_digit) {
                return Some(base + i);
            }
        }
        base += 8;
    }
    chunks.remainder().iter().position(u8::is_ascii_digit).map(|i| base + i)
}

/// The runs of letters and digits in a text (what splitting on every other char leaves) that
/// hold an ASCII digit, left to right. Found from their digits, which are rare in prose, rather
/// than by splitting the whole text.
struct DigitRuns<'a> {
    text: &'a str,
    /// Always on a char boundary; no run starts before it.
    pos: usize,
}

impl DigitRuns<'_> {
    /// The letter-or-digit char ending just before byte `end`, as its start offset.
    fn alnum_before(&self, end: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let last = *bytes.get(end.checked_sub(1)?)?;
        if last.is_ascii() {
            return last.is_ascii_alphanumeric().then(|| end - 1);
        }
        // Back over continuation bytes to the char's first byte.
        let start =
            (end.saturating_sub(4)..end).rev().find(|&i| bytes.get(i).is_some_and(|b| (b & 0xC0) != 0x80))?;
        let c = self.text.get(start..end)?.chars().next()?;
        c.is_alphanumeric().then_some(start)
    }

    /// Byte length of the letter-or-digit char at `pos`, if it is one.
    fn alnum_at(&self, pos: usize) -> Option<usize> {
        let b = *self.text.as_bytes().get(pos)?;
        if b.is_ascii() {
            return b.is_ascii_alphanumeric().then_some(1);
        }
        let c = self.text.get(pos..)?.chars().next()?;
        c.is_alphanumeric().then(|| c.len_utf8())
    }
}

impl<'a> Iterator for DigitRuns<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let digit = self.pos + first_digit(self.text.as_bytes().get(self.pos..)?)?;
        let mut start = digit;
        while start > self.pos {
            match self.alnum_before(start) {
                Some(s) => start = s,
                None => break,
            }
        }
        let mut end = digit;
        while let Some(n) = self.alnum_at(end) {
            end += n;
        }
        self.pos = end;
        self.text.get(start..end)
    }
}
