//! JSON: lossless tables first, then (lossy mode only) row selection.
//!
//! The document is read by our own parser ([`parse`]) so every number and string is written
//! back exactly as it was in the source. The lossless step re-emits it as an outline in which
//! uniform arrays of objects are header-plus-rows tables ([`table`], [`render`]), or as compact
//! JSON if that is smaller. The lossy step ([`select`]) cuts large arrays, and large keyed maps
//! (objects keyed by data, [`keyed`]), down to the items that matter for the question
//! ([`priority`] says why an item matters), with one retrieval marker per cut collection; it
//! also cuts long multi-line strings to their telling lines ([`text`]) and replaces long
//! encoded blobs and value-free schema trees by markers.

mod keyed;
mod parse;
mod priority;
mod render;
mod select;
mod table;
mod text;

#[cfg(test)]
mod tests;

use super::{CompressError, Compressor, Context, Transform};
use render::Renderer;

/// JSON compressor.
pub(crate) struct JsonCrusher;

impl Compressor for JsonCrusher {
    fn transform(&self) -> Transform {
        Transform::JsonCrusher
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        let Some(root) = parse::parse(text) else {
            return Ok(None);
        };
        if !root.is_container() {
            return Ok(None);
        }
        let plan = if cx.lossy() { select::plan(&root, cx) } else { select::Plan::default() };
        let outline = Renderer { cx, plan: &plan }.document(&root);
        let out = if plan.is_empty() {
            // Nothing dropped: the smaller of the outline and plain compact JSON.
            let compact = root.compact();
            if cx.counter.no_larger(&compact, &outline) {
                compact
            } else {
                outline
            }
        } else {
            outline
        };
        Ok((out != text).then_some(out))
    }
}
