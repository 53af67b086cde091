//! Search hits (grep, git grep, ripgrep): keeps the matches that answer the question and names
//! every file with its match count.
//!
//! Matches are ranked by BM25 against the question (with word-form variants), verbatim
//! identifiers from the question (weighted by rarity, so the searched pattern itself counts for
//! nothing), definitions (`fn x`, `def x`, `type X`, `const X =`, ...; a name that many
//! implementations repeat shares one bonus out among them) and words of the path (weighted by
//! how few files they name). A statement over several hit lines is ranked and kept as one. The
//! best matches fill a byte budget; near-identical lines in one file collapse to one; comment
//! blocks beside kept lines stay whole. Kept lines are the input lines, byte for byte,
//! `path:line:` prefix included; one closing line names every file that lost matches with the
//! exact counts, and carries the marker. This module does not know wire formats or tokens.

mod context;
mod parse;
pub(super) mod rank;
mod render;
mod select;
mod statements;

use super::{CompressError, Compressor, Context, Transform};

/// Search hits compressor.
pub(crate) struct SearchCompressor;

/// Below this many matches a listing is read whole...
const MIN_MATCHES: usize = 40;
/// ...unless it has at least this many and is this large (long lines).
const MIN_LONG_MATCHES: usize = 20;
const LONG_BYTES: usize = 6000;

impl Compressor for SearchCompressor {
    fn transform(&self) -> Transform {
        Transform::SearchCompressor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        // Dropping lines is the only rewrite here; nothing reversible is worth doing.
        if !cx.lossy() {
            return Ok(None);
        }
        let rows = parse::parse(text);
        let matches = rows.iter().filter(|r| r.kind == parse::Kind::Match).count();
        if matches < MIN_MATCHES && (matches < MIN_LONG_MATCHES || text.len() < LONG_BYTES) {
            return Ok(None);
        }
        let keep = select::select(&rows, cx);
        if keep.iter().zip(&rows).all(|(k, r)| *k || r.kind != parse::Kind::Match) {
            return Ok(None);
        }
        Ok(Some(render::render(&rows, &keep, cx)))
    }
}

#[cfg(test)]
pub(super) mod tests;
