//! The `Compressor` trait, what a compressor is given ([`Context`]), and the dispatch table
//! from [`ContentKind`] to compressor. Compressors transform `&str` to `String`; they know
//! nothing about wire formats, tokens budgets of other blocks, or stores.

mod code;
mod diff;
mod json;
mod lines;
mod log;
mod prose;
mod search;

use serde::{Deserialize, Serialize};

use crate::detect::ContentKind;
use crate::marker::{ContentHash, Marker};
use crate::relevance::Query;
use crate::signals::Signals;
use crate::tokens::TokenCounter;

/// The name of a compressor, as reported in `transforms_applied`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// JSON: lossless tables, then row selection.
    JsonCrusher,
    /// Logs and build / test output.
    LogCompressor,
    /// grep / ripgrep hits.
    SearchCompressor,
    /// Unified diffs.
    DiffCompressor,
    /// Source code (tree-sitter).
    CodeCompressor,
    /// Natural-language text.
    ProseCompressor,
    /// HTML to text.
    HtmlExtractor,
}

impl Transform {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::JsonCrusher => "json_crusher",
            Self::LogCompressor => "log_compressor",
            Self::SearchCompressor => "search_compressor",
            Self::DiffCompressor => "diff_compressor",
            Self::CodeCompressor => "code_compressor",
            Self::ProseCompressor => "prose_compressor",
            Self::HtmlExtractor => "html_extractor",
        }
    }
}

/// Whether a compressor may drop content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reversible rewrites only; no markers.
    Lossless,
    /// Drop what does not matter, behind markers carrying [`Context::hash`].
    Lossy,
}

/// Everything a compressor may use besides the text itself.
pub(crate) struct Context<'a> {
    /// What the block was classified as.
    pub kind: ContentKind,
    /// Relevance query for this block.
    pub query: &'a Query,
    /// Lossless or lossy.
    pub mode: Mode,
    /// Token counter of the request's model.
    pub counter: &'a TokenCounter,
    /// Keyword registry.
    pub signals: &'a Signals,
    /// Hash of the block being compressed: every marker of this block carries it.
    pub hash: ContentHash,
    /// Optional aggressiveness (fraction of tokens to remove).
    pub target_ratio: Option<f64>,
}

impl Context<'_> {
    /// A marker naming `count` omitted `unit`s of this block.
    pub(crate) fn marker(&self, count: usize, unit: &str) -> String {
        Marker::render(count, unit, &self.hash)
    }

    /// May content be dropped?
    pub(crate) fn lossy(&self) -> bool {
        self.mode == Mode::Lossy
    }
}

/// A compressor's internal failure. The engine reports it and leaves the block unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct CompressError(pub String);

/// One kind of content, compressed.
pub(crate) trait Compressor {
    /// Name reported in `transforms_applied`.
    fn transform(&self) -> Transform;

    /// Compress `text`; `Ok(None)` means nothing worth changing. The engine checks the result
    /// is smaller and falls back to the original otherwise.
    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError>;
}

/// The compressor for `kind`.
pub(crate) fn for_kind(kind: ContentKind) -> &'static dyn Compressor {
    match kind {
        ContentKind::Json => &json::JsonCrusher,
        ContentKind::Log => &log::LogCompressor,
        ContentKind::Search => &search::SearchCompressor,
        ContentKind::Diff => &diff::DiffCompressor,
        ContentKind::Code(_) => &code::CodeCompressor,
        ContentKind::Html => &prose::HtmlExtractor,
        ContentKind::Prose => &prose::ProseCompressor,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for compressor unit tests.
    use super::*;

    /// Run `c` on `text` with `question` as the query, lossy, counting with o200k.
    pub(crate) fn run(c: &dyn Compressor, kind: ContentKind, text: &str, question: &str) -> Option<String> {
        let query = Query::new(question);
        let counter = TokenCounter::for_model("gpt-4o");
        let signals = Signals::new();
        let cx = Context {
            kind,
            query: &query,
            mode: Mode::Lossy,
            counter: &counter,
            signals: &signals,
            hash: ContentHash::of(text),
            target_ratio: None,
        };
        c.compress(text, &cx).ok().flatten()
    }
}
