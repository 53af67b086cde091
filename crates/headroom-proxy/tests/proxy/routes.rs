//! Routing, pass-through fidelity, errors, bypass, limits and fail-open.

use serde_json::Value;

use crate::fixtures;
use crate::helpers::{self, start, start_with};
use headroom_testkit::upstream::Reply;
use headroom_testkit::wire;

#[tokio::test]
async fn seed_request_reaches_upstream_80_percent_smaller_with_reply_unchanged() {
    let h = start().await;
    let canned = wire::chat::text_json("The top 3 are Result 0, Result 1 and Result 2.");
    h.upstream.push(Reply::json(canned.clone()));
    let body = fixtures::seed_chat();
    let res = h
        .openai("/v1/chat/completions", body.clone())
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), canned, "reply must come back byte for byte");

    let sent = h.upstream.last();
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-openai-test-key"));
    assert_eq!(sent.header("accept-encoding"), None, "compressed routes read their responses");
    let before = helpers::tokens(&body);
    let after = helpers::tokens(sent.text());
    assert!(after * 5 <= before, "forwarded {after} tokens of {before}: less than 80% smaller");
    let v = sent.json();
    // Only the tool output changed; the rest of the conversation is intact.
    let orig: Value = serde_json::from_str(&body).unwrap();
    for i in [0, 1, 2, 4] {
        assert_eq!(v["messages"][i], orig["messages"][i]);
    }
    assert!(v["messages"][3]["content"].as_str().unwrap().contains("Result 0"));
}

#[tokio::test]
async fn unknown_paths_pass_through_byte_identical() {
    let h = start().await;
    let reply = "{\"data\": [ {\"id\": \"gpt-4o\"} ],\n \"odd\":  true}";
    h.upstream.push(Reply::Json { status: 201, body: reply.into() });
    let body = "{\"weird\" : [1,2,3] ,\n\"x\":\"\\u00e9\"}";
    let res = h
        .http
        .put(format!("{}/v1/files/abc?purpose=batch&limit=2", h.url))
        .header("authorization", "Bearer sk-pass")
        .header("x-custom", "kept")
        .header("accept-encoding", "gzip")
        .header("x-headroom-debug", "stripped")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "dropped because connection names it")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers().get("x-fake-upstream").unwrap(), "1");
    assert_eq!(res.text().await.unwrap(), reply);
    let sent = h.upstream.last();
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.path, "/v1/files/abc?purpose=batch&limit=2");
    assert_eq!(sent.body, body.as_bytes());
    assert_eq!(sent.header("authorization"), Some("Bearer sk-pass"));
    assert_eq!(sent.header("x-custom"), Some("kept"));
    assert_eq!(sent.header("accept-encoding"), Some("gzip"));
    assert_eq!(sent.header("x-headroom-debug"), None);
    assert_eq!(sent.header("x-hop"), None);

    // GET without a body, e.g. listing models.
    let res = h.http.get(format!("{}/v1/models", h.url)).header("x-api-key", "k").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let get = h.upstream.last();
    assert_eq!(get.method, "GET");
    assert!(get.body.is_empty());
    assert_eq!(get.header("transfer-encoding"), None, "no body invented for a GET");
    assert_eq!(sent.header("content-length"), Some(body.len().to_string().as_str()));

    // A large upload is streamed through unchanged.
    let big = "x".repeat(3 << 20);
    let res = h.http.post(format!("{}/v1/uploads", h.url)).body(big.clone()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(h.upstream.last().body == big.as_bytes());
}

#[tokio::test]
async fn a_request_left_alone_is_forwarded_as_the_exact_bytes() {
    let h = start().await;
    // Small tool output, odd whitespace and key order: nothing to compress.
    let body = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"hi\"} ],\n  \"model\":\"claude-sonnet-4-5\", \"max_tokens\" : 5 }";
    let res = h.post("/v1/messages", body).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(h.upstream.last().body, body.as_bytes());
    // Not JSON at all: the upstream decides.
    h.upstream.push(Reply::error(
        400,
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"bad json"}}"#,
    ));
    let res = h.post("/v1/messages", "{not json").send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("bad json"));
    assert_eq!(h.upstream.last().body, "{not json".as_bytes());
}

