use super::*;

/// A 200 response on `/v1/messages`; `tokens` is (before, after).
fn rec(
    ts: i64,
    model: &str,
    project: Option<&str>,
    (before, after): (u64, u64),
    transforms: &[&str],
    latency_us: u64,
) -> LedgerRecord {
    LedgerRecord {
        ts_unix_ms: ts,
        route: "/v1/messages".to_owned(),
        model: model.to_owned(),
        project: project.map(str::to_owned),
        tokens_before: before,
        tokens_after: after,
        transforms: transforms.iter().map(|t| (*t).to_owned()).collect(),
        added_latency_us: latency_us,
        status: 200,
        ..LedgerRecord::default()
    }
}

/// Four requests whose aggregates are worked out by hand in `summary_aggregates`.
fn sample() -> Vec<LedgerRecord> {
    let mut r1 = rec(1000, "claude-sonnet-4", Some("api"), (1000, 400), &["json", "log"], 100);
    r1.usage_input = Some(400);
    r1.cache_read = Some(50);
    let r2 = rec(2000, "gpt-4o", None, (500, 500), &[], 300);
    let mut r3 = rec(3000, "claude-sonnet-4", Some("api"), (2000, 1000), &["json", "json"], 200);
    r3.status = 500;
    r3.usage_input = Some(1000);
    r3.usage_output = Some(321);
    r3.cache_write = Some(7);
    // Compression cannot inflate, but a record that says so must count as 0 saved, not -20.
    let r4 = rec(4000, "gpt-4o", Some("web"), (100, 120), &["diff"], 10_000);
    vec![r1, r2, r3, r4]
}

#[test]
fn records_persist_across_connections_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let records = sample();
    let writer = Ledger::open(&path, LedgerOptions::default()).unwrap();
    let reader = Ledger::open(&path, LedgerOptions::default()).unwrap();
    writer.append_many(&records[..2]).unwrap();
    writer.append_many(&records[2..]).unwrap();
    assert_eq!(reader.since(0).unwrap(), records);
    drop((writer, reader));
    let reopened = Ledger::open(&path, LedgerOptions::default()).unwrap();
    assert_eq!(reopened.since(0).unwrap(), records);
    assert_eq!(reopened.since(2500).unwrap(), records[2..].to_vec());
    assert_eq!(reopened.len().unwrap(), 4);
}

#[test]
fn recent_is_newest_first() {
    let ledger = Ledger::open_in_memory(LedgerOptions::default()).unwrap();
    assert!(ledger.is_empty().unwrap());
    assert!(ledger.recent(3).unwrap().is_empty());
    ledger.append_many(&sample()).unwrap();
    let ts: Vec<i64> = ledger.recent(2).unwrap().iter().map(|r| r.ts_unix_ms).collect();
    assert_eq!(ts, [4000, 3000]);
    assert_eq!(ledger.recent(100).unwrap().len(), 4);
}

