"""Cost of calling `headroom.compress` from Python against the Rust call it wraps.

For each JSON case of the corpus (../shared/corpus from the repository root, or $HEADROOM_CORPUS),
in one process and against the same store:

  python  `headroom.compress(messages, config=cfg)`: Python objects -> JSON text -> engine ->
          originals saved -> result objects (messages parsed back into lists and dicts);
  rust    the same engine + store work on the already-serialised JSON text, timed inside Rust
          (`headroom._core._time_rust_compress`), i.e. what the Rust API costs a Rust caller.

Runs alternate between the two; reported are the median times and the median of the paired
python/rust ratios (neighbouring runs share the machine's load), per case and for the sum over
cases. Target: <= 1.2. Run it against a release build (`pip install
./crates/headroom-py`), not `maturin develop`'s debug build.

    python crates/headroom-py/bench/bench_compress.py [--repeat 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


def load_cases(corpus: Path, kind: str) -> list[dict[str, Any]]:
    cases = []
    for path in sorted(corpus.glob("*.json")):
        case = json.loads(path.read_text())
        if case.get("kind") == kind:
            cases.append(case)
    return cases


def case_input(case: dict[str, Any]) -> Any:
    """What a user would pass: the message list, or a body when there is a system prompt."""
    if case.get("system") is not None:
        return {"system": case["system"], "messages": case["messages"]}
    return case["messages"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("HEADROOM_CORPUS", DEFAULT_CORPUS)))
    parser.add_argument("--kind", default="json", help="corpus kind to run (default: json)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--model", default="gpt-4o")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args()

    # A private store, like a fresh user's; both sides write to it.
    os.environ["HEADROOM_HOME"] = tempfile.mkdtemp(prefix="headroom-bench-")
    os.environ.pop("HEADROOM_STORE", None)

    from headroom import CompressConfig, compress
    from headroom._core import _time_rust_compress

    cases = load_cases(args.corpus, args.kind)
    if not cases:
        print(f"no {args.kind!r} cases under {args.corpus}", file=sys.stderr)
        return 2
    config = CompressConfig(model=args.model)
    rows = []
    for case in cases:
        value = case_input(case)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        compress(value, config=config)  # warm up: vocabulary, store handle, caches
        _time_rust_compress(text, config, 1)
        py_times, rust_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = compress(value, config=config)
            py_times.append(time.perf_counter() - start)
            rust_times.extend(_time_rust_compress(text, config, 1))
        py, rust = statistics.median(py_times), statistics.median(rust_times)
        paired = statistics.median(p / r for p, r in zip(py_times, rust_times))
        rows.append({
            "case": case["id"], "bytes": len(text.encode()), "saved": result.compression_ratio,
            "python_ms": py * 1e3, "rust_ms": rust * 1e3, "ratio": paired,
        })

    total_py = sum(r["python_ms"] for r in rows)
    total_rust = sum(r["rust_ms"] for r in rows)
    if args.json:
        print(json.dumps({"cases": rows, "total": {"python_ms": total_py, "rust_ms": total_rust,
                                                   "ratio": total_py / total_rust}}, indent=2))
        return 0
    print(f"{'case':36} {'KB':>6} {'saved':>6} {'python ms':>10} {'rust ms':>9} {'py/rust':>8}")
    for r in rows:
        print(f"{r['case']:36} {r['bytes'] / 1024:6.0f} {r['saved']:6.1%} {r['python_ms']:10.2f} "
              f"{r['rust_ms']:9.2f} {r['ratio']:8.3f}")
    print(f"{'TOTAL':36} {'':6} {'':6} {total_py:10.2f} {total_rust:9.2f} {total_py / total_rust:8.3f}")
    print(f"(medians of {args.repeat} alternating runs per case; py/rust = median paired ratio; "
          f"worst case {max(r['ratio'] for r in rows):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
