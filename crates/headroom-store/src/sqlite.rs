//! `SqliteStore`: originals in one SQLite file (the default backend), with a TTL and a size cap.
//!
//! Rows are keyed by (scope, hash). Expired rows are invisible at once and deleted on the next
//! put. A running byte total, kept by triggers, lets every put check the cap without a scan;
//! beyond it the least recently put originals go first.

use std::path::Path;

use headroom::{ContentHash, Original};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::db::{now_ms, to_i64, to_u64, Db};
use crate::{Scope, Store, StoreError, StoreOptions, StoreStats};

/// Schema migrations; index `i` takes `user_version` from `i` to `i + 1`.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE originals (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        hash TEXT NOT NULL,
        content TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        stored_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        UNIQUE (scope, hash)
    );
    CREATE INDEX originals_hash ON originals (hash);
    CREATE INDEX originals_age ON originals (stored_ms, id);
    CREATE INDEX originals_expiry ON originals (expires_ms);
    CREATE TABLE content_usage (
        only INTEGER PRIMARY KEY CHECK (only = 0),
        bytes INTEGER NOT NULL
    );
    INSERT INTO content_usage VALUES (0, 0);
    CREATE TRIGGER originals_added AFTER INSERT ON originals BEGIN
        UPDATE content_usage SET bytes = bytes + NEW.bytes;
    END;
    CREATE TRIGGER originals_removed AFTER DELETE ON originals BEGIN
        UPDATE content_usage SET bytes = bytes - OLD.bytes;
    END;
    CREATE TRIGGER originals_resized AFTER UPDATE OF bytes ON originals BEGIN
        UPDATE content_usage SET bytes = bytes - OLD.bytes + NEW.bytes;
    END;
"];

/// Originals in an SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    db: Db,
    options: StoreOptions,
}

impl SqliteStore {
    /// Open (creating it and its directory if missing) the store file at `path`.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, StoreError> {
        let store = Self { db: Db::open(path.as_ref(), MIGRATIONS)?, options };
        store.purge_expired()?;
        Ok(store)
    }

    /// Open the default file, [`crate::default_store_path`].
    pub fn open_default(options: StoreOptions) -> Result<Self, StoreError> {
        Self::open(crate::default_store_path()?, options)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        self.db.path()
    }

    /// The retention this handle applies.
    pub fn options(&self) -> StoreOptions {
        self.options
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.options.ttl.as_millis()).unwrap_or(i64::MAX)
    }
}

impl Store for SqliteStore {
    /// Originals larger than the whole size cap are skipped: keeping one would evict everything
    /// else and then itself.
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError> {
        let err = self.db.err();
        let now = now_ms();
        let expires = now.saturating_add(self.ttl_ms());
        let max_bytes = to_i64(self.options.max_bytes);
        let mut conn = self.db.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        {
            // The hash names the content, so a conflict only refreshes age and expiry.
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO originals (scope, hash, content, bytes, stored_ms, expires_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (scope, hash) DO UPDATE
                     SET stored_ms = excluded.stored_ms, expires_ms = excluded.expires_ms",
                )
                .map_err(&err)?;
            for o in originals {
                let bytes = to_i64(o.content.len() as u64);
                if bytes > max_bytes {
                    continue;
                }
                let row = params![scope.as_str(), o.hash.as_str(), o.content, bytes, now, expires];
                upsert.execute(row).map_err(&err)?;
            }
        }
        tx.execute("DELETE FROM originals WHERE expires_ms <= ?1", [now]).map_err(&err)?;
        let used: i64 = tx.query_row("SELECT bytes FROM content_usage", [], |r| r.get(0)).map_err(&err)?;
        if used > max_bytes {
            evict_oldest(&tx, used - max_bytes).map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        self.db
            .lock()
            .prepare_cached(
                "SELECT content FROM originals WHERE scope = ?1 AND hash = ?2 AND expires_ms > ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![scope.as_str(), hash.as_str(), now_ms()], |r| r.get(0)).optional()
            })
            .map_err(self.db.err())
    }

    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        self.db
            .lock()
            .prepare_cached(
                "SELECT content FROM originals WHERE hash = ?1 AND expires_ms > ?2
                 ORDER BY stored_ms DESC LIMIT 1",
            )
            .and_then(|mut s| s.query_row(params![hash.as_str(), now_ms()], |r| r.get(0)).optional())
            .map_err(self.db.err())
    }

    fn stats(&self) -> Result<Option<StoreStats>, StoreError> {
        let (originals, bytes): (i64, i64) = self
            .db
            .lock()
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM originals WHERE expires_ms > ?1",
                [now_ms()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.db.err())?;
        Ok(Some(StoreStats { originals: to_u64(originals), content_bytes: to_u64(bytes) }))
    }

    fn purge_expired(&self) -> Result<u64, StoreError> {
        let n = self
            .db
            .lock()
            .execute("DELETE FROM originals WHERE expires_ms <= ?1", [now_ms()])
            .map_err(self.db.err())?;
        Ok(n as u64)
    }
}

