"""The cache behind the ASGI door: the same HIT/STALE/MISS as the sync driver, with async
handlers, async ``generate_static_params`` and a background regeneration that runs on its
own thread while the request's context came from the server's loop."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from routekit import App
from routekit_pytest import Client

from .conftest import Clock, write_routes

ASYNC_COUNTER = """
import asyncio, itertools
from routekit import Response
from routekit.cache import cache_tag
revalidate = {revalidate}
_n = itertools.count()
async def GET(request):
    await asyncio.sleep(0)
    cache_tag("counted")
    return Response(f"n={{next(_n)}}")
"""

SYNC_COUNTER = """
import itertools
from routekit import Response
revalidate = 60
_n = itertools.count()
def GET():
    return Response(f"n={next(_n)}")
"""

EXPIRE = """
from routekit import Response
from routekit.cache import revalidate_tag
async def POST():
    revalidate_tag("counted")
    return Response("ok")
"""


def _asgi_client(root: Path, clock: Clock) -> Client:
    app = App(root, mode="test")
    app.cache.clock = clock
    return Client(app, door="asgi")


@pytest.mark.parametrize("source", [SYNC_COUNTER, ASYNC_COUNTER.format(revalidate=60)])
def test_hit_stale_and_regeneration_through_the_asgi_door(
    tmp_path: Path, clock: Clock, source: str
) -> None:
    client = _asgi_client(write_routes(tmp_path, {"app/api/t/route.py": source}), clock)
    assert (client.get("/api/t").cache, client.get("/api/t").cache) == ("MISS", "HIT")
    clock.now += 61
    stale = client.get("/api/t")
    assert (stale.cache, stale.text) == ("STALE", "n=0")
    assert client.app.cache.wait()
    fresh = client.get("/api/t")
    assert (fresh.cache, fresh.text) == ("HIT", "n=1")


def test_async_revalidate_tag_through_the_asgi_door(tmp_path: Path, clock: Clock) -> None:
    root = write_routes(
        tmp_path,
        {
            "app/api/t/route.py": ASYNC_COUNTER.format(revalidate=False),
            "app/api/expire/route.py": EXPIRE,
        },
    )
    client = _asgi_client(root, clock)
    assert client.get("/api/t").text == "n=0"
    assert client.get("/api/t").cache == "HIT"
    assert client.post("/api/expire").text == "ok"
    miss = client.get("/api/t")
    assert (miss.cache, miss.text) == ("MISS", "n=1")


def test_async_generate_static_params_through_the_asgi_door(tmp_path: Path, clock: Clock) -> None:
    source = """
    import asyncio
    from routekit import Response
    dynamic_params = False
    async def generate_static_params():
        await asyncio.sleep(0)
        return [{"slug": "a"}]
    def GET(request, context):
        return Response(context.params["slug"])
    """
    client = _asgi_client(write_routes(tmp_path, {"app/api/[slug]/route.py": source}), clock)
    listed = client.get("/api/a")
    assert (listed.status_code, listed.text, listed.cache) == (200, "a", "MISS")
    assert client.get("/api/b").status_code == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int) -> tuple[str | None, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/api/t")
        res = conn.getresponse()
        return res.getheader("x-nextjs-cache"), res.read().decode()
    finally:
        conn.close()


def test_stale_regenerates_under_uvicorn(tmp_path: Path) -> None:
    """Real sockets: an async cached handler served by uvicorn goes MISS, HIT, STALE, and
    its background regeneration (a thread, off the server's loop) lands a fresh HIT."""
    pytest.importorskip("uvicorn", reason="the ASGI door is served by uvicorn (server extra)")
    root = write_routes(
        tmp_path / "project", {"app/api/t/route.py": ASYNC_COUNTER.format(revalidate=1)}
    )
    port = _free_port()
    env = {**os.environ, "ROUTEKIT_ENV": "production", "ROUTEKIT_ROOT": str(root)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "routekit._cli.start:asgi_app"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, "uvicorn exited before it answered"
                assert time.monotonic() < deadline, "uvicorn did not answer in 30 s"
                time.sleep(0.05)
        assert _get(port) == ("MISS", "n=0")
        assert _get(port) == ("HIT", "n=0")
        time.sleep(1.2)
        assert _get(port) == ("STALE", "n=0")
        seen: list[tuple[str | None, str]] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            seen.append(_get(port))
            if seen[-1][1] != "n=0":
                break
            time.sleep(0.05)
        print(f"{len(seen)} requests until the regenerated entry: {seen[-1]}")
        assert seen[-1][1] == "n=1", seen
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stderr is not None
        errors = proc.stderr.read().decode()
        proc.stderr.close()
    assert "Traceback" not in errors, errors
