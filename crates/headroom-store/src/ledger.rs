//! The savings ledger: one [`LedgerRecord`] per proxied request, in SQLite (`ledger.db` beside
//! the store), read back by `headroom perf` and the dashboard's history.
//!
//! The ledger is bounded: it keeps the newest `max_rows` records, pruning the oldest in batches
//! so appends stay cheap. Aggregates (`Ledger::summary`) live in `summary`.

use std::path::Path;

use rusqlite::{params, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::db::{to_i64, to_u64, Db};
use crate::StoreError;

pub use summary::{LedgerSummary, ModelSummary, ProjectSummary, Totals, TransformSummary};

const MIGRATIONS: &[&str] = &["
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        route TEXT NOT NULL,
        model TEXT NOT NULL,
        project TEXT,
        tokens_before INTEGER NOT NULL,
        tokens_after INTEGER NOT NULL,
        usage_input INTEGER,
        usage_output INTEGER,
        cache_read INTEGER,
        cache_write INTEGER,
        transforms TEXT NOT NULL,
        added_latency_us INTEGER NOT NULL,
        status INTEGER NOT NULL
    );
    -- Covers time-range scans of latency (the percentiles) without touching the table.
    CREATE INDEX requests_ts ON requests (ts_ms, added_latency_us);
"];

const COLUMNS: &str = "ts_ms, route, model, project, tokens_before, tokens_after, usage_input, \
    usage_output, cache_read, cache_write, transforms, added_latency_us, status";

/// What one proxied request cost and saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRecord {
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub ts_unix_ms: i64,
    /// The route, e.g. `/v1/messages`.
    pub route: String,
    /// The model the request named.
    pub model: String,
    /// The project (working directory or tag) the caller reported, if any.
    pub project: Option<String>,
    /// Prompt tokens before compression.
    pub tokens_before: u64,
    /// Prompt tokens after compression.
    pub tokens_after: u64,
    /// Input tokens the provider reported.
    pub usage_input: Option<u64>,
    /// Output tokens the provider reported.
    pub usage_output: Option<u64>,
    /// Prompt-cache reads the provider reported.
    pub cache_read: Option<u64>,
    /// Prompt-cache writes the provider reported.
    pub cache_write: Option<u64>,
    /// Names of the transforms that changed the request.
    pub transforms: Vec<String>,
    /// Time headroom added to the request, in microseconds.
    pub added_latency_us: u64,
    /// The HTTP status returned to the client.
    pub status: u16,
}

/// Ledger retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerOptions {
    /// Most records kept; the oldest are pruned beyond it.
    pub max_rows: u64,
}

impl LedgerOptions {
    /// Default cap: one million records (a few hundred MB at most).
    pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;
}

impl Default for LedgerOptions {
    fn default() -> Self {
        Self { max_rows: Self::DEFAULT_MAX_ROWS }
    }
}

/// The savings ledger on SQLite.
#[derive(Debug)]
pub struct Ledger {
    db: Db,
    options: LedgerOptions,
}

impl Ledger {
    /// Open (creating it and its directory if missing) the ledger file at `path`.
    pub fn open(path: impl AsRef<Path>, options: LedgerOptions) -> Result<Self, StoreError> {
        Ok(Self { db: Db::open(path.as_ref(), MIGRATIONS)?, options })
    }

    /// Open the default file, [`crate::default_ledger_path`].
    pub fn open_default(options: LedgerOptions) -> Result<Self, StoreError> {
        Self::open(crate::default_ledger_path()?, options)
    }

    /// A ledger that lives and dies with this value (tests, `--no-ledger` style runs).
    pub fn open_in_memory(options: LedgerOptions) -> Result<Self, StoreError> {
        Ok(Self { db: Db::open_in_memory(MIGRATIONS)?, options })
    }

    /// The ledger file (`:memory:` for in-memory ones).
    pub fn path(&self) -> &Path {
        self.db.path()
    }

