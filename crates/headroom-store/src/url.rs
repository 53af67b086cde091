//! `StoreUrl`: which backend keeps the originals, parsed once from `--store URL`.
//!
//! Accepted forms: `memory:` (or `memory://`, `memory`), `sqlite:PATH`, `sqlite://PATH`, `sqlite:`
//! (the default file), a bare file path, and `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`.
//! Opening the backend is [`crate::open`]'s job; this module only parses and prints.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::StoreError;

const FORMS: &str = "use memory:, sqlite:PATH, redis://HOST[:PORT][/DB] or a file path";

/// Where originals are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A process-local map (`memory:`).
    Memory,
    /// An SQLite file (`sqlite:PATH` or a bare path).
    Sqlite(PathBuf),
    /// A Redis server (`redis://...`); needs the `redis` cargo feature to open.
    Redis(RedisUrl),
}

impl StoreUrl {
    /// The default: `store.db` in [`crate::data_dir`].
    pub fn default_sqlite() -> Result<Self, StoreError> {
        Ok(Self::Sqlite(crate::default_store_path()?))
    }
}

/// A validated `redis://` URL. Its `Display` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    raw: String,
}

impl RedisUrl {
    /// The URL as given, password included (for connecting; do not log it).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        let bad = |reason: &str| bad_url(raw, reason);
        let rest = raw.get("redis://".len()..).ok_or_else(|| bad("expected redis://"))?;
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let (authority, db) = match rest.split_once('/') {
            Some((a, db)) => (a, db),
            None => (rest, ""),
        };
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let port = if let Some(v6) = host_port.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed '[' in host"))?;
            if host.is_empty() {
                return Err(bad("missing host"));
            }
            after.strip_prefix(':')
        } else {
            let (host, port) = match host_port.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            };
            if host.is_empty() {
                return Err(bad("missing host (redis://HOST[:PORT][/DB])"));
            }
            port
        };
        if let Some(port) = port {
            port.parse::<u16>()
                .map_err(|_| bad(&format!("port {port:?} is not a number from 0 to 65535")))?;
        }
        if !db.is_empty() {
            db.parse::<u32>().map_err(|_| bad(&format!("database {db:?} is not a number")))?;
        }
        Ok(Self { raw: raw.to_owned() })
    }

    fn redacted(&self) -> String {
        let Some(rest) = self.raw.strip_prefix("redis://") else {
            return self.raw.clone();
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        match authority.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or("", |(u, _)| u);
                format!("redis://{user}:***@{host}{tail}")
            }
            None => self.raw.clone(),
        }
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisUrl").field(&self.redacted()).finish()
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn bad_url(url: &str, reason: &str) -> StoreError {
    StoreError::BadUrl { url: url.to_owned(), reason: reason.to_owned() }
}

/// `scheme:rest` when `s` starts with a URL scheme of two or more letters (one letter is a
/// Windows drive, `C:\...`, so a path).
fn split_scheme(s: &str) -> Option<(String, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first_alpha = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_alpha && valid && scheme.len() >= 2).then(|| (scheme.to_ascii_lowercase(), rest))
}

/// `~/x` → home/x; anything else unchanged.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

impl FromStr for StoreUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() {
            return Err(bad_url(s, &format!("empty; {FORMS}")));
        }
        if matches!(t, "memory" | "memory:" | "memory://") {
            return Ok(Self::Memory);
        }
        let Some((scheme, rest)) = split_scheme(t) else {
            return Ok(Self::Sqlite(expand_home(t)));
        };
        match scheme.as_str() {
            "memory" => Err(bad_url(s, "memory: takes no path or host")),
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    Self::default_sqlite()
                } else {
                    Ok(Self::Sqlite(expand_home(path)))
                }
            }
            "redis" if rest.starts_with("//") => Ok(Self::Redis(RedisUrl::parse(t)?)),
            "redis" => Err(bad_url(s, "expected redis://HOST[:PORT][/DB]")),
            "rediss" => Err(bad_url(s, "TLS Redis (rediss://) is not supported; use redis://")),
            other => Err(bad_url(s, &format!("unknown scheme {other:?}; {FORMS}"))),
        }
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory:"),
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Redis(url) => url.fmt(f),
        }
    }
}

