//! Byte spans and the one function that rewrites a body: every byte outside an edit is copied
//! through unchanged.

/// A half-open byte range in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What to replace.
    pub span: Span,
    /// The new bytes (a complete JSON string literal, for slot edits).
    pub replacement: String,
}

/// Apply non-overlapping `edits` to `body`. Edits that overlap an earlier one or fall outside
/// the body are ignored, so a bad edit can never corrupt the rest of the body.
pub fn apply_edits(body: &str, edits: &mut [Edit]) -> String {
    edits.sort_by_key(|e| e.span);
    let added: usize = edits.iter().map(|e| e.replacement.len()).sum();
    let mut out = String::with_capacity(body.len() + added);
    let mut at = 0;
    for e in edits.iter() {
        let Span { start, end } = e.span;
        if start < at
            || end > body.len()
            || start > end
            || !body.is_char_boundary(start)
            || !body.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&body[at..start]);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_in_order_and_skips_overlaps() {
        let body = "0123456789";
        let mut edits = vec![
            Edit { span: Span { start: 6, end: 8 }, replacement: "X".into() },
            Edit { span: Span { start: 1, end: 3 }, replacement: "ab".into() },
            Edit { span: Span { start: 2, end: 4 }, replacement: "zz".into() },
        ];
        assert_eq!(apply_edits(body, &mut edits), "0ab345X89");
    }
}
