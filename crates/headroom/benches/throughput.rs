//! Whole-engine throughput per content kind over `shared/corpus` (every pass compresses from
//! scratch; the last column resends the same bodies to one engine, as a proxy sees each new
//! turn of a conversation), in CPU time as well as wall time: on a shared two-core machine wall-clock MB/s swings with whatever else runs, while the
//! process's CPU time per byte stays put. Each kind is reported next to a same-run baseline
//! (parse and re-serialise the same bodies) and as a ratio to it.
//!
//! Run: `cargo bench -p headroom --bench throughput` (`-- json log` picks kinds;
//! `THROUGHPUT_SECS=3` runs each measurement longer; `THROUGHPUT_PASSES=n` runs exactly `n`
//! passes, for instruction counts under callgrind: the difference between two pass counts is
//! the engine's cost, whatever thread it ran on).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use cpu_time::ProcessTime;
use headroom::{CompressConfig, Engine};
use headroom_testkit::corpus::{default_dir, load};

/// CPU and wall time per pass over `bodies`, after one warm-up pass.
fn measure(
    bodies: &[String],
    secs: f64,
    exact: Option<u32>,
    mut f: impl FnMut(&str),
) -> (Duration, Duration) {
    bodies.iter().for_each(|b| f(b));
    let (cpu0, wall0) = (ProcessTime::now(), Instant::now());
    let mut passes = 0u32;
    while exact.map_or(passes < 3 || wall0.elapsed().as_secs_f64() < secs, |n| passes < n) {
        bodies.iter().for_each(|b| f(b));
        passes += 1;
    }
    (cpu0.elapsed() / passes.max(1), wall0.elapsed() / passes.max(1))
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

fn main() {
    let picked: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let secs: f64 = std::env::var("THROUGHPUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let exact: Option<u32> = std::env::var("THROUGHPUT_PASSES").ok().and_then(|s| s.parse().ok());
    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in load(&default_dir()) {
        by_kind.entry(case.kind.clone()).or_default().push(case.body("gpt-4o"));
    }
    // Without the memo: every pass compresses from scratch, as a new block would.
    let config = CompressConfig { model: "gpt-4o".into(), ..CompressConfig::default() };
    let engine = Engine::new(config.clone()).without_memo();
    // With the memo, as a proxy sees a resent conversation: large blocks come from the memo.
    let warm_engine = Engine::new(config);
    println!(
        "{:<8} {:>9} {:>12} {:>12} {:>12} {:>9}",
        "kind", "KB", "base MB/s", "cpu MB/s", "wall MB/s", "base/cpu"
    );
    for (kind, bodies) in by_kind.iter().filter(|(k, _)| picked.is_empty() || picked.contains(k)) {
        let bytes: usize = bodies.iter().map(String::len).sum();
        let (base, _) = measure(bodies, secs, exact, |b| {
            let v: serde_json::Value = serde_json::from_str(black_box(b)).unwrap();
            black_box(serde_json::to_string(&v).unwrap());
        });
        let (cpu, wall) = measure(bodies, secs, exact, |b| {
            black_box(engine.compress(black_box(b)).unwrap());
        });
        let (_, warm) = measure(bodies, secs, exact, |b| {
            black_box(warm_engine.compress(black_box(b)).unwrap());
        });
        println!(
            "{:<8} {:>9} {:>12.1} {:>12.1} {:>12.1} {:>8.1}x {:>14.1}",
            kind,
            bytes / 1000,
            mbps(bytes, base),
            mbps(bytes, cpu),
            mbps(bytes, wall),
            cpu.as_secs_f64() / base.as_secs_f64().max(1e-12),
            mbps(bytes, warm),
        );
    }
}
