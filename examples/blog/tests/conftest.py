"""Put the blog on ``sys.path`` (as ``routekit serve`` does) with a fresh database per test."""

from __future__ import annotations

import importlib
import sys
import typing as t
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

BLOG_ROOT = Path(__file__).resolve().parent.parent
#: 32 bytes or more: PyJWT warns (an error under filterwarnings=error) about shorter keys.
SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def _forget_lib() -> None:
    # Other example projects have a `lib` package too: import ours afresh each time.
    for name in [name for name in sys.modules if name == "lib" or name.startswith("lib.")]:
        del sys.modules[name]


@pytest.fixture(autouse=True)
def blog(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The blog's root on ``sys.path``, a database under *tmp_path* and a known secret."""
    monkeypatch.syspath_prepend(str(BLOG_ROOT))
    monkeypatch.setenv("BLOG_DB_PATH", str(tmp_path / "blog.sqlite3"))
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("ROUTEKIT_ENV", raising=False)
    _forget_lib()
    yield BLOG_ROOT
    if "lib.db" in sys.modules:
        sys.modules["lib.db"].close()
    _forget_lib()


@pytest.fixture
def secret() -> str:
    """The ``JWT_SECRET_KEY`` every test runs with."""
    return SECRET


@pytest.fixture
def db(blog: Path) -> ModuleType:
    """``lib.db``, imported for this test."""
    return importlib.import_module("lib.db")


@pytest.fixture
def auth(blog: Path) -> ModuleType:
    """``lib.auth``, imported for this test."""
    return importlib.import_module("lib.auth")
