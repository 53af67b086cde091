"""Anthropic messages, request bodies and SDK objects as input; the output keeps the input's
shape and format."""

from __future__ import annotations

import json
from typing import Any

import pytest

from headroom import compress

from conftest import corpus_case


def big_log(lines: int = 3000) -> str:
    rows = [
        f"2024-05-01 12:{i // 60 % 60:02d}:{i % 60:02d} INFO worker-{i % 7} processed batch {i} in {10 + i % 13}ms"
        for i in range(lines)
    ]
    rows[1234] = "2024-05-01 12:20:34 ERROR worker-3 batch 1234 failed: connection reset by peer (db-7:5432)"
    return "\n".join(rows)


def anthropic_messages(tool_content: Any) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": "Run the batch job and check the log."},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Reading the log."},
                {"type": "tool_use", "id": "toolu_1", "name": "read_log", "input": {"path": "/var/log/job.log"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": tool_content, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "Which batch failed and why?"},
            ],
        },
    ]


@pytest.mark.parametrize("block_list", [False, True], ids=["string", "block-list"])
def test_anthropic_tool_result(block_list: bool) -> None:
    log = big_log()
    content = [{"type": "text", "text": log}] if block_list else log
    messages = anthropic_messages(content)
    result = compress(messages, model="claude-sonnet-4-5")
    assert result.format == "anthropic"
    assert result.token_count == {"method": "estimate"}
    assert result.compression_ratio >= 0.8, result
    assert result.transforms_applied == ["log_compressor"]
    out = result.messages
    # Untouched: everything but the tool output's text.
    assert out[:2] == messages[:2]
    block = out[2]["content"][0]
    assert block["cache_control"] == {"type": "ephemeral"}
    assert block["tool_use_id"] == "toolu_1"
    assert out[2]["content"][1] == messages[2]["content"][1]
    text = block["content"][0]["text"] if block_list else block["content"]
    assert "batch 1234 failed: connection reset by peer (db-7:5432)" in text


def test_anthropic_request_body_with_system_and_model() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": "You read logs.",
        "messages": anthropic_messages(big_log()),
    }
    result = compress(body)
    assert isinstance(result.messages, dict)
    assert result.messages.keys() == body.keys()
    assert result.messages["system"] == "You read logs."
    assert result.messages["max_tokens"] == 1024
    assert result.tokens_saved > 0


def test_body_model_picks_the_counter_unless_model_is_given() -> None:
    body = {"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]}
    assert compress(body).token_count == {"method": "exact", "encoding": "cl100k_base"}
    assert compress(body, model="gpt-4o").token_count["encoding"] == "o200k_base"
    # A bare list has no model: config default (a Claude model, estimated counts).
    assert compress(body["messages"]).token_count == {"method": "estimate"}


def test_anthropic_sdk_objects_in_the_history() -> None:
    anthropic_types = pytest.importorskip("anthropic.types")
    messages = anthropic_messages(big_log())
    # What a tool loop appends: the SDK's response blocks, as pydantic models.
    messages[1]["content"] = [
        anthropic_types.TextBlock(type="text", text="Reading the log."),
        anthropic_types.ToolUseBlock(type="tool_use", id="toolu_1", name="read_log", input={"path": "/var/log/job.log"}),
    ]
    result = compress(messages, model="claude-sonnet-4-5")
    assert result.messages[1]["content"] == anthropic_messages("")[1]["content"]
    assert result.tokens_saved > 0


def test_openai_responses_body() -> None:
    body = {
        "model": "gpt-4o",
        "input": [
            {"role": "user", "content": "Which batch failed?"},
            {"type": "function_call", "call_id": "c1", "name": "read_log", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": big_log()},
        ],
    }
    result = compress(body)
    assert result.format == "openai_responses"
    assert result.messages["input"][:2] == body["input"][:2]
    assert "batch 1234 failed" in result.messages["input"][2]["output"]
    assert result.compression_ratio > 0.8


def test_non_ascii_and_escapes_round_trip() -> None:
    text = "naïve café — 日本語 \"quoted\" \\ back\\slash \n tab\t " * 3
    messages = [{"role": "user", "content": text}, {"role": "tool", "tool_call_id": "x", "content": "ok ✓"}]
    result = compress(messages)
    assert result.messages == messages
    assert result.tokens_saved == 0 and result.transforms_applied == []


def test_corpus_json_case_keeps_its_needles() -> None:
    case = corpus_case("s_json_github_workflow_runs")
    result = compress(case["messages"], model="gpt-4o")
    text = json.dumps(result.messages, ensure_ascii=False)
    for needle in case["needles"]:
        assert needle in text or any(needle in o["content"] for o in result.originals), needle
    assert result.compression_ratio >= 0.8


def test_openai_sdk_message_object_in_the_history(messages) -> None:
    completion = pytest.importorskip("openai.types.chat")
    # What a tool loop appends: `response.choices[0].message`, as the API returned it.
    messages[2] = completion.ChatCompletionMessage.model_validate({
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [{"id": "call_1", "type": "function",
                        "function": {"name": "search", "arguments": '{"q": "python"}'}}],
    })
    result = compress(messages, model="gpt-4o")
    assert result.messages[2] == {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [{"id": "call_1", "type": "function",
                        "function": {"name": "search", "arguments": '{"q": "python"}'}}],
    }
    assert result.compression_ratio >= 0.85
