"""Both blogs under test: ``router`` is ``"pages"`` (``examples/blog``) or ``"app"``
(``examples/blog-app``), each with a fresh database (SQLite, and PostgreSQL where a server can
be started: see ``examples/conftest.py``) and a known signing key.

``served_blog`` runs the router's project under ``routekit serve`` on a free port (the
``serve`` fixture of ``examples/conftest.py``), for the tests that go through a real socket.
"""

from __future__ import annotations

import importlib
import sys
import typing as t
from pathlib import Path

import pytest

from routekit.loader import get_loader
from routekit_pytest import assert_status

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from routekit_pytest import Client

EXAMPLES = Path(__file__).resolve().parent.parent
SECRET = "contract-secret-key-that-is-long-enough-for-hs256"
ROOTS = {"pages": EXAMPLES / "blog", "app": EXAMPLES / "blog-app"}
ROUTERS = [
    pytest.param("pages", marks=pytest.mark.routekit(root="../blog"), id="blog"),
    pytest.param("app", marks=pytest.mark.routekit(root="../blog-app"), id="blog-app"),
]


def _lib_module(router: str, name: str) -> ModuleType:
    """*router*'s shared ``lib.<name>``, the module its routes use.

    The pages blog imports it as ``lib.<name>``; the App-Router blog as ``blog.<name>``.
    """
    root = ROOTS[router]
    if router == "pages":
        return get_loader(root).import_file(root / "lib" / f"{name}.py")
    get_loader(root).import_file(root / "app" / "api" / "auth" / "route.py")  # imports `blog`
    return importlib.import_module(f"blog.{name}")


@pytest.fixture(params=ROUTERS, autouse=True)
def router(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, database: str
) -> Iterator[str]:
    """``"pages"`` or ``"app"``: the implementation under test, with a fresh database."""
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("BLOG_HARDENED_AUTH", raising=False)
    yield request.param
    _lib_module(request.param, "db").close()


@pytest.fixture
def lib(router: str) -> t.Callable[[str], ModuleType]:
    """``lib("db")``: the router's shared ``lib.db`` (``blog.db`` in the App-Router blog)."""
    return lambda name: _lib_module(router, name)


@pytest.fixture
def token(client: Client) -> str:
    """A token for ``bob`` (user 1)."""
    res = client.post("/api/auth", json={"username": "bob", "password": "password"})
    assert_status(res, 200)
    return t.cast("str", res.json_data()["token"])


#: The servers the tutorial is followed on: the dev server, gunicorn (WSGI), uvicorn and
#: ``routekit start -w 2`` (ASGI, issue #14).
SERVERS = ("serve", "gunicorn", "uvicorn", "start")


def _command(server: str, root: Path, port: int) -> list[str]:
    python = sys.executable
    if server == "serve":
        return [python, "-m", "routekit", "serve", str(root), "--no-reload", "--port", str(port)]
    if server == "gunicorn":
        return [python, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                f"routekit:App({str(root)!r})"]  # fmt: skip
    if server == "uvicorn":
        return [python, "-m", "uvicorn", "--factory", "routekit._cli.start:asgi_app",
                "--port", str(port)]  # fmt: skip
    return [python, "-m", "routekit", "start", str(root), "--port", str(port), "-w", "2"]


@pytest.fixture(params=SERVERS)
def served_blog(
    request: pytest.FixtureRequest, router: str, database: str, serve: t.Any, tmp_path: Path
) -> t.Any:
    """The router's project on a free port under each of :data:`SERVERS`, stopped after."""
    server = t.cast("str", request.param)
    if server in ("uvicorn", "start"):
        pytest.importorskip("uvicorn", reason="the ASGI servers need uvicorn (server extra)")
    root = ROOTS[router]
    env = {"DATABASE_URL": database, "JWT_SECRET_KEY": SECRET, "HOME": str(tmp_path)}
    if server == "uvicorn":
        env.update(ROUTEKIT_ROOT=str(root), ROUTEKIT_ENV="production")
    elif server == "gunicorn":
        env.update(ROUTEKIT_ENV="production")
    return serve(lambda port: _command(server, root, port), env)
