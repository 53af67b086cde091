//! `CompressResult` and the per-block report.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::compressors::Transform;
use crate::detect::ContentKind;
use crate::marker::ContentHash;
use crate::tokens::TokenCount;
use crate::wire::{Format, Role};

/// What `compress` returns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompressResult {
    /// The input, same shape and format, with compressed strings spliced in. Every byte outside
    /// them is as it came in.
    pub messages: Box<RawValue>,
    /// Format the input was read as.
    pub format: Format,
    /// Tokens in all message text before compression.
    pub tokens_before: usize,
    /// Tokens in all message text after compression.
    pub tokens_after: usize,
    /// `tokens_before - tokens_after`.
    pub tokens_saved: usize,
    /// Fraction of tokens removed: `tokens_saved / tokens_before` (0.9 = 90% saved).
    pub compression_ratio: f64,
    /// Exact (which encoding) or estimated counts.
    pub token_count: TokenCount,
    /// Compressors that changed something, in first-use order.
    pub transforms_applied: Vec<Transform>,
    /// One report per text string found in the input.
    pub blocks: Vec<BlockReport>,
    /// Originals of blocks that now carry markers, for the caller to store.
    pub originals: Vec<Original>,
}

/// An original block, stored under its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Original {
    /// `ContentHash::of(content)`.
    pub hash: ContentHash,
    /// The block as it was.
    pub content: String,
}

/// What happened to one string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockReport {
    /// Where it is (`messages[3].content`).
    pub path: String,
    /// Who wrote it.
    pub role: Role,
    /// What it was detected as (only for blocks that reached detection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ContentKind>,
    /// Tokens before.
    pub tokens_before: usize,
    /// Tokens after.
    pub tokens_after: usize,
    /// Compressed, skipped or failed.
    pub outcome: BlockOutcome,
}

/// The fate of one block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum BlockOutcome {
    /// Rewritten by `transform`.
    Compressed {
        /// Which compressor.
        transform: Transform,
        /// Whether it carries a retrieval marker (and so an entry in `originals`).
        lossy: bool,
    },
    /// Left as it was.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
    /// The compressor failed; the block was left as it was.
    Failed {
        /// Which compressor.
        transform: Transform,
        /// What went wrong.
        error: String,
    },
}

/// Why a block was left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// User, system or assistant text not enabled for compression.
    Role,
    /// Output of an excluded tool.
    ExcludedTool,
    /// Below `min_tokens_to_compress`.
    BelowThreshold,
    /// The compressor found nothing to change.
    NothingToDo,
    /// The compressed form was not smaller.
    NoGain,
}
