//! Multi-turn replays shaped like Claude Code's and Codex's real traffic, over real corpus tool
//! outputs: every turn's forwarded conversation must be a byte prefix of the next turn's
//! wherever the client's was, so the provider's prompt cache keeps hitting.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::fixtures::corpus_outputs;
use crate::helpers::{start, Harness};

/// The raw items of the top-level list `key`, and the byte offset where each one ends.
fn items(body: &str, key: &str) -> Vec<(String, usize)> {
    let top: HashMap<String, &RawValue> = serde_json::from_str(body).unwrap();
    let list: Vec<&RawValue> = serde_json::from_str(top[key].get()).unwrap();
    list.iter()
        .map(|r| (r.get().to_owned(), r.get().as_ptr() as usize - body.as_ptr() as usize + r.get().len()))
        .collect()
}

/// Everything in `body` but the list `key` (system, tools, model, ...), as raw members.
fn others(body: &str, key: &str) -> Vec<(String, String)> {
    let top: serde_json::Map<String, Value> = serde_json::from_str(body).unwrap();
    top.into_iter().filter(|(k, _)| k != key).map(|(k, v)| (k, v.to_string())).collect()
}

/// Check the cache property between two consecutive turns; returns how many leading items the
/// two client turns share.
fn assert_cache_safe(turn: usize, clients: (&str, &str), forwarded: (&str, &str), key: &str) -> usize {
    let (c0, c1) = (items(clients.0, key), items(clients.1, key));
    let (f0, f1) = (items(forwarded.0, key), items(forwarded.1, key));
    assert_eq!(c0.len(), f0.len());
    assert_eq!(c1.len(), f1.len());
    let shared = c0.iter().zip(&c1).take_while(|(a, b)| a.0 == b.0).count();
    for i in 0..shared {
        assert!(f0[i].0 == f1[i].0, "turn {turn}: forwarded item {i} changed although the client's did not");
    }
    // With the same top-level members (same tools offered), the whole forwarded body is a byte
    // prefix up to the end of the shared items.
    if shared > 0 && others(forwarded.0, key) == others(forwarded.1, key) {
        let end = f0[shared - 1].1;
        assert!(
            forwarded.0[..end] == forwarded.1[..end],
            "turn {turn}: forwarded bodies diverge before item {shared}"
        );
    }
    shared
}

/// Items the proxy changed must be tool outputs; everything else is forwarded as sent.
fn assert_only_tool_outputs_changed(
    client: &str,
    forwarded: &str,
    key: &str,
    is_tool_output: fn(&Value) -> bool,
) {
    for ((c, _), (f, _)) in items(client, key).iter().zip(items(forwarded, key).iter()) {
        if c != f {
            let v: Value = serde_json::from_str(c).unwrap();
            assert!(is_tool_output(&v), "a non-tool item changed: {}", &c[..c.len().min(200)]);
        }
    }
}

/// How many items before the newest one the proxy rewrote: blocks compressed on an earlier turn
/// and compressed again, identically, on this one.
fn rewritten_items(client: &str, forwarded: &str, key: &str) -> usize {
    let (c, f) = (items(client, key), items(forwarded, key));
    c.iter().zip(f.iter()).take(c.len().saturating_sub(1)).filter(|(c, f)| c.0 != f.0).count()
}

async fn forward(h: &Harness, path: &str, body: &str) -> String {
    let res =
        if path == "/v1/messages" { h.post(path, body.to_owned()) } else { h.openai(path, body.to_owned()) };
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap();
    h.upstream.last().text().to_owned()
}

fn has_tool_result(m: &Value) -> bool {
    m["content"].as_array().is_some_and(|c| c.iter().any(|b| b["type"] == "tool_result"))
}

fn is_call_output(i: &Value) -> bool {
    i["type"].as_str().is_some_and(|t| t.ends_with("_call_output"))
}

