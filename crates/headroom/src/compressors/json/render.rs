//! The crushed text form: an indented outline with tables.
//!
//! ```text
//! total_count: 2723
//! items: [30 items] id,name,owner.login,description
//!   (every item has {"private":false})
//!   1951148,legit,kennethreitz,"Git for Humans, Inspired by GitHub for Mac"
//! ```
//!
//! Objects become `key: value` lines (small ones stay inline as compact JSON); a uniform array of
//! objects becomes a header naming its columns plus one comma-separated row per item (where
//! that costs fewer tokens than a list); other arrays become `- ` items, or inline JSON when
//! they hold only scalars or are tiny. Every scalar is written as it appears in the source;
//! strings are quoted (with their source escapes) only when bare text would be ambiguous.
//! Empty cell = key absent. When items were dropped (lossy), the header says how many are
//! shown, each kept item carries its original index (`#` column, or `- #i`), and one marker
//! line names the exact number omitted. A cut keyed map reads the same way:
//!
//! ```text
//! dependencies: (85 entries, 12 shown)
//!   left-pad:
//!     version: 1.3.0
//!   [headroom: 73 entries omitted; retrieve hash=...]
//!   (omitted keys: abbrev, archy, ...)
//! ```
//!
//! `tests/outline.rs` reads this form back.

use super::keyed::{self, omitted_keys};
use super::parse::{is_number, Node};
use super::select::{MapCut, Plan};
use super::table::{self, at, Table};
use super::text;
use crate::compressors::Context;

/// Objects whose compact JSON is at most this long stay on their key's line.
const INLINE_OBJECT: usize = 100;
/// Strings without spaces longer than this that look like encoded data are blobs (lossy only).
const BLOB_MIN: usize = 200;
/// Objects with at least this many keys and no values at all (only `{}` / `[]` leaves, like
/// Kubernetes `managedFields`) are pure schema; lossy mode replaces them by a marker.
const SCHEMA_MIN_KEYS: usize = 20;

/// Renders one document under a row-selection plan.
pub(super) struct Renderer<'c, 'q> {
    pub cx: &'c Context<'q>,
    pub plan: &'c Plan,
}

fn pad(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Where a scalar is written; each place has its own separators to avoid.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// After `key: `.
    Field,
    /// A table cell (commas separate cells).
    Cell,
    /// After `- ` (where `key: ` would start an object).
    Item,
}

/// The first column of a table's rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// A cut array's item index.
    Index,
    /// A keyed map's entry key.
    Key,
}

/// A map entry's key as a table cell: bare when that reads back unambiguously (the key column
/// is always text), else its JSON string.
fn key_cell(out: &mut String, raw: &str) {
    let bare = !raw.is_empty()
        && raw.trim() == raw
        && !raw.contains([',', '\\', '"', '[', ']', '{', '}'])
        && !raw.starts_with(['(', '#', '-']);
    if !bare {
        out.push('"');
    }
    out.push_str(raw);
    if !bare {
        out.push('"');
    }
}

/// May `raw` (a string body) be written without quotes in `slot`?
fn bare_ok(raw: &str, slot: Slot) -> bool {
    !raw.is_empty()
        && !raw.contains('\\')
        && raw.trim() == raw
        && !is_number(raw)
        && raw.parse::<f64>().is_err()
        && !matches!(raw, "true" | "false" | "null")
        && !raw.starts_with(['"', '[', '{', '#', '(', '-'])
        && !(slot == Slot::Cell && raw.contains(','))
        && !(slot == Slot::Item && (raw.contains(": ") || raw.ends_with(':')))
        && !raw.contains("[headroom:")
}

