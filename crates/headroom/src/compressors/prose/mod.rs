//! Prose and HTML. Prose is compressed extractively and query-aware: headings stay, sentences
//! and code blocks the question is about stay, the rest goes as runs of whole lines behind
//! markers with exact line counts. Kept lines are the original lines, byte for byte.
//!
//! HTML is first reduced to readable text (scripts, styles and navigation dropped; headings,
//! links, code and tables kept), then compressed as prose. Extraction itself is not
//! reversible, so in lossless mode both leave the block alone.

mod html;
mod select;
mod structure;
#[cfg(test)]
mod tests;

use super::{CompressError, Compressor, Context, Transform};
use structure::LineKind;

/// A dropped run must hold at least this many bytes of text to be worth a marker.
const MIN_GAP_BYTES: usize = 150;

/// Natural-language text compressor.
pub(crate) struct ProseCompressor;

impl Compressor for ProseCompressor {
    fn transform(&self) -> Transform {
        Transform::ProseCompressor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        if !cx.lossy() {
            return Ok(None);
        }
        Ok(compress_prose(text, cx))
    }
}

/// HTML to text, then prose compression.
pub(crate) struct HtmlExtractor;

impl Compressor for HtmlExtractor {
    fn transform(&self) -> Transform {
        Transform::HtmlExtractor
    }

    fn compress(&self, text: &str, cx: &Context<'_>) -> Result<Option<String>, CompressError> {
        if !cx.lossy() {
            return Ok(None);
        }
        let extracted = html::to_text(text);
        let body = compress_prose(&extracted.text, cx).unwrap_or(extracted.text);
        // The markup itself is gone for good here: one marker says so and where to get it back.
        Ok(Some(format!("{}\n{body}", cx.marker(extracted.tags, "tags"))))
    }
}

/// Keep the selected lines; each run of dropped lines (with the blank lines around it) becomes
/// one marker line, set apart by one blank line on each side where the text had any.
fn compress_prose(text: &str, cx: &Context<'_>) -> Option<String> {
    let doc = structure::parse(text);
    // Without sentences or paragraphs (build output, listings) a "sentence" runs over most of
    // the text, is bigger than the budget and nothing could be kept: line rules fit instead.
    if structure::unstructured(&doc) {
        if let Some(out) = super::log::compress_lines(text, cx) {
            return Some(out);
        }
    }
    let mut keep = select::keep_lines(&doc, cx);
    let n = doc.lines.len();
    let blank = |r: usize| doc.kinds.get(r) == Some(&LineKind::Blank);
    let dropped = |keep: &[bool], r: usize| !keep.get(r).copied().unwrap_or(true) && !blank(r);
    let mut gaps = Vec::new();
    let mut row = 0;
    while row < n {
        if !dropped(&keep, row) {
            row += 1;
            continue;
        }
        // The run of dropped lines, blank lines inside it included.
        let mut end = row;
        while end + 1 < n && (dropped(&keep, end + 1) || blank(end + 1)) {
            end += 1;
        }
        while end > row && blank(end) {
            end -= 1;
        }
        let text_bytes: usize =
            (row..=end).filter(|&r| !blank(r)).map(|r| doc.trimmed.get(r).map_or(0, |t| t.len())).sum();
        if text_bytes < MIN_GAP_BYTES {
            // Cheaper kept than marked.
            for k in keep.iter_mut().take(end + 1).skip(row) {
                *k = true;
            }
        } else {
            // Widen over the blank lines around it.
            let mut start = row;
            while start > 0 && blank(start - 1) {
                start -= 1;
            }
            let mut stop = end;
            while stop + 1 < n && blank(stop + 1) {
                stop += 1;
            }
            gaps.push((start, stop, start < row, stop > end));
        }
        row = end + 1;
    }
    if gaps.is_empty() {
        return None;
    }
    // The output lines joined by `\n`, written straight into one string.
    let mut out = String::with_capacity(text.len());
    let mut written = false;
    let mut push = |line: &str| {
        if written {
            out.push('\n');
        }
        written = true;
        out.push_str(line);
    };
    let mut gaps = gaps.into_iter().peekable();
    let mut row = 0;
    while row < n {
        if let Some((start, stop, blank_before, blank_after)) = gaps.next_if(|g| g.0 <= row) {
            let shown = usize::from(blank_before && start > 0) + usize::from(blank_after && stop + 1 < n);
            if blank_before && start > 0 {
                push("");
            }
            push(&cx.marker(stop + 1 - start - shown, "lines"));
            if blank_after && stop + 1 < n {
                push("");
            }
            row = stop + 1;
            continue;
        }
        push(doc.lines.get(row).copied().unwrap_or_default());
        row += 1;
    }
    Some(out)
}
