//! Prose and HTML. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// Natural-language text compressor.
pub(crate) struct ProseCompressor;

impl Compressor for ProseCompressor {
    fn transform(&self) -> Transform {
        Transform::ProseCompressor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}

/// HTML to text, then prose compression.
pub(crate) struct HtmlExtractor;

impl Compressor for HtmlExtractor {
    fn transform(&self) -> Transform {
        Transform::HtmlExtractor
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
