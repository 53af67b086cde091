"""CompressConfig: the engine's fields and defaults, keyword-built, and how compress() layers
`config`, `model` and overrides."""

from __future__ import annotations

from headroom import CompressConfig, compress


def test_defaults_are_the_engines() -> None:
    c = CompressConfig()
    assert c.model == "claude-sonnet-4-5"
    assert c.min_tokens_to_compress == 250
    assert c.compress_user_messages is False and c.compress_system_messages is False
    assert c.protect_recent == 0
    assert c.target_ratio is None and c.query is None and c.format is None
    assert c.query_scope == "latest" and c.retrieval == "markers"
    assert c.excluded_tools == []


def test_keyword_construction_replace_and_equality() -> None:
    c = CompressConfig(model="gpt-4o", min_tokens_to_compress=100, excluded_tools=["mcp__*"], target_ratio=0.5)
    assert (c.model, c.min_tokens_to_compress, c.excluded_tools, c.target_ratio) == ("gpt-4o", 100, ["mcp__*"], 0.5)
    d = c.replace(min_tokens_to_compress=10)
    assert d.min_tokens_to_compress == 10 and d.model == "gpt-4o"
    assert c.min_tokens_to_compress == 100  # unchanged
    assert c == CompressConfig(**c.to_dict())
    assert c != d
    assert repr(CompressConfig()).startswith("CompressConfig(model='claude-sonnet-4-5', min_tokens_to_compress=250, ")


def test_threshold_override_decides_whether_a_block_is_compressed() -> None:
    rows = [{"id": i, "name": f"item {i}", "status": "ok"} for i in range(40)]
    import json

    messages = [
        {"role": "user", "content": "list items"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "list", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": json.dumps(rows)},
        {"role": "user", "content": "which items are there?"},
    ]
    small = compress(messages, model="gpt-4o", min_tokens_to_compress=100_000)
    assert small.tokens_saved == 0 and small.messages == messages
    config = CompressConfig(min_tokens_to_compress=100_000)
    assert compress(messages, model="gpt-4o", config=config).tokens_saved == 0
    # Overrides win over the config.
    assert compress(messages, model="gpt-4o", config=config, min_tokens_to_compress=50).tokens_saved > 0


def test_model_keyword_wins_over_config_model(messages) -> None:
    config = CompressConfig(model="gpt-4")
    assert compress(messages, config=config).token_count["encoding"] == "cl100k_base"
    assert compress(messages, config=config, model="gpt-4o").token_count["encoding"] == "o200k_base"


def test_excluded_tools_leave_outputs_alone(messages) -> None:
    # The seed's tool is called "search".
    result = compress(messages, model="gpt-4o", excluded_tools=["sea*"])
    assert result.tokens_saved == 0 and result.messages == messages


def test_pickle_and_copy_round_trip() -> None:
    import copy
    import pickle

    c = CompressConfig(model="gpt-4o", excluded_tools=["Read"], target_ratio=0.3)
    assert pickle.loads(pickle.dumps(c)) == c
    assert copy.deepcopy(c) == c
