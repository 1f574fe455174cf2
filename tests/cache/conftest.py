"""Fixtures of the cache tests: a project builder, a fake clock, the three handlers."""

from __future__ import annotations

import shutil
import socket
import subprocess
import textwrap
import time
import typing as t
from pathlib import Path

import pytest

from routekit import App
from routekit.cache import FileCacheHandler, MemoryCacheHandler, RedisCacheHandler
from routekit_pytest import Client


class Clock:
    """A clock the test moves (``clock.now += 61``); each reading is a millisecond later
    than the one before, as on a real clock, so two events never share one instant."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def write_routes(root: Path, files: dict[str, str]) -> Path:
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(tmp_path: Path, clock: Clock) -> t.Callable[..., Client]:
    """``make_client({"app/api/x/route.py": "..."})``: a test client with a fake clock."""

    def make(files: dict[str, str], **settings: t.Any) -> Client:
        app = App(write_routes(tmp_path / "project", files), mode="test", **settings)
        app.cache.clock = clock
        return Client(app)

    return make


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    """A real redis-server on a free port, for this session; skips where none exists."""
    pytest.importorskip("redis", reason="the redis client is not installed (routekit[redis])")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "no redis-server on PATH (apt-get install redis-server; nox -s check does on CI)"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["memory", "file", "redis"])
def handler(request: pytest.FixtureRequest, tmp_path: Path) -> t.Iterator[t.Any]:
    """Each cache handler in turn: the one suite they all pass."""
    if request.param == "memory":
        yield MemoryCacheHandler()
    elif request.param == "file":
        yield FileCacheHandler(tmp_path / "cache")
    else:
        url = request.getfixturevalue("redis_url")
        found = RedisCacheHandler(url, prefix=f"test:{request.node.name}:")
        found.clear()
        yield found
        found.clear()