#[tokio::test]
async fn claude_code_session_keeps_forwarded_prefixes_identical() {
    let h = start().await;
    let json_out = corpus_outputs("json");
    let logs = corpus_outputs("log");
    let search = corpus_outputs("search");
    let outputs: Vec<(&str, Value)> = vec![
        ("Bash", json!([{"type": "text", "text": "ok"}])),
        ("mcp__github__list_commits", json!([{"type": "text", "text": json_out[0]}])),
        ("Bash", json!([{"type": "text", "text": logs[0]}])),
        ("WebFetch", Value::String(json_out[1].clone())),
        ("Grep", json!([{"type": "text", "text": search[0]}])),
        (
            "mcp__k8s__get_pods",
            json!([{"type": "text", "text": json_out[2]}, {"type": "text", "text": "(truncated)"}]),
        ),
    ];
    let ephemeral = json!({"type": "ephemeral"});
    let system = json!([
        {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
        {"type": "text", "text": "You are an interactive CLI tool that helps users with software engineering tasks.", "cache_control": ephemeral}
    ]);
    let tools = json!([
        {"name": "Bash", "description": "Run a shell command.", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}},
        {"name": "Grep", "description": "Search files.", "input_schema": {"type": "object", "properties": {"pattern": {"type": "string"}}}},
        {"name": "WebFetch", "description": "Fetch a URL.", "input_schema": {"type": "object"}},
        {"name": "mcp__github__list_commits", "description": "List commits.", "input_schema": {"type": "object"}},
        {"name": "mcp__k8s__get_pods", "description": "List pods.", "input_schema": {"type": "object"}, "cache_control": ephemeral}
    ]);
    let mut messages: Vec<Value> = vec![json!({"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>As you answer the user's questions, you can use the following context.</system-reminder>"},
        {"type": "text", "text": "Find out why the release build is failing and fix it.", "cache_control": ephemeral}
    ]})];
    let mut clients = Vec::new();
    let mut forwarded = Vec::new();
    for (turn, (tool, output)) in outputs.iter().enumerate() {
        let body = json!({"model": "claude-sonnet-4-5-20250929", "max_tokens": 32000, "system": system, "tools": tools,
            "messages": messages, "thinking": {"type": "enabled", "budget_tokens": 10000},
            "metadata": {"user_id": "user_abc_account_1_session_2"}, "stream": true})
        .to_string();
        forwarded.push(forward(&h, "/v1/messages", &body).await);
        clients.push(body);

        // The assistant's turn: signed thinking, sometimes a server-side web search, a tool call.
        let id = format!("toolu_{turn:02}");
        let mut content = vec![
            json!({"type": "thinking", "thinking": format!("Step {turn}: look closer."), "signature": format!("EqQBCkYIBxgCKkB{turn}sig==")}),
        ];
        if turn == 2 {
            content.push(json!({"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "release build failing"}}));
            content.push(json!({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [
                {"type": "web_search_result", "url": "https://example.com/a", "title": "A", "encrypted_content": "Eu8BCioIAh", "page_age": null}]}));
        }
        content.push(json!({"type": "text", "text": format!("Running {tool}.")}));
        content.push(
            json!({"type": "tool_use", "id": id, "name": tool, "input": {"command": format!("step {turn}")}}),
        );
        messages.push(json!({"role": "assistant", "content": content}));
        // Claude Code moves the cache breakpoint to the newest tool result every turn.
        for m in messages.iter_mut() {
            for b in m["content"].as_array_mut().into_iter().flatten() {
                if let Some(o) = b.as_object_mut() {
                    o.remove("cache_control");
                }
            }
        }
        messages.push(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": id, "content": output, "cache_control": ephemeral}
        ]}));
    }
    let mut tool_offered_from = None;
    for t in 0..clients.len() {
        assert_only_tool_outputs_changed(&clients[t], &forwarded[t], "messages", has_tool_result);
        let offered = forwarded[t].contains("\"headroom_retrieve\"");
        match tool_offered_from {
            None if offered => tool_offered_from = Some(t),
            Some(_) => assert!(offered, "turn {t}: once offered, the retrieve tool stays"),
            None => {}
        }
        if t + 1 < clients.len() {
            // The client moves its cache_control, so it shares all messages but the last.
            let shared = assert_cache_safe(
                t,
                (&clients[t], &clients[t + 1]),
                (&forwarded[t], &forwarded[t + 1]),
                "messages",
            );
            assert!(shared + 1 >= items(&clients[t], "messages").len());
        }
    }
    let last = clients.len() - 1;
    assert!(
        rewritten_items(&clients[last], &forwarded[last], "messages") >= 1,
        "compressed blocks must recur"
    );
    let stats = h.stats().await;
    let saved = stats["tokens_saved_total"].as_u64().unwrap();
    assert!(saved > 0, "the replay saved nothing");
    let sent: usize = forwarded.iter().map(String::len).sum();
    let given: usize = clients.iter().map(String::len).sum();
    assert!(sent < given, "forwarded {sent} bytes of {given}");
}

