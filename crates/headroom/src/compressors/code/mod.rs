//! Source code: keeps imports, type definitions, signatures and the first line of doc comments,
//! keeps whole the bodies the question is about (named, carrying its identifiers, best BM25, and
//! their callers / callees), and elides the other bodies and long comment blocks behind marker
//! lines that name the symbols and line ranges: one per lone body, one shared by a run of
//! adjacent definitions (their signatures stay, listed one after another).
//!
//! Kept lines are the original lines byte for byte, line numbers included when the input is a
//! numbered listing. Parsing is tree-sitter's; when the tree is mostly errors, blocks are found
//! by indentation instead. Lossless mode has nothing to offer for code and leaves it alone.

mod indent;
mod lang;
mod plan;
mod region;
mod select;
mod source;
#[cfg(test)]
pub(super) mod tests;

use super::{CompressError, Compressor, Context, Transform};
use crate::detect::ContentKind;
use source::Source;

/// Fewest rows an indentation block needs before the fallback treats it as a body.
const FALLBACK_MIN_ROWS: usize = 3;

/// Source code compressor.
pub(crate) struct CodeCompressor;

impl Compressor for CodeCompressor {
    fn transform(&self) -> Transform {
        Transform::CodeCompressor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        let ContentKind::Code(lang) = cx.kind else { return Ok(None) };
        if !cx.lossy() {
            return Ok(None);
        }
        let src = Source::new(text);
        let code = src.code_text(text);
        let outline =
            region::from_tree(lang, &code, &src).unwrap_or_else(|| indent::outline(&src, FALLBACK_MIN_ROWS));
        Ok(plan::render(&outline, &src, lang::spec(lang).comment, cx))
    }
}
