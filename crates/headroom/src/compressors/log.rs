//! Logs and build output. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// Logs and build output compressor.
pub(crate) struct LogCompressor;

impl Compressor for LogCompressor {
    fn transform(&self) -> Transform {
        Transform::LogCompressor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
