//! Graceful shutdown drains in-flight streams, within a deadline.

use std::time::{Duration, Instant};

use headroom_testkit::upstream::Reply;
use headroom_testkit::wire;

use crate::fixtures;
use crate::helpers::start_with;

#[tokio::test]
async fn shutdown_lets_an_in_flight_stream_finish() {
    let mut h = start_with(|c| c.shutdown_grace = "5s".parse().unwrap()).await;
    let events = wire::anthropic::text_events("a slow answer that is still streaming");
    h.upstream.push(Reply::Sse {
        events: events.clone(),
        delay: Duration::from_millis(40),
        drop_after: None,
    });
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    let stopping = h.begin_shutdown();
    let body = res.text().await.unwrap();
    assert_eq!(body, events.concat(), "the stream in flight is drained, not cut");
    stopping.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_closes_streams_still_open_after_the_grace_period() {
    let mut h = start_with(|c| c.shutdown_grace = "200ms".parse().unwrap()).await;
    let events = wire::anthropic::text_events("an answer far too slow to finish before the deadline");
    h.upstream.push(Reply::Sse { events, delay: Duration::from_millis(500), drop_after: None });
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    let t = Instant::now();
    let stopping = h.begin_shutdown();
    stopping.await.unwrap().unwrap();
    assert!(t.elapsed() < Duration::from_secs(2), "shutdown took {:?}", t.elapsed());
    drop(res);
}
