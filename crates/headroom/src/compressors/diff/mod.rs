//! Unified diffs. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// Unified diffs compressor.
pub(crate) struct DiffCompressor;

impl Compressor for DiffCompressor {
    fn transform(&self) -> Transform {
        Transform::DiffCompressor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
