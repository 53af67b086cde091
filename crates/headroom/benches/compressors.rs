//! Per-compressor throughput over `shared/corpus`, next to a same-run baseline: the cost of
//! just parsing and re-serialising the same request bodies. Criterion reports MB/s for both
//! (throughput = input bytes), so the ratio is read off one run on one machine.
//!
//! Run: `cargo bench -p headroom --bench compressors` (add `-- json` to pick one group).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use headroom::{CompressConfig, Engine};
use headroom_testkit::corpus::{default_dir, load};

fn bench(c: &mut Criterion) {
    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in load(&default_dir()) {
        by_kind.entry(case.kind.clone()).or_default().push(case.body("gpt-4o"));
    }
    // Without the memo: every pass compresses from scratch, as a new block would.
    let engine =
        Engine::new(CompressConfig { model: "gpt-4o".into(), ..CompressConfig::default() }).without_memo();
    for (kind, bodies) in &by_kind {
        let bytes: usize = bodies.iter().map(String::len).sum();
        let mut g = c.benchmark_group(kind.as_str());
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(10);
        g.bench_function("baseline_parse_reserialize", |b| {
            b.iter(|| {
                for body in bodies {
                    let v: serde_json::Value = serde_json::from_str(black_box(body)).unwrap();
                    black_box(serde_json::to_string(&v).unwrap());
                }
            })
        });
        g.bench_function("compress", |b| {
            b.iter(|| {
                for body in bodies {
                    black_box(engine.compress(black_box(body)).unwrap());
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
