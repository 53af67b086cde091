//! The `headroom_retrieve` round trip, streamed and not, in all three wire formats; client tools
//! alongside; `/v1/retrieve` and tenant scoping.

use headroom::Marker;
use headroom_testkit::upstream::{Recorded, Reply};
use headroom_testkit::wire::{self, anthropic::Block};
use serde_json::{json, Value};

use crate::fixtures;
use crate::helpers::{start, KEY_A};

const NAME: &str = "headroom_retrieve";

/// The first marker hash in a forwarded request.
fn marker_hash(req: &Recorded) -> String {
    let text = req.text();
    let unescaped: String = serde_json::from_str::<Value>(text).map(|v| v.to_string()).unwrap();
    Marker::find_all(&unescaped)
        .first()
        .map(|m| m.hash.to_string())
        .expect("no marker in the forwarded request")
}

fn tool_names(req: &Value) -> Vec<String> {
    req["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["name"].as_str().or(t["function"]["name"].as_str()).unwrap_or_default().to_owned())
        .collect()
}

/// Parse an SSE body into (event name, data) pairs.
fn events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let name = e.lines().find_map(|l| l.strip_prefix("event: ")).unwrap_or_default().to_owned();
            let data = e.lines().find_map(|l| l.strip_prefix("data: ")).unwrap_or_default();
            (name, serde_json::from_str(data).unwrap_or(Value::String(data.to_owned())))
        })
        .collect()
}

/// The second request continues the first: identical bytes up to the closing bracket of the
/// first one's message list, and more items after.
fn assert_continues(first: &Recorded, second: &Recorded, list: &str) {
    let (a, b) = (first.text(), second.text());
    let close = crate::fixtures::list_end(a, list) - 1;
    assert_eq!(&b[..close], &a[..close], "the follow-up must extend the forwarded request");
    assert!(second.json()[list].as_array().unwrap().len() > first.json()[list].as_array().unwrap().len());
}

#[tokio::test]
async fn anthropic_round_trip_not_streamed() {
    let h = start().await;
    h.upstream.push(Reply::dynamic(|req| {
        let input = json!({"hash": marker_hash(req)});
        Reply::json(wire::anthropic::json(
            &[
                Block::Text("Let me look at all of them.".into()),
                Block::ToolUse { id: "toolu_r1".into(), name: NAME.into(), input },
            ],
            "tool_use",
        ))
    }));
    h.upstream.push(Reply::dynamic(|req| {
        let v = req.json();
        let answer = &v["messages"].as_array().unwrap().last().unwrap()["content"][0];
        assert_eq!(answer["type"], "tool_result");
        assert_eq!(answer["tool_use_id"], "toolu_r1");
        assert!(
            answer["content"].as_str().unwrap() == fixtures::seed_results(),
            "the answer is the original"
        );
        Reply::json(wire::anthropic::text_json("Result 499 has the lowest score, -399."))
    }));
    let res = h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert!(!v.to_string().contains(NAME), "the client must never see the tool: {v}");
    let texts: Vec<&str> =
        v["content"].as_array().unwrap().iter().map(|b| b["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Let me look at all of them.", "Result 499 has the lowest score, -399."]);
    assert_eq!(v["stop_reason"], "end_turn");
    assert_eq!(v["usage"]["output_tokens"], 34, "usage of both rounds is added up");

    let reqs = h.upstream.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(tool_names(&reqs[0].json()), [NAME]);
    assert_continues(&reqs[0], &reqs[1], "messages");
    assert_eq!(reqs[1].header("x-api-key"), Some(KEY_A));
    assert_eq!(h.stats().await["retrieve"]["calls"], 1);
}

