//! headroom-mcp integration tests: a raw JSON-RPC MCP client (newline-delimited, as over stdio)
//! drives the server through an in-process pipe; `install` checks the agent config editors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout, missing_docs)]

mod install;

use std::sync::Arc;
use std::time::Duration;

use headroom::{ContentHash, Marker};
use headroom_mcp::{serve, McpConfig, McpError};
use headroom_store::{MemoryStore, Scope, SharedStore, Store};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf};
use tokio::task::JoinHandle;

/// An MCP client speaking the wire protocol by hand, so the test checks bytes rmcp did not
/// write itself.
struct Client {
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    writer: WriteHalf<DuplexStream>,
    next_id: u64,
    server: JoinHandle<Result<(), McpError>>,
}

impl Client {
    /// Start a server on `store` and complete the handshake; returns the `initialize` result.
    async fn connect(store: SharedStore) -> (Self, Value) {
        let (ours, theirs) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(serve(theirs, store, McpConfig::for_model("gpt-4o")));
        let (reader, writer) = tokio::io::split(ours);
        let mut client = Self { lines: BufReader::new(reader).lines(), writer, next_id: 1, server };
        let init = client
            .request(
                "initialize",
                json!({
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "headroom-test", "version": "0"}
                }),
            )
            .await;
        client.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;
        (client, init)
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Send a request and return its whole response, skipping any notifications.
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        loop {
            let line = tokio::time::timeout(Duration::from_secs(60), self.lines.next_line())
                .await
                .expect("server answered in time")
                .unwrap()
                .expect("server kept the pipe open");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == json!(id) {
                assert_eq!(message["jsonrpc"], "2.0");
                return message;
            }
        }
    }

    /// `tools/call`; returns the `result` (a protocol error fails the test).
    async fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments})).await;
        assert!(response.get("error").is_none(), "protocol error from {tool}: {response}");
        response["result"].clone()
    }

    /// Close our end (like an agent closing the server's stdin) and wait for a clean exit.
    async fn close(self) {
        drop(self.writer);
        drop(self.lines);
        let outcome = tokio::time::timeout(Duration::from_secs(10), self.server).await;
        outcome.expect("server stopped after the client closed").unwrap().unwrap();
    }
}

fn text_blocks(result: &Value) -> Vec<&str> {
    result["content"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect()
}

fn memory_store() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

/// The single tool output of an OpenAI-format corpus case, and its question and needles.
fn corpus_tool_output(id: &str) -> (String, String, Vec<String>) {
    let case = headroom_testkit::corpus::load(&headroom_testkit::corpus::default_dir())
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("corpus case {id}"));
    let tool = case.messages.as_array().unwrap().iter().find(|m| m["role"] == "tool").unwrap();
    (tool["content"].as_str().unwrap().to_owned(), case.question, case.needles)
}

