//! Keyed maps: objects whose keys are data (package names, type names, ids, paths) rather
//! than a record's field names, so that lossy mode may cut them like arrays of records.
//!
//! A map has many entries whose values are mostly records sharing some field (a `dependencies`
//! map of package objects, a schema's `definitions`, `{"id1": {...}, "id2": {...}}` API
//! responses), mostly lists (dependency graphs, per-field error lists), or many scalars of one
//! type (label maps, translation catalogs, version→date tables). A record has few fields or
//! fields of mixed types, and is never cut.

use rustc_hash::FxHashMap as HashMap;

use super::parse::Node;

/// Fewer entries than this is a record, however its values look.
const MIN_RECORD_ENTRIES: usize = 8;
/// Maps of scalars need more entries: records of a dozen same-typed fields are common.
const MIN_SCALAR_ENTRIES: usize = 16;
/// Share of values that must be non-empty objects (the rest may be anything).
const MIN_RECORD_SHARE: f64 = 0.8;

/// Is this object a map keyed by data?
pub(super) fn is_map(fields: &[(&str, Node<'_>)]) -> bool {
    let n = fields.len();
    if n < MIN_RECORD_ENTRIES {
        return false;
    }
    let records: Vec<&[(&str, Node<'_>)]> = fields
        .iter()
        .filter_map(|(_, v)| match v {
            Node::Obj(f) if !f.is_empty() => Some(f.as_slice()),
            _ => None,
        })
        .collect();
    if records.len() as f64 >= MIN_RECORD_SHARE * n as f64 {
        // Records of one kind share a field: some key sits in at least half of them.
        let mut seen: HashMap<&str, usize> = HashMap::default();
        for r in &records {
            for (k, _) in r.iter() {
                *seen.entry(k).or_default() += 1;
            }
        }
        return seen.values().any(|&c| c * 2 >= records.len());
    }
    // Lists under data keys (`{"pkg": ["dep", ...]}`, `{"field": ["message"]}`).
    let lists = fields.iter().filter(|(_, v)| matches!(v, Node::Arr(a) if !a.is_empty())).count();
    if lists as f64 >= MIN_RECORD_SHARE * n as f64 {
        return true;
    }
    if n < MIN_SCALAR_ENTRIES {
        return false;
    }
    let strings = fields.iter().all(|(_, v)| matches!(v, Node::Str(_)));
    let numbers = fields.iter().all(|(_, v)| matches!(v, Node::Num(_)));
    strings || numbers
}

/// May `raw` (a key body) be listed bare in a `(omitted keys: ...)` line?
fn bare_key(raw: &str) -> bool {
    !raw.is_empty()
        && raw.trim() == raw
        && !raw.contains(", ")
        && !raw.contains(['"', '\\'])
        && !raw.ends_with([',', ')'])
}

/// The `(omitted keys: a, b, "c, d")` line body for the keys of dropped entries.
pub(super) fn omitted_keys<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("(omitted keys: ");
    for (i, k) in keys.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if bare_key(k) {
            out.push_str(k);
        } else {
            out.push('"');
            out.push_str(k);
            out.push('"');
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn fields_of(src: &str) -> Vec<(&str, Node<'_>)> {
        match parse(src) {
            Some(Node::Obj(f)) => f,
            _ => Vec::new(),
        }
    }

    #[test]
    fn maps_of_records_or_scalars_but_not_records() {
        let pkgs: Vec<String> =
            (0..10).map(|i| format!(r#""pkg-{i}":{{"version":"1.{i}.0","license":"MIT"}}"#)).collect();
        assert!(is_map(&fields_of(&format!("{{{}}}", pkgs.join(",")))));
        let labels: Vec<String> = (0..20).map(|i| format!(r#""team.example/l{i}":"v{i}""#)).collect();
        assert!(is_map(&fields_of(&format!("{{{}}}", labels.join(",")))));
        // A record: few fields, or many fields of mixed types.
        assert!(!is_map(&fields_of(r#"{"a":{"x":1},"b":{"x":2},"c":{"x":3}}"#)));
        let record: Vec<String> = (0..20)
            .map(|i| if i % 3 == 0 { format!(r#""f{i}":{i}"#) } else { format!(r#""f{i}":"s{i}""#) })
            .collect();
        assert!(!is_map(&fields_of(&format!("{{{}}}", record.join(",")))));
        let graph: Vec<String> = (0..9).map(|i| format!(r#""m{i}":["dep-{i}","dep-{}"]"#, i + 1)).collect();
        assert!(is_map(&fields_of(&format!("{{{}}}", graph.join(",")))));
        // Objects with nothing in common are sections of a document, not entries of a map.
        let sections: Vec<String> = (0..10).map(|i| format!(r#""s{i}":{{"k{i}":1}}"#)).collect();
        assert!(!is_map(&fields_of(&format!("{{{}}}", sections.join(",")))));
    }

    #[test]
    fn omitted_keys_quote_only_what_would_be_ambiguous() {
        let keys = ["@scope/pkg", "a, b", "", "x)", "plain key"];
        assert_eq!(
            omitted_keys(keys.into_iter()),
            r#"(omitted keys: @scope/pkg, "a, b", "", "x)", plain key)"#
        );
    }
}