/// Delete the least recently put originals until at least `excess` bytes are freed.
fn evict_oldest(tx: &rusqlite::Transaction<'_>, mut excess: i64) -> rusqlite::Result<()> {
    let mut victims = Vec::new();
    {
        let mut oldest = tx.prepare("SELECT id, bytes FROM originals ORDER BY stored_ms, id")?;
        let mut rows = oldest.query([])?;
        while excess > 0 {
            let Some(row) = rows.next()? else { break };
            victims.push(row.get::<_, i64>(0)?);
            excess -= row.get::<_, i64>(1)?;
        }
    }
    let mut delete = tx.prepare_cached("DELETE FROM originals WHERE id = ?1")?;
    for id in victims {
        delete.execute([id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn original(content: &str) -> Original {
        Original { hash: ContentHash::of(content), content: content.to_owned() }
    }

    fn opts(ttl: Duration, max_bytes: u64) -> StoreOptions {
        StoreOptions { ttl, max_bytes }
    }

    #[test]
    fn persists_across_reopen_and_concurrent_connections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let a = original("the full build log, 480 lines");
        let writer = SqliteStore::open(&path, StoreOptions::default()).unwrap();
        let reader = SqliteStore::open(&path, StoreOptions::default()).unwrap();
        writer.put_many(&Scope::local(), std::slice::from_ref(&a)).unwrap();
        // A second connection (as another process would have) sees the committed row.
        assert_eq!(reader.get(&Scope::local(), &a.hash).unwrap(), Some(a.content.clone()));
        drop((writer, reader));
        let reopened = SqliteStore::open(&path, StoreOptions::default()).unwrap();
        assert_eq!(reopened.get(&Scope::local(), &a.hash).unwrap(), Some(a.content.clone()));
        assert_eq!(reopened.get_any(&a.hash).unwrap(), Some(a.content.clone()));
        let stats = reopened.stats().unwrap().unwrap();
        assert_eq!(stats, StoreStats { originals: 1, content_bytes: a.content.len() as u64 });
    }

    #[test]
    fn two_writers_on_one_file_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let o = original(&format!("writer {w} block {i}"));
                        store.put_many(&Scope::local(), &[o]).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
        assert_eq!(store.stats().unwrap().unwrap().originals, 100);
        let last = ContentHash::of("writer 1 block 49");
        assert_eq!(store.get(&Scope::local(), &last).unwrap().as_deref(), Some("writer 1 block 49"));
    }

    #[test]
    fn scopes_are_isolated() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("s.db"), StoreOptions::default()).unwrap();
        let (alice, bob) = (Scope::new("alice-key-hash"), Scope::new("bob-key-hash"));
        let secret = original("alice's private tool output");
        store.put_many(&alice, std::slice::from_ref(&secret)).unwrap();
        assert_eq!(store.get(&bob, &secret.hash).unwrap(), None);
        assert_eq!(store.get(&Scope::local(), &secret.hash).unwrap(), None);
        assert_eq!(store.get(&alice, &secret.hash).unwrap(), Some(secret.content.clone()));
        // Both tenants may hold the same content; each row is their own.
        store.put_many(&bob, std::slice::from_ref(&secret)).unwrap();
        assert_eq!(store.stats().unwrap().unwrap().originals, 2);
    }

    #[test]
    fn expired_originals_are_invisible_then_purged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ttl.db");
        let store = SqliteStore::open(&path, opts(Duration::from_millis(150), 1 << 20)).unwrap();
        let old = original("expires soon");
        store.put_many(&Scope::local(), std::slice::from_ref(&old)).unwrap();
        assert!(store.get(&Scope::local(), &old.hash).unwrap().is_some());
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(store.get(&Scope::local(), &old.hash).unwrap(), None);
        assert_eq!(store.get_any(&old.hash).unwrap(), None);
        assert_eq!(store.stats().unwrap().unwrap().originals, 0);
        // The next put deletes the expired row for real.
        let fresh = original("fresh");
        store.put_many(&Scope::local(), std::slice::from_ref(&fresh)).unwrap();
        let rows: i64 =
            store.db.lock().query_row("SELECT COUNT(*) FROM originals", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
        assert!(store.get(&Scope::local(), &fresh.hash).unwrap().is_some());
    }

    #[test]
    fn reput_refreshes_the_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(dir.path().join("r.db"), opts(Duration::from_millis(400), 1 << 20)).unwrap();
        let o = original("kept alive by re-puts");
        store.put_many(&Scope::local(), std::slice::from_ref(&o)).unwrap();
        std::thread::sleep(Duration::from_millis(250));
        store.put_many(&Scope::local(), std::slice::from_ref(&o)).unwrap();
        std::thread::sleep(Duration::from_millis(250));
        // 500 ms after the first put, 250 ms after the second: alive only through the refresh.
        assert!(store.get(&Scope::local(), &o.hash).unwrap().is_some());
    }

    #[test]
    fn size_cap_evicts_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cap.db");
        let store = SqliteStore::open(&path, opts(StoreOptions::DEFAULT_TTL, 1000)).unwrap();
        let blocks: Vec<Original> = (0..5).map(|i| original(&format!("{i}{}", "x".repeat(299)))).collect();
        for b in &blocks {
            // Separate puts so ages differ even within one millisecond (ties break by insertion).
            store.put_many(&Scope::local(), std::slice::from_ref(b)).unwrap();
        }
        let present: Vec<bool> =
            blocks.iter().map(|b| store.get(&Scope::local(), &b.hash).unwrap().is_some()).collect();
        assert_eq!(present, [false, false, true, true, true]);
        let stats = store.stats().unwrap().unwrap();
        assert!(stats.content_bytes <= 1000, "{stats:?}");
        assert_eq!(stats.content_bytes, 900);
        // Re-putting the oldest survivor makes it the newest: the next eviction skips it.
        std::thread::sleep(Duration::from_millis(5));
        store.put_many(&Scope::local(), std::slice::from_ref(&blocks[2])).unwrap();
        store.put_many(&Scope::local(), &[original(&"y".repeat(300))]).unwrap();
        assert!(store.get(&Scope::local(), &blocks[2].hash).unwrap().is_some());
        assert!(store.get(&Scope::local(), &blocks[3].hash).unwrap().is_none());
        // The running total survives reopening.
        drop(store);
        let reopened = SqliteStore::open(&path, opts(StoreOptions::DEFAULT_TTL, 1000)).unwrap();
        assert_eq!(reopened.stats().unwrap().unwrap().content_bytes, 900);
    }

    #[test]
    fn an_original_larger_than_the_cap_evicts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(dir.path().join("big.db"), opts(StoreOptions::DEFAULT_TTL, 100)).unwrap();
        let small = original("small");
        let huge = original(&"z".repeat(101));
        store.put_many(&Scope::local(), &[small.clone(), huge.clone()]).unwrap();
        assert!(store.get(&Scope::local(), &small.hash).unwrap().is_some());
        assert!(store.get(&Scope::local(), &huge.hash).unwrap().is_none());
    }
}
