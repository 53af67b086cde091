//! HTML to readable text: scripts, styles, navigation and other page chrome dropped; headings
//! as `#` lines, list items as `- `, links as `[text](href)` when the target is a real URL,
//! `<pre>` blocks fenced and verbatim, table rows as `| a | b |`, entities decoded.

/// The text of an HTML document and how many tags were removed to get it.
pub(super) struct Extracted {
    pub text: String,
    pub tags: usize,
}

/// Elements whose content is never text (jumped over to the closing tag).
const RAW: &[&str] = &["script", "style", "noscript", "template", "textarea"];
/// Page chrome: dropped with everything inside.
const CHROME: &[&str] = &["nav", "footer", "aside", "svg", "form", "button", "select", "iframe", "head"];
/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "br",
    "li",
    "tr",
    "pre",
    "blockquote",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "body",
    "html",
    "thead",
    "tbody",
    "details",
    "summary",
];

/// One parsed tag.
struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
}

pub(super) fn to_text(html: &str) -> Extracted {
    let mut w = Writer::default();
    let mut tags = 0usize;
    let mut skip: Option<(String, usize)> = None;
    let mut link: Option<(String, usize)> = None;
    let mut i = 0;
    while i < html.len() {
        let rest = html.get(i..).unwrap_or("");
        let Some(lt) = rest.find('<') else {
            if skip.is_none() {
                w.text(rest);
            }
            break;
        };
        if lt > 0 && skip.is_none() {
            w.text(rest.get(..lt).unwrap_or(""));
        }
        let at = i + lt;
        let tail = html.get(at..).unwrap_or("");
        // Comments, doctype and processing instructions.
        if let Some(body) = tail.strip_prefix("<!--") {
            tags += 1;
            i = at + 4 + body.find("-->").map_or(body.len(), |e| e + 3);
            continue;
        }
        let Some((tag, len)) = parse_tag(tail) else {
            if skip.is_none() {
                w.text("<");
            }
            i = at + 1;
            continue;
        };
        tags += 1;
        i = at + len;
        if tag.name.starts_with('!') || tag.name.starts_with('?') {
            continue;
        }
        if let Some((name, depth)) = &mut skip {
            if *name == tag.name {
                if tag.closing {
                    *depth -= 1;
                } else {
                    *depth += 1;
                }
            }
            if *depth == 0 {
                skip = None;
            }
            continue;
        }
        if !tag.closing && RAW.contains(&tag.name.as_str()) {
            let close = format!("</{}", tag.name);
            let body = html.get(i..).unwrap_or("");
            let end = find_ci(body, &close).unwrap_or(body.len());
            i += end;
            continue;
        }
        if !tag.closing && CHROME.contains(&tag.name.as_str()) && !tag.attrs.trim_end().ends_with('/') {
            skip = Some((tag.name.clone(), 1));
            continue;
        }
        w.tag(&tag, &mut link);
    }
    w.flush();
    Extracted { text: w.finish(), tags }
}

/// `<name attrs>` at the start of `s`, and its length in bytes.
fn parse_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let body = s.strip_prefix('<')?;
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let first = body.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '!' || first == '?') {
        return None;
    }
    let end = tag_end(body)?;
    let inner = body.get(..end)?;
    let name_len = inner.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(inner.len());
    let name = inner.get(..name_len)?.to_ascii_lowercase();
    let attrs = inner.get(name_len..).unwrap_or("");
    let len = 1 + usize::from(closing) + end + 1;
    Some((Tag { name, closing, attrs }, len))
}

/// Index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(body: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.char_indices()
        .map(|(i, _)| i)
        .find(|&i| hay.get(i..i + n).is_some_and(|s| s.eq_ignore_ascii_case(needle)))
}

/// Value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower.get(from..).and_then(|s| s.find(name)) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes().get(at - 1).is_some_and(u8::is_ascii_whitespace);
        let rest = attrs.get(at + name.len()..)?.trim_start();
        if !before_ok {
            continue;
        }
        let Some(v) = rest.strip_prefix('=') else { continue };
        let v = v.trim_start();
        return match v.chars().next() {
            Some(q @ ('"' | '\'')) => v.get(1..).and_then(|x| x.split(q).next()),
            _ => v.split(|c: char| c.is_whitespace() || c == '>').next(),
        };
    }
    None
}

/// Builds the text line by line.
#[derive(Default)]
struct Writer {
    out: String,
    line: String,
    pre: usize,
    cells: usize,
}

