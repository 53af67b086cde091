//! SQLite plumbing shared by the store and the ledger: opening a file with headroom's pragmas,
//! migrating its schema by `PRAGMA user_version`, and the clock and integer conversions both use.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// How long a writer waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One SQLite connection behind a lock, and the file it is on (for error messages).
#[derive(Debug)]
pub(crate) struct Db {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Db {
    /// Open (creating file and directory) `path` and bring its schema to `migrations.len()`.
    /// `migrations[i]` takes the schema from version `i` to `i + 1`.
    pub(crate) fn open(path: &Path, migrations: &[&str]) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_owned(), source })?;
        }
        let err = sql_err(path);
        let conn = Connection::open(path).map_err(&err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(&err)?;
        // WAL lets readers (`headroom perf`, retrieve) run while the proxy writes; NORMAL is
        // durable across process crashes, which is all a cache and a ledger need.
        conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)).map_err(&err)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(&err)?;
        Self::migrated(conn, path.to_owned(), migrations)
    }

    /// A private in-memory database with the same schema (tests, throwaway ledgers).
    pub(crate) fn open_in_memory(migrations: &[&str]) -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(sql_err(&path))?;
        Self::migrated(conn, path, migrations)
    }

    fn migrated(mut conn: Connection, path: PathBuf, migrations: &[&str]) -> Result<Self, StoreError> {
        let supported = i64::try_from(migrations.len()).unwrap_or(i64::MAX);
        match migrate(&mut conn, migrations, supported) {
            Ok(None) => Ok(Self { conn: Mutex::new(conn), path }),
            Ok(Some(found)) => Err(StoreError::NewerSchema { path, found, supported }),
            Err(source) => Err(StoreError::Sqlite { path, source }),
        }
    }

    /// The connection. A panic while it was held cannot leave a transaction open (dropping a
    /// `Transaction` rolls back), so a poisoned lock is safe to take over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The database file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Wraps an SQLite error with this database's path.
    pub(crate) fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sql_err(&self.path)
    }
}

/// Bring the schema to `supported`; `Some(found)` when the file is newer than that.
fn migrate(conn: &mut Connection, migrations: &[&str], supported: i64) -> rusqlite::Result<Option<i64>> {
    // IMMEDIATE: two processes opening a fresh file at once must not both create tables.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > supported {
        return Ok(Some(found));
    }
    let done = usize::try_from(found).unwrap_or(0);
    for step in migrations.iter().skip(done) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(None)
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite { path: path.to_owned(), source }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// SQLite integers are i64; counts beyond that saturate rather than wrap.
pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Sums and counts read back from SQLite; never negative by construction.
pub(crate) fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "CREATE TABLE t (x INTEGER);";
    const V2: &str = "ALTER TABLE t ADD COLUMN y INTEGER;";

    #[test]
    fn migrates_forward_and_refuses_newer_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        Db::open(&path, &[V1]).unwrap().lock().execute("INSERT INTO t VALUES (1)", []).unwrap();
        let db = Db::open(&path, &[V1, V2]).unwrap();
        let (x, v): (i64, i64) = db
            .lock()
            .query_row("SELECT x, (SELECT user_version FROM pragma_user_version) FROM t", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((x, v), (1, 2));
        let mode: String = db.lock().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(db);
        match Db::open(&path, &[V1]) {
            Err(StoreError::NewerSchema { found: 2, supported: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
