//! Lossy row selection: which items of a large array, and which entries of a large keyed map,
//! stay visible, and the plan the renderer follows.
//!
//! Items ranked by [`priority`](super::priority) as clearly asked for are forced; the rest fill
//! a token budget (a share of the collection's tokens, or the caller's target ratio) and a row
//! cap that grows sub-linearly with its size. A keyed map ([`keyed::is_map`]: an object whose
//! many values are records, or scalars of one type) is cut like an array of records whose key
//! is one more field. Collections inside kept items are cut the same way. The renderer writes
//! kept items in their original order (array items with their index, map entries under their
//! key), plus one marker naming the exact number omitted.

use std::collections::HashMap;

use rayon::prelude::*;

use super::keyed;
use super::parse::Node;
use super::priority::{priorities, FORCED, PARALLEL_ITEMS};
use crate::compressors::Context;

/// Arrays shorter than this are never cut.
const MIN_ITEMS: usize = 3;
/// Arrays costing fewer tokens than this (compact JSON) are never cut.
const MIN_ARRAY_TOKENS: usize = 500;
/// Share of an array's tokens kept when no target ratio is set.
const DEFAULT_KEEP: f64 = 0.15;
/// Token budget floor for the budgeted (non-forced) items of one array.
const MIN_BUDGET: usize = 300;
/// Items costing at most this many tokens are small: their arrays get budget for the row cap,
/// up to [`ROWS_FLOOR_CAP`] tokens.
const SMALL_ITEM_TOKENS: usize = 80;
const ROWS_FLOOR_CAP: usize = 2000;
/// Dropping fewer tokens than this is not worth a marker.
const MIN_DROPPED_TOKENS: usize = 60;
/// A cut map lists its dropped keys when that costs at most this share of the dropped tokens
/// and at most [`MAX_KEY_LIST_TOKENS`]: the keys say what is there to retrieve.
const KEY_LIST_SHARE: f64 = 0.1;
const MAX_KEY_LIST_TOKENS: usize = 1000;

/// Which items of which arrays, and which entries of which maps, are kept. Collections not
/// listed are kept whole.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Keyed by the address of the array's items (the tree is immutable while a plan lives).
    kept: HashMap<usize, Vec<usize>>,
    /// Keyed by the address of the map's fields.
    entries: HashMap<usize, MapCut>,
}

/// How a keyed map was cut.
#[derive(Debug)]
pub(super) struct MapCut {
    /// Kept entry indices, ascending.
    pub kept: Vec<usize>,
    /// List the dropped entries' keys (cheap enough to show).
    pub list_keys: bool,
}

