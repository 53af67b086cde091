//! A reader for the lossless outline form, for tests only. Reading the output back into the
//! JSON value it came from is what proves the form is lossless and unambiguous.

use serde_json::{Map, Value};

struct Reader<'t> {
    /// (indent level, text after the indentation) per line.
    lines: Vec<(usize, &'t str)>,
    pos: usize,
}

/// The JSON value an outline (or plain compact JSON) stands for.
pub(super) fn decode(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let mut lines = Vec::new();
    for line in text.lines() {
        let body = line.trim_start_matches(' ');
        let spaces = line.len() - body.len();
        if spaces % 2 != 0 {
            return Err(format!("odd indentation: {line:?}"));
        }
        lines.push((spaces / 2, body));
    }
    let mut r = Reader { lines, pos: 0 };
    let first = r.lines.first().map(|l| l.1).ok_or("empty")?;
    let v = match header(first) {
        Some(h) => {
            r.pos += 1;
            r.array(0, h)?
        }
        None => Value::Object(r.fields(0)?),
    };
    match r.lines.get(r.pos) {
        None => Ok(v),
        Some(l) => Err(format!("trailing line {l:?}")),
    }
}

/// `[N items]` or `[N items] columns`: (N, columns).
fn header(s: &str) -> Option<(usize, Option<&str>)> {
    let rest = s.strip_prefix('[')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n = rest.get(..digits)?.parse().ok()?;
    let rest = rest.get(digits..)?;
    let rest = rest.strip_prefix(" items]").or_else(|| rest.strip_prefix(" item]"))?;
    Some((n, rest.strip_prefix(' ')))
}

fn scalar(s: &str) -> Result<Value, String> {
    if s.starts_with(['"', '[', '{']) || matches!(s, "true" | "false" | "null") || s.parse::<f64>().is_ok() {
        return serde_json::from_str(s).map_err(|e| format!("{s:?}: {e}"));
    }
    Ok(Value::String(s.to_owned()))
}

