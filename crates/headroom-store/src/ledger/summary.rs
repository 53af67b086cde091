//! [`LedgerSummary`]: aggregates over a time range of the ledger.
//!
//! One indexed scan of the range, folded here: rows are grouped by (model, project, transforms),
//! which are few, then the groups are merged per model, project and transform. Measured on a
//! million rows this is several times faster than SQL `GROUP BY`, which sorts the range.

use std::cmp::Reverse;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use rusqlite::types::Type;
use rusqlite::{Row, Transaction};
use serde::{Deserialize, Serialize};

use super::transforms_from_json;
use crate::db::to_u64;

/// Token totals over a set of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Requests counted.
    pub requests: u64,
    /// Prompt tokens before compression.
    pub tokens_before: u64,
    /// Prompt tokens after compression.
    pub tokens_after: u64,
    /// Tokens removed (a request that grew counts as 0, never negative).
    pub tokens_saved: u64,
}

impl Totals {
    /// Fraction of prompt tokens removed, 0.0 when nothing was counted.
    pub fn saved_fraction(&self) -> f64 {
        if self.tokens_before == 0 {
            return 0.0;
        }
        self.tokens_saved as f64 / self.tokens_before as f64
    }

    fn add(&mut self, other: &Totals) {
        self.requests = self.requests.saturating_add(other.requests);
        self.tokens_before = self.tokens_before.saturating_add(other.tokens_before);
        self.tokens_after = self.tokens_after.saturating_add(other.tokens_after);
        self.tokens_saved = self.tokens_saved.saturating_add(other.tokens_saved);
    }
}

/// Totals for one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// The model name.
    pub model: String,
    /// Its totals.
    #[serde(flatten)]
    pub totals: Totals,
}

/// Totals for one project (`None`: requests that named no project).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    /// The project.
    pub project: Option<String>,
    /// Its totals.
    #[serde(flatten)]
    pub totals: Totals,
}

/// How often one transform changed requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformSummary {
    /// The transform name.
    pub transform: String,
    /// Requests it changed.
    pub requests: u64,
    /// Times it was listed (a request may list a transform once per block it changed).
    pub uses: u64,
}

/// Aggregates over the records at or after `since_unix_ms`. Lists are sorted by tokens saved
/// (transforms: by requests), largest first, then by name (a missing project first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerSummary {
    /// The lower time bound asked for.
    pub since_unix_ms: i64,
    /// Oldest record counted.
    pub first_ts_unix_ms: Option<i64>,
    /// Newest record counted.
    pub last_ts_unix_ms: Option<i64>,
    /// Totals over every request.
    #[serde(flatten)]
    pub totals: Totals,
    /// Requests answered with status 400 or above.
    pub errors: u64,
    /// Sum of provider-reported input tokens (where reported).
    pub usage_input: u64,
    /// Sum of provider-reported output tokens (where reported).
    pub usage_output: u64,
    /// Sum of prompt-cache reads.
    pub cache_read: u64,
    /// Sum of prompt-cache writes.
    pub cache_write: u64,
    /// Median added latency, microseconds (nearest rank).
    pub latency_p50_us: u64,
    /// 99th-percentile added latency, microseconds (nearest rank).
    pub latency_p99_us: u64,
    /// Per model.
    pub by_model: Vec<ModelSummary>,
    /// Per project.
    pub by_project: Vec<ProjectSummary>,
    /// Per transform.
    pub by_transform: Vec<TransformSummary>,
}

/// Requests sharing a (model, project, transforms) combination.
struct Group {
    model: String,
    project: Option<String>,
    transforms_json: String,
    totals: Totals,
}

/// One pass over the range. Rows are folded into groups found by a hash of three borrowed
/// strings, so a row allocates nothing; SQL `GROUP BY` would sort the whole range instead.
#[derive(Default)]
struct Fold {
    summary: LedgerSummary,
    groups: HashMap<u64, Vec<Group>>,
    latencies: Vec<u64>,
}

