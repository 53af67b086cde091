//! Search hits. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// Search hits compressor.
pub(crate) struct SearchCompressor;

impl Compressor for SearchCompressor {
    fn transform(&self) -> Transform {
        Transform::SearchCompressor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
