//! The shape of a text document, line by line: headings (Markdown `#`, setext / RST underlines,
//! RFC-style numbered or flush-left titles), page furniture (running headers and footers),
//! code blocks (fences, RST `::` literal blocks and code directives), and the units that are
//! scored and kept: sentences of paragraphs, list items, table rows, whole code blocks.

use rustc_hash::FxHashMap as HashMap;

/// What one line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    Blank,
    /// A section title (or its RST / setext underline).
    Heading,
    /// Running page header / footer repeated through the document.
    Furniture,
    /// Inside a code block (fence lines included).
    Code,
    /// Ordinary text.
    Text,
}

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitKind {
    /// A sentence, list item or table row.
    Sentence,
    /// A whole code block.
    Code,
    /// A table-of-contents entry (dotted leaders): the headings it lists are kept anyway.
    Toc,
    /// One line of a run of text with no sentence ends over more than
    /// [`MAX_SENTENCE_LINES`] lines (output pasted into a document).
    Line,
}

/// A piece that is kept or dropped as a whole: lines `first..=last` (a line may be shared by
/// two sentences).
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub kind: UnitKind,
    pub first: usize,
    pub last: usize,
    /// Index of the section (heading) it belongs to; 0 before the first heading.
    pub section: usize,
    /// Its text, line breaks folded.
    pub text: String,
}

/// A document split into classified lines and units.
#[derive(Debug)]
pub(super) struct Document<'a> {
    pub lines: Vec<&'a str>,
    /// Each line trimmed.
    pub trimmed: Vec<&'a str>,
    pub kinds: Vec<LineKind>,
    pub units: Vec<Unit>,
}

const UNDERLINE_CHARS: &[char] = &['=', '-', '~', '^', '"', '\'', '`', '#', '*', '+', '_', ':', '.'];
/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] =
    &["e.g", "i.e", "etc", "vs", "cf", "al", "fig", "sec", "no", "approx", "mr", "dr"];

pub(super) fn parse(text: &str) -> Document<'_> {
    let lines = crate::compressors::lines::split_lines(text);
    let ls = Lines::new(&lines);
    let mut kinds: Vec<LineKind> =
        ls.trimmed.iter().map(|t| if t.is_empty() { LineKind::Blank } else { LineKind::Text }).collect();
    mark_code(&ls, &mut kinds);
    mark_furniture(&ls, &mut kinds);
    mark_headings(&ls, &mut kinds);
    let units = units(&ls, &kinds);
    let trimmed = ls.trimmed;
    Document { lines, trimmed, kinds, units }
}

/// A "sentence" spanning more lines than this is not one: the text has no sentence structure
/// there, and its lines become the units ([`UnitKind::Line`]).
const MAX_SENTENCE_LINES: usize = 40;

/// Is most of the document's text in runs without sentence structure (line-oriented output
/// with no `. ` and no blank lines)?
pub(super) fn unstructured(doc: &Document<'_>) -> bool {
    let text_lines = doc.kinds.iter().filter(|k| **k == LineKind::Text).count();
    let lines = doc.units.iter().filter(|u| u.kind == UnitKind::Line).count();
    text_lines >= MAX_SENTENCE_LINES && lines * 2 >= text_lines
}

/// `line`'s leading whitespace length and `line.trim()`, with ASCII whitespace stepped over
/// bytewise (a non-ASCII neighbour leaves the decision to `str`'s own trims).
fn trim(line: &str) -> (usize, &str) {
    // ASCII bytes `char::is_whitespace` accepts.
    let ws = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let b = line.as_bytes();
    let lead = b.iter().take_while(|c| ws(c)).count();
    if b.get(lead).is_some_and(|c| !c.is_ascii()) {
        let rest = line.trim_start();
        return (line.len() - rest.len(), rest.trim_end());
    }
    let rest = line.get(lead..).unwrap_or("");
    let trail = rest.bytes().rev().take_while(|c| ws(c)).count();
    let keep = rest.len() - trail;
    if keep > 0 && rest.as_bytes().get(keep - 1).is_some_and(|c| !c.is_ascii()) {
        return (lead, rest.trim_end());
    }
    (lead, rest.get(..keep).unwrap_or(""))
}

