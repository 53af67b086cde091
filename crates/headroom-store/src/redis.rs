//! `RedisStore`: originals in Redis, shared by several proxy replicas (cargo feature `redis`).
//!
//! Each original is `headroom:{scope}:{hash}` with a millisecond TTL (`PSETEX`); a pointer key
//! `headroom:any:{hash}` names the scope that last stored it, for [`Store::get_any`]. Redis
//! expires keys itself, and its size is bounded by the server's `maxmemory`, not by us.
//! The connection is synchronous (callers run the store on blocking threads) and is re-opened
//! once when it breaks.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use headroom::{ContentHash, Original};
use redis::{Commands, Connection, RedisError, RedisResult};

use crate::{RedisUrl, Scope, Store, StoreError, StoreOptions};

/// How long connecting, and each command, may take before the call fails.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Originals in Redis.
pub struct RedisStore {
    client: redis::Client,
    conn: Mutex<Option<Connection>>,
    url: RedisUrl,
    options: StoreOptions,
}

impl fmt::Debug for RedisStore {
    // By hand: the client's own Debug would print the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn redis_err(e: RedisError) -> StoreError {
    StoreError::Redis(Box::new(e))
}

/// The key of `hash` under `scope`. Scope ids are escaped just enough that no scope's keys can
/// meet another's or the `any` pointers: `%` → `%25`, and the scope `any` → `%61ny`.
fn key(scope: &str, hash: &ContentHash) -> String {
    let scope = if scope == "any" { "%61ny".to_owned() } else { scope.replace('%', "%25") };
    format!("headroom:{scope}:{hash}")
}

fn any_key(hash: &ContentHash) -> String {
    format!("headroom:any:{hash}")
}

impl RedisStore {
    /// Connect to `url` (and check the server answers) with `options.ttl` for every original.
    pub fn open(url: &RedisUrl, options: StoreOptions) -> Result<Self, StoreError> {
        let client = redis::Client::open(url.as_str())
            .map_err(|e| StoreError::BadUrl { url: url.to_string(), reason: e.to_string() })?;
        let store = Self { client, conn: Mutex::new(None), url: url.clone(), options };
        store.with_conn(|c| redis::cmd("PING").query::<String>(c))?;
        Ok(store)
    }

    /// The server this store talks to (password hidden when displayed).
    pub fn url(&self) -> &RedisUrl {
        &self.url
    }

    fn connect(&self) -> RedisResult<Connection> {
        let conn = self.client.get_connection_with_timeout(TIMEOUT)?;
        conn.set_read_timeout(Some(TIMEOUT))?;
        conn.set_write_timeout(Some(TIMEOUT))?;
        Ok(conn)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        // A panic mid-command leaves at worst a broken connection, which the retry replaces.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `op` on the connection, reconnecting and retrying once if the connection broke.
    /// Every op here is idempotent, so a retry after a half-sent command is safe.
    fn with_conn<T>(&self, op: impl Fn(&mut Connection) -> RedisResult<T>) -> Result<T, StoreError> {
        let mut slot = self.lock();
        let mut first_error = None;
        for _ in 0..2 {
            let mut conn = match slot.take() {
                Some(c) => c,
                None => self.connect().map_err(redis_err)?,
            };
            match op(&mut conn) {
                Ok(v) => {
                    *slot = Some(conn);
                    return Ok(v);
                }
                Err(e) if e.is_io_error() || e.is_connection_dropped() => first_error = Some(e),
                Err(e) => {
                    *slot = Some(conn);
                    return Err(redis_err(e));
                }
            }
        }
        Err(first_error.map_or_else(|| StoreError::Backend("redis: no attempt made".into()), redis_err))
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.options.ttl.as_millis()).unwrap_or(u64::MAX).max(1)
    }
}

impl Store for RedisStore {
    /// Originals larger than the size cap are skipped, as in SQLite.
    fn put_many(&self, scope: &Scope, originals: &[Original]) -> Result<(), StoreError> {
        let ttl = self.ttl_ms();
        let mut pipe = redis::pipe();
        pipe.atomic();
        let mut any = false;
        for o in originals.iter().filter(|o| o.content.len() as u64 <= self.options.max_bytes) {
            pipe.pset_ex(key(scope.as_str(), &o.hash), &o.content, ttl).ignore();
            pipe.pset_ex(any_key(&o.hash), scope.as_str(), ttl).ignore();
            any = true;
        }
        if !any {
            return Ok(());
        }
        self.with_conn(|c| pipe.query::<()>(c))
    }

    fn get(&self, scope: &Scope, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let k = key(scope.as_str(), hash);
        self.with_conn(|c| c.get(&k))
    }

    fn get_any(&self, hash: &ContentHash) -> Result<Option<String>, StoreError> {
        let scope: Option<String> = self.with_conn(|c| c.get(any_key(hash)))?;
        match scope {
            Some(scope) => self.get(&Scope::new(scope), hash),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
