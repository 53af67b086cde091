//! `/stats` and `/metrics` count what went through.

use crate::fixtures;
use crate::helpers::start;

#[tokio::test]
async fn stats_count_requests_savings_and_latency() {
    let h = start().await;
    h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap().text().await.unwrap();
    h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap().text().await.unwrap();
    h.http.get(format!("{}/v1/models", h.url)).send().await.unwrap().text().await.unwrap();
    let s = h.stats().await;
    assert_eq!(s["requests_total"], 3);
    assert_eq!(s["requests"]["compressed"], 2);
    assert_eq!(s["requests"]["passthrough"], 1);
    let before = s["tokens_before_total"].as_u64().unwrap();
    let after = s["tokens_after_total"].as_u64().unwrap();
    let saved = s["tokens_saved_total"].as_u64().unwrap();
    assert!(before > 10_000, "{before}");
    assert_eq!(saved, before - after);
    assert!(s["savings_percent"].as_f64().unwrap() >= 80.0, "{}", s["savings_percent"]);
    assert!(s["by_model"]["gpt-4o"]["tokens_saved"].as_u64().unwrap() > 0);
    assert!(s["by_model"]["claude-sonnet-4-5"]["tokens_saved"].as_u64().unwrap() > 0);
    assert_eq!(s["by_route"]["/v1/chat/completions"]["requests"], 1);
    assert_eq!(s["by_route"]["/v1/messages"]["requests"], 1);
    assert!(s["by_transform"]["json_crusher"]["tokens_saved"].as_u64().unwrap() > 0);
    assert_eq!(s["added_latency_ms"]["samples"], 3);
    assert!(s["added_latency_ms"]["p99"].as_f64().unwrap() >= s["added_latency_ms"]["p50"].as_f64().unwrap());

    let metrics = h.http.get(format!("{}/metrics", h.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(&format!("headroom_tokens_saved_total {saved}")), "{metrics}");
    assert!(metrics.contains("headroom_requests_total{treatment=\"compressed\"} 2"));
    assert!(metrics.contains("headroom_tokens_saved_by_transform_total{transform=\"json_crusher\"}"));
    assert!(metrics.contains("headroom_added_latency_seconds{quantile=\"0.99\"}"));
}
