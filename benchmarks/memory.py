"""Group 7, memory: RSS stays flat under a huge rejected body and across many requests.

Upload: a generated project with `pages/api/upload.py` (default `bodyParser`, 1mb limit)
and `app/api/upload-web/route.py` (`await request.body()`, `body_size_limit = "1mb"`) under
gunicorn (2 workers, production mode). A client streams a 1 GB `text/plain` body to
it over a raw socket, once with `Content-Length` and once chunked (so the server cannot
refuse from the header alone), while a thread samples every worker's `VmRSS` from
`/proc/<pid>/status` every 20 ms. The ratio is the worst worker's peak RSS over its RSS
before the upload; the answer must be 413. In-process: 100,000 requests through
`routekit_pytest.Client` in a fresh process, RSS after a 1,000-request warm-up against RSS
at the end. These two rows compare routekit with itself: there is no peer to run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ._apps import write_routekit_project
from ._harness import Config, Row, Target
from ._servers import free_port, gunicorn_command, rss_kib, running, worker_pids

__all__ = ["run"]

GROUP = "memory"
_UPLOAD = (
    "def handler(req, res):\n"
    "    res.status(200).json({'received': len(req.body or '')})\n"
)
_CHUNK = 256 * 1024
# An app route reading the body, its limit as the pages route's (issue 9: app routes have one).
_WEB_UPLOAD = (
    "from routekit import Response\n\n"
    "body_size_limit = '1mb'\n\n"
    "async def POST(request):\n"
    "    return Response(str(len(await request.body())))\n"
)
#: (path, what the row calls it) for each upload target.
_TARGETS = (("/api/upload", "a 1mb-limit route"), ("/api/upload-web", "a 1mb-limit app route"))


class _Sampler(threading.Thread):
    """Samples the peak RSS of some processes until stopped."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = {pid: rss_kib(pid) for pid in pids}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.02):
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_kib(pid))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _upload(port: int, total: int, chunked: bool, target: str) -> tuple[int, int]:
    """Stream *total* bytes to *target*; (status, bytes the server took before answering)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
    sock.sendall(
        (
            f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: text/plain\r\n{framing}\r\nConnection: close\r\n\r\n"
        ).encode()
    )
    block = b"x" * _CHUNK
    if chunked:
        block = f"{_CHUNK:x}\r\n".encode() + block + b"\r\n"
    sent = 0
    sock.setblocking(False)
    reply = b""
    try:
        while sent < total:
            # Stop as soon as the server has answered (it refuses the body early).
            with contextlib.suppress(BlockingIOError):
                data = sock.recv(65536)
                if data:
                    reply += data
                    break
            try:
                sock.setblocking(True)
                sock.sendall(block)
                sock.setblocking(False)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += _CHUNK
        if chunked and sent >= total:
            with contextlib.suppress(OSError):
                sock.sendall(b"0\r\n\r\n")
        sock.setblocking(True)
        with contextlib.suppress(OSError):
            while b"\r\n" not in reply:
                data = sock.recv(65536)
                if not data:
                    break
                reply += data
    finally:
        sock.close()
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return status, sent


def _upload_rows(config: Config, root: Path) -> list[Row]:
    total = (64 if config.quick else 1024) * 1024 * 1024
    rows: list[Row] = []
    port = free_port()
    command = gunicorn_command(f'routekit.app:App("{root}")', port)
    env = {"ROUTEKIT_ENV": "production"}
    with running(command, port, env=env, ready_path="/api/hello") as proc:
        time.sleep(0.5)
        workers = worker_pids(proc.pid)
        for (target, kind), chunked in itertools.product(_TARGETS, (False, True)):
            before = {pid: rss_kib(pid) for pid in workers}
            sampler = _Sampler(workers)
            sampler.start()
            started = time.perf_counter()
            status, sent = _upload(port, total, chunked, target)
            elapsed = time.perf_counter() - started
            sampler.stop()
            worst = max(workers, key=lambda pid: sampler.peak[pid] / max(before[pid], 1))
            ratio = sampler.peak[worst] / max(before[worst], 1)
            how = "chunked" if chunked else "Content-Length"
            ok = status == 413
            rows.append(
                Row(
                    GROUP,
                    f"{total // 2**20:,} MiB body ({how}) to {kind}: "
                    "worker peak RSS / RSS before",
                    ratio if ok else None,
                    Target("<=", 1.1),
                    context=f"answer {status}; worker RSS {before[worst] / 1024:.1f} → peak "
                    f"{sampler.peak[worst] / 1024:.1f} MiB; client sent {sent / 2**20:,.1f} MiB "
                    f"before the answer, in {elapsed:.2f} s",
                    note="" if ok else f"expected 413, got {status}",
                )
            )
    return rows


def _inprocess_row(config: Config, root: Path) -> Row:
    total = 10_000 if config.quick else 100_000
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._memory_child", str(root), str(total)],
        check=True,
        capture_output=True,
        timeout=900,
        cwd=Path(__file__).resolve().parent.parent,
    )
    figures = json.loads(done.stdout)
    start, end, peak = figures["start_kib"], figures["end_kib"], figures["peak_kib"]
    return Row(
        GROUP,
        f"{total:,} in-process requests (client): RSS at the end / at the start",
        end / start,
        Target("<=", 1.05),
        context=f"RSS {start / 1024:.1f} MiB → {end / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB)",
    )


def run(config: Config) -> list[Row]:
    """The upload rows and the in-process row."""
    with tempfile.TemporaryDirectory(prefix="routekit-bench-memory-") as tmp:
        root = write_routekit_project(Path(tmp))
        (root / "pages" / "api" / "upload.py").write_text(_UPLOAD, encoding="utf-8")
        web = root / "app" / "api" / "upload-web" / "route.py"
        web.parent.mkdir(parents=True, exist_ok=True)
        web.write_text(_WEB_UPLOAD, encoding="utf-8")
        return [*_upload_rows(config, root), _inprocess_row(config, root)]