#[tokio::test]
async fn handshake_lists_three_tools_with_schemas() {
    let (mut client, init) = Client::connect(memory_store()).await;
    let init = &init["result"];
    assert_eq!(init["protocolVersion"], "2025-06-18");
    assert_eq!(init["serverInfo"]["name"], "headroom");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");

    let list = client.request("tools/list", json!({})).await;
    let tools = list["result"]["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["headroom_compress", "headroom_retrieve", "headroom_stats"]);
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap();

    let compress = &tool("headroom_compress")["inputSchema"];
    assert_eq!(compress["type"], "object");
    assert_eq!(compress["required"], json!(["text"]));
    for field in ["text", "question", "model"] {
        assert!(compress["properties"][field]["description"].is_string(), "{field}: {compress}");
    }
    let retrieve = &tool("headroom_retrieve")["inputSchema"];
    assert_eq!(retrieve["required"], json!(["hash"]));
    assert_eq!(retrieve["properties"]["hash"]["type"], "string");
    assert_eq!(tool("headroom_stats")["inputSchema"]["type"], "object");
    for t in tools {
        assert!(t["description"].as_str().is_some_and(|d| d.len() > 40), "{t}");
    }
    client.close().await;
}

#[tokio::test]
async fn compress_then_retrieve_round_trips_real_outputs() {
    let store = memory_store();
    let (mut client, _) = Client::connect(store.clone()).await;
    let (mut saved_total, mut retrieved) = (0, 0);
    // A log always loses routine lines behind a marker; JSON may only be re-encoded
    // losslessly, but its original is kept all the same.
    for (id, lossy) in [("s_log_hdfs_replication", true), ("s_json_github_workflow_runs", false)] {
        let (text, question, needles) = corpus_tool_output(id);
        let result = client.call("headroom_compress", json!({"text": text, "question": question})).await;
        assert_eq!(result["isError"], false, "{id}: {result}");
        let blocks = text_blocks(&result);
        let [compressed, meta] = blocks[..] else { panic!("{id}: want text + meta, got {blocks:?}") };
        let meta: Value = serde_json::from_str(meta).unwrap();

        let hash = ContentHash::of(&text);
        assert_eq!(meta["hash"], hash.as_str(), "{id}");
        let (before, after) =
            (meta["tokens_before"].as_u64().unwrap(), meta["tokens_after"].as_u64().unwrap());
        assert!(before > 10_000, "{id}: a big output, {before} tokens");
        assert!(after < before, "{id}: {after} tokens after, {before} before");
        assert_eq!(meta["tokens_saved"], before - after);
        assert_eq!(meta["token_count"]["method"], "exact", "gpt-4o counts exactly: {meta}");
        saved_total += before - after;

        let markers = Marker::find_all(compressed);
        assert!(!lossy || !markers.is_empty(), "{id}: lossy compression names what it dropped");
        assert!(markers.iter().all(|m| m.hash == hash), "{id}: markers point at this text");
        assert_eq!(meta["markers"], markers.len());
        assert_eq!(meta["stored"], true);
        assert_eq!(store.get(&Scope::local(), &hash).unwrap().as_deref(), Some(text.as_str()));

        let kept = needles.iter().filter(|n| compressed.contains(n.as_str())).count();
        println!("{id}: {before} -> {after} tokens, needles verbatim {kept}/{}", needles.len());

        // What an agent does with a marker: paste its hash back (or the whole marker).
        let mut asks = vec![hash.to_string()];
        asks.extend(markers.first().map(|m| compressed[m.range.clone()].to_owned()));
        for ask in asks {
            let original = client.call("headroom_retrieve", json!({"hash": ask})).await;
            assert_eq!(original["isError"], false, "{id}: {original}");
            assert_eq!(text_blocks(&original), [text.as_str()], "{id}: retrieve returns the exact original");
            retrieved += 1;
        }
    }

    let stats = client.call("headroom_stats", json!({})).await;
    let stats: Value = serde_json::from_str(text_blocks(&stats)[0]).unwrap();
    assert_eq!(stats["compress_calls"], 2);
    assert_eq!(stats["retrieve_hits"], retrieved);
    assert_eq!(stats["retrieve_misses"], 0);
    assert_eq!(stats["stats_calls"], 1);
    assert_eq!(stats["tokens_saved"], saved_total);
    assert_eq!(stats["originals_stored"], 2);
    client.close().await;
}

#[tokio::test]
async fn small_text_comes_back_unchanged_and_unstored() {
    let store = memory_store();
    let (mut client, _) = Client::connect(store.clone()).await;
    let text = "error: could not find `Cargo.toml` in `/tmp/x` or any parent directory";
    let result = client.call("headroom_compress", json!({"text": text, "model": "claude-sonnet-4-5"})).await;
    let blocks = text_blocks(&result);
    assert_eq!(blocks[0], text);
    let meta: Value = serde_json::from_str(blocks[1]).unwrap();
    assert_eq!(meta["tokens_before"], meta["tokens_after"]);
    assert_eq!(meta["stored"], false);
    assert_eq!(meta["token_count"]["method"], "estimate", "claude counts are labelled estimates");
    assert_eq!(store.get_any(&ContentHash::of(text)).unwrap(), None);
    client.close().await;
}

#[tokio::test]
async fn retrieve_of_unknown_or_malformed_hash_is_a_tool_error() {
    let store = memory_store();
    store
        .put_many(
            &Scope::new("tenant-a"),
            &[headroom::Original { hash: ContentHash::of("kept"), content: "kept".into() }],
        )
        .unwrap();
    let (mut client, _) = Client::connect(store).await;

    let unknown = "0123456789abcdef01234567";
    let result = client.call("headroom_retrieve", json!({"hash": unknown})).await;
    assert_eq!(result["isError"], true);
    assert!(text_blocks(&result)[0].contains(unknown), "{result}");

    let result = client.call("headroom_retrieve", json!({"hash": "not-a-hash"})).await;
    assert_eq!(result["isError"], true);
    assert!(text_blocks(&result)[0].contains("24 lowercase hex digits"), "{result}");

    // Local tools read every scope (the proxy stores under per-key scopes).
    let result = client.call("headroom_retrieve", json!({"hash": ContentHash::of("kept").as_str()})).await;
    assert_eq!(text_blocks(&result), ["kept"]);

    // A missing argument is reported to the caller, not a crash.
    let result = client.call("headroom_retrieve", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(text_blocks(&result)[0].contains("hash"), "{result}");

    let stats = client.call("headroom_stats", json!({})).await;
    let stats: Value = serde_json::from_str(text_blocks(&stats)[0]).unwrap();
    assert_eq!((stats["retrieve_hits"].as_u64(), stats["retrieve_misses"].as_u64()), (Some(1), Some(2)));
    client.close().await;
}