#[tokio::test]
async fn codex_session_keeps_forwarded_prefixes_identical() {
    let h = start().await;
    let json_out = corpus_outputs("json");
    let logs = corpus_outputs("log");
    let outputs =
        [json_out[3].clone(), logs[1].clone(), json_out[4].clone(), "exit 0".to_owned(), json_out[5].clone()];
    let tools = json!([
        {"type": "function", "name": "shell", "description": "Runs a shell command.", "strict": false,
         "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}, "required": ["command"]}},
        {"type": "custom", "name": "apply_patch", "description": "Apply a patch."}
    ]);
    let mut input: Vec<Value> = vec![
        json!({"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "<permissions instructions>sandboxed</permissions instructions>"}]}),
        json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<environment_context><cwd>/repo</cwd></environment_context>"}]}),
        json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Why do the integration tests fail?"}]}),
    ];
    let mut clients = Vec::new();
    let mut forwarded = Vec::new();
    for (turn, output) in outputs.iter().enumerate() {
        let body = json!({"model": "gpt-5-codex", "instructions": "You are Codex, based on GPT-5.", "input": input,
            "tools": tools, "tool_choice": "auto", "parallel_tool_calls": false, "reasoning": {"effort": "medium", "summary": "auto"},
            "store": false, "stream": true, "include": ["reasoning.encrypted_content"], "prompt_cache_key": "0199a1f2-session"})
        .to_string();
        forwarded.push(forward(&h, "/v1/responses", &body).await);
        clients.push(body);
        let call = format!("call_{turn:02}");
        input.push(json!({"type": "reasoning", "summary": [{"type": "summary_text", "text": format!("Turn {turn}")}], "content": null, "encrypted_content": format!("gAAAAB{turn}xyz")}));
        input.push(json!({"type": "function_call", "name": "shell", "arguments": format!("{{\"command\":[\"bash\",\"-lc\",\"step {turn}\"]}}"), "call_id": call}));
        input.push(json!({"type": "function_call_output", "call_id": call, "output": output}));
    }
    for t in 0..clients.len() {
        assert_only_tool_outputs_changed(&clients[t], &forwarded[t], "input", is_call_output);
        if t + 1 < clients.len() {
            let shared = assert_cache_safe(
                t,
                (&clients[t], &clients[t + 1]),
                (&forwarded[t], &forwarded[t + 1]),
                "input",
            );
            assert_eq!(shared, items(&clients[t], "input").len(), "Codex only appends");
        }
    }
    let last = clients.len() - 1;
    assert!(rewritten_items(&clients[last], &forwarded[last], "input") >= 1, "compressed blocks must recur");
    assert!(h.stats().await["tokens_saved_total"].as_u64().unwrap() > 0, "the replay saved nothing");
}