#[tokio::test]
async fn upstream_errors_come_back_unchanged() {
    let h = start().await;
    for (status, body) in [
        (401, r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#),
        (429, r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#),
        (529, r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
    ] {
        h.upstream.push(Reply::error(status, body));
        let res = h.post("/v1/messages", fixtures::seed_anthropic(true)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status);
        assert_eq!(res.text().await.unwrap(), body);
    }
    h.upstream.push(Reply::error(500, r#"{"error":{"message":"boom","type":"server_error"}}"#));
    let res = h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap();
    assert_eq!(res.status(), 500);
    assert!(res.text().await.unwrap().contains("boom"));
}

#[tokio::test]
async fn unreachable_upstream_is_a_provider_shaped_502() {
    let h = start_with(|c| c.anthropic_upstream = "http://127.0.0.1:9".parse().unwrap()).await;
    let res = h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    assert_eq!(res.status(), 502);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "api_error");
}

#[tokio::test]
async fn bypass_header_skips_compression_and_is_not_forwarded() {
    let h = start().await;
    let body = fixtures::seed_chat();
    let res = h
        .openai("/v1/chat/completions", body.clone())
        .header("x-headroom-bypass", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sent = h.upstream.last();
    assert_eq!(sent.body, body.as_bytes());
    assert_eq!(sent.header("x-headroom-bypass"), None);
    assert_eq!(h.stats().await["requests"]["bypassed"], 1);
}

#[tokio::test]
async fn oversized_bodies_get_a_clear_413() {
    let h = start_with(|c| c.body_limit = "1KB".parse().unwrap()).await;
    let res = h.post("/v1/messages", fixtures::seed_anthropic(false)).send().await.unwrap();
    assert_eq!(res.status(), 413);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["type"], "request_too_large");
    assert!(v["error"]["message"].as_str().unwrap().contains("1000 bytes"));
    let res = h.openai("/v1/chat/completions", fixtures::seed_chat()).send().await.unwrap();
    assert_eq!(res.status(), 413);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(h.upstream.requests().is_empty());
}

#[tokio::test]
async fn a_blown_time_budget_forwards_the_original_bytes() {
    let h = start_with(|c| c.compression_budget = "0ms".parse().unwrap()).await;
    let body = fixtures::chat_with(fixtures::results(3000));
    assert!(body.len() > 64 * 1024, "the budget applies to bodies compressed off-thread");
    let res = h.openai("/v1/chat/completions", body.clone()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(h.upstream.last().body, body.as_bytes());
    assert_eq!(h.stats().await["requests"]["failed_open"], 1);
}

#[tokio::test]
async fn several_choices_or_a_failure_keep_compression_lossless_and_the_model_counted() {
    let h = start().await;
    let mut body: Value = serde_json::from_str(&fixtures::seed_chat()).unwrap();
    body["n"] = 2.into();
    body["model"] = "gpt-4o-mini".into();
    h.openai("/v1/chat/completions", body.to_string()).send().await.unwrap();
    let sent = h.upstream.last();
    let text = String::from_utf8(sent.body.to_vec()).unwrap();
    assert!(text.len() < body.to_string().len(), "still compressed losslessly");
    assert!(!text.contains("[headroom:") && !text.contains("headroom_retrieve"), "{text}");
    let stats = h.stats().await;
    assert_eq!(stats["by_model"]["gpt-4o-mini"]["requests"], 1, "{stats}");
    // JSON of the wrong shape fails open, still counted under its model.
    h.openai("/v1/chat/completions", r#"{"model":"gpt-4o","messages":7}"#).send().await.unwrap();
    assert_eq!(h.upstream.last().body, r#"{"model":"gpt-4o","messages":7}"#.as_bytes());
    let stats = h.stats().await;
    assert_eq!(stats["requests"]["failed_open"], 1, "{stats}");
    assert_eq!(stats["by_model"]["gpt-4o"]["requests"], 1, "{stats}");
}

#[tokio::test]
async fn excluded_tools_are_left_alone() {
    let h = start_with(|c| c.excluded_tools = vec!["sea*".into()]).await;
    let body = fixtures::seed_chat();
    h.openai("/v1/chat/completions", body.clone()).send().await.unwrap();
    assert_eq!(h.upstream.last().body, body.as_bytes());
}

#[tokio::test]
async fn health_and_library_endpoint() {
    let h = start().await;
    assert_eq!(h.get_json("/health").await["status"], "ok");
    let messages: Value = serde_json::from_str(&fixtures::seed_chat()).unwrap();
    let req = serde_json::json!({"messages": messages["messages"], "config": {"model": "gpt-4o"}});
    let res = h.openai("/v1/compress", req.to_string()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert!(v["tokens_saved"].as_u64().unwrap() > 0);
    assert!(v["compression_ratio"].as_f64().unwrap() >= 0.8);
    assert!(v["messages"].is_array());
    let bad = h.openai("/v1/compress", r#"{"messages": [], "config": {"modle": "x"}}"#).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(h.upstream.requests().is_empty());
}
