//! Against a real Redis named by `HEADROOM_TEST_REDIS_URL` (CI starts one); skipped without it.

use std::time::{SystemTime, UNIX_EPOCH};

use super::*;
use crate::StoreUrl;

fn server() -> Option<RedisUrl> {
    let Some(raw) = std::env::var("HEADROOM_TEST_REDIS_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipped: set HEADROOM_TEST_REDIS_URL=redis://127.0.0.1:6379 to run Redis tests");
        return None;
    };
    match raw.parse::<StoreUrl>() {
        Ok(StoreUrl::Redis(url)) => Some(url),
        other => panic!("HEADROOM_TEST_REDIS_URL is not a redis:// URL: {other:?}"),
    }
}

/// A scope no other test run uses, so runs against one server cannot see each other's keys.
fn fresh(name: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("test-{name}-{}-{nanos}", std::process::id())
}

fn original(content: &str) -> Original {
    Original { hash: ContentHash::of(content), content: content.to_owned() }
}

fn raw_conn(url: &RedisUrl) -> Connection {
    redis::Client::open(url.as_str()).unwrap().get_connection().unwrap()
}

#[test]
fn unreachable_server_is_an_error_not_a_hang() {
    let url = match "redis://127.0.0.1:1".parse::<StoreUrl>().unwrap() {
        StoreUrl::Redis(u) => u,
        other => panic!("{other:?}"),
    };
    match RedisStore::open(&url, StoreOptions::default()) {
        Err(StoreError::Redis(_)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn round_trip_with_isolated_scopes() {
    let Some(url) = server() else { return };
    let store = crate::open(&StoreUrl::Redis(url)).unwrap();
    let (alice, bob) = (Scope::new(fresh("alice")), Scope::new(fresh("bob")));
    let o = original(&format!("alice's tool output for {}", alice.as_str()));
    store.put_many(&alice, std::slice::from_ref(&o)).unwrap();
    assert_eq!(store.get(&alice, &o.hash).unwrap(), Some(o.content.clone()));
    assert_eq!(store.get(&bob, &o.hash).unwrap(), None);
    assert_eq!(store.get_any(&o.hash).unwrap(), Some(o.content.clone()));
    let missing = ContentHash::of(&fresh("never stored"));
    assert_eq!(store.get_any(&missing).unwrap(), None);
    store.put_many(&alice, &[]).unwrap();
}

#[test]
fn keys_follow_the_documented_layout() {
    let Some(url) = server() else { return };
    let ttl = Duration::from_secs(60);
    let store = RedisStore::open(&url, StoreOptions { ttl, ..StoreOptions::default() }).unwrap();
    let scope = fresh("layout");
    let o = original(&format!("layout check {scope}"));
    store.put_many(&Scope::new(&scope), std::slice::from_ref(&o)).unwrap();
    let mut raw = raw_conn(&url);
    let primary = format!("headroom:{scope}:{}", o.hash);
    let content: Option<String> = raw.get(&primary).unwrap();
    assert_eq!(content, Some(o.content.clone()));
    let pointer: Option<String> = raw.get(format!("headroom:any:{}", o.hash)).unwrap();
    assert_eq!(pointer, Some(scope));
    let pttl: i64 = raw.pttl(&primary).unwrap();
    assert!(pttl > 50_000 && pttl <= 60_000, "{pttl}");
}

#[test]
fn originals_expire() {
    let Some(url) = server() else { return };
    let options = StoreOptions { ttl: Duration::from_millis(300), ..StoreOptions::default() };
    let store = RedisStore::open(&url, options).unwrap();
    let scope = Scope::new(fresh("ttl"));
    let o = original(&format!("short-lived {}", scope.as_str()));
    store.put_many(&scope, std::slice::from_ref(&o)).unwrap();
    assert!(store.get(&scope, &o.hash).unwrap().is_some());
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(store.get(&scope, &o.hash).unwrap(), None);
    assert_eq!(store.get_any(&o.hash).unwrap(), None);
}

#[test]
fn a_scope_named_any_cannot_overwrite_pointers() {
    let Some(url) = server() else { return };
    let store = RedisStore::open(&url, StoreOptions::default()).unwrap();
    let o = original(&fresh("content under the scope named any"));
    store.put_many(&Scope::new("any"), std::slice::from_ref(&o)).unwrap();
    assert_eq!(store.get(&Scope::new("any"), &o.hash).unwrap(), Some(o.content.clone()));
    assert_eq!(store.get(&Scope::new("%61ny"), &o.hash).unwrap(), None);
    assert_eq!(store.get_any(&o.hash).unwrap(), Some(o.content.clone()));
    let pointer: Option<String> = raw_conn(&url).get(any_key(&o.hash)).unwrap();
    assert_eq!(pointer.as_deref(), Some("any"));
}

#[test]
fn reconnects_after_the_server_drops_the_connection() {
    let Some(url) = server() else { return };
    let store = RedisStore::open(&url, StoreOptions::default()).unwrap();
    let scope = Scope::new(fresh("reconnect"));
    let o = original(&format!("survives a dropped connection {}", scope.as_str()));
    store.put_many(&scope, std::slice::from_ref(&o)).unwrap();
    let id: i64 = store.with_conn(|c| redis::cmd("CLIENT").arg("ID").query(c)).unwrap();
    let killed: i64 = redis::cmd("CLIENT").arg("KILL").arg("ID").arg(id).query(&mut raw_conn(&url)).unwrap();
    assert_eq!(killed, 1);
    assert_eq!(store.get(&scope, &o.hash).unwrap(), Some(o.content));
}