#[tokio::test]
async fn anthropic_round_trip_streamed_as_one_message() {
    let h = start().await;
    h.upstream.push(Reply::dynamic(|req| {
        let input = json!({"hash": marker_hash(req)});
        Reply::sse(wire::anthropic::events(
            &[
                Block::Thinking("The list was cut.".into(), "sig-abc".into()),
                Block::Text("Checking.".into()),
                Block::ToolUse { id: "toolu_r1".into(), name: NAME.into(), input },
            ],
            "tool_use",
        ))
    }));
    h.upstream.push(Reply::dynamic(|req| {
        let v = req.json();
        let msgs = v["messages"].as_array().unwrap();
        let replay = &msgs[msgs.len() - 2];
        assert_eq!(replay["role"], "assistant");
        assert_eq!(
            replay["content"][0],
            json!({"type": "thinking", "thinking": "The list was cut.", "signature": "sig-abc"})
        );
        assert_eq!(replay["content"][2]["name"], NAME);
        assert!(replay["content"][2]["input"]["hash"].is_string());
        Reply::sse(wire::anthropic::text_events("Result 499 is last."))
    }));
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains(NAME), "the client must never see the tool");
    let evs = events(&body);
    let count = |n: &str| evs.iter().filter(|(name, _)| name == n).count();
    assert_eq!(count("message_start"), 1);
    assert_eq!(count("message_stop"), 1);
    assert_eq!(count("message_delta"), 1);
    let starts: Vec<(u64, String)> = evs
        .iter()
        .filter(|(n, _)| n == "content_block_start")
        .map(|(_, d)| (d["index"].as_u64().unwrap(), d["content_block"]["type"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(starts, [(0, "thinking".into()), (1, "text".into()), (2, "text".into())]);
    let text: String = evs
        .iter()
        .filter(|(_, d)| d["delta"]["type"] == "text_delta")
        .map(|(_, d)| d["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Checking.Result 499 is last.");
    let delta = evs.iter().find(|(n, _)| n == "message_delta").unwrap();
    assert_eq!(delta.1["delta"]["stop_reason"], "end_turn");
    assert_eq!(h.upstream.requests().len(), 2);
}

#[tokio::test]
async fn client_tools_still_work_when_the_model_also_retrieves() {
    let h = start().await;
    h.upstream.push(Reply::dynamic(|req| {
        let input = json!({"hash": marker_hash(req)});
        Reply::sse(wire::anthropic::events(
            &[
                Block::ToolUse { id: "toolu_r1".into(), name: NAME.into(), input },
                Block::ToolUse { id: "toolu_b".into(), name: "Bash".into(), input: json!({"command": "ls"}) },
            ],
            "tool_use",
        ))
    }));
    let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
    let body = res.text().await.unwrap();
    assert!(!body.contains(NAME));
    let evs = events(&body);
    let start = evs.iter().find(|(n, _)| n == "content_block_start").unwrap();
    assert_eq!(start.1["index"], 0);
    assert_eq!(start.1["content_block"]["name"], "Bash");
    let delta = evs.iter().find(|(n, _)| n == "message_delta").unwrap();
    assert_eq!(delta.1["delta"]["stop_reason"], "tool_use");
    assert_eq!(h.upstream.requests().len(), 1, "the client runs its tool; no follow-up");

    // Not streamed: same rule.
    h.upstream.push(Reply::dynamic(|req| {
        let input = json!({"hash": marker_hash(req)});
        Reply::json(wire::anthropic::json(
            &[
                Block::ToolUse { id: "toolu_r1".into(), name: NAME.into(), input },
                Block::ToolUse { id: "toolu_b".into(), name: "Bash".into(), input: json!({"command": "ls"}) },
            ],
            "tool_use",
        ))
    }));
    let v: Value =
        h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["content"].as_array().unwrap().len(), 1);
    assert_eq!(v["content"][0]["name"], "Bash");
    assert_eq!(v["stop_reason"], "tool_use");
}

#[tokio::test]
async fn chat_round_trip_streamed_and_not() {
    let h = start().await;
    let calls = |req: &Recorded| format!(r#"{{"hash":"{}"}}"#, marker_hash(req));
    h.upstream.push(Reply::dynamic(move |req| {
        Reply::json(wire::chat::json(None, &[("call_r", NAME, &calls(req))]))
    }));
    h.upstream.push(Reply::dynamic(|req| {
        let v = req.json();
        let msgs = v["messages"].as_array().unwrap();
        assert_eq!(msgs[msgs.len() - 2]["tool_calls"][0]["function"]["name"], NAME);
        assert_eq!(msgs[msgs.len() - 1]["role"], "tool");
        assert!(
            msgs[msgs.len() - 1]["content"].as_str().unwrap() == fixtures::seed_results(),
            "the answer is the original"
        );
        Reply::json(wire::chat::text_json("All 500 seen."))
    }));
    let res = h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap();
    let v: Value = res.json().await.unwrap();
    assert!(!v.to_string().contains(NAME));
    assert_eq!(v["choices"][0]["message"]["content"], "All 500 seen.");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    let reqs = h.upstream.requests();
    assert_continues(&reqs[0], &reqs[1], "messages");

    h.upstream.clear();
    let body = fixtures::seed_chat().replacen("\"model\"", "\"stream\":true,\"model\"", 1);
    h.upstream.push(Reply::dynamic(move |req| {
        Reply::sse(wire::chat::events(None, &[("call_r", NAME, &calls(req))]))
    }));
    h.upstream.push(Reply::sse(wire::chat::text_events("All 500 seen.")));
    let text = h.openai("/v1/chat/completions", body).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains(NAME));
    assert_eq!(text.matches("[DONE]").count(), 1);
    let evs = events(&text);
    let content: String = evs
        .iter()
        .filter_map(|(_, d)| d.pointer("/choices/0/delta/content").and_then(Value::as_str))
        .collect();
    assert_eq!(content, "All 500 seen.");
    let finishes: Vec<&str> = evs
        .iter()
        .filter_map(|(_, d)| d.pointer("/choices/0/finish_reason").and_then(Value::as_str))
        .collect();
    assert_eq!(finishes, ["stop"]);
    assert_eq!(h.upstream.requests().len(), 2);
}

#[tokio::test]
async fn responses_round_trip_streamed_and_not() {
    let h = start().await;
    let input_body = |stream: bool| {
        json!({"model": "gpt-5-codex", "stream": stream, "instructions": "You are Codex.",
            "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object"}}],
            "input": [
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "search for python tutorials"}]},
                {"type": "function_call", "call_id": "c1", "name": "shell", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c1", "output": fixtures::seed_results()}
            ]})
        .to_string()
    };
    let call = |req: &Recorded| format!(r#"{{"hash":"{}"}}"#, marker_hash(req));
    h.upstream.push(Reply::dynamic(move |req| {
        Reply::json(wire::responses::json(None, &[("call_r", NAME, &call(req))]))
    }));
    h.upstream.push(Reply::dynamic(|req| {
        let v = req.json();
        let items = v["input"].as_array().unwrap();
        assert_eq!(items[items.len() - 1]["type"], "function_call_output");
        assert!(
            items[items.len() - 1]["output"].as_str().unwrap() == fixtures::seed_results(),
            "the answer is the original"
        );
        Reply::json(wire::responses::text_json("done"))
    }));
    let v: Value = h.openai("/v1/responses", input_body(false)).send().await.unwrap().json().await.unwrap();
    assert!(!v.to_string().contains(NAME));
    assert_eq!(v["output"][0]["content"][0]["text"], "done");
    let reqs = h.upstream.requests();
    assert_eq!(tool_names(&reqs[0].json()), ["shell", NAME]);
    assert_continues(&reqs[0], &reqs[1], "input");

    h.upstream.clear();
    h.upstream.push(Reply::dynamic(move |req| {
        Reply::sse(wire::responses::events(Some("Looking."), &[("call_r", NAME, &call(req))]))
    }));
    h.upstream.push(Reply::sse(wire::responses::text_events("done")));
    let text = h.openai("/v1/responses", input_body(true)).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains(NAME));
    let evs = events(&text);
    assert_eq!(evs.iter().filter(|(n, _)| n == "response.created").count(), 1);
    let completed: Vec<&Value> =
        evs.iter().filter(|(n, _)| n == "response.completed").map(|(_, d)| d).collect();
    assert_eq!(completed.len(), 1);
    let out = completed[0]["response"]["output"].as_array().unwrap();
    assert_eq!(out.len(), 2, "both rounds' messages are listed: {out:?}");
    let added: Vec<u64> = evs
        .iter()
        .filter(|(n, _)| n == "response.output_item.added")
        .map(|(_, d)| d["output_index"].as_u64().unwrap())
        .collect();
    assert_eq!(added, [0, 1]);
    let seqs: Vec<u64> = evs.iter().filter_map(|(_, d)| d["sequence_number"].as_u64()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "sequence numbers increase: {seqs:?}");
}

