#!/usr/bin/env bash
# The Python package: build crates/headroom-py with `pip install` into a virtualenv, then run
# its pytest suite (the seed quickstart, SDK message shapes, errors, the `headroom` command).
#
# The wheel is built with cargo's dev profile by default so it reuses what `cargo test` just
# compiled; HEADROOM_PY_PROFILE=release builds exactly what users get (slower: a release build
# of the whole engine and CLI).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
venv="${HEADROOM_PY_VENV:-$target/py-venv}"
profile="${HEADROOM_PY_PROFILE:-dev}"

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
export MATURIN_PEP517_ARGS="--profile $profile"
# pip always rebuilds and reinstalls a local directory: the wheel is this checkout's.
"$venv/bin/python" -m pip install -q "./crates/headroom-py[test]"
"$venv/bin/python" -m pytest -q crates/headroom-py/tests
