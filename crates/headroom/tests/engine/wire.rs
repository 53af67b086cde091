//! Format handling end to end: untouchable blocks stay byte-identical, `cache_control` stays
//! where it was, eligibility defaults, and bad input errors.

use headroom::{compress, CompressConfig, Retrieval};

fn big_log(lines: usize) -> String {
    (0..lines)
        .map(|i| format!("2024-05-01 12:00:{:02} INFO worker-{} processed batch {} in {} ms", i % 60, i % 7, i, 10 + i % 13))
        .chain(std::iter::once("2024-05-01 12:59:59 ERROR worker-3 failed: disk quota exceeded on /var/data".to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn anthropic_untouchables_are_byte_identical() {
    let log = big_log(600);
    let body = serde_json::json!({
        "model": "claude-sonnet-4-5",
        "system": [{"type": "text", "text": "You are helpful.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": "check the logs"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": log.clone(), "signature": "c2lnbmF0dXJl"},
                {"type": "tool_use", "id": "tu_1", "name": "Bash", "input": {"command": log.clone()}},
                {"type": "server_tool_use", "id": "st_1", "name": "web_search", "input": {"query": "x"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "tu_1", "content": [{"type": "text", "text": log.clone()}],
                 "cache_control": {"type": "ephemeral"}},
                {"type": "web_search_tool_result", "tool_use_id": "st_1", "content": [{"type": "web_search_result", "url": "https://e.com", "title": log.clone()}]},
                {"type": "text", "text": "what failed?"}
            ]}
        ]
    })
    .to_string();
    let result = compress(&body, &CompressConfig::default()).unwrap();
    let out: serde_json::Value = serde_json::from_str(result.messages.get()).unwrap();
    let inp: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Thinking, tool_use input, server tool blocks and cache_control markers untouched.
    assert_eq!(out["messages"][1], inp["messages"][1]);
    assert_eq!(out["messages"][2]["content"][1], inp["messages"][2]["content"][1]);
    assert_eq!(out["system"], inp["system"]);
    assert_eq!(out["messages"][2]["content"][0]["cache_control"], inp["messages"][2]["content"][0]["cache_control"]);
    // The tool result (which carries cache_control) is still eligible for compression; whatever
    // the log compressor does, it never grows.
    let text = out["messages"][2]["content"][0]["content"][0]["text"].as_str().unwrap();
    assert!(text.len() <= log.len());
}

#[test]
fn user_and_system_text_untouched_by_default() {
    let log = big_log(400);
    let body = serde_json::json!([
        {"role": "system", "content": log.clone()},
        {"role": "user", "content": log.clone()},
    ])
    .to_string();
    let r = compress(&body, &CompressConfig::default()).unwrap();
    assert_eq!(r.messages.get(), body);
    assert_eq!(r.tokens_saved, 0);
}

#[test]
fn small_blocks_untouched_and_lossless_has_no_originals() {
    let body = r#"[{"role":"tool","tool_call_id":"a","content":"short output"}]"#;
    let r = compress(body, &CompressConfig::default()).unwrap();
    assert_eq!(r.messages.get(), body);
    let cfg = CompressConfig { retrieval: Retrieval::LosslessOnly, ..CompressConfig::default() };
    let big = serde_json::json!([{"role":"tool","tool_call_id":"a","content": big_log(500)}]).to_string();
    let r = compress(&big, &cfg).unwrap();
    assert!(r.originals.is_empty());
    assert!(!r.messages.get().contains("[headroom:"));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    for bad in ["", "nope", "[1,2", "{\"model\":\"x\"}", "42", "[{\"role\":\"tool\",\"content\":12}]"] {
        let r = compress(bad, &CompressConfig::default());
        if let Ok(r) = &r {
            // Well-formed but odd input is passed through unchanged.
            assert_eq!(r.messages.get(), bad);
        }
    }
    assert!(compress("nope", &CompressConfig::default()).is_err());
    assert!(compress("{\"model\":\"x\"}", &CompressConfig::default()).is_err());
}
