"""One cache shared past one process: the file handler (two gunicorn workers on real
sockets) and Redis, through the whole pipeline."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from routekit import App
from routekit_pytest import Client

from .conftest import write_routes

PID_ROUTE = """
import os
from routekit import Response
revalidate = 3600
def GET():
    return Response(f"rendered-by={os.getpid()}")
"""


@pytest.mark.parametrize("choice", ["file", "redis"])
def test_two_apps_share_one_cache(
    tmp_path: Path, choice: str, request: pytest.FixtureRequest
) -> None:
    """Two App instances (two workers' worth) over one file folder or one Redis server."""
    setting = request.getfixturevalue("redis_url") if choice == "redis" else "file"
    root = write_routes(tmp_path / "project", {"app/api/t/route.py": PID_ROUTE})
    first = App(root, mode="production", cache_handler=setting, cache_dir=str(tmp_path / "c"))
    second = App(root, mode="production", cache_handler=setting, cache_dir=str(tmp_path / "c"))
    first.cache.clear()
    miss = Client(first).get("/api/t")
    hit = Client(second).get("/api/t")
    assert (miss.cache, hit.cache, hit.text) == ("MISS", "HIT", miss.text)
    if choice == "file":
        assert list((tmp_path / "c" / "entries").iterdir())  # under the configured folder
    # Revalidation in one worker reaches the other through the handler, not its memory.
    route = "from routekit import Response\nfrom routekit.cache import revalidate_path\n"
    route += "def POST():\n    revalidate_path('/api/t')\n    return Response('ok')\n"
    (root / "app/api/revalidate").mkdir(parents=True)
    (root / "app/api/revalidate/route.py").write_text(route)
    third = App(root, mode="production", cache_handler=setting, cache_dir=str(tmp_path / "c"))
    Client(third).post("/api/revalidate")
    assert Client(first).get("/api/t").cache == "MISS"
    first.cache.clear()


def test_file_cache_folder_defaults_to_dot_routekit(tmp_path: Path) -> None:
    root = write_routes(tmp_path, {"app/api/t/route.py": PID_ROUTE})
    assert Client(App(root, mode="production")).get("/api/t").cache == "MISS"
    assert list((tmp_path / ".routekit" / "cache" / "entries").iterdir())


_ACCESS = re.compile(r"pid=<(\d+)> path=/api/t")


def test_two_gunicorn_workers_share_the_file_cache(tmp_path: Path) -> None:
    """Real sockets: a worker that never rendered the route answers HIT with the body the
    other worker rendered."""
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        pytest.skip("gunicorn is not installed")
    root = write_routes(tmp_path / "project", {"app/api/t/route.py": PID_ROUTE})
    (tmp_path / "wsgi_entry.py").write_text(
        textwrap.dedent(
            f"""
            from routekit import App
            app = App({str(root)!r}, mode="production")
            """
        )
    )
    log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k != "ROUTEKIT_ENV"}
    env["PYTHONPATH"] = str(tmp_path) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-b",
            "127.0.0.1:0",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "pid=%(p)s path=%(U)s",
            "wsgi_entry:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        port = _port(proc)
        answers: list[tuple[str | None, bytes]] = []
        started = time.monotonic()
        for _ in range(200):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/t", headers={"Connection": "close"})
            res = conn.getresponse()
            answers.append((res.getheader("x-nextjs-cache"), res.read()))
            conn.close()
            served = set(_ACCESS.findall(log.read_text())) if log.exists() else set()
            if len(served) >= 2 and len(answers) >= 4:
                break
        elapsed = time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        assert proc.stderr is not None
        proc.stderr.close()
    pids = _ACCESS.findall(log.read_text())
    print(f"{len(answers)} requests in {elapsed:.2f}s, served by workers {sorted(set(pids))}")
    assert len(set(pids)) == 2, "gunicorn sent every request to one worker"
    renderer = answers[0][1]
    assert answers[0][0] == "MISS"
    assert all(state == "HIT" and body == renderer for state, body in answers[1:])
    renderer_pid = renderer.decode().split("=")[1]
    assert any(pid != renderer_pid for pid in pids[1:]), "no HIT came from the other worker"


def _port(proc: subprocess.Popen[bytes]) -> int:
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    seen = b""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        found = re.search(rb"http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            for _ in range(200):  # the address is logged before the workers answer
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                try:
                    probe.connect()
                    return port
                except OSError:
                    time.sleep(0.05)
                finally:
                    probe.close()
        if proc.poll() is not None:
            break
    raise RuntimeError(f"gunicorn did not start: {seen!r}")
