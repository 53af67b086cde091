//! When an array of objects is a table, and what its columns are.
//!
//! Columns are paths of keys: nested objects present in every row are flattened into dotted
//! column names (`owner.login`); anything else (arrays, sometimes-null objects) stays one cell
//! of compact JSON. Columns that hold the same value in every row are lifted out of the rows.
//! Rendering lives in `render.rs`; this module only decides the shape.

use rustc_hash::FxHashSet as HashSet;

use super::parse::Node;
use super::render::compact_len_at_most;

/// Containers longer than this (compact JSON) make a cell too deep for a one-line row. Below
/// it, the renderer still only picks the table where it costs fewer tokens than a list.
const MAX_CONTAINER_CELL: usize = 600;
/// Below this share of filled cells the array is too ragged for a table.
const MIN_FILL: f64 = 0.5;
/// More distinct keys than this is a map keyed by data, not a table.
const MAX_COLUMNS: usize = 1000;
/// Rows needed before a column may be lifted out as a constant.
const MIN_ROWS_FOR_CONSTANTS: usize = 3;

/// A column: the keys leading from an item to its cell.
pub(super) type Path<'a> = Vec<&'a str>;

/// The shape of a table: varying columns and columns constant across all rows.
#[derive(Debug)]
pub(super) struct Table<'a, 'n> {
    pub columns: Vec<Path<'a>>,
    pub constants: Vec<(Path<'a>, &'n Node<'a>)>,
}

/// The value at `path` inside `item`, if every key on the way exists.
pub(super) fn at<'a, 'n>(item: &'n Node<'a>, path: &[&'a str]) -> Option<&'n Node<'a>> {
    path.iter().try_fold(item, |node, key| node.get(key))
}

/// Can a key be part of a dotted column name without ambiguity?
fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(['#', '-', ' '])
        && !k.ends_with(' ')
        && !k.contains(['.', ',', '\\', ':', '{', '}', '[', ']', '"'])
}

/// The table shape of `items` (an array's items, or a keyed map's values), or `None` if they
/// are not uniform objects.
pub(super) fn shape<'a, 'n>(items: &[&'n Node<'a>]) -> Option<Table<'a, 'n>> {
    if items.len() < 2 || !items.iter().all(|i| matches!(i, Node::Obj(_))) {
        return None;
    }
    let rows: Vec<Option<&Node<'a>>> = items.iter().map(|i| Some(*i)).collect();
    let mut columns = Vec::new();
    collect(&rows, &mut Vec::new(), &mut columns)?;
    if columns.is_empty() || columns.len() > MAX_COLUMNS {
        return None;
    }
    let mut filled = 0usize;
    for col in &columns {
        for item in items {
            let Some(v) = at(item, col) else { continue };
            filled += 1;
            if v.is_container() && !compact_len_at_most(v, MAX_CONTAINER_CELL) {
                return None;
            }
        }
    }
    if (filled as f64) < MIN_FILL * (items.len() * columns.len()) as f64 {
        return None;
    }
    let mut table = Table { columns: Vec::new(), constants: Vec::new() };
    for col in columns {
        match constant(items, &col) {
            Some(v) => table.constants.push((col, v)),
            None => table.columns.push(col),
        }
    }
    if table.columns.is_empty() {
        // Every row identical: keep one varying column so rows stay countable.
        let (col, _) = table.constants.remove(0);
        table.columns.push(col);
    }
    // A row with no cell at all would be a blank line.
    if items.iter().any(|i| table.columns.iter().all(|c| at(i, c).is_none())) {
        return None;
    }
    Some(table)
}

/// The value shared by every row at `path`, if there is one.
fn constant<'a, 'n>(items: &[&'n Node<'a>], path: &[&'a str]) -> Option<&'n Node<'a>> {
    // A lifted key is written as a dotted path; a lone key with a dot would read as a path.
    if items.len() < MIN_ROWS_FOR_CONSTANTS || (path.len() == 1 && path.iter().any(|k| k.contains('.'))) {
        return None;
    }
    let first = at(*items.first()?, path)?;
    items.iter().skip(1).all(|i| at(i, path) == Some(first)).then_some(first)
}

/// Add the leaf columns under `prefix` for `rows` (the objects at `prefix` in each item).
/// `None` when an object repeats a key (a table could not say which one a cell is).
fn collect<'a>(rows: &[Option<&Node<'a>>], prefix: &mut Vec<&'a str>, out: &mut Vec<Path<'a>>) -> Option<()> {
    let mut keys: Vec<&'a str> = Vec::new();
    let mut known: HashSet<&'a str> = HashSet::default();
    for row in rows.iter().flatten() {
        let Node::Obj(fields) = row else { continue };
        let mut here = HashSet::with_capacity_and_hasher(fields.len(), Default::default());
        for (k, _) in fields {
            if !here.insert(*k) {
                return None;
            }
            if known.insert(k) {
                keys.push(k);
            }
        }
        if keys.len() > MAX_COLUMNS {
            return None;
        }
    }
    for key in keys {
        let values: Vec<Option<&Node<'a>>> = rows.iter().map(|r| r.and_then(|r| r.get(key))).collect();
        let nested = plain_key(key)
            && values.iter().all(|v| match v {
                Some(Node::Obj(f)) => !f.is_empty() && f.iter().all(|(k, _)| plain_key(k)),
                _ => false,
            });
        prefix.push(key);
        if nested {
            collect(&values, prefix, out)?;
        } else {
            out.push(prefix.clone());
        }
        prefix.pop();
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn flattens_uniform_nested_objects_and_lifts_constants() {
        let doc = parse(
            r#"[{"id":1,"owner":{"login":"a","type":"User"},"tags":["x"]},
                {"id":2,"owner":{"login":"b","type":"User"},"tags":[]},
                {"id":3,"owner":{"login":"c","type":"User"}}]"#,
        )
        .unwrap();
        let Node::Arr(items) = &doc else { unreachable!() };
        let t = shape(&items.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(t.columns, vec![vec!["id"], vec!["owner", "login"], vec!["tags"]]);
        assert_eq!(t.constants.len(), 1);
        assert_eq!(t.constants[0].0, vec!["owner", "type"]);
    }

    #[test]
    fn ragged_or_scalar_arrays_are_not_tables() {
        let ragged = parse(r#"[{"a":1},{"b":2},{"c":3},{"d":4}]"#).unwrap();
        let Node::Arr(items) = &ragged else { unreachable!() };
        assert!(shape(&items.iter().collect::<Vec<_>>()).is_none());
        let mixed = parse(r#"[{"a":1},2]"#).unwrap();
        let Node::Arr(items) = &mixed else { unreachable!() };
        assert!(shape(&items.iter().collect::<Vec<_>>()).is_none());
    }
}
