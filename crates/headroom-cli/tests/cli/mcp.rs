//! `headroom mcp serve` driven as a real stdio MCP server: handshake, tools/list, compress a
//! corpus log, retrieve the original through the same store the CLI reads.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use serde_json::{json, Value};

use crate::{repo_root, text, Env};

#[test]
fn mcp_serve_handshake_compress_and_retrieve() {
    let env = Env::new();
    let mut child = env
        .cmd()
        .args(["mcp", "serve", "--model", "gpt-4o"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut call = |msg: Value, expect_reply: bool| -> Option<Value> {
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
        if !expect_reply {
            return None;
        }
        let line = lines.next().unwrap().unwrap();
        Some(serde_json::from_str(&line).unwrap())
    };
    let init = call(
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"0"}}}),
        true,
    )
    .unwrap();
    assert!(init["result"]["serverInfo"].is_object(), "{init}");
    call(json!({"jsonrpc":"2.0","method":"notifications/initialized"}), false);
    let list = call(json!({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}), true).unwrap();
    let mut names: Vec<&str> =
        list["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["headroom_compress", "headroom_retrieve", "headroom_stats"]);

    let case: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("../shared/corpus/s_log_openssh_login.json")).unwrap(),
    )
    .unwrap();
    let log = case["messages"].as_array().unwrap().iter().find(|m| m["role"] == "tool").unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = call(
        json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"headroom_compress","arguments":{"text": log, "question": case["question"]}}}),
        true,
    )
    .unwrap();
    let content = res["result"]["content"].as_array().unwrap();
    let compressed = content[0]["text"].as_str().unwrap();
    assert!(compressed.len() * 4 < log.len(), "not compressed: {} -> {}", log.len(), compressed.len());
    let marker = headroom::Marker::find_all(compressed).into_iter().next().expect("marker");
    let back = call(
        json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"headroom_retrieve","arguments":{"hash": marker.hash.as_str()}}}),
        true,
    )
    .unwrap();
    assert_eq!(back["result"]["content"][0]["text"].as_str().unwrap(), log);
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    // The CLI reads the same store.
    let cli = env.run(&["retrieve", marker.hash.as_str()], None);
    assert_eq!(text(&cli.stdout).trim_end(), log.trim_end());
}
