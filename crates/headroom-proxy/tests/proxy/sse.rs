//! Streams: relayed event by event as they arrive, usage read on the side, breaks handled.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use headroom_testkit::upstream::Reply;
use headroom_testkit::wire;

use crate::fixtures;
use crate::helpers::start;

#[tokio::test]
async fn anthropic_stream_is_relayed_event_by_event() {
    let h = start().await;
    let events = wire::anthropic::text_events("one two three four five six seven eight");
    let n = events.len();
    let delay = Duration::from_millis(60);
    h.upstream.push(Reply::Sse { events: events.clone(), delay, drop_after: None });
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    let started = Instant::now();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut stream = res.bytes_stream();
    let mut got = Vec::new();
    let mut arrivals = Vec::new();
    while let Some(chunk) = stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
        arrivals.push(started.elapsed());
    }
    // Byte-identical relay of the whole stream (no retrieve call in it, so no event changes).
    assert_eq!(String::from_utf8(got).unwrap(), events.concat());
    // Each event reached the client on its own, about when the upstream sent it: the first
    // long before the stream ended.
    assert!(arrivals.len() >= n - 1, "{} chunks for {n} events", arrivals.len());
    let first = arrivals[0];
    let last = *arrivals.last().unwrap();
    assert!(last - first >= delay * (n as u32 - 3), "events were not spread out: {arrivals:?}");
    assert!(first < delay * 3, "first event arrived late: {first:?}");
}

#[tokio::test]
async fn a_stream_that_breaks_off_ends_the_client_stream_cleanly() {
    let h = start().await;
    let events = wire::anthropic::text_events("partial answer then the upstream dies");
    h.upstream.push(Reply::Sse {
        events: events.clone(),
        delay: Duration::from_millis(20),
        drop_after: Some(4),
    });
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // The body ends without a transport error, after the events that did arrive.
    let body = res.text().await.expect("the client's stream must end cleanly");
    assert_eq!(body, events[..4].concat());
    // The proxy is still healthy.
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("message_stop"));
}

#[tokio::test]
async fn usage_is_read_from_streams_and_bodies() {
    let h = start().await;
    h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap().text().await.unwrap();
    h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap().text().await.unwrap();
    let stats = h.stats().await;
    let usage = &stats["provider_usage"];
    // Anthropic stream (input 120, cache read 900, write 30, output 17) + OpenAI body
    // (prompt 150 of which 64 cached, completion 12).
    assert_eq!(usage["responses"], 2);
    assert_eq!(usage["input_tokens"], 270);
    assert_eq!(usage["output_tokens"], 29);
    assert_eq!(usage["cache_read_input_tokens"], 964);
    assert_eq!(usage["cache_creation_input_tokens"], 30);
    assert_eq!(usage["by_model"]["claude-sonnet-4-5"]["output_tokens"], 17);
}