    /// Append `records` in one transaction, then prune beyond `max_rows`.
    pub fn append_many(&self, records: &[LedgerRecord]) -> Result<(), StoreError> {
        let err = self.db.err();
        let mut conn = self.db.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        {
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO requests ({COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                ))
                .map_err(&err)?;
            for r in records {
                let opt = |v: Option<u64>| v.map(to_i64);
                let transforms = serde_json::to_string(&r.transforms).unwrap_or_else(|_| "[]".to_owned());
                insert
                    .execute(params![
                        r.ts_unix_ms,
                        r.route,
                        r.model,
                        r.project,
                        to_i64(r.tokens_before),
                        to_i64(r.tokens_after),
                        opt(r.usage_input),
                        opt(r.usage_output),
                        opt(r.cache_read),
                        opt(r.cache_write),
                        transforms,
                        to_i64(r.added_latency_us),
                        r.status,
                    ])
                    .map_err(&err)?;
            }
        }
        self.prune(&tx).map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// Ids grow by one per append and only the oldest are deleted, so the id range bounds the
    /// row count without a scan. Over the cap, cut back to 95% of it: one delete per 5% of growth.
    fn prune(&self, tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        // Two queries: SQLite answers a lone MIN or MAX from the index, but both together scan.
        let min: Option<i64> = tx.query_row("SELECT MIN(id) FROM requests", [], |r| r.get(0))?;
        let max: Option<i64> = tx.query_row("SELECT MAX(id) FROM requests", [], |r| r.get(0))?;
        let (Some(min), Some(max)) = (min, max) else { return Ok(()) };
        let max_rows = to_i64(self.options.max_rows);
        if max.saturating_sub(min).saturating_add(1) <= max_rows {
            return Ok(());
        }
        let keep = max_rows - max_rows / 20;
        tx.execute("DELETE FROM requests WHERE id <= ?1", [max.saturating_sub(keep)])?;
        Ok(())
    }

    /// Every record at or after `ts_unix_ms`, oldest first.
    pub fn since(&self, ts_unix_ms: i64) -> Result<Vec<LedgerRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM requests WHERE ts_ms >= ?1 ORDER BY ts_ms, id");
        self.query(&sql, ts_unix_ms)
    }

    /// The newest `n` records, newest first.
    pub fn recent(&self, n: usize) -> Result<Vec<LedgerRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM requests ORDER BY id DESC LIMIT ?1");
        self.query(&sql, to_i64(n as u64))
    }

    /// Records kept right now.
    pub fn len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
            .map_err(self.db.err())?;
        Ok(to_u64(n))
    }

    /// Whether the ledger holds no records.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    fn query(&self, sql: &str, arg: i64) -> Result<Vec<LedgerRecord>, StoreError> {
        let conn = self.db.lock();
        let mut stmt = conn.prepare_cached(sql).map_err(self.db.err())?;
        let rows = stmt.query_map([arg], record).map_err(self.db.err())?;
        rows.collect::<Result<_, _>>().map_err(self.db.err())
    }

    /// Aggregates over the records at or after `since_unix_ms`, read in one snapshot.
    pub fn summary(&self, since_unix_ms: i64) -> Result<LedgerSummary, StoreError> {
        let mut conn = self.db.lock();
        let tx = conn.transaction().map_err(self.db.err())?;
        summary::summarize(&tx, since_unix_ms).map_err(self.db.err())
    }
}

/// The `transforms` column (a JSON array of names) read from column `col`.
fn transforms_from_json(col: usize, json: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn record(r: &Row<'_>) -> rusqlite::Result<LedgerRecord> {
    let opt = |i: usize| r.get::<_, Option<i64>>(i).map(|v| v.map(to_u64));
    let transforms = transforms_from_json(10, &r.get::<_, String>(10)?)?;
    Ok(LedgerRecord {
        ts_unix_ms: r.get(0)?,
        route: r.get(1)?,
        model: r.get(2)?,
        project: r.get(3)?,
        tokens_before: to_u64(r.get(4)?),
        tokens_after: to_u64(r.get(5)?),
        usage_input: opt(6)?,
        usage_output: opt(7)?,
        cache_read: opt(8)?,
        cache_write: opt(9)?,
        transforms,
        added_latency_us: to_u64(r.get(11)?),
        status: r.get(12)?,
    })
}

mod summary;
#[cfg(test)]
mod tests;
