#!/usr/bin/env bash
# The project's test command (README): format, lints, every test in the workspace, then the
# Python package's (scripts/test-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo test --workspace --all-features
bash scripts/test-python.sh
