//! Whole-program overhead of the proxy: client → proxy → fake upstream against client → fake
//! upstream, measured in the same run on loopback. Reports added latency (p50/p99) for a
//! pass-through request and for a ~100k-token request that compresses, throughput with 16
//! concurrent clients, and the process's resident memory.
//!
//! `cargo bench -p headroom-proxy --bench overhead` (set `OVERHEAD_QUICK=1` for a short run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use headroom_proxy::{ProxyConfig, Server};
use headroom_store::MemoryStore;
use headroom_testkit::upstream::FakeUpstream;
use serde_json::json;

struct Run {
    samples: Vec<Duration>,
}

impl Run {
    fn pct(&self, p: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort_unstable();
        let i = ((p / 100.0) * s.len() as f64).ceil() as usize;
        s[i.clamp(1, s.len()) - 1]
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time(client: &reqwest::Client, url: &str, body: &str, n: usize) -> Run {
    time_each(client, url, &vec![body.to_owned(); n]).await
}

/// One request per body, in order.
async fn time_each(client: &reqwest::Client, url: &str, bodies: &[String]) -> Run {
    let mut samples = Vec::with_capacity(bodies.len());
    for body in bodies {
        let t = Instant::now();
        let res = client
            .post(url)
            .header("content-type", "application/json")
            .header("authorization", "Bearer sk-bench")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        res.bytes().await.unwrap();
        samples.push(t.elapsed());
    }
    Run { samples }
}

async fn throughput(client: &reqwest::Client, url: &str, body: &str, secs: u64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, url, body) = (client.clone(), url.to_owned(), body.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let res = client.post(&url).body(body.clone()).send().await.unwrap();
                res.bytes().await.unwrap();
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total as f64 / secs as f64
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn report(name: &str, direct: &Run, proxied: &Run) {
    let (d50, d99, p50, p99) = (direct.pct(50.0), direct.pct(99.0), proxied.pct(50.0), proxied.pct(99.0));
    println!(
        "{name:<28} direct p50 {:>8.3} ms p99 {:>8.3} | proxy p50 {:>8.3} ms p99 {:>8.3} | added p50 {:>7.3} ms p99 {:>7.3} ms | ratio p50 {:.2}x",
        ms(d50),
        ms(d99),
        ms(p50),
        ms(p99),
        ms(p50.saturating_sub(d50)),
        ms(p99.saturating_sub(d99)),
        p50.as_secs_f64() / d50.as_secs_f64().max(1e-9),
    );
}

/// Rows of the compressible request: just over 100k tokens (o200k), the size the latency
/// target names.
const BIG_ROWS: usize = 1950;

/// A chat request whose tool output is `rows` JSON search results; `nonce` makes the tool
/// output unique, so the proxy's engine has not seen it before.
fn big_chat(rows: usize, nonce: usize) -> String {
    let results: Vec<String> = (0..rows)
        .map(|i| {
            format!(
                r#"{{"title": "Result {i}", "url": "https://example.com/doc/{i}?v={nonce}", "snippet": "Description of result {i} about python tutorials", "score": {}}}"#,
                10_000 - i as i64
            )
        })
        .collect();
    json!({"model": "gpt-4o", "messages": [
        {"role": "user", "content": "Search for Python tutorials."},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "search", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": format!("{{\"results\": [{}]}}", results.join(", "))},
        {"role": "user", "content": "What are the top 3 results?"}
    ]})
    .to_string()
}

const MEMORY_CHILD: &str = "OVERHEAD_MEMORY_CHILD";

/// One fresh process: proxy idle RSS, then 16 concurrent ~1.4 MB bodies (bypassing the engine,
/// or compressed) and RSS after.
fn memory_child(mode: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let upstream = FakeUpstream::start().await;
        let config = ProxyConfig {
            port: 0,
            openai_upstream: upstream.url().parse().unwrap(),
            ledger: headroom_proxy::LedgerTarget::Off,
            ..ProxyConfig::default()
        };
        let server = Server::bind(config, Arc::new(MemoryStore::new())).await.unwrap();
        let proxy = format!("http://{}", server.local_addr().unwrap());
        tokio::spawn(server.run(std::future::pending()));
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let idle = rss_mb();
        let mb = big_chat(9000, 0);
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (client, url, body) = (client.clone(), format!("{proxy}/v1/chat/completions"), mb.clone());
            let bypass = mode == "bypass";
            tasks.push(tokio::spawn(async move {
                let mut req = client.post(url).body(body);
                if bypass {
                    req = req.header("x-headroom-bypass", "true");
                }
                req.send().await.unwrap().bytes().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        println!(
            "RSS, fresh process (client + fake upstream + proxy): idle {idle:.1} MB; after 16 concurrent {} KB bodies ({mode}) {:.1} MB",
            mb.len() / 1024,
            rss_mb()
        );
    });
}

fn main() {
    if let Ok(mode) = std::env::var(MEMORY_CHILD) {
        return memory_child(&mode);
    }
    let quick = std::env::var_os("OVERHEAD_QUICK").is_some();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let upstream = FakeUpstream::start().await;
        let config = ProxyConfig {
            port: 0,
            anthropic_upstream: upstream.url().parse().unwrap(),
            openai_upstream: upstream.url().parse().unwrap(),
            ledger: headroom_proxy::LedgerTarget::Off,
            ..ProxyConfig::default()
        };
        let server = Server::bind(config, Arc::new(MemoryStore::new())).await.unwrap();
        let proxy = format!("http://{}", server.local_addr().unwrap());
        tokio::spawn(server.run(std::future::pending()));
        let client = reqwest::Client::builder().no_proxy().tcp_nodelay(true).build().unwrap();
        let direct = upstream.url();

        let small = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}).to_string();
        let n = if quick { 300 } else { 3000 };
        // Warm both paths (connections, engine construction, tokenizer).
        time(&client, &format!("{direct}/v1/chat/completions"), &small, 50).await;
        time(&client, &format!("{proxy}/v1/chat/completions"), &small, 50).await;
        upstream.clear();
        let d = time(&client, &format!("{direct}/v1/chat/completions"), &small, n).await;
        let p = time(&client, &format!("{proxy}/v1/chat/completions"), &small, n).await;
        report("small chat (nothing to do)", &d, &p);
        let d = time(&client, &format!("{direct}/v1/files/x"), &small, n).await;
        let p = time(&client, &format!("{proxy}/v1/files/x"), &small, n).await;
        report("pass-through path", &d, &p);
        upstream.clear();

        // Cold: every request carries a tool output the proxy has not seen (a new tool call).
        // Resent: the same request again, as every later turn of a conversation resends it.
        let m = if quick { 10 } else { 60 };
        let bigs: Vec<String> = (0..m).map(|i| big_chat(BIG_ROWS, i)).collect();
        let big = big_chat(BIG_ROWS, usize::MAX);
        let tokens = headroom::TokenCounter::for_model("gpt-4o").count(&big);
        assert!(tokens >= 100_000, "the compressible request must be at least 100k tokens, is {tokens}");
        time(&client, &format!("{proxy}/v1/chat/completions"), &big_chat(BIG_ROWS, m + 1), 3).await;
        let d = time_each(&client, &format!("{direct}/v1/chat/completions"), &bigs).await;
        let p = time_each(&client, &format!("{proxy}/v1/chat/completions"), &bigs).await;
        let sent = upstream.last().body.len();
        report(&format!("{}k-token compressible, new", tokens / 1000), &d, &p);
        let p = time(&client, &format!("{proxy}/v1/chat/completions"), &big, m).await;
        report(&format!("{}k-token compressible, resent", tokens / 1000), &d, &p);
        let engine = headroom::Engine::new(headroom::CompressConfig {
            model: "gpt-4o".into(),
            query_scope: headroom::QueryScope::Preceding,
            ..headroom::CompressConfig::default()
        })
        .without_memo();
        let mut e = Run { samples: Vec::new() };
        for _ in 0..m {
            let t = Instant::now();
            std::hint::black_box(engine.compress(&big).unwrap());
            e.samples.push(t.elapsed());
        }
        println!(
            "  body {} KB -> forwarded {} KB; engine alone p50 {:.3} ms p99 {:.3} ms (included in the added latency)",
            big.len() / 1024,
            sent / 1024,
            ms(e.pct(50.0)),
            ms(e.pct(99.0))
        );
        upstream.clear();

        let secs = if quick { 1 } else { 3 };
        let rd = throughput(&client, &format!("{direct}/v1/chat/completions"), &small, secs).await;
        upstream.clear();
        let rp = throughput(&client, &format!("{proxy}/v1/chat/completions"), &small, secs).await;
        upstream.clear();
        println!("throughput, 16 clients        direct {rd:>8.0} req/s | proxy {rp:>8.0} req/s | ratio {:.2}", rp / rd);

        // Memory is measured in fresh processes: RSS is a high-water mark.
        for mode in ["bypass", "compress"] {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .env(MEMORY_CHILD, mode)
                .output()
                .unwrap();
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    });
}
