"""A fresh database per test and a known signing key; the shared modules the routes use.

``DATABASE_URL`` comes from the ``database`` fixture of ``examples/conftest.py``.
"""

from __future__ import annotations

import importlib
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


def _blog(name: str) -> ModuleType:
    """``blog.<name>``: the pages blog's ``lib/<name>.py``, as this project's routes import it."""
    get_loader(ROOT).import_file(ROOT / "app" / "api" / "auth" / "route.py")  # imports `blog`
    return importlib.import_module(f"blog.{name}")


@pytest.fixture(autouse=True)
def blog_app(monkeypatch: pytest.MonkeyPatch, database: str) -> Iterator[Path]:
    """The project root, with a database of the test's own and a known secret."""
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("BLOG_HARDENED_AUTH", raising=False)
    yield ROOT
    _blog("db").close()


@pytest.fixture
def auth() -> ModuleType:
    """``blog.auth``: passwords and tokens."""
    return _blog("auth")
