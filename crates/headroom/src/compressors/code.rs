//! Source code. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// Source code compressor.
pub(crate) struct CodeCompressor;

impl Compressor for CodeCompressor {
    fn transform(&self) -> Transform {
        Transform::CodeCompressor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