impl Fold {
    fn row(&mut self, r: &Row<'_>) -> rusqlite::Result<()> {
        let (model, project, transforms) = (text(r, 0)?, opt_text(r, 1)?, text(r, 2)?);
        let (before, after) = (count(r, 3)?, count(r, 4)?);
        let row = Totals {
            requests: 1,
            tokens_before: before,
            tokens_after: after,
            tokens_saved: before.saturating_sub(after),
        };
        let s = &mut self.summary;
        s.totals.add(&row);
        if r.get::<_, i64>(5)? >= 400 {
            s.errors += 1;
        }
        for (sum, col) in [
            (&mut s.usage_input, 6),
            (&mut s.usage_output, 7),
            (&mut s.cache_read, 8),
            (&mut s.cache_write, 9),
        ] {
            *sum = sum.saturating_add(r.get::<_, Option<i64>>(col)?.map_or(0, to_u64));
        }
        self.latencies.push(count(r, 10)?);
        let ts: i64 = r.get(11)?;
        s.first_ts_unix_ms = Some(s.first_ts_unix_ms.map_or(ts, |t| t.min(ts)));
        s.last_ts_unix_ms = Some(s.last_ts_unix_ms.map_or(ts, |t| t.max(ts)));

        let mut h = DefaultHasher::new();
        (model, project, transforms).hash(&mut h);
        let bucket = self.groups.entry(h.finish()).or_default();
        let same = |g: &&mut Group| {
            g.model == model && g.project.as_deref() == project && g.transforms_json == transforms
        };
        match bucket.iter_mut().find(same) {
            Some(g) => g.totals.add(&row),
            None => bucket.push(Group {
                model: model.to_owned(),
                project: project.map(str::to_owned),
                transforms_json: transforms.to_owned(),
                totals: row,
            }),
        }
        Ok(())
    }

    /// Per-model, per-project and per-transform lists, in the documented order.
    fn finish(mut self) -> rusqlite::Result<LedgerSummary> {
        let mut models: BTreeMap<String, Totals> = BTreeMap::new();
        let mut projects: BTreeMap<Option<String>, Totals> = BTreeMap::new();
        let mut transforms: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for g in self.groups.into_values().flatten() {
            models.entry(g.model).or_default().add(&g.totals);
            projects.entry(g.project).or_default().add(&g.totals);
            let names = transforms_from_json(2, &g.transforms_json)?;
            let requests = g.totals.requests;
            for name in names.iter().collect::<BTreeSet<_>>() {
                let uses = names.iter().filter(|t| *t == name).count() as u64;
                let entry = transforms.entry(name.clone()).or_default();
                entry.0 = entry.0.saturating_add(requests);
                entry.1 = entry.1.saturating_add(uses.saturating_mul(requests));
            }
        }
        let s = &mut self.summary;
        // BTreeMaps iterate in name order; the stable sorts keep that order among equals.
        s.by_model = models.into_iter().map(|(model, totals)| ModelSummary { model, totals }).collect();
        s.by_model.sort_by_key(|m| Reverse(m.totals.tokens_saved));
        s.by_project =
            projects.into_iter().map(|(project, totals)| ProjectSummary { project, totals }).collect();
        s.by_project.sort_by_key(|p| Reverse(p.totals.tokens_saved));
        s.by_transform = transforms
            .into_iter()
            .map(|(transform, (requests, uses))| TransformSummary { transform, requests, uses })
            .collect();
        s.by_transform.sort_by_key(|t| Reverse(t.requests));
        s.latency_p50_us = percentile(&mut self.latencies, 50);
        s.latency_p99_us = percentile(&mut self.latencies, 99);
        Ok(self.summary)
    }
}

fn text<'r>(r: &'r Row<'_>, col: usize) -> rusqlite::Result<&'r str> {
    opt_text(r, col)?.ok_or(rusqlite::Error::InvalidColumnType(col, "NULL".into(), Type::Null))
}

fn opt_text<'r>(r: &'r Row<'_>, col: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(col)?
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, Type::Text, Box::new(e)))
}

fn count(r: &Row<'_>, col: usize) -> rusqlite::Result<u64> {
    r.get::<_, i64>(col).map(to_u64)
}

pub(super) fn summarize(tx: &Transaction<'_>, since: i64) -> rusqlite::Result<LedgerSummary> {
    let mut fold = Fold::default();
    fold.summary.since_unix_ms = since;
    let mut stmt = tx.prepare(
        "SELECT model, project, transforms, tokens_before, tokens_after, status, usage_input,
                usage_output, cache_read, cache_write, added_latency_us, ts_ms
         FROM requests WHERE ts_ms >= ?1",
    )?;
    let mut rows = stmt.query([since])?;
    while let Some(r) = rows.next()? {
        fold.row(r)?;
    }
    fold.finish()
}

/// Nearest-rank percentile `pct` (1..=100) of `values`; 0 when empty. Reorders `values`.
fn percentile(values: &mut [u64], pct: usize) -> u64 {
    let rank = (values.len() * pct).div_ceil(100);
    let Some(index) = rank.checked_sub(1) else { return 0 };
    if index >= values.len() {
        return 0;
    }
    *values.select_nth_unstable(index).1
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentile_nearest_rank() {
        assert_eq!(percentile(&mut [], 50), 0);
        assert_eq!(percentile(&mut [7], 99), 7);
        let mut v: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut v, 50), 50);
        assert_eq!(percentile(&mut v, 99), 99);
        assert_eq!(percentile(&mut v, 100), 100);
        let mut v = [100, 10_000, 300, 200];
        assert_eq!((percentile(&mut v, 50), percentile(&mut v, 99)), (200, 10_000));
    }
}
