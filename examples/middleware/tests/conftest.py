"""Fixtures of the middleware example: its root, a known admin token, fresh rate limits.

The integration tests mark themselves ``@pytest.mark.routekit(root="..")``; the plugin's
``client`` then sends requests through the whole pipeline, root middleware included. A
test's marker ``env={...}`` is applied after the environment set here, so it wins.
"""

from __future__ import annotations

import importlib
import sys
import typing as t
from pathlib import Path

import pytest

from routekit import load_handler

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
#: The admin token every test runs with.
TOKEN = "test-admin-token"


def _forget_lib() -> None:
    # Other example projects have a `lib` package too: import ours afresh each time.
    for name in [name for name in sys.modules if name == "lib" or name.startswith("lib.")]:
        del sys.modules[name]


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A known admin token, the default CORS origins, not production."""
    monkeypatch.setenv("ADMIN_TOKEN", TOKEN)
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("ROUTEKIT_ENV", raising=False)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    """Every test starts with no request counted by ``/api/limited``."""
    load_handler(ROOT / "pages/api/limited.py").limiter.reset()


@pytest.fixture
def token() -> str:
    """The ``ADMIN_TOKEN`` every test runs with."""
    return TOKEN


@pytest.fixture
def route() -> Callable[[str], ModuleType]:
    """Import a route file (``"pages/api/hello.py"``) as the server does."""

    def load(relfile: str) -> ModuleType:
        return load_handler(ROOT / relfile)

    return load


@pytest.fixture
def mw() -> ModuleType:
    """The root ``middleware.py``, the very module the app runs."""
    return load_handler(ROOT / "middleware.py")


@pytest.fixture
def lib(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ModuleType]]:
    """Import one of this example's ``lib`` modules (``lib("ratelimit")``) for a unit test."""
    monkeypatch.syspath_prepend(str(ROOT))
    _forget_lib()
    yield lambda name: importlib.import_module(f"lib.{name}")
    _forget_lib()
