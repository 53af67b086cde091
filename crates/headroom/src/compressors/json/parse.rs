//! A JSON reader that keeps the source text of every scalar.
//!
//! serde_json re-formats numbers (`1e10` comes back as `10000000000.0`, `1.10` as `1.1`) and
//! decodes string escapes, so nothing it prints is guaranteed to be a substring of the input.
//! This reader borrows each number and each string body (escapes intact) straight from the
//! source, so whatever the crusher writes is verbatim. It also writes compact JSON from the tree.

use std::borrow::Cow;

/// Nesting deeper than this is refused (keeps the recursive reader and writers off the stack
/// limit on hostile input).
const MAX_DEPTH: usize = 200;

/// One JSON value, borrowing its scalars from the source text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node<'a> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Num(&'a str),
    /// The string body between the quotes, escapes as written.
    Str(&'a str),
    Arr(Vec<Node<'a>>),
    /// Fields in document order; keys are raw bodies like [`Node::Str`].
    Obj(Vec<(&'a str, Node<'a>)>),
}

impl<'a> Node<'a> {
    pub(super) fn is_container(&self) -> bool {
        matches!(self, Node::Arr(_) | Node::Obj(_))
    }

    /// The value of `key` in an object (first occurrence).
    pub(super) fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Obj(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The source text of a scalar (`null`, `true`, the number, the raw string body).
    pub(super) fn scalar_text(&self) -> Option<&'a str> {
        match self {
            Node::Null => Some("null"),
            Node::Bool(true) => Some("true"),
            Node::Bool(false) => Some("false"),
            Node::Num(n) => Some(n),
            Node::Str(s) => Some(s),
            Node::Arr(_) | Node::Obj(_) => None,
        }
    }

    /// Append compact JSON (no whitespace) to `out`, scalars verbatim.
    pub(super) fn write_compact(&self, out: &mut String) {
        match self {
            Node::Str(s) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Node::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_compact(out);
                }
                out.push(']');
            }
            Node::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(k);
                    out.push_str("\":");
                    v.write_compact(out);
                }
                out.push('}');
            }
            scalar => out.push_str(scalar.scalar_text().unwrap_or_default()),
        }
    }

    pub(super) fn compact(&self) -> String {
        let mut s = String::new();
        self.write_compact(&mut s);
        s
    }
}

/// The decoded form of a raw string body (for matching words, never for output).
pub(super) fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') | Some('f') => out.push(' '),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                // Surrogate halves and bad escapes become a space: only word matching reads this.
                let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or(' ');
                out.push(c);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// Parse a whole JSON document (surrounding whitespace allowed). `None` if it is not JSON.
pub(super) fn parse(text: &str) -> Option<Node<'_>> {
    let mut p = Parser { src: text, pos: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.pos == text.len()).then_some(v)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Option<()> {
        let end = self.pos + lit.len();
        (self.src.get(self.pos..end)? == lit).then(|| self.pos = end)
    }

    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Node::Str),
            b't' => self.eat("true").map(|()| Node::Bool(true)),
            b'f' => self.eat("false").map(|()| Node::Bool(false)),
            b'n' => self.eat("null").map(|()| Node::Null),
            _ => self.number().map(Node::Num),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Node<'a>> {
        self.pos += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(Node::Obj(fields));
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.ws();
            self.eat(":")?;
            self.ws();
            let v = self.value(depth + 1)?;
            fields.push((key, v));
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Node::Obj(fields));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Node<'a>> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(Node::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Node::Arr(items));
                }
                _ => return None,
            }
        }
    }

    /// A string body (between the quotes), escapes validated but kept as written.
    fn string(&mut self) -> Option<&'a str> {
        self.pos += 1;
        let start = self.pos;
        let bytes = self.src.as_bytes();
        loop {
            match *bytes.get(self.pos)? {
                b'"' => {
                    let body = self.src.get(start..self.pos)?;
                    self.pos += 1;
                    return Some(body);
                }
                b'\\' => match *bytes.get(self.pos + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                    b'u' => {
                        let hex = bytes.get(self.pos + 2..self.pos + 6)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.pos += 6;
                    }
                    _ => return None,
                },
                // Raw control characters are not JSON; they would also break one-row-per-line.
                c if c < 0x20 => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let digits = |p: &mut usize| {
            let s = *p;
            while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > s
        };
        let mut p = self.pos;
        if bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        match bytes.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                digits(&mut p);
            }
            _ => return None,
        }
        if bytes.get(p) == Some(&b'.') {
            p += 1;
            if !digits(&mut p) {
                return None;
            }
        }
        if matches!(bytes.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(bytes.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if !digits(&mut p) {
                return None;
            }
        }
        self.pos = p;
        self.src.get(start..p)
    }
}

/// Does `s` read as a JSON number?
pub(super) fn is_number(s: &str) -> bool {
    let mut p = Parser { src: s, pos: 0 };
    p.number().is_some() && p.pos == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_stay_verbatim() {
        let src =
            r#"{"a": 11.5, "b": 1e10, "c": 1.10, "d": -0.000001, "e": "x\"y\u00e9", "f": [true, null]}"#;
        let v = parse(src).unwrap();
        assert_eq!(
            v.compact(),
            r#"{"a":11.5,"b":1e10,"c":1.10,"d":-0.000001,"e":"x\"y\u00e9","f":[true,null]}"#
        );
        assert_eq!(decode(r#"x\"y\u00e9\n"#), "x\"yé\n");
    }

    #[test]
    fn rejects_non_json() {
        for bad in ["{", "[1,]", "{\"a\" 1}", "01", "1.", "\"a\nb\"", "[1] x", "tru"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
        assert!(parse(&deep).is_none());
        assert!(is_number("-12.5e+3") && !is_number("12a") && !is_number(""));
    }
}