/// Long unbroken encoded data (base64, hex dumps, data: URIs).
fn is_blob(raw: &str) -> bool {
    raw.len() > BLOB_MIN
        && (raw.starts_with("data:")
            || raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')))
}

impl Renderer<'_, '_> {
    /// The whole document in outline form.
    pub(super) fn document(&self, root: &Node<'_>) -> String {
        let mut out = String::new();
        match root {
            Node::Obj(fields) if !fields.is_empty() => match self.map_text(0, None, root) {
                Some(text) => out.push_str(&text),
                None => self.fields(&mut out, 0, fields),
            },
            Node::Arr(items) if !items.is_empty() => self.array(&mut out, 0, None, items),
            other => {
                self.scalar(&mut out, other, Slot::Field);
                out.push('\n');
            }
        }
        if out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn scalar(&self, out: &mut String, node: &Node<'_>, slot: Slot) {
        if let Node::Str(raw) = node {
            if self.cx.lossy() {
                if is_blob(raw) {
                    out.push_str(&self.cx.marker(raw.len(), "chars"));
                    return;
                }
                if let Some(cut) = text::cut_lines(raw, self.cx) {
                    out.push('"');
                    out.push_str(&cut);
                    out.push('"');
                    return;
                }
            }
            if bare_ok(raw, slot) {
                out.push_str(raw);
                return;
            }
        }
        node.write_compact(out);
    }

    fn key(out: &mut String, raw: &str) {
        let plain = !raw.is_empty()
            && raw.trim() == raw
            && !raw.contains([':', ',', '\\', '"'])
            && !raw.starts_with(['-', '#', '[', '{', '(']);
        if plain {
            out.push_str(raw);
        } else {
            out.push('"');
            out.push_str(raw);
            out.push('"');
        }
    }

    fn fields(&self, out: &mut String, level: usize, fields: &[(&str, Node<'_>)]) {
        for (k, v) in fields {
            self.field(out, level, k, v);
        }
    }

    /// `(85 entries, 12 shown)`: written where a cut map's value starts.
    fn map_header(out: &mut String, n: usize, cut: &MapCut) {
        let unit = if n == 1 { "entry" } else { "entries" };
        out.push_str(&format!("({n} {unit}, {} shown)", cut.kept.len()));
    }

    /// A cut map's kept entries at `level`, then the marker and the dropped keys.
    fn map_body(&self, out: &mut String, level: usize, fields: &[(&str, Node<'_>)], cut: &MapCut) {
        for (k, v) in cut.kept.iter().filter_map(|&i| fields.get(i)) {
            self.field(out, level, k, v);
        }
        self.map_tail(out, level, fields, cut);
    }

    /// The marker counting a cut map's dropped entries, and their keys when cheap.
    fn map_tail(&self, out: &mut String, level: usize, fields: &[(&str, Node<'_>)], cut: &MapCut) {
        let omitted = fields.len().saturating_sub(cut.kept.len());
        if omitted == 0 {
            return;
        }
        pad(out, level);
        out.push_str(&self.cx.marker(omitted, "entries"));
        out.push('\n');
        if cut.list_keys {
            let dropped = fields
                .iter()
                .enumerate()
                .filter(|(i, _)| cut.kept.binary_search(i).is_err())
                .map(|(_, (k, _))| *k);
            pad(out, level);
            out.push_str(&omitted_keys(dropped));
            out.push('\n');
        }
    }

    fn field(&self, out: &mut String, level: usize, key: &str, value: &Node<'_>) {
        if self.cx.lossy() {
            if let Some(keys) = schema_only(value).filter(|&k| k >= SCHEMA_MIN_KEYS) {
                pad(out, level);
                Self::key(out, key);
                out.push_str(": ");
                out.push_str(&self.cx.marker(keys, "keys"));
                out.push('\n');
                return;
            }
        }
        if let Some(text) = self.map_text(level, Some(key), value) {
            out.push_str(&text);
            return;
        }
        self.plain_field(out, level, key, value);
    }

    /// A keyed map under `key` (the root when `None`), when it was cut or reads better as a
    /// table: a table when its values are uniform records and that costs fewer tokens, else
    /// (cut) entry blocks. `None`: render it as any object.
    fn map_text(&self, level: usize, key: Option<&str>, map: &Node<'_>) -> Option<String> {
        let Node::Obj(fields) = map else { return None };
        let cut = self.plan.map_cut(fields);
        if cut.is_none() && !keyed::is_map(fields) {
            return None;
        }
        let values: Vec<&Node<'_>> = fields.iter().map(|(_, v)| v).collect();
        let table = table::shape(&values).map(|t| {
            let mut s = String::new();
            self.map_table(&mut s, level, key, fields, &t, cut);
            s
        });
        if cut.is_none() && table.is_none() {
            return None;
        }
        let mut other = String::new();
        match (cut, key) {
            (Some(cut), _) => {
                if let Some(k) = key {
                    pad(&mut other, level);
                    Self::key(&mut other, k);
                    other.push_str(": ");
                }
                Self::map_header(&mut other, fields.len(), cut);
                other.push('\n');
                self.map_body(&mut other, if key.is_some() { level + 1 } else { level }, fields, cut);
            }
            (None, Some(k)) => self.plain_field(&mut other, level, k, map),
            (None, None) => self.fields(&mut other, level, fields),
        }
        // A table is only worth it where it wins.
        match table {
            Some(t) if !self.cx.counter.no_larger(&other, &t) => Some(t),
            _ if cut.is_some() => Some(other),
            _ => None,
        }
    }

    /// A map as a table: `(N entries[, K shown]) (key),columns`, one row per kept entry, then
    /// (cut) the marker and the dropped keys.
    fn map_table(
        &self,
        out: &mut String,
        level: usize,
        key: Option<&str>,
        fields: &[(&str, Node<'_>)],
        t: &Table<'_, '_>,
        cut: Option<&MapCut>,
    ) {
        let child = if key.is_some() { level + 1 } else { level };
        pad(out, level);
        if let Some(k) = key {
            Self::key(out, k);
            out.push_str(": ");
        }
        let n = fields.len();
        let unit = if n == 1 { "entry" } else { "entries" };
        match cut {
            Some(cut) => out.push_str(&format!("({n} {unit}, {} shown)", cut.kept.len())),
            None => out.push_str(&format!("({n} {unit})")),
        }
        let all: Vec<usize>;
        let rows: &[usize] = match cut {
            Some(cut) => &cut.kept,
            None => {
                all = (0..n).collect();
                &all
            }
        };
        let body = rows.iter().filter_map(|&i| fields.get(i).map(|(k, v)| (i, *k, v)));
        self.table(out, child, t, Some(Lead::Key), body);
        if let Some(cut) = cut {
            self.map_tail(out, child, fields, cut);
        }
    }

    /// How a field's value is written when it is not a keyed map.
    fn plain_field(&self, out: &mut String, level: usize, key: &str, value: &Node<'_>) {
        match value {
            Node::Arr(items) if !items.is_empty() => self.array(out, level, Some(key), items),
            Node::Obj(fields) if !fields.is_empty() && !inline_object(value) => {
                pad(out, level);
                Self::key(out, key);
                out.push_str(":\n");
                self.fields(out, level + 1, fields);
            }
            _ => {
                pad(out, level);
                Self::key(out, key);
                out.push_str(": ");
                self.scalar(out, value, Slot::Field);
                out.push('\n');
            }
        }
    }

    /// An array under `key` (or the document root when `key` is `None`).
    fn array(&self, out: &mut String, level: usize, key: Option<&str>, items: &[Node<'_>]) {
        let kept = self.plan.kept(items);
        // The root's rows sit at the root's level; a keyed array's rows are indented under it.
        let child = if key.is_some() { level + 1 } else { level };
        if self.inline_array(items) {
            pad(out, level);
            if let Some(k) = key {
                Self::key(out, k);
                out.push_str(": ");
            }
            let mut inline = String::from("[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    inline.push(',');
                }
                match v {
                    Node::Str(raw) if self.cx.lossy() && is_blob(raw) => {
                        inline.push_str(&self.cx.marker(raw.len(), "chars"))
                    }
                    v => v.write_compact(&mut inline),
                }
            }
            inline.push(']');
            out.push_str(&inline);
            out.push('\n');
            return;
        }
        let rows: Vec<usize> = match kept {
            Some(k) => k.to_vec(),
            None => (0..items.len()).collect(),
        };
        let as_list = |r: &Self| {
            let mut s = String::new();
            r.header(&mut s, level, key, items.len(), kept.map(<[usize]>::len));
            s.push('\n');
            r.list(&mut s, child, items, &rows, kept.is_some());
            s
        };
        let refs: Vec<&Node<'_>> = items.iter().collect();
        let text = match table::shape(&refs) {
            Some(t) => {
                let mut s = String::new();
                self.header(&mut s, level, key, items.len(), kept.map(<[usize]>::len));
                let lead = kept.is_some().then_some(Lead::Index);
                let body = rows.iter().filter_map(|&r| Some((r, "", items.get(r)?)));
                self.table(&mut s, child, &t, lead, body);
                let list = as_list(self);
                // A table is only worth it where it wins.
                if !self.cx.counter.no_larger(&list, &s) {
                    s
                } else {
                    list
                }
            }
            None => as_list(self),
        };
        out.push_str(&text);
        if let Some(k) = kept {
            let omitted = items.len().saturating_sub(k.len());
            if omitted > 0 {
                pad(out, child);
                out.push_str(&self.cx.marker(omitted, "items"));
                out.push('\n');
            }
        }
    }

    /// Scalars, and arrays too small for a header to pay off, stay inline (unless cut).
    fn inline_array(&self, items: &[Node<'_>]) -> bool {
        let small = || {
            let mut budget = INLINE_OBJECT as isize;
            items.iter().for_each(|i| spend(i, &mut budget));
            budget >= 0
        };
        self.plan.kept(items).is_none() && (items.iter().all(|i| !i.is_container()) || small())
    }

    fn header(&self, out: &mut String, level: usize, key: Option<&str>, n: usize, shown: Option<usize>) {
        pad(out, level);
        if let Some(k) = key {
            Self::key(out, k);
            out.push_str(": ");
        }
        out.push_str(&format!("[{n} {}", if n == 1 { "item" } else { "items" }));
        if let Some(shown) = shown {
            out.push_str(&format!(", {shown} shown"));
        }
        out.push(']');
    }

    /// Column names, the constants line and one row per item. `lead` is the first column:
    /// an array item's index (`#`) or a map entry's key (`(key)`); rows are (index, key, item).
    fn table<'n, 'a: 'n>(
        &self,
        out: &mut String,
        child: usize,
        t: &Table<'_, '_>,
        lead: Option<Lead>,
        rows: impl Iterator<Item = (usize, &'n str, &'n Node<'a>)>,
    ) {
        out.push(' ');
        match lead {
            Some(Lead::Index) => out.push_str("#,"),
            Some(Lead::Key) => out.push_str("(key),"),
            None => {}
        }
        for (i, col) in t.columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let name = col.join(".");
            // Unquoted names with dots are flattened paths; a lone key with a dot is quoted.
            if col.len() == 1 && (!bare_ok(&name, Slot::Cell) || name.contains('.')) {
                out.push('"');
                out.push_str(&name);
                out.push('"');
            } else {
                out.push_str(&name);
            }
        }
        out.push('\n');
        if !t.constants.is_empty() {
            pad(out, child);
            out.push_str("(every item has {");
            for (i, (path, v)) in t.constants.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(&path.join("."));
                out.push_str("\":");
                v.write_compact(out);
            }
            out.push_str("})\n");
        }
        for (r, k, item) in rows {
            pad(out, child);
            match lead {
                Some(Lead::Index) => {
                    out.push_str(&r.to_string());
                    out.push(',');
                }
                Some(Lead::Key) => {
                    key_cell(out, k);
                    out.push(',');
                }
                None => {}
            }
            for (i, col) in t.columns.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(v) = at(item, col) {
                    self.scalar(out, v, Slot::Cell);
                }
            }
            out.push('\n');
        }
    }

    /// `- ` items; with `idx`, each item is introduced by its original index.
    fn list(&self, out: &mut String, child: usize, items: &[Node<'_>], rows: &[usize], idx: bool) {
        for &r in rows {
            let Some(item) = items.get(r) else { continue };
            pad(out, child);
            out.push('-');
            if idx {
                out.push_str(&format!(" #{r}"));
            }
            match item {
                Node::Obj(fields) if self.plan.map_cut(fields).is_some() => {
                    let Some(cut) = self.plan.map_cut(fields) else { continue };
                    out.push(' ');
                    Self::map_header(out, fields.len(), cut);
                    out.push('\n');
                    self.map_body(out, child + 1, fields, cut);
                }
                Node::Obj(fields) if !fields.is_empty() && !inline_object(item) => {
                    let mut body = String::new();
                    self.fields(&mut body, child + 1, fields);
                    if idx {
                        out.push('\n');
                        out.push_str(&body);
                    } else {
                        // `- first: v` with the remaining fields aligned under `first`.
                        out.push(' ');
                        out.push_str(body.get((child + 1) * 2..).unwrap_or_default());
                    }
                }
                Node::Arr(inner) if !inner.is_empty() && !self.inline_array(inner) => {
                    out.push('\n');
                    self.array(out, child + 1, None, inner);
                }
                other => {
                    out.push(' ');
                    self.scalar(out, other, Slot::Item);
                    out.push('\n');
                }
            }
        }
    }
}

/// The number of keys in an object tree holding no scalar at all, or `None` if it holds one.
fn schema_only(v: &Node<'_>) -> Option<usize> {
    match v {
        Node::Obj(fields) => fields.iter().try_fold(0, |n, (_, v)| Some(n + 1 + schema_only(v)?)),
        Node::Arr(items) if items.is_empty() => Some(0),
        _ => None,
    }
}

/// Small objects without nested arrays of objects stay inline as compact JSON.
fn inline_object(v: &Node<'_>) -> bool {
    fn has_object_array(v: &Node<'_>) -> bool {
        match v {
            Node::Arr(items) => items.iter().any(|i| matches!(i, Node::Obj(_)) || has_object_array(i)),
            Node::Obj(fields) => fields.iter().any(|(_, v)| has_object_array(v)),
            _ => false,
        }
    }
    compact_len_at_most(v, INLINE_OBJECT) && !has_object_array(v)
}

/// Subtract the compact JSON length of `v` from `budget`, stopping once it is spent.
fn spend(v: &Node<'_>, budget: &mut isize) {
    if *budget < 0 {
        return;
    }
    match v {
        Node::Arr(items) => {
            *budget -= 2 + items.len().saturating_sub(1) as isize;
            items.iter().for_each(|i| spend(i, budget));
        }
        Node::Obj(fields) => {
            *budget -= 2 + fields.len().saturating_sub(1) as isize;
            for (k, v) in fields {
                *budget -= k.len() as isize + 3;
                spend(v, budget);
            }
        }
        Node::Str(s) => *budget -= s.len() as isize + 2,
        other => *budget -= other.scalar_text().map_or(0, str::len) as isize,
    }
}

/// Is the compact JSON of `v` at most `limit` bytes? Stops counting once past the limit.
pub(super) fn compact_len_at_most(v: &Node<'_>, limit: usize) -> bool {
    let mut budget = limit as isize;
    spend(v, &mut budget);
    budget >= 0
}
