"""Shared set-up of the blog's tests: a fresh database per test, a known signing key.

Every test gets a database of its own (``DATABASE_URL``, from the ``database`` fixture of
``examples/conftest.py``), so tests never see each other's writes and can run in any order or
in parallel (``pytest -n 2``). A test that talks to the database runs on SQLite and on
PostgreSQL (skipped, with the reason, where no PostgreSQL server can be started).

The blog's ``lib`` modules (the ``db``, ``auth`` and ``trivia`` fixtures) come from routekit's
loader: they are
the very modules the routes imported, so ``monkeypatch.setattr(lib_module("db"), ...)``
reaches every route. (A plain ``import lib.db`` would too in a project of its own; this
repository's test run also serves ``examples/blog-app``, which has a ``lib`` of its own.)
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from routekit.loader import get_loader

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from routekit_pytest import Client

BLOG_ROOT = Path(__file__).resolve().parent.parent
#: 32 bytes or more: PyJWT warns (an error under filterwarnings=error) about shorter keys.
SECRET = "test-secret-key-that-is-long-enough-for-hs256"
#: Every seeded user's password.
PASSWORD = "password"


def lib_module(name: str) -> ModuleType:
    """The blog's ``lib.<name>`` module, the one its routes use."""
    return get_loader(BLOG_ROOT).import_file(BLOG_ROOT / "lib" / f"{name}.py")


class Login(t.Protocol):
    """The ``login`` fixture: ``login("alice")`` returns a token for alice."""

    def __call__(self, username: str = "bob", password: str = PASSWORD) -> str:
        """Log *username* in through ``POST /api/auth`` and return the token."""


@pytest.fixture(autouse=True)
def blog(monkeypatch: pytest.MonkeyPatch, database: str) -> Iterator[Path]:
    """The blog's root, with a database of the test's own and a known secret."""
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("ROUTEKIT_ENV", raising=False)
    monkeypatch.delenv("BLOG_HARDENED_AUTH", raising=False)
    yield BLOG_ROOT
    lib_module("db").close()  # this thread's connection to the test's file


@pytest.fixture
def secret() -> str:
    """The ``JWT_SECRET_KEY`` every test runs with."""
    return SECRET


@pytest.fixture
def db() -> ModuleType:
    """``lib.db``, the data layer the routes call."""
    return lib_module("db")


@pytest.fixture
def auth() -> ModuleType:
    """``lib.auth``: passwords and tokens."""
    return lib_module("auth")


@pytest.fixture
def http() -> ModuleType:
    """``lib.http``: the pages router's helpers."""
    return lib_module("http")


@pytest.fixture
def validate() -> ModuleType:
    """``lib.validate``: the input checks."""
    return lib_module("validate")


@pytest.fixture
def database_module() -> ModuleType:
    """``lib.database``: ``DATABASE_URL`` and the connections."""
    return lib_module("database")


@pytest.fixture
def trivia() -> ModuleType:
    """``lib.trivia``: the Numbers API client."""
    return lib_module("trivia")


@pytest.fixture
def login(client: Client) -> Login:
    """Log a user in through ``POST /api/auth``, as a client would, and return the token."""

    def log_in(username: str = "bob", password: str = PASSWORD) -> str:
        res = client.post("/api/auth", json={"username": username, "password": password})
        assert res.status_code == 200, res.text
        token = res.json_data()["token"]
        assert isinstance(token, str)
        return token

    return log_in


@pytest.fixture
def token(login: Login) -> str:
    """A token for ``bob`` (user 1), obtained by logging in."""
    return login()
