"""Shared fixtures: every test gets its own store (HEADROOM_HOME in a temp dir) and the seed's
quickstart conversation."""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("HEADROOM_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@pytest.fixture(autouse=True)
def headroom_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "headroom-home"
    monkeypatch.setenv("HEADROOM_HOME", str(home))
    monkeypatch.delenv("HEADROOM_STORE", raising=False)
    return home


def seed_messages() -> list[dict[str, Any]]:
    """Step 2 of the seed quickstart, verbatim."""
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
    return messages


@pytest.fixture
def messages() -> list[dict[str, Any]]:
    return seed_messages()


def headroom_command() -> list[str]:
    """The installed `headroom` console script."""
    found = shutil.which("headroom", path=sysconfig.get_path("scripts"))
    if found is None:
        pytest.fail("the `headroom` console script is not installed next to this interpreter")
    return [found]


def corpus_case(case_id: str) -> dict[str, Any]:
    path = CORPUS / f"{case_id}.json"
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS} (set HEADROOM_CORPUS)")
    return json.loads(path.read_text())
