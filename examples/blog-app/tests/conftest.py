"""A fresh database per test and a known signing key; the routes' own ``lib`` modules."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from routekit.loader import get_loader

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
#: 32 bytes or more: PyJWT warns (an error under filterwarnings=error) about shorter keys.
SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def _lib(name: str) -> ModuleType:
    # The module the routes imported (this repository's test run also serves examples/blog,
    # whose `lib` has the same name).
    return get_loader(ROOT).import_file(ROOT / "lib" / f"{name}.py")


@pytest.fixture(autouse=True)
def blog_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The project root, with a database under *tmp_path* and a known secret."""
    monkeypatch.setenv("BLOG_DB_PATH", str(tmp_path / "blog.sqlite3"))
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("BLOG_HARDENED_AUTH", raising=False)
    yield ROOT
    _lib("db").close()


@pytest.fixture
def auth() -> ModuleType:
    """``lib.auth``: passwords and tokens."""
    return _lib("auth")
