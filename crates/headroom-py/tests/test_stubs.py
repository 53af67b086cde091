"""The `.pyi` stubs match the runtime module and type-check users' code (with mypy, when the
test extras installed it)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import headroom
from headroom import CompressConfig, compress

PACKAGE = Path(headroom.__file__).parent
STUB = PACKAGE / "_core.pyi"


def stub_class(name: str) -> ast.ClassDef:
    tree = ast.parse(STUB.read_text())
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def annotated_fields(cls: ast.ClassDef) -> list[str]:
    return [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]


def test_the_wheel_ships_stubs_and_py_typed() -> None:
    assert STUB.is_file() and (PACKAGE / "py.typed").is_file()


def test_stub_fields_are_exactly_the_runtime_fields() -> None:
    fields = list(CompressConfig().to_dict())
    assert annotated_fields(stub_class("CompressConfig")) == fields
    # ConfigFields is OverrideFields plus `model`.
    config_fields = stub_class("ConfigFields")
    assert [b.id for b in config_fields.bases if isinstance(b, ast.Name)] == ["OverrideFields"]
    assert annotated_fields(config_fields) == ["model"]
    assert annotated_fields(stub_class("OverrideFields")) == [f for f in fields if f != "model"]
    result = compress([{"role": "user", "content": "hi"}])
    props = [n.name for n in stub_class("CompressResult").body if isinstance(n, ast.FunctionDef)]
    assert sorted(props) == sorted(a for a in dir(result) if not a.startswith("_"))


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy")
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, check=False)


def test_stubtest_agrees_with_the_extension_module() -> None:
    out = mypy("mypy.stubtest", "headroom._core")
    assert out.returncode == 0, out.stdout + out.stderr


def test_users_code_type_checks_and_typos_do_not(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
        from headroom import CompressConfig, compress, retrieve

        messages = [{"role": "user", "content": "hi"}]
        result = compress(messages, model="gpt-4o", min_tokens_to_compress=100)
        ratio: float = result.compression_ratio
        names: list[str] = list(result.transforms_applied)
        cfg = CompressConfig(model="gpt-4o", target_ratio=0.5).replace(protect_recent=2)
        again = compress({"model": "gpt-4o", "messages": messages}, config=cfg)
        original: str | None = retrieve("0" * 24)
        print(f"{result.tokens_saved} {ratio:.0%} {names} {again.format} {original}")
    """))
    out = mypy("mypy", "--strict", str(good))
    assert out.returncode == 0, out.stdout
    bad = tmp_path / "bad.py"
    bad.write_text(textwrap.dedent("""
        from headroom import CompressConfig, compress

        compress([], min_tokens=100)
        CompressConfig(retrieval="sometimes")
    """))
    out = mypy("mypy", "--strict", str(bad))
    assert out.returncode == 1
    assert 'Unexpected keyword argument "min_tokens"' in out.stdout, out.stdout
    assert '"retrieval"' in out.stdout and "sometimes" in out.stdout, out.stdout
