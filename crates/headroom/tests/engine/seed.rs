//! The seed quickstart example: 500 search results, `model = gpt-4o`.

use headroom::{compress, CompressConfig, Marker};

pub(crate) fn seed_messages() -> String {
    let results: Vec<serde_json::Value> = (0..500)
        .map(|i| serde_json::json!({"title": format!("Result {i}"), "snippet": format!("Description {i}"), "score": 100 - i}))
        .collect();
    // Python's json.dumps separators: ", " and ": ".
    let tool = serde_json::to_string(&serde_json::json!({"results": results})).unwrap().replace(",\"", ", \"").replace("\":", "\": ");
    serde_json::json!([
        {"role": "system", "content": "You analyze search results."},
        {"role": "user", "content": "Search for Python tutorials."},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "search", "arguments": "{\"q\": \"python\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": tool},
        {"role": "user", "content": "What are the top 3 results?"}
    ])
    .to_string()
}

#[test]
fn seed_example_saves_85_percent_and_keeps_top_3() {
    let r = compress(&seed_messages(), &CompressConfig { model: "gpt-4o".into(), ..CompressConfig::default() }).unwrap();
    assert!(r.compression_ratio >= 0.85, "saved only {:.1}%", r.compression_ratio * 100.0);
    let out: serde_json::Value = serde_json::from_str(r.messages.get()).unwrap();
    let tool = out[3]["content"].as_str().unwrap();
    for top in ["Result 0", "Result 1", "Result 2"] {
        assert!(tool.contains(top), "{top} missing from {tool}");
    }
    let markers = Marker::find_all(tool);
    assert!(!markers.is_empty(), "no marker");
    assert_eq!(r.originals.len(), 1);
    assert_eq!(r.originals[0].hash, markers[0].hash);
    assert!(r.originals[0].content.contains("Result 499"));
}