/// Serialized as its display form (Redis passwords hidden), so configs can be printed safely.
impl Serialize for StoreUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StoreUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<StoreUrl, StoreError> {
        s.parse()
    }

    fn reason(s: &str) -> String {
        match parse(s) {
            Err(StoreError::BadUrl { url, reason }) => {
                assert_eq!(url, s);
                reason
            }
            other => panic!("{s:?} should be a BadUrl, got {other:?}"),
        }
    }

    #[test]
    fn memory_forms() {
        for s in ["memory:", "memory://", "memory", " memory: "] {
            assert_eq!(parse(s).unwrap(), StoreUrl::Memory, "{s}");
        }
        assert!(reason("memory://somewhere").contains("no path"));
    }

    #[test]
    fn sqlite_forms_and_bare_paths() {
        let want = |p: &str| StoreUrl::Sqlite(PathBuf::from(p));
        assert_eq!(parse("sqlite:/var/h/store.db").unwrap(), want("/var/h/store.db"));
        assert_eq!(parse("sqlite:///var/h/store.db").unwrap(), want("/var/h/store.db"));
        assert_eq!(parse("sqlite://rel/store.db").unwrap(), want("rel/store.db"));
        assert_eq!(parse("SQLITE:x.db").unwrap(), want("x.db"));
        assert_eq!(parse("/tmp/a.db").unwrap(), want("/tmp/a.db"));
        assert_eq!(parse("./dir:with:colons/a.db").unwrap(), want("./dir:with:colons/a.db"));
        assert_eq!(parse(r"C:\Users\me\store.db").unwrap(), want(r"C:\Users\me\store.db"));
        if let Some(home) = dirs::home_dir() {
            assert_eq!(parse("~/h/store.db").unwrap(), StoreUrl::Sqlite(home.join("h/store.db")));
        }
    }

    #[test]
    fn redis_forms() {
        for s in [
            "redis://localhost",
            "redis://127.0.0.1:6379",
            "redis://127.0.0.1:6379/2",
            "redis://:secret@cache.internal:6380/0",
            "redis://user:secret@cache.internal",
            "redis://[::1]:6379/1",
            "redis://h:1/?protocol=resp3",
        ] {
            match parse(s) {
                Ok(StoreUrl::Redis(url)) => assert_eq!(url.as_str(), s),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    #[test]
    fn redis_passwords_never_displayed() {
        let url = parse("redis://user:hunter2@cache:6380/3").unwrap();
        assert_eq!(url.to_string(), "redis://user:***@cache:6380/3");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(!serde_json::to_string(&url).unwrap().contains("hunter2"));
        let url = parse("redis://:hunter2@cache").unwrap();
        assert_eq!(url.to_string(), "redis://:***@cache");
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(reason("").contains("empty"));
        assert!(reason("   ").contains("empty"));
        let r = reason("postgres://db/x");
        assert!(r.contains("unknown scheme \"postgres\""), "{r}");
        assert!(r.contains("sqlite:PATH"), "{r}");
        assert!(reason("http://x").contains("\"http\""));
        assert!(reason("redis://").contains("missing host"));
        assert!(reason("redis://:6379").contains("missing host"));
        assert!(reason("redis://h:99999").contains("port \"99999\""));
        assert!(reason("redis://h:abc").contains("port \"abc\""));
        assert!(reason("redis://h:6379/zero").contains("database \"zero\""));
        assert!(reason("redis://[::1:6379").contains("unclosed"));
        assert!(reason("redis:localhost").contains("redis://HOST"));
        assert!(reason("rediss://h:6379").contains("TLS"));
    }

    #[test]
    fn display_round_trips() {
        for s in ["memory:", "sqlite:/tmp/x.db", "redis://h:6379/1"] {
            let url = parse(s).unwrap();
            assert_eq!(url.to_string(), s);
            assert_eq!(parse(&url.to_string()).unwrap(), url);
            let json = serde_json::to_string(&url).unwrap();
            assert_eq!(serde_json::from_str::<StoreUrl>(&json).unwrap(), url);
        }
        assert!(serde_json::from_str::<StoreUrl>("\"ftp://x\"").is_err());
    }
}
