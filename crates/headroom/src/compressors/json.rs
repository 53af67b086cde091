//! JSON. (Not built yet: leaves content unchanged.)

use super::{CompressError, Compressor, Context, Transform};

/// JSON compressor.
pub(crate) struct JsonCrusher;

impl Compressor for JsonCrusher {
    fn transform(&self) -> Transform {
        Transform::JsonCrusher
    }

    fn compress(&self, _text: &str, _cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        Ok(None)
    }
}