/// Split on commas outside strings and brackets.
fn cells(line: &str) -> Vec<&str> {
    let (mut out, mut start, mut depth, mut in_str, mut esc) = (Vec::new(), 0, 0i32, false, false);
    for (i, c) in line.char_indices() {
        match c {
            _ if esc => esc = false,
            '\\' if in_str => esc = true,
            '"' => in_str = !in_str,
            '[' | '{' if !in_str => depth += 1,
            ']' | '}' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

fn insert(obj: &mut Map<String, Value>, path: &[String], v: Value) -> Result<(), String> {
    match path {
        [] => Err("empty path".into()),
        [k] => {
            obj.insert(k.clone(), v);
            Ok(())
        }
        [k, rest @ ..] => {
            let inner = obj.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(inner) = inner else { return Err(format!("{k} is not an object")) };
            insert(inner, rest, v)
        }
    }
}

/// A key as written: quoted (JSON string) or plain.
fn key(s: &str) -> Result<(String, &str), String> {
    if s.starts_with('"') {
        let mut esc = false;
        for (i, c) in s.char_indices().skip(1) {
            match c {
                _ if esc => esc = false,
                '\\' => esc = true,
                '"' => {
                    let k = serde_json::from_str(&s[..=i]).map_err(|e| e.to_string())?;
                    return Ok((k, &s[i + 1..]));
                }
                _ => {}
            }
        }
        return Err(format!("unterminated key {s:?}"));
    }
    let end = s.find(':').ok_or_else(|| format!("no key in {s:?}"))?;
    Ok((s[..end].to_owned(), &s[end..]))
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<(usize, &'t str)> {
        self.lines.get(self.pos).copied()
    }

    /// Fields at `level`; the first line may have been handed over by a `- ` item.
    fn fields(&mut self, level: usize) -> Result<Map<String, Value>, String> {
        let mut obj = Map::new();
        while let Some((l, line)) = self.peek() {
            if l != level || line.starts_with('-') {
                break;
            }
            self.pos += 1;
            let (k, v) = self.field(level, line)?;
            obj.insert(k, v);
        }
        Ok(obj)
    }

    fn field(&mut self, level: usize, line: &str) -> Result<(String, Value), String> {
        let (k, rest) = key(line)?;
        let rest = rest.strip_prefix(':').ok_or_else(|| format!("no colon in {line:?}"))?;
        if rest.is_empty() {
            return Ok((k, Value::Object(self.fields(level + 1)?)));
        }
        let rest = rest.strip_prefix(' ').ok_or_else(|| format!("no space in {line:?}"))?;
        if serde_json::from_str::<Value>(rest).is_err() {
            if let Some(h) = header(rest) {
                return Ok((k, self.array(level + 1, h)?));
            }
        }
        Ok((k, scalar(rest)?))
    }

    /// An array whose rows sit at `level`, after its header.
    fn array(&mut self, level: usize, (n, cols): (usize, Option<&str>)) -> Result<Value, String> {
        let items = match cols {
            Some(cols) => self.table(level, cols)?,
            None => self.list(level)?,
        };
        if items.len() != n {
            return Err(format!("header says {n} items, read {}", items.len()));
        }
        Ok(Value::Array(items))
    }

    fn table(&mut self, level: usize, cols: &str) -> Result<Vec<Value>, String> {
        let paths: Vec<Vec<String>> = cells(cols)
            .into_iter()
            .map(|c| {
                if c.starts_with('"') {
                    serde_json::from_str(c).map(|k| vec![k])
                } else {
                    Ok(c.split('.').map(str::to_owned).collect())
                }
            })
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let mut constants = Map::new();
        if let Some((l, line)) = self.peek() {
            if l == level {
                if let Some(json) = line.strip_prefix("(every item has ").and_then(|s| s.strip_suffix(')')) {
                    constants = serde_json::from_str(json).map_err(|e| e.to_string())?;
                    self.pos += 1;
                }
            }
        }
        let mut rows = Vec::new();
        while let Some((l, line)) = self.peek() {
            if l != level {
                break;
            }
            self.pos += 1;
            let cells = cells(line);
            if cells.len() != paths.len() {
                return Err(format!("{} cells for {} columns: {line:?}", cells.len(), paths.len()));
            }
            let mut obj = Map::new();
            for (path, cell) in paths.iter().zip(cells) {
                if !cell.is_empty() {
                    insert(&mut obj, path, scalar(cell)?)?;
                }
            }
            for (path, v) in &constants {
                let path: Vec<String> = path.split('.').map(str::to_owned).collect();
                insert(&mut obj, &path, v.clone())?;
            }
            rows.push(Value::Object(obj));
        }
        Ok(rows)
    }

    fn list(&mut self, level: usize) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        while let Some((l, line)) = self.peek() {
            if l != level || !line.starts_with('-') {
                break;
            }
            self.pos += 1;
            let rest = &line[1..];
            if rest.is_empty() {
                let (_, inner) = self.peek().ok_or("missing nested array")?;
                let h = header(inner).ok_or_else(|| format!("not a header: {inner:?}"))?;
                self.pos += 1;
                items.push(self.array(level + 1, h)?);
                continue;
            }
            let rest = rest.strip_prefix(' ').ok_or_else(|| format!("bad item {line:?}"))?;
            let is_field = key(rest).is_ok_and(|(_, after)| after == ":" || after.starts_with(": "));
            if is_field && serde_json::from_str::<Value>(rest).is_err() {
                let (k, v) = self.field(level + 1, rest)?;
                let mut obj = Map::new();
                obj.insert(k, v);
                obj.extend(self.fields(level + 1)?);
                items.push(Value::Object(obj));
            } else {
                items.push(scalar(rest)?);
            }
        }
        Ok(items)
    }
}