impl Plan {
    /// Kept indices (ascending) of `items`, if the array was cut.
    pub(super) fn kept(&self, items: &[Node<'_>]) -> Option<&[usize]> {
        if items.is_empty() {
            return None;
        }
        self.kept.get(&(items.as_ptr() as usize)).map(Vec::as_slice)
    }

    /// How a map's `fields` were cut, if they were.
    pub(super) fn map_cut(&self, fields: &[(&str, Node<'_>)]) -> Option<&MapCut> {
        if fields.is_empty() {
            return None;
        }
        self.entries.get(&(fields.as_ptr() as usize))
    }

    /// Was anything cut?
    pub(super) fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.entries.is_empty()
    }
}

/// Plan the cuts for a whole document.
pub(super) fn plan(root: &Node<'_>, cx: &Context<'_>) -> Plan {
    let mut plan = Plan::default();
    visit(root, cx, &mut plan);
    plan
}

fn visit(node: &Node<'_>, cx: &Context<'_>, plan: &mut Plan) {
    match node {
        Node::Obj(fields) => {
            let cut = if keyed::is_map(fields) {
                let values: Vec<&Node<'_>> = fields.iter().map(|(_, v)| v).collect();
                let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
                select(&values, Some(&keys), cx)
            } else {
                None
            };
            match cut {
                Some((kept, dropped_tokens)) => {
                    kept.iter().filter_map(|&i| fields.get(i)).for_each(|(_, v)| visit(v, cx, plan));
                    let list_cost: usize = fields
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| kept.binary_search(i).is_err())
                        .map(|(_, (k, _))| cx.counter.estimate(k) + 1)
                        .sum();
                    let list_keys = list_cost <= MAX_KEY_LIST_TOKENS
                        && list_cost as f64 <= KEY_LIST_SHARE * dropped_tokens as f64;
                    plan.entries.insert(fields.as_ptr() as usize, MapCut { kept, list_keys });
                }
                None => fields.iter().for_each(|(_, v)| visit(v, cx, plan)),
            }
        }
        Node::Arr(items) => {
            let cut = if items.len() >= MIN_ITEMS {
                let refs: Vec<&Node<'_>> = items.iter().collect();
                select(&refs, None, cx)
            } else {
                None
            };
            match cut {
                Some((kept, _)) => {
                    kept.iter().filter_map(|&i| items.get(i)).for_each(|v| visit(v, cx, plan));
                    plan.kept.insert(items.as_ptr() as usize, kept);
                }
                None => items.iter().for_each(|v| visit(v, cx, plan)),
            }
        }
        _ => {}
    }
}

/// The kept indices of `items` (a map's values when `keys` is given) and the tokens dropped,
/// or `None` to keep the collection whole.
fn select(items: &[&Node<'_>], keys: Option<&[&str]>, cx: &Context<'_>) -> Option<(Vec<usize>, usize)> {
    let n = items.len();
    if n < MIN_ITEMS {
        return None;
    }
    // Each item's compact JSON (a map entry's with its key), written into one reused buffer
    // per thread.
    let cost = |buf: &mut String, (i, item): (usize, &&Node<'_>)| {
        buf.clear();
        if let Some(k) = keys.and_then(|k| k.get(i)) {
            buf.push('"');
            buf.push_str(k);
            buf.push_str("\":");
        }
        item.write_compact(buf);
        cx.counter.estimate(buf)
    };
    let costs: Vec<usize> = if n >= PARALLEL_ITEMS {
        items.par_iter().enumerate().with_min_len(64).map_init(String::new, cost).collect()
    } else {
        let mut buf = String::new();
        items.iter().enumerate().map(|i| cost(&mut buf, i)).collect()
    };
    let total: usize = costs.iter().sum();
    if total < MIN_ARRAY_TOKENS {
        return None;
    }
    let keep = cx.target_ratio.map_or(DEFAULT_KEEP, |r| (1.0 - r).clamp(0.01, 1.0));
    let scale = keep / DEFAULT_KEEP;
    let max_rows = ((8.0 + 1.6 * (n as f64).sqrt()) * scale).ceil() as usize;
    let max_rows = max_rows.clamp(3, n);
    // A share of the array's tokens; but where items are small (short log lines, flat
    // records), enough for the row cap: a dozen cheap rows tell more than a bare handful.
    let mut sorted = costs.clone();
    sorted.sort_unstable();
    let median = sorted.get(n / 2).copied().unwrap_or(0);
    let rows_floor = if median <= SMALL_ITEM_TOKENS {
        (max_rows * median).min((ROWS_FLOOR_CAP as f64 * scale) as usize)
    } else {
        0
    };
    let budget = ((total as f64 * keep) as usize).max(rows_floor).max(MIN_BUDGET);
    let scores = priorities(items, keys, cx, max_rows);
    let prio = scores.p;

    let mut order: Vec<usize> = (0..n).filter(|&i| prio.get(i).is_some_and(|p| *p > 0.0)).collect();
    order.sort_by(|&a, &b| prio[b].total_cmp(&prio[a]).then(a.cmp(&b)));
    let mut kept = Vec::new();
    let (mut forced, mut spent) = (0usize, 0usize);
    for i in order {
        let cost = costs.get(i).copied().unwrap_or(0);
        if prio[i] >= FORCED && forced < 3 * max_rows {
            forced += 1;
            spent += cost;
            kept.push(i);
        } else if kept.len() < max_rows && spent + cost <= budget {
            spent += cost;
            kept.push(i);
        }
    }
    if kept.is_empty() {
        kept.push(0);
        spent = costs.first().copied().unwrap_or(0);
    }
    if kept.len() >= n || total - spent.min(total) < MIN_DROPPED_TOKENS {
        return None;
    }
    kept.sort_unstable();
    Some((kept, total - spent.min(total)))
}
