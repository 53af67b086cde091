//! A reader for the outline form, for tests only. Reading lossless output back into the JSON
//! value it came from proves the form is lossless and unambiguous; reading lossy output back
//! and [`check`]ing it against the source proves every kept item is verbatim at its stated
//! index and every cut is counted exactly by its marker.

use serde_json::{Map, Value};

use crate::marker::Marker;

/// Keys of the object a cut array reads back as: `{CUT: n, KEPT: [[index, item], ...]}`.
const CUT: &str = "\u{0}cut";
const KEPT: &str = "\u{0}kept";
/// Keys of the object a cut map reads back as:
/// `{MAP_CUT: n, KEPT: {key: value, ...}, DROPPED: [key, ...] (when listed)}`.
const MAP_CUT: &str = "\u{0}map cut";
const DROPPED: &str = "\u{0}dropped";

/// A cut map as read back: (entries in the source, kept keys, listed dropped keys).
pub(super) type MapCut = (usize, Vec<String>, Option<Vec<String>>);

/// The cut map `v` reads back as, if it is one.
pub(super) fn map_cut(v: &Value) -> Option<MapCut> {
    let n = v.get(MAP_CUT)?.as_u64()? as usize;
    let kept = v.get(KEPT)?.as_object()?.keys().cloned().collect();
    let dropped = v
        .get(DROPPED)
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    Some((n, kept, dropped))
}

/// Does `got` (read back from lossy output) agree with `src`: same values where shown, cut
/// arrays' kept items equal to the source items at their indices, markers only where
/// something was dropped?
pub(super) fn check(src: &Value, got: &Value, path: &str) -> Result<(), String> {
    let fail = || Err(format!("at {path}: source {src} vs output {got}"));
    match (src, got) {
        (_, Value::String(g)) if is_marker(g) => Ok(()),
        (Value::String(s), Value::String(g)) if g.contains("[headroom: ") => {
            let lines: Vec<&str> = s.split('\n').collect();
            match g.split('\n').all(|l| is_marker(l) || lines.contains(&l)) {
                true => Ok(()),
                false => fail(),
            }
        }
        (Value::Array(items), Value::Object(cut)) if cut.contains_key(CUT) => {
            if cut.get(CUT) != Some(&Value::from(items.len())) {
                return fail();
            }
            for pair in cut.get(KEPT).and_then(Value::as_array).into_iter().flatten() {
                let i = pair.get(0).and_then(Value::as_u64).ok_or("bad index")? as usize;
                let item = items.get(i).ok_or_else(|| format!("at {path}: index {i} out of range"))?;
                check(item, pair.get(1).ok_or("no item")?, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object(entries), Value::Object(cut)) if cut.contains_key(MAP_CUT) => {
            if cut.get(MAP_CUT) != Some(&Value::from(entries.len())) {
                return fail();
            }
            let kept = cut.get(KEPT).and_then(Value::as_object).ok_or("no kept entries")?;
            for (k, v) in kept {
                let src = entries.get(k).ok_or_else(|| format!("at {path}: no key {k}"))?;
                check(src, v, &format!("{path}.{k}"))?;
            }
            if let Some(dropped) = cut.get(DROPPED).and_then(Value::as_array) {
                let mut all: Vec<&str> = kept.keys().map(String::as_str).collect();
                all.extend(dropped.iter().filter_map(Value::as_str));
                all.sort_unstable();
                let mut want: Vec<&str> = entries.keys().map(String::as_str).collect();
                want.sort_unstable();
                if all != want {
                    return Err(format!("at {path}: kept and listed keys {all:?} vs source {want:?}"));
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| check(x, y, &format!("{path}[{i}]")))
        }
        (Value::Object(a), Value::Object(b)) if a.len() == b.len() => a
            .iter()
            .try_for_each(|(k, x)| b.get(k).map_or_else(fail, |y| check(x, y, &format!("{path}.{k}")))),
        _ if src == got => Ok(()),
        _ => fail(),
    }
}

fn is_marker(s: &str) -> bool {
    Marker::find_all(s).first().is_some_and(|m| m.range == (0..s.len()))
}

/// An array header: `[N items]`, `[N items, K shown]`, then maybe ` columns`.
struct Header<'t> {
    n: usize,
    shown: Option<usize>,
    cols: Option<&'t str>,
}

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
    let v = match (header(first), map_header(first)) {
        (Some(h), _) => {
            r.pos += 1;
            r.array(0, h)?
        }
        (None, Some(h)) => {
            r.pos += 1;
            r.map(0, h)?
        }
        (None, None) => Value::Object(r.fields(0)?),
    };
    match r.lines.get(r.pos) {
        None => Ok(v),
        Some(l) => Err(format!("trailing line {l:?}")),
    }
}

fn number_prefix(s: &str) -> Option<(usize, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    Some((s.get(..digits)?.parse().ok()?, s.get(digits..)?))
}

fn header(s: &str) -> Option<Header<'_>> {
    let (n, rest) = number_prefix(s.strip_prefix('[')?)?;
    let rest = rest.strip_prefix(" items").or_else(|| rest.strip_prefix(" item"))?;
    let (shown, rest) = match rest.strip_prefix(", ") {
        Some(r) => {
            let (k, r) = number_prefix(r)?;
            (Some(k), r.strip_prefix(" shown")?)
        }
        None => (None, rest),
    };
    let rest = rest.strip_prefix(']')?;
    Some(Header { n, shown, cols: rest.strip_prefix(' ') })
}

