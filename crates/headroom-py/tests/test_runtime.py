"""The GIL is released while the engine runs, and the `headroom` command is the Rust CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from headroom import compress

from conftest import headroom_command
from test_formats import big_log


def test_gil_is_released_while_compressing() -> None:
    messages = [
        {"role": "user", "content": "what failed?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "log", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": big_log(40_000)},
    ]
    durations: list[float] = []

    def work() -> None:
        start = time.perf_counter()
        compress(messages, model="gpt-4o")
        durations.append(time.perf_counter() - start)

    compress(messages, model="gpt-4o")  # warm up (vocabulary load)
    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
    worker.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    # Holding the GIL would stall this loop for the whole call.
    assert durations and max(gaps, default=0.0) < 0.5 * durations[0], (max(gaps), durations)


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*headroom_command(), *args], input=stdin, capture_output=True, text=True, check=False,
        env={**os.environ, **(env or {})},
    )


def test_cli_is_the_rust_cli(messages) -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("headroom ")
    out = run_cli("compress", "-", "--model", "gpt-4o", stdin=json.dumps(messages))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == compress(messages, model="gpt-4o").messages
    assert out.stderr.startswith("headroom: ") and "% saved" in out.stderr


def test_cli_exit_codes() -> None:
    bad_input = run_cli("compress", "-", stdin="not json")
    assert bad_input.returncode == 2 and bad_input.stderr.startswith("headroom: error:")
    bad_usage = run_cli("frobnicate")
    assert bad_usage.returncode == 2
    missing = run_cli("retrieve", "0" * 24)
    assert missing.returncode == 2 and "no original stored" in missing.stderr


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "headroom", "--help"], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and "Usage: headroom" in out.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_proxy_stops_cleanly_on_ctrl_c() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*headroom_command(), "proxy", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"proxy did not come up: {proc.communicate()[1]}") from None
                time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_registrations_point_at_the_console_script_not_python(tmp_path) -> None:
    # `mcp install` (and `wrap`) start the CLI again: through this script, not the interpreter.
    claude, codex = tmp_path / "claude.json", tmp_path / "codex.toml"
    for launcher in (headroom_command(), [sys.executable, "-m", "headroom"]):
        out = subprocess.run(
            [*launcher, "mcp", "install", "--claude-config", str(claude), "--codex-config", str(codex)],
            capture_output=True, text=True, check=False,
        )
        assert out.returncode == 0, out.stderr
        server = json.loads(claude.read_text())["mcpServers"]["headroom"]
        assert server["command"] == headroom_command()[0]
        assert server["args"] == ["mcp", "serve"]
        assert f'command = "{headroom_command()[0]}"' in codex.read_text()
        claude.unlink()
        codex.unlink()
