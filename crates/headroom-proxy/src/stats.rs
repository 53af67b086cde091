//! Counters and the added-latency window, rendered as `/stats` JSON and `/metrics` Prometheus
//! text. Maps are `BTreeMap`s so output order is stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use headroom::{BlockOutcome, CompressResult};
use serde::Serialize;

use crate::state::AppState;
use crate::usage::Usage;

/// Latency samples kept for percentiles (a sliding window of the most recent requests).
const WINDOW: usize = 8192;

/// How one request was treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treatment {
    /// Compressed (at least one block changed).
    Compressed,
    /// Looked at; nothing worth changing.
    Unchanged,
    /// `x-headroom-bypass: true`.
    Bypassed,
    /// Compression failed or ran out of time; original bytes forwarded.
    FailedOpen,
    /// Not a compressed route.
    Passthrough,
}

/// All counters of one proxy.
#[derive(Debug)]
pub(crate) struct Stats {
    inner: Mutex<Inner>,
    started: Instant,
}

impl Default for Stats {
    fn default() -> Self {
        Self { inner: Mutex::new(Inner::default()), started: Instant::now() }
    }
}

#[derive(Debug, Default)]
struct Inner {
    requests_total: u64,
    treatment: Treatments,
    tokens_before: u64,
    tokens_after: u64,
    by_model: BTreeMap<String, Savings>,
    by_transform: BTreeMap<&'static str, Savings>,
    by_route: BTreeMap<&'static str, Savings>,
    usage: Usage,
    usage_by_model: BTreeMap<String, Usage>,
    retrieve_calls: u64,
    retrieve_misses: u64,
    latency_us: Vec<u32>,
    next_sample: usize,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Treatments {
    compressed: u64,
    unchanged: u64,
    bypassed: u64,
    failed_open: u64,
    passthrough: u64,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Savings {
    /// Requests (per model / route) or compressed blocks (per transform).
    requests: u64,
    tokens_before: u64,
    tokens_after: u64,
    tokens_saved: u64,
}

impl Savings {
    /// Add tokens (requests are counted by [`Stats::request`], blocks by the caller).
    fn add(&mut self, before: u64, after: u64) {
        self.tokens_before += before;
        self.tokens_after += after;
        self.tokens_saved += before.saturating_sub(after);
    }
}

impl Stats {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            // Counters stay usable after a panic elsewhere; they hold no invariants.
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Count one request on `route` (a route name or `passthrough`).
    pub(crate) fn request(&self, route: &'static str, model: &str, treatment: Treatment) {
        self.with(|s| {
            s.requests_total += 1;
            let t = &mut s.treatment;
            match treatment {
                Treatment::Compressed => t.compressed += 1,
                Treatment::Unchanged => t.unchanged += 1,
                Treatment::Bypassed => t.bypassed += 1,
                Treatment::FailedOpen => t.failed_open += 1,
                Treatment::Passthrough => t.passthrough += 1,
            }
            s.by_route.entry(route).or_default().requests += 1;
            if !model.is_empty() {
                s.by_model.entry(model.to_owned()).or_default().requests += 1;
            }
        });
    }

    /// Record the savings of one compressed (or examined) request.
    pub(crate) fn savings(&self, route: &'static str, model: &str, result: &CompressResult) {
        let (before, after) = (result.tokens_before as u64, result.tokens_after as u64);
        self.with(|s| {
            s.tokens_before += before;
            s.tokens_after += after;
            s.by_model.entry(model.to_owned()).or_default().add(before, after);
            s.by_route.entry(route).or_default().add(before, after);
            for b in &result.blocks {
                if let BlockOutcome::Compressed { transform, .. } = b.outcome {
                    let t = s.by_transform.entry(transform.as_str()).or_default();
                    t.requests += 1;
                    t.add(b.tokens_before as u64, b.tokens_after as u64);
                }
            }
        });
    }

    /// Record the time the proxy added before the request left for the upstream.
    pub(crate) fn added_latency(&self, d: Duration) {
        let us = u32::try_from(d.as_micros()).unwrap_or(u32::MAX);
        self.with(|s| {
            if s.latency_us.len() < WINDOW {
                s.latency_us.push(us);
            } else if let Some(slot) = s.latency_us.get_mut(s.next_sample) {
                *slot = us;
            }
            s.next_sample = (s.next_sample + 1) % WINDOW;
        });
    }

    /// Record usage the provider reported for `model`.
    pub(crate) fn usage(&self, model: &str, usage: &Usage) {
        if usage.is_empty() {
            return;
        }
        self.with(|s| {
            s.usage.add(usage);
            s.usage_by_model.entry(model.to_owned()).or_default().add(usage);
        });
    }

    /// Record one answered `headroom_retrieve` call.
    pub(crate) fn retrieve_call(&self, found: bool) {
        self.with(|s| {
            s.retrieve_calls += 1;
            if !found {
                s.retrieve_misses += 1;
            }
        });
    }

    /// Snapshot for `/stats`.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let uptime = self.started.elapsed().as_secs_f64();
        self.with(|s| {
            let mut sorted = s.latency_us.clone();
            sorted.sort_unstable();
            let pct = |p: f64| -> f64 {
                if sorted.is_empty() {
                    return 0.0;
                }
                let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
                let i = rank.clamp(1, sorted.len()) - 1;
                sorted.get(i).map_or(0.0, |&us| f64::from(us) / 1000.0)
            };
            let saved = s.tokens_before.saturating_sub(s.tokens_after);
            Snapshot {
                requests_total: s.requests_total,
                tokens_before_total: s.tokens_before,
                tokens_after_total: s.tokens_after,
                tokens_saved_total: saved,
                savings_percent: if s.tokens_before == 0 {
                    0.0
                } else {
                    (saved as f64 / s.tokens_before as f64 * 10_000.0).round() / 100.0
                },
                requests: s.treatment,
                by_model: s.by_model.clone(),
                by_transform: s.by_transform.clone(),
                by_route: s.by_route.clone(),
                provider_usage: ProviderUsage { total: s.usage, by_model: s.usage_by_model.clone() },
                retrieve: RetrieveStats { calls: s.retrieve_calls, misses: s.retrieve_misses },
                added_latency_ms: Percentiles {
                    p50: pct(50.0),
                    p95: pct(95.0),
                    p99: pct(99.0),
                    samples: sorted.len(),
                },
                uptime_seconds: uptime.round(),
            }
        })
    }
}

/// `/stats` body.
#[derive(Debug, Serialize)]
pub(crate) struct Snapshot {
    requests_total: u64,
    tokens_before_total: u64,
    tokens_after_total: u64,
    tokens_saved_total: u64,
    savings_percent: f64,
    requests: Treatments,
    by_model: BTreeMap<String, Savings>,
    by_transform: BTreeMap<&'static str, Savings>,
    by_route: BTreeMap<&'static str, Savings>,
    provider_usage: ProviderUsage,
    retrieve: RetrieveStats,
    added_latency_ms: Percentiles,
    uptime_seconds: f64,
}

#[derive(Debug, Serialize)]
struct ProviderUsage {
    #[serde(flatten)]
    total: Usage,
    by_model: BTreeMap<String, Usage>,
}

#[derive(Debug, Serialize)]
struct RetrieveStats {
    calls: u64,
    misses: u64,
}

#[derive(Debug, Serialize)]
struct Percentiles {
    p50: f64,
    p95: f64,
    p99: f64,
    samples: usize,
}

/// `GET /stats`.
pub(crate) async fn json(State(state): State<AppState>) -> Response {
    axum::Json(state.stats().snapshot()).into_response()
}

/// `GET /metrics`: the same numbers in Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let s = state.stats().snapshot();
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, f64)]| {
        let _ = writeln!(out, "# HELP headroom_{name} {help}");
        let _ = writeln!(out, "# TYPE headroom_{name} {kind}");
        for (labels, v) in samples {
            let _ = writeln!(out, "headroom_{name}{labels} {v}");
        }
    };
    let plain = |v: u64| vec![(String::new(), v as f64)];
    let t = s.requests;
    metric(
        "requests_total",
        "counter",
        "Requests handled, by treatment.",
        &[
            ("compressed", t.compressed),
            ("unchanged", t.unchanged),
            ("bypassed", t.bypassed),
            ("failed_open", t.failed_open),
            ("passthrough", t.passthrough),
        ]
        .map(|(k, v)| (format!("{{treatment=\"{k}\"}}"), v as f64)),
    );
    metric("tokens_before_total", "counter", "Tokens before compression.", &plain(s.tokens_before_total));
    metric("tokens_after_total", "counter", "Tokens after compression.", &plain(s.tokens_after_total));
    metric("tokens_saved_total", "counter", "Tokens removed by compression.", &plain(s.tokens_saved_total));
    let labelled = |label: &str, map: Vec<(String, Savings)>| -> Vec<(String, f64)> {
        map.into_iter()
            .map(|(k, v)| (format!("{{{label}=\"{}\"}}", escape(&k)), v.tokens_saved as f64))
            .collect()
    };
    metric(
        "tokens_saved_by_model_total",
        "counter",
        "Tokens removed, by model.",
        &labelled("model", s.by_model.clone().into_iter().collect()),
    );
    metric(
        "tokens_saved_by_transform_total",
        "counter",
        "Tokens removed, by transform.",
        &labelled("transform", s.by_transform.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
    );
    metric(
        "tokens_saved_by_route_total",
        "counter",
        "Tokens removed, by route.",
        &labelled("route", s.by_route.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
    );
    let u = s.provider_usage.total;
    metric(
        "provider_tokens_total",
        "counter",
        "Tokens the provider reported in responses.",
        &[
            ("input", u.input_tokens),
            ("output", u.output_tokens),
            ("cache_read", u.cache_read_input_tokens),
            ("cache_write", u.cache_creation_input_tokens),
        ]
        .map(|(k, v)| (format!("{{kind=\"{k}\"}}"), v as f64)),
    );
    metric("retrieve_calls_total", "counter", "headroom_retrieve calls answered.", &plain(s.retrieve.calls));
    let l = &s.added_latency_ms;
    metric(
        "added_latency_seconds",
        "summary",
        "Time the proxy added before forwarding, recent window.",
        &[("0.5", l.p50), ("0.95", l.p95), ("0.99", l.p99)]
            .map(|(q, v)| (format!("{{quantile=\"{q}\"}}"), v / 1000.0)),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