/// The lines with what every pass asks of them (trimmed text, indentation), computed once.
struct Lines<'l, 'a> {
    raw: &'l [&'a str],
    trimmed: Vec<&'a str>,
    indents: Vec<usize>,
}

impl<'l, 'a> Lines<'l, 'a> {
    fn new(raw: &'l [&'a str]) -> Self {
        let mut trimmed = Vec::with_capacity(raw.len());
        let mut indents = Vec::with_capacity(raw.len());
        for l in raw {
            let (indent, t) = trim(l);
            indents.push(indent);
            trimmed.push(t);
        }
        Self { raw, trimmed, indents }
    }

    fn len(&self) -> usize {
        self.raw.len()
    }

    fn raw(&self, i: usize) -> &'a str {
        self.raw.get(i).copied().unwrap_or("")
    }

    fn trimmed(&self, i: usize) -> &'a str {
        self.trimmed.get(i).copied().unwrap_or("")
    }

    /// Bytes of leading whitespace.
    fn indent(&self, i: usize) -> usize {
        self.indents.get(i).copied().unwrap_or(0)
    }
}

fn set(kinds: &mut [LineKind], i: usize, k: LineKind) {
    if let Some(x) = kinds.get_mut(i) {
        *x = k;
    }
}

/// Fenced blocks, RST literal blocks (after a paragraph ending in `::`) and code directives.
fn mark_code(lines: &Lines<'_, '_>, kinds: &mut [LineKind]) {
    let mut i = 0;
    while i < lines.len() {
        let t = lines.trimmed(i);
        let fence = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
        if let Some(f) = fence {
            let mut j = i + 1;
            while j < lines.len() && !lines.trimmed(j).starts_with(f) {
                j += 1;
            }
            for k in i..=j.min(lines.len() - 1) {
                set(kinds, k, LineKind::Code);
            }
            i = j + 1;
            continue;
        }
        let directive = t.starts_with(".. code") || t.starts_with(".. sourcecode::");
        let literal = t.ends_with("::") && !t.starts_with("..");
        if (directive || literal) && kinds.get(i) == Some(&LineKind::Text) {
            let base = lines.indent(i);
            let mut j = i + 1;
            let mut last = None;
            while j < lines.len() {
                if lines.trimmed(j).is_empty() {
                    j += 1;
                    continue;
                }
                if lines.indent(j) <= base {
                    break;
                }
                last = Some(j);
                j += 1;
            }
            if let Some(last) = last {
                let from = if directive { i } else { i + 1 };
                for k in from..=last {
                    if kinds.get(k) != Some(&LineKind::Blank) {
                        set(kinds, k, LineKind::Code);
                    }
                }
                i = last + 1;
                continue;
            }
        }
        i += 1;
    }
}

/// Lines repeated through the document with only numbers changing and laid out in columns:
/// running headers and footers of paginated text (`RFC 6455   ...   December 2011`).
fn mark_furniture(lines: &Lines<'_, '_>, kinds: &mut [LineKind]) {
    // Only column-spaced lines can be furniture (a shape keeps the spaces and the length).
    let spaced = memchr::memmem::Finder::new("   ");
    let candidates: Vec<(usize, &str)> = lines
        .trimmed
        .iter()
        .enumerate()
        .filter_map(|(i, &t)| {
            let candidate =
                kinds.get(i) == Some(&LineKind::Text) && t.len() >= 20 && spaced.find(t.as_bytes()).is_some();
            candidate.then_some((i, t))
        })
        .collect();
    // Each distinct shape gets a slot; each candidate remembers its slot.
    let mut slot_of: HashMap<Shape<'_>, usize> = HashMap::default();
    let mut counts: Vec<usize> = Vec::new();
    let mut slots = Vec::with_capacity(candidates.len());
    for &(_, t) in &candidates {
        let slot = *slot_of.entry(Shape(t)).or_insert_with(|| {
            counts.push(0);
            counts.len() - 1
        });
        if let Some(n) = counts.get_mut(slot) {
            *n += 1;
        }
        slots.push(slot);
    }
    for (&(i, _), &slot) in candidates.iter().zip(&slots) {
        if counts.get(slot).is_some_and(|&n| n >= 3) {
            set(kinds, i, LineKind::Furniture);
        }
    }
}

