//! Unified diffs (`git diff`, `git show`, `git log -p`, `diff -u`, combined `diff --cc`):
//! keeps every commit header and message, every file header, and the changed lines of the
//! hunks that matter; trims unchanged context to one line around changes (recomputing hunk
//! headers); collapses lockfiles, generated files, encoded data and binary patches to a
//! one-line summary; elides blocks of big hunks that rank far below the hunk's best; thins
//! long runs of changed lines to the lines that tell something (`thin`); and, in big diffs,
//! drops the hunks that rank lowest against the question, keeping the definitions they add or
//! remove (`skeleton`). Every drop is named by a marker with exact counts (`(-12 +30 lines)
//! [headroom: 3 hunks omitted; ...]`). Kept lines are input lines, byte for byte; only
//! `---`/`+++` lines that repeat the `diff --git` paths are left out.

mod blocks;
mod classify;
mod parse;
mod plan;
mod render;
mod score;
mod skeleton;
mod thin;
mod trim;

use super::{CompressError, Compressor, Context, Transform};

/// Unified diffs compressor.
pub(crate) struct DiffCompressor;

impl Compressor for DiffCompressor {
    fn transform(&self) -> Transform {
        Transform::DiffCompressor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        // Every rewrite here drops lines; there is no reversible form worth the bytes.
        if !cx.lossy() {
            return Ok(None);
        }
        let parts = parse::parse(text);
        if plan::files(&parts).iter().all(|f| f.hunks.is_empty() && f.binary.is_empty()) {
            return Ok(None);
        }
        let plan = plan::plan(&parts, text.len(), cx);
        let out = render::render(&parts, &plan, cx, text.len());
        Ok((out.len() < text.len()).then_some(out))
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_runs;
