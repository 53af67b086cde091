"""Type stubs for the native extension `headroom._core` (re-exported by `headroom`)."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, final, type_check_only

from typing_extensions import NotRequired, TypeAlias, Unpack

__all__ = [
    "CompressConfig",
    "CompressResult",
    "compress",
    "retrieve",
    "_cli_main",
    "_time_rust_compress",
    "__version__",
]

__version__: str

_Format: TypeAlias = Literal["anthropic", "openai_chat", "openai_responses"]
_Transform: TypeAlias = Literal[
    "json_crusher",
    "log_compressor",
    "search_compressor",
    "diff_compressor",
    "code_compressor",
    "prose_compressor",
    "html_extractor",
]

@type_check_only
class OverrideFields(TypedDict, total=False):
    """`ConfigFields` minus `model`, which `compress` takes as its own keyword."""

    min_tokens_to_compress: int
    compress_user_messages: bool
    compress_system_messages: bool
    protect_recent: int
    target_ratio: float | None
    query: str | None
    query_scope: Literal["latest", "preceding"]
    format: _Format | None
    retrieval: Literal["markers", "lossless_only"]
    excluded_tools: Sequence[str]

@type_check_only
class ConfigFields(OverrideFields, total=False):
    """Keyword arguments accepted by `CompressConfig(...)`, `replace(...)` and `compress(...)`."""

    model: str

@final
class CompressConfig:
    """Everything that steers compression; every field has a default.

    Unknown keywords raise `TypeError`; a value of the wrong type or out of range raises
    `ValueError` naming the field.
    """

    model: str
    """Model the request is for; picks the token counter. Default "claude-sonnet-4-5"."""
    min_tokens_to_compress: int
    """Blocks with fewer tokens are left alone. Default 250."""
    compress_user_messages: bool
    """Compress user-authored text (tool results in user turns are always eligible). Default False."""
    compress_system_messages: bool
    """Compress system / developer prompts. Default False."""
    protect_recent: int
    """This many most recent messages are kept lossless (no markers). Default 0."""
    target_ratio: float | None
    """Optional aggressiveness: fraction of a block's tokens to aim to remove, in (0, 1)."""
    query: str | None
    """Relevance query; default: the user text chosen by `query_scope`."""
    query_scope: Literal["latest", "preceding"]
    """Which user text is the query when `query` is unset. Default "latest"."""
    format: _Format | None
    """Force the input format instead of detecting it."""
    retrieval: Literal["markers", "lossless_only"]
    """"markers": drop content behind retrieval markers; "lossless_only": reversible rewrites only."""
    excluded_tools: list[str]
    """Tool names whose outputs are never touched; `*` matches any run of characters."""

    def __new__(cls, **fields: Unpack[ConfigFields]) -> CompressConfig: ...
    def replace(self, **changes: Unpack[ConfigFields]) -> CompressConfig:
        """A copy with `changes` applied."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...

@type_check_only
class TokenCount(TypedDict):
    method: Literal["exact", "estimate"]
    encoding: NotRequired[Literal["o200k_base", "cl100k_base"]]

@type_check_only
class ContentKind(TypedDict):
    kind: Literal["json", "log", "search", "diff", "code", "html", "prose"]
    language: NotRequired[str]

@type_check_only
class BlockOutcome(TypedDict):
    outcome: Literal["compressed", "skipped", "failed"]
    transform: NotRequired[_Transform]
    """compressed / failed: which compressor."""
    lossy: NotRequired[bool]
    """compressed: whether the block carries a retrieval marker."""
    reason: NotRequired[Literal["role", "excluded_tool", "below_threshold", "nothing_to_do", "no_gain"]]
    """skipped: why."""
    error: NotRequired[str]
    """failed: what went wrong (the block was left as it was)."""

@type_check_only
class BlockReport(TypedDict):
    path: str
    """Where the string is, e.g. "messages[3].content"."""
    role: Literal["system", "user", "assistant", "tool"]
    kind: NotRequired[ContentKind]
    tokens_before: int
    tokens_after: int
    outcome: BlockOutcome

@type_check_only
class Original(TypedDict):
    hash: str
    content: str

@final
class CompressResult:
    """What `compress` returns."""

    @property
    def messages(self) -> Any:
        """The input, same shape and format (plain lists and dicts), compressed strings spliced in."""
    @property
    def format(self) -> _Format:
        """Format the input was read as."""
    @property
    def tokens_before(self) -> int: ...
    @property
    def tokens_after(self) -> int: ...
    @property
    def tokens_saved(self) -> int:
        """`tokens_before - tokens_after`."""
    @property
    def compression_ratio(self) -> float:
        """Fraction of tokens REMOVED: `tokens_saved / tokens_before` (0.9 = 90% saved)."""
    @property
    def token_count(self) -> TokenCount:
        """Exact BPE (which encoding) or a calibrated estimate."""
    @property
    def transforms_applied(self) -> list[_Transform]:
        """Compressors that changed something, in first-use order."""
    @property
    def blocks(self) -> list[BlockReport]:
        """One report per text string found in the input."""
    @property
    def originals(self) -> list[Original]:
        """Originals behind retrieval markers (already saved to the store)."""

def compress(
    messages: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    model: str | None = None,
    config: CompressConfig | None = None,
    **overrides: Unpack[OverrideFields],
) -> CompressResult:
    """Compress a message list (OpenAI Chat or Anthropic Messages) or a whole request body.

    `model` picks the token counter (default: the body's "model", else `config.model`);
    `overrides` are `CompressConfig` fields applied on top of `config`. Raises `ValueError` for
    input that is not a message list or request body, `TypeError` for unknown keywords,
    `OSError` when originals cannot be saved to the store.
    """

def retrieve(hash: str) -> str | None:
    """The original a marker's `hash=` names, or None when the store does not hold it.

    Reads `$HEADROOM_STORE`, else `store.db` under `$HEADROOM_HOME` (as `headroom retrieve`).
    Raises `ValueError` for a malformed hash.
    """

def _cli_main(argv: Sequence[str], program: str | None = None) -> int: ...
def _time_rust_compress(json_text: str, config: CompressConfig, repeat: int) -> list[float]: ...