#[test]
fn summary_aggregates() {
    let ledger = Ledger::open_in_memory(LedgerOptions::default()).unwrap();
    ledger.append_many(&sample()).unwrap();
    let s = ledger.summary(0).unwrap();
    let t = |requests, tokens_before, tokens_after, tokens_saved| Totals {
        requests,
        tokens_before,
        tokens_after,
        tokens_saved,
    };
    assert_eq!(s.totals, t(4, 3600, 2020, 1600));
    assert!((s.totals.saved_fraction() - 1600.0 / 3600.0).abs() < 1e-12);
    assert_eq!((s.first_ts_unix_ms, s.last_ts_unix_ms), (Some(1000), Some(4000)));
    assert_eq!(s.errors, 1);
    assert_eq!((s.usage_input, s.usage_output), (1400, 321));
    assert_eq!((s.cache_read, s.cache_write), (50, 7));
    // Latencies 100, 200, 300, 10000: nearest-rank p50 is the 2nd, p99 the 4th.
    assert_eq!((s.latency_p50_us, s.latency_p99_us), (200, 10_000));
    assert_eq!(
        s.by_model,
        [
            ModelSummary { model: "claude-sonnet-4".into(), totals: t(2, 3000, 1400, 1600) },
            ModelSummary { model: "gpt-4o".into(), totals: t(2, 600, 620, 0) },
        ]
    );
    assert_eq!(
        s.by_project,
        [
            ProjectSummary { project: Some("api".into()), totals: t(2, 3000, 1400, 1600) },
            ProjectSummary { project: None, totals: t(1, 500, 500, 0) },
            ProjectSummary { project: Some("web".into()), totals: t(1, 100, 120, 0) },
        ]
    );
    let tr = |name: &str, requests, uses| TransformSummary { transform: name.into(), requests, uses };
    assert_eq!(s.by_transform, [tr("json", 2, 3), tr("diff", 1, 1), tr("log", 1, 1)]);

    let late = ledger.summary(2500).unwrap();
    assert_eq!(late.totals, t(2, 2100, 1120, 1000));
    assert_eq!((late.latency_p50_us, late.latency_p99_us), (200, 10_000));
    assert_eq!(late.by_transform, [tr("diff", 1, 1), tr("json", 1, 2)]);

    let none = ledger.summary(5000).unwrap();
    assert_eq!(none, LedgerSummary { since_unix_ms: 5000, ..LedgerSummary::default() });
}

#[test]
fn summary_serializes_flat() {
    let ledger = Ledger::open_in_memory(LedgerOptions::default()).unwrap();
    ledger.append_many(&sample()).unwrap();
    let json = serde_json::to_value(ledger.summary(0).unwrap()).unwrap();
    assert_eq!(json["tokens_saved"], 1600);
    assert_eq!(json["by_model"][0]["model"], "claude-sonnet-4");
    assert_eq!(json["by_model"][0]["tokens_saved"], 1600);
    assert_eq!(json["by_project"][1]["project"], serde_json::Value::Null);
}

#[test]
fn keeps_only_the_newest_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bounded.db");
    let ledger = Ledger::open(&path, LedgerOptions { max_rows: 100 }).unwrap();
    let all: Vec<LedgerRecord> = (0..250).map(|i| rec(i, "m", None, (10, 5), &["json"], 1)).collect();
    for batch in all.chunks(7) {
        ledger.append_many(batch).unwrap();
        assert!(ledger.len().unwrap() <= 100);
    }
    let kept: Vec<i64> = ledger.since(0).unwrap().iter().map(|r| r.ts_unix_ms).collect();
    let n = i64::try_from(kept.len()).unwrap();
    // Pruning cuts back to 95 rows, so between 95 and 100 of the newest remain, in order.
    assert!((95..=100).contains(&n), "{n}");
    assert_eq!(kept, (250 - n..250).collect::<Vec<_>>());
    drop(ledger);
    let reopened = Ledger::open(&path, LedgerOptions { max_rows: 100 }).unwrap();
    assert_eq!(reopened.summary(0).unwrap().totals.requests, n as u64);
}

#[test]
fn oversized_counts_saturate_instead_of_wrapping() {
    let ledger = Ledger::open_in_memory(LedgerOptions::default()).unwrap();
    let r = rec(1, "m", None, (u64::MAX, 0), &[], u64::MAX);
    ledger.append_many(&[r]).unwrap();
    let back = ledger.recent(1).unwrap();
    assert_eq!(back.first().map(|r| r.tokens_before), Some(i64::MAX as u64));
}

#[test]
fn two_writers_on_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let ledger = Ledger::open(&path, LedgerOptions::default()).unwrap();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let r = rec(w * 1000 + i, "m", Some("p"), (10, 4), &["json"], 5);
                    ledger.append_many(&[r]).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let s = Ledger::open(&path, LedgerOptions::default()).unwrap().summary(0).unwrap();
    assert_eq!((s.totals.requests, s.totals.tokens_saved), (100, 600));
}