impl Writer {
    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        if self.pre > 0 {
            for (k, part) in decoded.split('\n').enumerate() {
                if k > 0 {
                    self.out.push_str(&self.line);
                    self.out.push('\n');
                    self.line.clear();
                }
                self.line.push_str(part);
            }
            return;
        }
        // Spacing follows the source: words are glued across tags unless whitespace separated them.
        let starts_ws = decoded.starts_with(char::is_whitespace);
        for (k, word) in decoded.split_whitespace().enumerate() {
            if (k > 0 || starts_ws) && !self.line.is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            self.line.push_str(word);
        }
        if decoded.ends_with(char::is_whitespace) && !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
    }

    /// End the current line (collapsing whitespace), if it has text.
    fn flush(&mut self) {
        let t = self.line.trim();
        if !t.is_empty() {
            self.out.push_str(t);
            self.out.push('\n');
        }
        self.line.clear();
    }

    fn blank(&mut self) {
        self.flush();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn tag(&mut self, tag: &Tag<'_>, link: &mut Option<(String, usize)>) {
        let name = tag.name.as_str();
        match (name, tag.closing) {
            ("pre", false) => {
                self.blank();
                self.out.push_str("```\n");
                self.pre += 1;
            }
            ("pre", true) => {
                if self.pre > 0 {
                    if !self.line.is_empty() {
                        self.out.push_str(&self.line);
                        self.out.push('\n');
                        self.line.clear();
                    }
                    self.out.push_str("```\n");
                    self.pre -= 1;
                }
                self.blank();
            }
            ("code", _) if self.pre == 0 => self.line.push('`'),
            ("a", false) => {
                let href = attr(tag.attrs, "href").unwrap_or("");
                if href.starts_with("http://") || href.starts_with("https://") {
                    self.line.push('[');
                    *link = Some((decode_entities(href), self.line.len()));
                }
            }
            ("a", true) => {
                if let Some((href, at)) = link.take() {
                    let label = self.line.get(at..).unwrap_or("").trim().to_owned();
                    if label.is_empty() || label == href {
                        // `[url](url)` would say it twice.
                        self.line.truncate(at.saturating_sub(1));
                        self.line.push_str(&href);
                    } else {
                        let trimmed = self.line.trim_end().len();
                        self.line.truncate(trimmed);
                        self.line.push_str("](");
                        self.line.push_str(&href);
                        self.line.push(')');
                    }
                }
            }
            ("td" | "th", false) => {
                self.line.push_str(if self.cells == 0 { "| " } else { " | " });
                self.cells += 1;
            }
            ("tr", _) => {
                if self.cells > 0 {
                    self.line.push_str(" |");
                }
                self.cells = 0;
                self.flush();
            }
            ("li", false) => {
                self.flush();
                self.line.push_str("- ");
            }
            (h, false) if is_heading(h) => {
                self.blank();
                let level = h.get(1..).and_then(|d| d.parse::<usize>().ok()).unwrap_or(1);
                self.line.push_str(&"#".repeat(level));
                self.line.push(' ');
            }
            ("title", false) => {
                self.blank();
                self.line.push_str("# ");
            }
            (h, true) if is_heading(h) || h == "title" || h == "p" => self.blank(),
            (b, _) if BLOCKS.contains(&b) => self.flush(),
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.out
    }
}

fn is_heading(name: &str) -> bool {
    name.len() == 2
        && name.starts_with('h')
        && name.as_bytes().get(1).is_some_and(|d| (b'1'..=b'6').contains(d))
}

/// Decode the common named entities and numeric references; unknown ones stay as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let semi = after.find(';').filter(|&p| p <= 10);
        let decoded = semi.and_then(|p| after.get(..p)).and_then(entity);
        match (decoded, semi) {
            (Some(c), Some(p)) => {
                out.push(c);
                rest = after.get(p + 1..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_readable_text() {
        let html = r#"<!DOCTYPE html><html><head><title>Ignored head</title><style>p{}</style></head>
<body><nav><a href="/">Home</a></nav>
<h1>Timeouts &amp; retries</h1>
<p>By default, requests do <em>not</em> time out. See <a href="https://example.com/t">the guide</a>.</p>
<script>if (a < b) { alert("x") }</script>
<pre>s.mount('https://', HTTPAdapter(max_retries=retries))
print(1 &lt; 2)</pre>
<table><tr><th>code</th><th>meaning</th></tr><tr><td>1009</td><td>too big</td></tr></table>
<ul><li>one</li><li>two</li></ul>
<footer>Copyright</footer></body></html>"#;
        let x = to_text(html);
        assert_eq!(
            x.text,
            "# Timeouts & retries\n\nBy default, requests do not time out. See [the guide](https://example.com/t).\n\n```\ns.mount('https://', HTTPAdapter(max_retries=retries))\nprint(1 < 2)\n```\n\n| code | meaning |\n| 1009 | too big |\n- one\n- two\n"
        );
        assert!(x.tags > 20);
    }
}