/// A map header: `(N entries)` or `(N entries, K shown)`, then maybe ` (key),columns`.
struct MapHeader<'t> {
    n: usize,
    shown: Option<usize>,
    cols: Option<&'t str>,
}

fn map_header(s: &str) -> Option<MapHeader<'_>> {
    let (n, rest) = number_prefix(s.strip_prefix('(')?)?;
    let rest = rest.strip_prefix(" entries").or_else(|| rest.strip_prefix(" entry"))?;
    let (shown, rest) = match rest.strip_prefix(", ") {
        Some(r) => {
            let (k, r) = number_prefix(r)?;
            (Some(k), r.strip_prefix(" shown")?)
        }
        None => (None, rest),
    };
    let rest = rest.strip_prefix(')')?;
    let cols = match rest {
        "" => None,
        r => Some(r.strip_prefix(" (key),")?),
    };
    Some(MapHeader { n, shown, cols })
}

/// Which first column a table's rows have.
#[derive(Clone, Copy, PartialEq)]
enum Lead {
    None,
    Index,
    Key,
}

/// The keys of an `(omitted keys: a, "b, c")` line.
fn omitted_keys(line: &str) -> Result<Vec<String>, String> {
    let body =
        line.strip_prefix("(omitted keys: ").and_then(|s| s.strip_suffix(')')).ok_or("bad key list")?;
    let mut keys = Vec::new();
    let mut rest = body;
    loop {
        let (k, after) = if rest.starts_with('"') {
            let (k, after) = key(rest)?;
            (k, after)
        } else {
            let end = rest.find(", ").unwrap_or(rest.len());
            (rest[..end].to_owned(), &rest[end..])
        };
        keys.push(k);
        match after.strip_prefix(", ") {
            Some(r) => rest = r,
            None if after.is_empty() => return Ok(keys),
            None => return Err(format!("bad key list {line:?}")),
        }
    }
}

