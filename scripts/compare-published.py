"""Time the published headroom (PyPI `headroom-ai`) on the corpus, per content kind.

Run it in a virtualenv of its own (its import name is also `headroom`):

    python3 -m venv /tmp/venv-pub && /tmp/venv-pub/bin/pip install headroom-ai
    /tmp/venv-pub/bin/python scripts/compare-published.py ../shared/corpus

Offline, the published package cannot download its tokenizer vocabulary and falls back to an
estimate, which only makes it faster; the figures are therefore an upper bound on its speed.
Compare with `cargo bench -p headroom --bench throughput` run on the same machine.
"""

import glob
import json
import os
import sys
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from headroom import compress  # noqa: E402  (the published package)


def main(corpus: str) -> None:
    by_kind: dict[str, list[float]] = {}
    for path in sorted(glob.glob(os.path.join(corpus, "*.json"))):
        with open(path) as f:
            case = json.load(f)
        if "messages" not in case:
            continue
        messages = case["messages"]
        size = len(json.dumps(messages))
        compress(messages, model="gpt-4o")  # warm-up
        passes = 3
        start = time.perf_counter()
        for _ in range(passes):
            result = compress(messages, model="gpt-4o")
        seconds = (time.perf_counter() - start) / passes
        row = by_kind.setdefault(case["kind"], [0, 0.0, 0, 0])
        row[0] += size
        row[1] += seconds
        row[2] += result.tokens_before
        row[3] += result.tokens_saved
        print(f"{case['kind']:<7} {case['id']:<42} {size // 1000:>5} KB {seconds * 1000:>8.1f} ms", flush=True)
    print(f"\n{'kind':<7} {'MB/s':>8} {'saved':>7}")
    for kind, (size, seconds, before, saved) in sorted(by_kind.items()):
        print(f"{kind:<7} {size / 1e6 / seconds:>8.2f} {100 * saved / max(before, 1):>6.1f}%")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