#[tokio::test]
async fn retrieve_endpoint_is_scoped_by_api_key() {
    let h = start().await;
    h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    let hash = marker_hash(&h.upstream.last());
    let url = format!("{}/v1/retrieve/{hash}", h.url);
    let mine = h.http.get(&url).header("x-api-key", KEY_A).send().await.unwrap();
    assert_eq!(mine.status(), 200);
    assert!(mine.text().await.unwrap() == fixtures::seed_results());
    let theirs = h.http.get(&url).header("x-api-key", "sk-ant-someone-else").send().await.unwrap();
    assert_eq!(theirs.status(), 404);
    let local = h.http.get(&url).send().await.unwrap();
    assert_eq!(local.status(), 200, "the local user (loopback, no key) reads any scope");
    let bad = h.http.get(format!("{}/v1/retrieve/not-a-hash", h.url)).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_tool_is_only_offered_when_markers_were_emitted() {
    let h = start().await;
    let small = json!({"model": "claude-sonnet-4-5", "max_tokens": 10, "tools": [{"name": "Bash", "input_schema": {"type": "object"}}],
        "messages": [{"role": "user", "content": "hi"}]})
    .to_string();
    h.post("/v1/messages", small.clone()).send().await.unwrap();
    assert_eq!(h.upstream.last().body, small.as_bytes());
    let h = crate::helpers::start_with(|c| c.retrieval = headroom_proxy::RetrievalMode::Off).await;
    h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    let sent = h.upstream.last();
    assert!(tool_names(&sent.json()).is_empty());
    assert!(Marker::find_all(sent.text()).is_empty(), "lossless only when retrieval is off");
}

#[tokio::test]
async fn a_failed_follow_up_is_reported_never_turned_into_success() {
    let h = start().await;
    let overloaded = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let tool_call = |req: &Recorded, stream: bool| {
        let blocks = [Block::ToolUse {
            id: "toolu_r1".into(),
            name: NAME.into(),
            input: json!({"hash": marker_hash(req)}),
        }];
        if stream {
            Reply::sse(wire::anthropic::events(&blocks, "tool_use"))
        } else {
            Reply::json(wire::anthropic::json(&blocks, "tool_use"))
        }
    };
    h.upstream.push(Reply::dynamic(move |req| tool_call(req, false)));
    h.upstream.push(Reply::error(529, overloaded));
    let res = h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    assert_eq!(res.status(), 529);
    assert_eq!(res.text().await.unwrap(), overloaded);

    h.upstream.push(Reply::dynamic(move |req| tool_call(req, true)));
    h.upstream.push(Reply::error(529, overloaded));
    let body =
        h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap().text().await.unwrap();
    let evs = events(&body);
    let last = evs.last().unwrap();
    assert_eq!(last.0, "error");
    assert_eq!(last.1["error"]["type"], "overloaded_error");
    assert!(!body.contains("message_stop"), "a failed continuation must not look complete");
}

#[tokio::test]
async fn chat_stream_keeps_client_calls_renumbered_when_the_model_also_retrieves() {
    let h = start().await;
    let body = fixtures::seed_chat().replacen("\"model\"", "\"stream\":true,\"model\"", 1);
    h.upstream.push(Reply::dynamic(|req| {
        let ours = format!(r#"{{"hash":"{}"}}"#, marker_hash(req));
        Reply::sse(wire::chat::events(
            Some("Two things."),
            &[("call_r", NAME, &ours), ("call_s", "search", r#"{"q":"rust"}"#)],
        ))
    }));
    let text = h.openai("/v1/chat/completions", body).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains(NAME));
    let evs = events(&text);
    let calls: Vec<&Value> = evs
        .iter()
        .filter_map(|(_, d)| d.pointer("/choices/0/delta/tool_calls").and_then(Value::as_array))
        .flatten()
        .collect();
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|c| c["index"] == 0), "the client's only call is renumbered to 0: {calls:?}");
    let args: String = calls.iter().filter_map(|c| c["function"]["arguments"].as_str()).collect();
    assert_eq!(args, r#"{"q":"rust"}"#);
    let finishes: Vec<&str> = evs
        .iter()
        .filter_map(|(_, d)| d.pointer("/choices/0/finish_reason").and_then(Value::as_str))
        .collect();
    assert_eq!(finishes, ["tool_calls"]);
    assert_eq!(text.matches("[DONE]").count(), 1);
    assert_eq!(h.upstream.requests().len(), 1);
}
