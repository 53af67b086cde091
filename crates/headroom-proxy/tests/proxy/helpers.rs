//! Spawning a proxy in front of a fake upstream, and small client helpers.

use std::sync::Arc;

use headroom_proxy::{LedgerTarget, ProxyConfig, ProxyError, Server};
use headroom_store::MemoryStore;
use headroom_testkit::upstream::FakeUpstream;
use serde_json::Value;

pub const KEY_A: &str = "sk-ant-test-key-a";

pub struct Harness {
    pub url: String,
    pub upstream: FakeUpstream,
    pub http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), ProxyError>>>,
}

pub async fn start() -> Harness {
    start_with(|_| {}).await
}

pub async fn start_with(tune: impl FnOnce(&mut ProxyConfig)) -> Harness {
    let upstream = FakeUpstream::start().await;
    let mut config = ProxyConfig {
        port: 0,
        anthropic_upstream: upstream.url().parse().unwrap(),
        openai_upstream: upstream.url().parse().unwrap(),
        // Tests that want a ledger name a temp file; none writes the user's.
        ledger: LedgerTarget::Off,
        ..ProxyConfig::default()
    };
    tune(&mut config);
    let server = Server::bind(config, Arc::new(MemoryStore::new())).await.unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = rx.await;
    }));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Harness { url, upstream, http, shutdown: Some(tx), task: Some(task) }
}

impl Harness {
    pub fn post(&self, path: &str, body: impl Into<String>) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .header("x-api-key", KEY_A)
            .header("anthropic-version", "2023-06-01")
            .body(body.into())
    }

    pub fn openai(&self, path: &str, body: impl Into<String>) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .header("authorization", "Bearer sk-openai-test-key")
            .body(body.into())
    }

    pub async fn get_json(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.url)).send().await.unwrap().json().await.unwrap()
    }

    pub async fn stats(&self) -> Value {
        self.get_json("/stats").await
    }

    /// Signal shutdown; the handle resolves when the server has finished.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<Result<(), ProxyError>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.take().unwrap()
    }
}

/// Tokens of `text` as the o200k counter sees them (what the engine uses for gpt-4o).
pub fn tokens(text: &str) -> usize {
    headroom::TokenCounter::for_model("gpt-4o").count(text)
}
