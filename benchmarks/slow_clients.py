"""Slow clients against gunicorn: sync workers, gthread workers, and nginx in front.

``python -m benchmarks.slow_clients`` (not part of ``python -m benchmarks``: it needs
``nginx`` on PATH for its third row and takes about a minute). For each server it opens
*N* slow clients -- each sends a ``POST`` head with ``Content-Length: 64`` and then one body
byte every 0.25 s, as a client on a bad mobile link does -- and, while they trickle, times
20 sequential ``GET /api/hello`` from a fast client. The figures in the deployment guide
(``docs/howto/deploy.md``, "Slow clients") come from this script.
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

from ._servers import HOST, free_port, running

__all__ = ["main"]

_HELLO = "def handler(req, res):\n    res.json({'hello': 'world'})\n"
_UPLOAD = "def handler(req, res):\n    res.json({'received': len(req.body)})\n"
_TRICKLE_SECONDS = 6.0
_NGINX = """worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  server {{
    listen {host}:{port};
    location / {{ proxy_pass http://{host}:{upstream}; proxy_set_header Host $http_host; }}
  }}
}}
"""


def _project(root: Path) -> Path:
    api = root / "pages" / "api"
    api.mkdir(parents=True)
    (api / "hello.py").write_text(_HELLO, encoding="utf-8")
    (api / "upload.py").write_text(_UPLOAD, encoding="utf-8")
    return root


def _slow_client(port: int, stop: threading.Event) -> None:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(
            f"POST /api/upload HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: text/plain\r\n"
            "Content-Length: 64\r\nConnection: close\r\n\r\n".encode()
        )
        for _ in range(64):
            if stop.wait(0.25):
                return
            sock.sendall(b"x")


def _fast_latencies(port: int, count: int = 20) -> list[float]:
    out: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", "/api/hello")
            conn.getresponse().read()
        except OSError:
            out.append(float("inf"))
        else:
            out.append(time.perf_counter() - started)
        finally:
            conn.close()
    return out


def _measure(port: int, slow: int) -> tuple[float, float]:
    stop = threading.Event()
    threads = [threading.Thread(target=_slow_client, args=(port, stop)) for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let every slow client reach a worker
    latencies = _fast_latencies(port)
    stop.set()
    for thread in threads:
        thread.join()
    return latencies[0], statistics.median(latencies)


@contextlib.contextmanager
def _nginx(upstream: int, root: Path) -> t.Iterator[int]:
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(
        _NGINX.format(root=root, host=HOST, port=port, upstream=upstream), encoding="utf-8"
    )
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], cwd=root)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _gunicorn(project: Path, port: int, worker: str) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"{HOST}:{port}"]
    if worker == "gthread":
        command += ["-k", "gthread", "--threads", "8"]
    return [*command, "--log-level", "error", f"routekit:App({str(project)!r})"]


def main(slow_counts: t.Sequence[int] = (2, 8, 32)) -> None:
    """Print one row per (server, number of slow clients): first and median fast latency."""
    with tempfile.TemporaryDirectory(prefix="routekit-slow-") as tmp:
        project = _project(Path(tmp) / "site")
        setups = ["sync", "gthread"] + (["nginx + sync"] if shutil.which("nginx") else [])
        print("server                         slow  first GET   median GET")
        for setup in setups:
            port = free_port()
            worker = "gthread" if setup == "gthread" else "sync"
            env = {"ROUTEKIT_ENV": "production"}
            command = _gunicorn(project, port, worker)
            with (
                running(command, port, env=env, ready_path="/api/hello"),
                contextlib.ExitStack() as stack,
            ):
                front = port
                if setup.startswith("nginx"):
                    nginx_root = Path(tmp) / "nginx"
                    nginx_root.mkdir(exist_ok=True)
                    front = stack.enter_context(_nginx(port, nginx_root))
                for slow in slow_counts:
                    first, median = _measure(front, slow)
                    label = f"gunicorn -w 2 ({setup})"
                    print(f"{label:<30} {slow:>4}  {first * 1e3:8.1f} ms  {median * 1e3:8.1f} ms")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or (2, 8, 32))
