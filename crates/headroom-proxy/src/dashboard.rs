//! `GET /dashboard`, one self-contained page (embedded, no network), and the ledger history it
//! polls, `GET /v1/dashboard/history`: the newest requests, savings % per minute, and the
//! all-time / last-24h summaries with their estimated dollars saved.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use headroom_store::{Ledger, LedgerRecord, LedgerSummary, PriceTable, StoreError};
use serde::Serialize;

use crate::ledger::now_unix_ms;
use crate::state::AppState;

const PAGE: &str = include_str!("../assets/dashboard.html");
/// Requests listed under "recent".
const RECENT: usize = 50;
/// How far back the per-minute series reaches.
const SERIES_SPAN_MS: i64 = 3 * 60 * 60 * 1000;
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// A history read costing less than this is redone on every poll.
const CACHE_ABOVE: Duration = Duration::from_millis(50);
/// A costlier read is reused for this many times its cost, so an open dashboard on a large
/// ledger (a million rows take about a second to summarise) spends at most a tenth of a core.
const REUSE_FACTOR: u32 = 10;

/// The last history served, reused while reading it again would cost too much.
#[derive(Debug, Default)]
pub(crate) struct HistoryCache(Mutex<Option<Served>>);

#[derive(Debug)]
struct Served {
    at: Instant,
    cost: Duration,
    body: bytes::Bytes,
}

/// How long a history that took `cost` to read may be served again.
fn reuse_for(cost: Duration) -> Duration {
    if cost < CACHE_ABOVE {
        Duration::ZERO
    } else {
        cost * REUSE_FACTOR
    }
}

impl HistoryCache {
    fn fresh(&self) -> Option<bytes::Bytes> {
        let served = self.0.lock().ok()?;
        let s = served.as_ref()?;
        (s.at.elapsed() < reuse_for(s.cost)).then(|| s.body.clone())
    }

    fn keep(&self, cost: Duration, body: bytes::Bytes) {
        if let Ok(mut served) = self.0.lock() {
            *served = Some(Served { at: Instant::now(), cost, body });
        }
    }
}

/// `GET /dashboard`.
pub(crate) async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // The page loads nothing from anywhere: say so to the browser too.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src data:",
            ),
        ],
        PAGE,
    )
        .into_response()
}

