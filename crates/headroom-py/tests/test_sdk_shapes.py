"""`result.messages` goes straight into the OpenAI and Anthropic SDKs: it validates against their
typed message params, and a real client call (to a local fake server) sends exactly it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from headroom import compress

from test_formats import anthropic_messages, big_log

pydantic = pytest.importorskip("pydantic")
openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")


class StrictListAdapter:
    """Validates a list against an SDK's message TypedDict, strictly and all the way down
    (pydantic checks `Iterable[...]` fields lazily, on iteration, so every one is walked)."""

    def __init__(self, item_type: Any) -> None:
        config = pydantic.ConfigDict(extra="forbid", strict=True)
        self.adapter = pydantic.TypeAdapter(list[item_type], config=config)

    def validate_python(self, value: Any) -> None:
        walk(self.adapter.validate_python(value))


def walk(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            walk(item)
    elif isinstance(value, (list, tuple, Iterator)):
        for item in value:
            walk(item)


def strict_list_adapter(item_type: Any) -> StrictListAdapter:
    return StrictListAdapter(item_type)


def test_openai_message_params_accept_the_output(messages) -> None:
    from openai.types.chat import ChatCompletionMessageParam

    adapter = strict_list_adapter(ChatCompletionMessageParam)
    adapter.validate_python(messages)  # the input is valid ...
    result = compress(messages, model="gpt-4o")
    adapter.validate_python(result.messages)  # ... and so is the output


@pytest.mark.parametrize("block_list", [False, True], ids=["string", "block-list"])
def test_anthropic_message_params_accept_the_output(block_list: bool) -> None:
    from anthropic.types import MessageParam

    log = big_log()
    messages = anthropic_messages([{"type": "text", "text": log}] if block_list else log)
    adapter = strict_list_adapter(MessageParam)
    adapter.validate_python(messages)
    result = compress(messages, model="claude-sonnet-4-5")
    assert result.tokens_saved > 0
    adapter.validate_python(result.messages)


@pytest.mark.parametrize(
    ("sdk", "broken"),
    [
        ("openai", [{"role": "tool", "content": "x"}]),  # no tool_call_id
        ("openai", [{"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function"}]}]),
        ("anthropic", [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": 5}]}]),
        ("anthropic", [{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": 5}]}]}]),
    ],
)
def test_validation_catches_a_broken_shape(sdk: str, broken: list[dict[str, Any]]) -> None:
    # Guard: the adapters above reject output whose structure broke, nested blocks included.
    from anthropic.types import MessageParam
    from openai.types.chat import ChatCompletionMessageParam

    item_type = ChatCompletionMessageParam if sdk == "openai" else MessageParam
    with pytest.raises(pydantic.ValidationError):
        strict_list_adapter(item_type).validate_python(broken)


class FakeUpstream:
    """A local HTTP server answering like the OpenAI and Anthropic APIs; keeps request bodies."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                length = int(self.headers.get("content-length", "0"))
                upstream.bodies.append(json.loads(self.rfile.read(length)))
                if self.path.endswith("/chat/completions"):
                    reply = {
                        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": "Result 0, 1, 2"}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                else:
                    reply = {
                        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                        "content": [{"type": "text", "text": "batch 1234"}], "stop_reason": "end_turn",
                        "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
                    }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream()
    yield server
    server.close()


def test_seed_step_3_openai_client_sends_result_messages(messages, upstream: FakeUpstream) -> None:
    from openai import OpenAI

    result = compress(messages, model="gpt-4o")
    client = OpenAI(api_key="test", base_url=f"{upstream.url}/v1", max_retries=0)
    response = client.chat.completions.create(model="gpt-4o", messages=result.messages)
    assert response.choices[0].message.content == "Result 0, 1, 2"
    assert upstream.bodies[-1]["messages"] == result.messages


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_seed_step_3_anthropic_client_sends_result_messages(upstream: FakeUpstream) -> None:
    from anthropic import Anthropic

    compressed = compress(anthropic_messages(big_log()), model="claude-sonnet-4-5-20250929")
    client = Anthropic(api_key="test", base_url=upstream.url, max_retries=0)
    response = client.messages.create(
        model="claude-sonnet-4-5-20250929", messages=compressed.messages, max_tokens=1024
    )
    assert response.content[0].text == "batch 1234"
    assert upstream.bodies[-1]["messages"] == compressed.messages