/// A trimmed line compared as its shape: every ASCII digit reads as `0`. Compared and hashed
/// in place, without building the shape string.
struct Shape<'a>(&'a str);

impl Shape<'_> {
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.bytes().map(|b| if b.is_ascii_digit() { b'0' } else { b })
    }
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.bytes().eq(other.bytes())
    }
}

impl Eq for Shape<'_> {}

impl std::hash::Hash for Shape<'_> {
    /// The length and the shape of the first and last 16 bytes: equal shapes hash alike, and
    /// `eq` settles the rest.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let b = self.0.as_bytes();
        let word = |part: &[u8]| {
            part.iter().fold(0u64, |w, &x| (w << 8) | u64::from(if x.is_ascii_digit() { b'0' } else { x }))
        };
        state.write_usize(b.len());
        for chunk in [b.get(..8), b.get(8..16), b.get(b.len().saturating_sub(16)..b.len().saturating_sub(8))]
        {
            state.write_u64(chunk.map_or(0, word));
        }
        state.write_u64(word(b.get(b.len().saturating_sub(8)..).unwrap_or(&[])));
    }
}

fn is_underline(line: &str) -> bool {
    // An underline starts with its character: most lines are ruled out by their first byte.
    if !line.as_bytes().first().is_some_and(|b| UNDERLINE_CHARS.contains(&char::from(*b))) {
        return false;
    }
    let t = line.trim_end();
    let Some(c) = t.chars().next() else { return false };
    t.len() >= 3 && UNDERLINE_CHARS.contains(&c) && t.chars().all(|x| x == c)
}

fn mark_headings(lines: &Lines<'_, '_>, kinds: &mut [LineKind]) {
    // Flush-left titles count only where body text is indented (RFC style).
    let text_rows: Vec<usize> = (0..lines.len()).filter(|&i| kinds.get(i) == Some(&LineKind::Text)).collect();
    let indented = text_rows.iter().filter(|&&i| lines.indent(i) > 0).count();
    let body_indented = indented * 10 >= text_rows.len() * 7;
    for &i in &text_rows {
        let line = lines.raw(i);
        let t = lines.trimmed(i);
        let prev_blank = i == 0 || kinds.get(i - 1) != Some(&LineKind::Text);
        let next = lines.raw(i + 1);
        let underlined = is_underline(next)
            && next.trim_end().len() + 1 >= t.len()
            && !is_underline(line)
            && kinds.get(i + 1) == Some(&LineKind::Text);
        let atx = t.starts_with('#') && t.trim_start_matches('#').starts_with(' ');
        let flush = body_indented && lines.indent(i) == 0 && prev_blank && t.len() <= 72 && !t.ends_with('.');
        let numbered = prev_blank && lines.indent(i) == 0 && is_numbered_title(t);
        if underlined {
            set(kinds, i, LineKind::Heading);
            set(kinds, i + 1, LineKind::Heading);
            if i > 0 && is_underline(lines.raw(i - 1)) {
                set(kinds, i - 1, LineKind::Heading);
            }
        } else if (atx || flush || numbered) && !is_underline(line) {
            set(kinds, i, LineKind::Heading);
        }
    }
}

