//! The savings ledger: requests on the compressed routes end up in the ledger file, with their
//! tokens, model, project and provider usage, and stay there across restarts.

use headroom_proxy::{LedgerTarget, RetrievalMode};
use headroom_store::{Ledger, LedgerOptions};

use crate::fixtures;
use crate::helpers::start_with;

#[tokio::test]
async fn requests_land_in_the_ledger_and_survive_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let target = LedgerTarget::Path(path.clone());
    let tune = |t: LedgerTarget, retrieval: RetrievalMode| {
        move |c: &mut headroom_proxy::ProxyConfig| {
            c.ledger = t;
            c.retrieval = retrieval;
        }
    };

    // Lossless first: responses are relayed as they come, usage tapped on the way.
    let mut h = start_with(tune(target.clone(), RetrievalMode::Off)).await;
    h.openai("/v1/chat/completions", fixtures::seed_chat())
        .header("x-headroom-project", "billing-api")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap().text().await.unwrap();
    h.http.get(format!("{}/v1/models", h.url)).send().await.unwrap().text().await.unwrap();
    let stats = h.stats().await;

    // The history endpoint reads the ledger once the writer has flushed (within ~1 s).
    let mut history = serde_json::Value::Null;
    for _ in 0..40 {
        history = h.get_json("/v1/dashboard/history").await;
        if history["all_time"]["requests"] == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(history["ledger"], true);
    assert_eq!(history["all_time"]["requests"], 2, "{history}");
    assert_eq!(history["all_time"]["tokens_saved"], stats["tokens_saved_total"]);
    assert_eq!(history["recent"].as_array().unwrap().len(), 2);
    assert!(history["dollars_saved_all_time"].as_f64().unwrap() > 0.0);
    assert!(!history["series"].as_array().unwrap().is_empty());
    h.begin_shutdown().await.unwrap().unwrap();

    let ledger = Ledger::open(&path, LedgerOptions::default()).unwrap();
    let records = ledger.since(0).unwrap();
    assert_eq!(records.len(), 2, "passthrough requests are not recorded: {records:?}");
    let chat = records.iter().find(|r| r.route == "/v1/chat/completions").unwrap();
    let route = &stats["by_route"]["/v1/chat/completions"];
    assert_eq!(chat.model, "gpt-4o");
    assert_eq!(chat.project.as_deref(), Some("billing-api"));
    assert_eq!(chat.tokens_before, route["tokens_before"].as_u64().unwrap());
    assert_eq!(chat.tokens_after, route["tokens_after"].as_u64().unwrap());
    assert!(chat.tokens_after * 10 < chat.tokens_before * 6, "lossless still saves >40%: {chat:?}");
    assert!(chat.transforms.iter().any(|t| t == "json_crusher"), "{chat:?}");
    assert_eq!(chat.status, 200);
    assert_eq!((chat.usage_input, chat.cache_read), (Some(150), Some(64)));
    let msg = records.iter().find(|r| r.route == "/v1/messages").unwrap();
    assert_eq!(msg.model, "claude-sonnet-4-5");
    assert_eq!(msg.project, None);
    assert_eq!(msg.tokens_before, stats["by_route"]["/v1/messages"]["tokens_before"].as_u64().unwrap());
    // Streamed: usage read from the SSE events.
    assert_eq!((msg.cache_read, msg.cache_write), (Some(900), Some(30)));
    drop(ledger);

    // A restarted proxy appends to the same file; with markers, the request goes through the
    // retrieve loop, which reports usage too.
    let mut h = start_with(tune(target, RetrievalMode::Tool)).await;
    h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap().text().await.unwrap();
    h.begin_shutdown().await.unwrap().unwrap();
    let ledger = Ledger::open(&path, LedgerOptions::default()).unwrap();
    assert_eq!(ledger.len().unwrap(), 3);
    let newest = ledger.recent(1).unwrap().pop().unwrap();
    assert!(newest.tokens_after * 5 < newest.tokens_before, "lossy saves >80%: {newest:?}");
    assert_eq!((newest.usage_input, newest.cache_read, newest.status), (Some(150), Some(64), 200));
}

#[tokio::test]
async fn no_ledger_means_empty_history() {
    let h = start_with(|_| {}).await;
    h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap().text().await.unwrap();
    let history = h.get_json("/v1/dashboard/history").await;
    assert_eq!(history["ledger"], false);
    assert_eq!(history["all_time"]["requests"], 0);
}