fn scalar(s: &str) -> Result<Value, String> {
    if is_marker(s) {
        return Ok(Value::String(s.to_owned()));
    }
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
            if l != level || line.starts_with('-') || line.starts_with("[headroom: ") {
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
            if let Some(h) = map_header(rest) {
                return Ok((k, self.map(level + 1, h)?));
            }
            if is_marker(rest) {
                return Ok((k, Value::String(rest.to_owned())));
            }
        }
        Ok((k, scalar(rest)?))
    }

    /// A map whose entries sit at `level`, after its header: table rows or (cut) entry
    /// blocks; when cut, then the marker counting the rest and maybe the list of their keys.
    fn map(&mut self, level: usize, h: MapHeader<'_>) -> Result<Value, String> {
        let kept: Map<String, Value> = match h.cols {
            Some(cols) => self
                .table(level, cols, Lead::Key)?
                .into_iter()
                .map(|(_, k, v)| (k.unwrap_or_default(), v))
                .collect(),
            None if h.shown.is_some() => self.fields(level)?,
            None => return Err("a whole map is only written as a table".into()),
        };
        let Some(k) = h.shown else {
            if kept.len() != h.n {
                return Err(format!("map header says {} entries, read {}", h.n, kept.len()));
            }
            return Ok(Value::Object(kept));
        };
        let n = h.n;
        if kept.len() != k {
            return Err(format!("map header says {k} shown, read {}", kept.len()));
        }
        let (l, line) = self.peek().ok_or("missing map marker")?;
        let m = Marker::find_all(line);
        let ok = l == level
            && m.len() == 1
            && m.first()
                .is_some_and(|m| m.unit == "entries" && m.count == n - k && m.range == (0..line.len()));
        if !ok {
            return Err(format!("want a marker for {} entries, got {line:?}", n - k));
        }
        self.pos += 1;
        let mut obj = Map::new();
        obj.insert(MAP_CUT.into(), n.into());
        obj.insert(KEPT.into(), Value::Object(kept));
        if let Some((l, line)) = self.peek() {
            if l == level && line.starts_with("(omitted keys: ") {
                self.pos += 1;
                let keys = omitted_keys(line)?;
                if keys.len() != n - k {
                    return Err(format!("{} keys listed for {} omitted", keys.len(), n - k));
                }
                obj.insert(DROPPED.into(), keys.into_iter().map(Value::String).collect());
            }
        }
        Ok(Value::Object(obj))
    }

    /// An array whose rows sit at `level`, after its header.
    fn array(&mut self, level: usize, h: Header<'_>) -> Result<Value, String> {
        let cut = h.shown.is_some();
        let items = match h.cols {
            Some(cols) => {
                let lead = if cut { Lead::Index } else { Lead::None };
                self.table(level, cols, lead)?.into_iter().map(|(i, _, v)| (i, v)).collect()
            }
            None => self.list(level, cut)?,
        };
        let Some(k) = h.shown else {
            if items.len() != h.n {
                return Err(format!("header says {} items, read {}", h.n, items.len()));
            }
            return Ok(Value::Array(items.into_iter().map(|(_, v)| v).collect()));
        };
        if items.len() != k {
            return Err(format!("header says {k} shown, read {}", items.len()));
        }
        if k < h.n {
            let (l, line) = self.peek().ok_or("missing marker")?;
            let m = Marker::find_all(line);
            let ok = l == level
                && m.len() == 1
                && m.first().is_some_and(|m| m.unit == "items" && m.count == h.n - k);
            if !ok {
                return Err(format!("want a marker for {} items, got {line:?}", h.n - k));
            }
            self.pos += 1;
        }
        let kept: Vec<Value> = items.into_iter().map(|(i, v)| Value::Array(vec![i.into(), v])).collect();
        let mut obj = Map::new();
        obj.insert(CUT.into(), h.n.into());
        obj.insert(KEPT.into(), Value::Array(kept));
        Ok(Value::Object(obj))
    }

    /// Table rows: (index, key, item); the index counts rows unless the table has one.
    #[allow(clippy::type_complexity)]
    fn table(
        &mut self,
        level: usize,
        cols: &str,
        lead: Lead,
    ) -> Result<Vec<(usize, Option<String>, Value)>, String> {
        let cols = if lead == Lead::Index {
            cols.strip_prefix("#,").ok_or("cut table without # column")?
        } else {
            cols
        };
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
            if l != level || line.starts_with("[headroom: ") {
                break;
            }
            self.pos += 1;
            let (idx, line) = match lead {
                Lead::Index => {
                    let (i, rest) = number_prefix(line).ok_or("row without index")?;
                    (i, rest.strip_prefix(',').ok_or("row without index")?)
                }
                _ => (rows.len(), line),
            };
            let mut cells = cells(line);
            let key = match lead {
                Lead::Key if cells.is_empty() => return Err("row without key".into()),
                Lead::Key => {
                    let k = cells.remove(0);
                    Some(if k.starts_with('"') {
                        serde_json::from_str::<String>(k).map_err(|e| format!("key {k:?}: {e}"))?
                    } else {
                        k.to_owned()
                    })
                }
                _ => None,
            };
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
            rows.push((idx, key, Value::Object(obj)));
        }
        Ok(rows)
    }

    fn list(&mut self, level: usize, cut: bool) -> Result<Vec<(usize, Value)>, String> {
        let mut items = Vec::new();
        while let Some((l, line)) = self.peek() {
            if l != level || !line.starts_with('-') {
                break;
            }
            self.pos += 1;
            let mut rest = &line[1..];
            let mut idx = items.len();
            if cut {
                let (i, r) =
                    number_prefix(rest.strip_prefix(" #").ok_or("item without index")?).ok_or("bad index")?;
                (idx, rest) = (i, r);
            }
            if let Some(h) = rest.strip_prefix(' ').and_then(map_header) {
                items.push((idx, self.map(level + 1, h)?));
                continue;
            }
            if rest.is_empty() {
                let (_, next) = self.peek().ok_or("missing item body")?;
                let v = match header(next) {
                    Some(h) => {
                        self.pos += 1;
                        self.array(level + 1, h)?
                    }
                    None => Value::Object(self.fields(level + 1)?),
                };
                items.push((idx, v));
                continue;
            }
            let rest = rest.strip_prefix(' ').ok_or_else(|| format!("bad item {line:?}"))?;
            let is_field = key(rest).is_ok_and(|(_, after)| after == ":" || after.starts_with(": "));
            if !cut && is_field && serde_json::from_str::<Value>(rest).is_err() {
                let (k, v) = self.field(level + 1, rest)?;
                let mut obj = Map::new();
                obj.insert(k, v);
                obj.extend(self.fields(level + 1)?);
                items.push((idx, Value::Object(obj)));
            } else {
                items.push((idx, scalar(rest)?));
            }
        }
        Ok(items)
    }
}