/// `5.5.  Control Frames`, `10. Security Considerations`, `Appendix A.  Foo`.
fn is_numbered_title(t: &str) -> bool {
    let rest = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let numbered = rest.len() < t.len() && t.chars().next().is_some_and(|c| c.is_ascii_digit());
    let rest = rest.trim_start();
    numbered
        && t.len() <= 80
        && rest.chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with('.')
        && !t.contains(". . .")
}

/// Bullets and table rows start their own unit.
fn starts_item(t: &str) -> bool {
    let bullet = ["- ", "* ", "+ ", "o  ", "| ", "|"].iter().any(|b| t.starts_with(b));
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0 && t.get(digits..).is_some_and(|r| r.starts_with(". ") || r.starts_with(") "));
    bullet || numbered || t.starts_with("+-") || has_dot_leaders(t)
}

/// Does `t` contain `. . . .` (table-of-contents leaders)? Checked at each `.` only.
fn has_dot_leaders(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(b'.', b).any(|i| b.get(i..i + 7) == Some(b". . . .".as_slice()))
}

fn units(lines: &Lines<'_, '_>, kinds: &[LineKind]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut scratch = Paragraph::default();
    let mut section = 0;
    let mut i = 0;
    while i < lines.len() {
        match kinds.get(i).copied().unwrap_or(LineKind::Blank) {
            LineKind::Heading => {
                if kinds.get(i + 1) != Some(&LineKind::Heading) {
                    section += 1;
                }
                i += 1;
            }
            LineKind::Code => {
                let mut j = i;
                while kinds.get(j + 1) == Some(&LineKind::Code)
                    || (kinds.get(j + 1) == Some(&LineKind::Blank)
                        && kinds.get(j + 2) == Some(&LineKind::Code))
                {
                    j += 1;
                }
                let text = lines.raw.get(i..=j).map(|ls| ls.join("\n")).unwrap_or_default();
                out.push(Unit { kind: UnitKind::Code, first: i, last: j, section, text });
                i = j + 1;
            }
            LineKind::Text => {
                let mut j = i;
                while kinds.get(j + 1) == Some(&LineKind::Text) {
                    j += 1;
                }
                sentences(lines, i, j, section, &mut scratch, &mut out);
                i = j + 1;
            }
            LineKind::Blank | LineKind::Furniture => i += 1,
        }
    }
    out
}

/// Buffers reused from one paragraph to the next.
#[derive(Default)]
struct Paragraph {
    /// The paragraph's lines, trimmed and joined by spaces.
    para: String,
    /// Where each line starts in `para`.
    starts: Vec<usize>,
    /// Unit boundaries in `para`.
    bounds: Vec<usize>,
}

/// Split the paragraph on lines `first..=last` into sentences (and list items / table rows).
fn sentences(
    lines: &Lines<'_, '_>,
    first: usize,
    last: usize,
    section: usize,
    scratch: &mut Paragraph,
    out: &mut Vec<Unit>,
) {
    // The paragraph as one string, remembering where each line starts in it.
    let Paragraph { para, starts, bounds } = scratch;
    para.clear();
    starts.clear();
    bounds.clear();
    bounds.push(0);
    for row in first..=last {
        let t = lines.trimmed(row);
        if row > first {
            para.push(' ');
        }
        if starts_item(t) {
            bounds.push(para.len());
        }
        starts.push(para.len());
        para.push_str(t);
    }
    let mut pos = 0;
    while let Some(end) = para.get(pos..).and_then(sentence_end) {
        pos += end;
        bounds.push(pos);
    }
    bounds.push(para.len());
    bounds.sort_unstable();
    bounds.dedup();
    let row_of = |offset: usize| first + starts.partition_point(|&s| s <= offset).saturating_sub(1);
    for w in bounds.windows(2) {
        let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else { continue };
        let piece = para.get(a..b).unwrap_or("");
        let text = piece.trim();
        if text.is_empty() {
            continue;
        }
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        let (first_row, last_row) = (row_of(a + lead), row_of(b.saturating_sub(trail + 1)));
        if last_row + 1 - first_row > MAX_SENTENCE_LINES {
            // No sentence runs this long: the lines are the units.
            for row in first_row..=last_row {
                let text = lines.trimmed(row).to_owned();
                out.push(Unit { kind: UnitKind::Line, first: row, last: row, section, text });
            }
            continue;
        }
        let kind = if has_dot_leaders(text) { UnitKind::Toc } else { UnitKind::Sentence };
        out.push(Unit { kind, first: first_row, last: last_row, section, text: text.to_owned() });
    }
}