/// `GET /v1/dashboard/history` body.
#[derive(Debug, Default, Serialize)]
struct History {
    /// Whether a ledger is configured and open.
    ledger: bool,
    /// Its file, when there is one.
    ledger_path: Option<String>,
    all_time: LedgerSummary,
    last_24h: LedgerSummary,
    dollars_saved_all_time: f64,
    dollars_saved_24h: f64,
    /// Newest first.
    recent: Vec<Recent>,
    /// Oldest minute first; minutes without requests are left out.
    series: Vec<Minute>,
    /// Set when reading the ledger failed.
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Recent {
    ts_unix_ms: i64,
    route: String,
    model: String,
    project: Option<String>,
    tokens_before: u64,
    tokens_after: u64,
    tokens_saved: u64,
    savings_percent: f64,
    transforms: Vec<String>,
    added_latency_ms: f64,
    status: u16,
    cache_read: Option<u64>,
}

#[derive(Debug, Default, Serialize)]
struct Minute {
    minute_unix_ms: i64,
    requests: u64,
    tokens_before: u64,
    tokens_saved: u64,
    savings_percent: f64,
}

fn percent(saved: u64, before: u64) -> f64 {
    if before == 0 {
        return 0.0;
    }
    (saved as f64 / before as f64 * 10_000.0).round() / 100.0
}

impl From<LedgerRecord> for Recent {
    fn from(r: LedgerRecord) -> Self {
        let saved = r.tokens_before.saturating_sub(r.tokens_after);
        Self {
            ts_unix_ms: r.ts_unix_ms,
            savings_percent: percent(saved, r.tokens_before),
            tokens_saved: saved,
            tokens_before: r.tokens_before,
            tokens_after: r.tokens_after,
            route: r.route,
            model: r.model,
            project: r.project,
            transforms: r.transforms,
            added_latency_ms: r.added_latency_us as f64 / 1000.0,
            status: r.status,
            cache_read: r.cache_read,
        }
    }
}

/// Savings per minute of `records`.
fn series(records: &[LedgerRecord]) -> Vec<Minute> {
    let mut minutes: BTreeMap<i64, Minute> = BTreeMap::new();
    for r in records {
        let m = r.ts_unix_ms.div_euclid(MINUTE_MS) * MINUTE_MS;
        let e = minutes.entry(m).or_insert_with(|| Minute { minute_unix_ms: m, ..Minute::default() });
        e.requests += 1;
        e.tokens_before += r.tokens_before;
        e.tokens_saved += r.tokens_before.saturating_sub(r.tokens_after);
    }
    minutes
        .into_values()
        .map(|mut m| {
            m.savings_percent = percent(m.tokens_saved, m.tokens_before);
            m
        })
        .collect()
}

fn read(ledger: &Ledger, now: i64) -> Result<History, StoreError> {
    let prices = PriceTable::default();
    let all_time = ledger.summary(0)?;
    let last_24h = ledger.summary(now.saturating_sub(DAY_MS))?;
    let recent = ledger.recent(RECENT)?.into_iter().map(Recent::from).collect();
    let series = series(&ledger.since(now.saturating_sub(SERIES_SPAN_MS))?);
    Ok(History {
        ledger: true,
        ledger_path: Some(ledger.path().display().to_string()),
        dollars_saved_all_time: prices.dollars_saved(&all_time),
        dollars_saved_24h: prices.dollars_saved(&last_24h),
        all_time,
        last_24h,
        recent,
        series,
        error: None,
    })
}

/// `GET /v1/dashboard/history`.
pub(crate) async fn history(State(state): State<AppState>) -> Response {
    let Some(ledger) = state.ledger().map(|s| Arc::clone(s.ledger())) else {
        return axum::Json(History::default()).into_response();
    };
    let json = [(header::CONTENT_TYPE, "application/json")];
    if let Some(body) = state.history_cache().fresh() {
        return (json, body).into_response();
    }
    let path = ledger.path().display().to_string();
    let now = now_unix_ms();
    let start = Instant::now();
    let read = tokio::task::spawn_blocking(move || read(&ledger, now)).await;
    let cost = start.elapsed();
    let history = match read.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
        Ok(h) => h,
        Err(e) => History { ledger: true, ledger_path: Some(path), error: Some(e), ..History::default() },
    };
    match serde_json::to_vec(&history) {
        Ok(body) => {
            let body = bytes::Bytes::from(body);
            if history.error.is_none() {
                state.history_cache().keep(cost, body.clone());
            }
            (json, body).into_response()
        }
        Err(_) => axum::Json(history).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_groups_by_minute() {
        let rec = |ts, before, after| LedgerRecord {
            ts_unix_ms: ts,
            tokens_before: before,
            tokens_after: after,
            ..LedgerRecord::default()
        };
        let s = series(&[rec(60_000, 100, 50), rec(119_999, 100, 100), rec(120_000, 10, 1)]);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].minute_unix_ms, s[0].requests, s[0].tokens_saved), (60_000, 2, 50));
        assert_eq!(s[0].savings_percent, 25.0);
        assert_eq!((s[1].minute_unix_ms, s[1].savings_percent), (120_000, 90.0));
    }

    #[test]
    fn only_costly_reads_are_reused_and_never_for_long() {
        assert_eq!(reuse_for(Duration::from_millis(3)), Duration::ZERO);
        let second = reuse_for(Duration::from_secs(1));
        // A two-second poll on a ledger that takes a second to read skips most reads...
        assert!(second >= Duration::from_secs(5), "{second:?}");
        // ...but the figures are never older than a few polls' worth.
        assert!(second <= Duration::from_secs(20), "{second:?}");
        let cache = HistoryCache::default();
        cache.keep(Duration::from_secs(1), bytes::Bytes::from_static(b"{}"));
        assert_eq!(cache.fresh().as_deref(), Some(&b"{}"[..]));
        cache.keep(Duration::from_millis(1), bytes::Bytes::from_static(b"[]"));
        assert_eq!(cache.fresh(), None);
    }

    #[test]
    fn page_is_self_contained() {
        for external in ["http://", "https://", "//cdn", "@import", "<link"] {
            assert!(!PAGE.contains(external), "dashboard page references {external}");
        }
        for id in ["requests-total", "tokens-saved-total", "savings-percent", "dollars-saved"] {
            assert!(PAGE.contains(&format!("id=\"{id}\"")), "missing #{id}");
        }
    }
}
