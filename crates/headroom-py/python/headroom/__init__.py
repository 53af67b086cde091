"""headroom: context compression for LLM agents, backed by the Rust engine.

>>> from headroom import compress
>>> result = compress(messages, model="gpt-4o")
>>> client.chat.completions.create(model="gpt-4o", messages=result.messages)
>>> print(result.tokens_saved, f"{result.compression_ratio:.0%}")

What compression drops is named by a marker `[headroom: N items omitted; retrieve hash=H]`;
`retrieve(H)` returns the original (the same store `headroom retrieve` and the proxy use).
"""

from headroom._core import (
    CompressConfig as CompressConfig,
    CompressResult as CompressResult,
    __version__ as __version__,
    compress as compress,
    retrieve as retrieve,
)

__all__ = ["CompressConfig", "CompressResult", "compress", "retrieve", "__version__"]
