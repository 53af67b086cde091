//! `perf` over a ledger written through the store crate's public API.

use headroom_store::{Ledger, LedgerOptions, LedgerRecord};

use crate::{text, Env};

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn perf_summarises_the_ledger_with_dollars() {
    let env = Env::new();
    let ledger = Ledger::open(env.home.path().join("ledger.db"), LedgerOptions::default()).unwrap();
    let rec = |model: &str, before: u64, after: u64, project: Option<&str>, age_ms: i64| LedgerRecord {
        ts_unix_ms: now_ms() - age_ms,
        route: "/v1/chat/completions".into(),
        model: model.into(),
        project: project.map(str::to_owned),
        tokens_before: before,
        tokens_after: after,
        cache_read: Some(100),
        transforms: vec!["json_crusher".into()],
        added_latency_us: 900,
        status: 200,
        ..LedgerRecord::default()
    };
    ledger
        .append_many(&[
            rec("gpt-4o", 700_000, 100_000, Some("api"), 1000),
            rec("gpt-4o", 500_000, 100_000, Some("web"), 2000),
            rec("claude-sonnet-4-5", 2_000_000, 1_000_000, None, 3000),
            rec("gpt-4o", 9_000_000, 0, None, 10 * 24 * 3600 * 1000), // outside 24h and 7d
        ])
        .unwrap();
    drop(ledger);
    let out = env.run(&["perf", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["requests"], 3, "{v}");
    assert_eq!(v["tokens_saved"], 2_000_000);
    // gpt-4o saved 1.0M at $2.50/M, sonnet 1.0M at $3/M.
    let dollars = v["dollars_saved_estimate"].as_f64().unwrap();
    assert!((dollars - 5.5).abs() < 1e-9, "{dollars}");
    let all = env.run(&["perf", "--since", "all", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&text(&all.stdout)).unwrap();
    assert_eq!(v["requests"], 4);
    let human = env.run(&["perf"], None);
    let s = text(&human.stdout);
    assert!(s.contains("est. $ saved    $5.50") && s.contains("by project") && s.contains("api"), "{s}");
    assert!(!s.contains("\u{1b}["), "colour codes when piped");
}
