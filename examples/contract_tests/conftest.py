"""Both blogs under test: ``router`` is ``"pages"`` (``examples/blog``) or ``"app"``
(``examples/blog-app``), each with a fresh database (SQLite, and PostgreSQL where a server can
be started: see ``examples/conftest.py``) and a known signing key.

``served_blog`` runs the router's project under ``routekit serve`` on a free port, for the
tests that go through a real socket.
"""

from __future__ import annotations

import dataclasses
import http.client
import importlib
import json
import os
import socket
import subprocess
import sys
import time
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
_START_TIMEOUT = 30.0
_REQUEST_TIMEOUT = 10.0


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


@dataclasses.dataclass(frozen=True)
class Served:
    """A blog under ``routekit serve`` at ``127.0.0.1:port``."""

    port: int

    def request(
        self, method: str, path: str, *, json_body: object = None, token: str | None = None
    ) -> tuple[int, t.Any]:
        """Send one request as curl would; the status and the JSON answer."""
        headers = {"Connection": "close"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=_REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()


@pytest.fixture
def served_blog(router: str, database: str, tmp_path: Path) -> Iterator[Served]:
    """``routekit serve <the router's project>`` on a free port, stopped after the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ROUTEKIT_"))}
    env.update(DATABASE_URL=database, JWT_SECRET_KEY=SECRET)
    command = [sys.executable, "-m", "routekit", "serve", str(ROOTS[router]),
               "--port", str(port), "--no-reload"]  # fmt: skip
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )
        try:
            served = Served(port)
            _wait_until_serving(server, served, log)
            yield served
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


def _wait_until_serving(server: subprocess.Popen[bytes], served: Served, log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"routekit serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            if served.request("GET", "/api/hello")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"routekit serve did not answer within {_START_TIMEOUT} s:\n{log.read_text()}")
