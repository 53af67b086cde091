"""Bad input is a ValueError saying what was expected; unknown keywords a TypeError naming them."""

from __future__ import annotations

import math

import pytest

from headroom import CompressConfig, compress


@pytest.mark.parametrize("bad", ["[]", b"[]", 42, None, {1, 2}, object()], ids=lambda v: type(v).__name__)
def test_non_list_input_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match=r"messages must be a list of message dicts or a request-body dict, got \w+"):
        compress(bad)  # type: ignore[arg-type]


def test_the_error_names_the_type_received() -> None:
    with pytest.raises(ValueError, match="got str"):
        compress("hello")  # type: ignore[arg-type]


def test_dict_that_is_not_a_request_body() -> None:
    with pytest.raises(ValueError, match="not a message list or request body"):
        compress({"role": "user", "content": "a single message, not a list"})


def test_list_of_non_messages() -> None:
    with pytest.raises(ValueError, match="not a message list or request body"):
        compress([1, 2, 3])


def test_values_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="cannot be converted to JSON.*set"):
        compress([{"role": "tool", "tool_call_id": "x", "content": {1, 2}}])
    with pytest.raises(ValueError, match="cannot be converted to JSON"):
        compress([{"role": "user", "content": math.nan}])


def test_unknown_keywords_are_a_type_error_naming_them() -> None:
    with pytest.raises(TypeError, match=r"compress\(\) got unexpected keyword argument\(s\) 'min_tokens'.*min_tokens_to_compress"):
        compress([], min_tokens=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"'modle', 'speed'"):
        CompressConfig(modle="gpt-4o", speed=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'nope'"):
        CompressConfig().replace(nope=1)  # type: ignore[call-arg]


def test_bad_values_are_a_value_error_naming_the_field() -> None:
    with pytest.raises(ValueError, match="`target_ratio`.*between 0 and 1"):
        CompressConfig(target_ratio=1.5)
    with pytest.raises(ValueError, match="`min_tokens_to_compress`"):
        CompressConfig(min_tokens_to_compress="many")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`retrieval`"):
        compress([], retrieval="sometimes")  # type: ignore[arg-type]


def test_positional_config_is_refused() -> None:
    with pytest.raises(TypeError):
        compress([], "gpt-4o")  # type: ignore[misc]


def test_unwritable_store_is_an_os_error(messages, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("HEADROOM_STORE", f"sqlite:{blocker}/store.db")
    with pytest.raises(OSError, match="originals store"):
        compress(messages, model="gpt-4o")
    # Nothing to save, nothing to fail.
    assert compress(messages, model="gpt-4o", retrieval="lossless_only").tokens_saved > 0


def test_json_edge_values_convert_like_the_json_module() -> None:
    import enum

    class Role(str, enum.Enum):
        USER = "user"

    body = {
        "model": "gpt-4o",
        "messages": (  # a tuple is a list
            {"role": Role.USER, "content": "hi"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "ok"},
        ),
        "metadata": {1: "int key", "big": 2**70, "flag": True, "zero": 0, "ratio": 0.5},
    }
    out = compress(body).messages
    assert out["messages"][0] == {"role": "user", "content": "hi"}
    assert out["metadata"] == {"1": "int key", "big": 2**70, "flag": True, "zero": 0, "ratio": 0.5}
    assert type(out["metadata"]["flag"]) is bool


def test_circular_input_is_a_value_error() -> None:
    loop: list[object] = [{"role": "user", "content": "hi"}]
    loop.append(loop)
    with pytest.raises(ValueError, match="cannot be converted to JSON.*[Cc]ircular"):
        compress(loop)  # type: ignore[arg-type]


def test_lone_surrogates_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="cannot be converted to JSON"):
        compress([{"role": "user", "content": "bad \ud800 text"}])