/// Byte offset just past the first sentence end in `s` that is followed by more text: a `.`,
/// `!` or `?` (plus closing quotes / brackets) before whitespace and an upper-case letter,
/// digit or opening quote / bracket, and not after an abbreviation or an initial.
fn sentence_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    for i in memchr::memchr3_iter(b'.', b'!', b'?', b) {
        let c = b.get(i).copied().unwrap_or(0);
        let mut j = i + 1;
        while b.get(j).is_some_and(|x| matches!(x, b'"' | b'\'' | b')' | b']' | b'*' | b'`')) {
            j += 1;
        }
        let spaced = b.get(j).is_some_and(|x| *x == b' ');
        let mut k = j;
        while b.get(k) == Some(&b' ') {
            k += 1;
        }
        let next_ok = b.get(k).is_some_and(|x| {
            x.is_ascii_uppercase() || x.is_ascii_digit() || matches!(x, b'"' | b'(' | b'`' | b'*')
        });
        if spaced && next_ok && (c != b'.' || !abbreviation_before(s, i)) {
            return Some(j);
        }
    }
    None
}

fn abbreviation_before(s: &str, dot: usize) -> bool {
    let head = s.get(..dot).unwrap_or("");
    let word = head.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    // The abbreviations are lower-case ASCII: comparing ignoring ASCII case is comparing the
    // ASCII-lowercased word.
    (word.len() == 1 && word.chars().all(char::is_alphabetic))
        || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rst_headings_code_and_sentences() {
        let text = "Timeouts\n--------\n\nMost requests should have a timeout. By default, requests do not time\nout unless set. Use e.g. a tuple::\n\n    r = requests.get(url, timeout=3)\n\nDone.\n";
        let d = parse(text);
        assert_eq!(d.kinds.get(..3), Some(&[LineKind::Heading, LineKind::Heading, LineKind::Blank][..]));
        assert_eq!(d.kinds.get(6), Some(&LineKind::Code));
        let texts: Vec<&str> = d.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Most requests should have a timeout.",
                "By default, requests do not time out unless set.",
                "Use e.g. a tuple::",
                "    r = requests.get(url, timeout=3)",
                "Done."
            ]
        );
        assert_eq!((d.units[1].first, d.units[1].last), (3, 4));
    }

    #[test]
    fn rfc_headings_and_furniture() {
        let text = "5.5.  Control Frames\n\n   All control frames MUST have a payload length of 125 bytes or less\n   and MUST NOT be fragmented.\n\nFette & Melnikov             Standards Track                   [Page 36]\n\nRFC 6455                 The WebSocket Protocol            December 2011\n\nFette & Melnikov             Standards Track                   [Page 37]\n\nRFC 6455                 The WebSocket Protocol            December 2011\n\nFette & Melnikov             Standards Track                   [Page 38]\n\nRFC 6455                 The WebSocket Protocol            December 2011\n";
        let d = parse(text);
        assert_eq!(d.kinds.first(), Some(&LineKind::Heading));
        assert_eq!(d.kinds.get(5), Some(&LineKind::Furniture));
        assert_eq!(d.kinds.get(7), Some(&LineKind::Furniture));
        assert_eq!(d.units.len(), 1);
        assert_eq!(d.units[0].section, 1);
    }
}
