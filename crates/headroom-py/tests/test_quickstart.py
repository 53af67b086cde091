"""The seed quickstart (steps 2 and 4) verbatim, minus the network call, plus what its numbers
must mean."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import headroom_command, seed_messages

MARKER = re.compile(r"\[headroom: (\d+) (\w+) omitted; retrieve hash=([0-9a-f]{24})\]")


def test_seed_steps_2_and_4_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    # Step 2
    from headroom import compress
    import json

    messages = [
        {"role": "system", "content": "You analyze search results."},
        {"role": "user", "content": "Search for Python tutorials."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{
                "id": "call_1",
                "type": "function",
                "function": {"name": "search", "arguments": '{"q": "python"}'},
            }],
        },
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": json.dumps({
                "results": [
                    {"title": f"Result {i}", "snippet": f"Description {i}", "score": 100 - i}
                    for i in range(500)
                ]
            }),
        },
        {"role": "user", "content": "What are the top 3 results?"},
    ]

    result = compress(messages, model="gpt-4o")

    # Step 4
    print(f"Tokens before: {result.tokens_before}")
    print(f"Tokens after:  {result.tokens_after}")
    print(f"Tokens saved:  {result.tokens_saved}")
    print(f"Compression:   {result.compression_ratio:.0%}")
    print(f"Transforms:    {result.transforms_applied}")

    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "Tokens before", "Tokens after", "Tokens saved", "Compression", "Transforms",
    ]
    percent = int(re.fullmatch(r"Compression:\s+(\d+)%", out[3]).group(1))  # type: ignore[union-attr]
    assert percent >= 85, out
    assert out[4] == "Transforms:    ['json_crusher']"
    # Exact o200k counts: the tool output alone is ~11k tokens.
    assert result.tokens_before > 10_000
    assert result.tokens_saved >= 0.85 * result.tokens_before


def test_numbers_are_consistent_and_ratio_is_the_fraction_removed(messages) -> None:
    from headroom import compress

    result = compress(messages, model="gpt-4o")
    assert result.tokens_saved == result.tokens_before - result.tokens_after
    assert result.compression_ratio == pytest.approx(result.tokens_saved / result.tokens_before)
    assert 0.85 <= result.compression_ratio < 1.0  # fraction REMOVED, not kept
    assert result.token_count == {"method": "exact", "encoding": "o200k_base"}
    assert result.format == "openai_chat"
    r = repr(result)
    assert r.startswith(f"CompressResult(tokens_before={result.tokens_before}, ")
    assert f"compression_ratio={round(result.compression_ratio, 4)}" in r
    assert r.endswith("transforms_applied=['json_crusher'])")


def test_same_shape_only_the_tool_output_changes(messages) -> None:
    from headroom import compress

    original = seed_messages()
    result = compress(messages, model="gpt-4o")
    assert messages == original, "the input must not be mutated"
    out = result.messages
    assert isinstance(out, list) and len(out) == len(original)
    for before, after in zip(original, out):
        assert type(after) is dict
        assert after.keys() == before.keys()
        for key in before:
            if not (before["role"] == "tool" and key == "content"):
                assert after[key] == before[key], key
    tool = out[3]["content"]
    assert isinstance(tool, str) and len(tool) < len(original[3]["content"]) / 5
    # The top results the question asks about are kept verbatim.
    for i in range(3):
        assert f"Result {i}," in tool


def test_markers_resolve_through_retrieve_and_the_cli(messages, headroom_home) -> None:
    from headroom import compress, retrieve

    result = compress(messages, model="gpt-4o")
    markers = MARKER.findall(result.messages[3]["content"])
    assert markers, result.messages[3]["content"]
    count, unit, digest = markers[0]
    assert int(count) > 0 and unit == "items"
    original = retrieve(digest)
    assert original == messages[3]["content"]
    assert len(json.loads(original)["results"]) == 500
    assert result.originals == [{"hash": digest, "content": original}]
    # The CLI reads the same store.
    cli = subprocess.run(
        [*headroom_command(), "retrieve", digest], capture_output=True, text=True, check=False
    )
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.rstrip("\n") == original


def test_retrieve_unknown_and_malformed_hashes() -> None:
    from headroom import retrieve

    assert retrieve("0" * 24) is None
    with pytest.raises(ValueError, match="hash"):
        retrieve("not-a-hash")


def test_lossless_only_emits_no_markers(messages) -> None:
    from headroom import compress

    result = compress(messages, model="gpt-4o", retrieval="lossless_only")
    assert not MARKER.search(result.messages[3]["content"])
    assert result.originals == []
    assert 0 < result.tokens_saved < compress(messages, model="gpt-4o").tokens_saved
