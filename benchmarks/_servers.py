"""Start and stop the servers the served and memory groups measure, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

__all__ = [
    "REPO",
    "free_port",
    "get",
    "gunicorn_command",
    "rss_kib",
    "running",
    "worker_pids",
]

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """``GET path`` on the local server: status and body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def gunicorn_command(app: str, port: int, workers: int = 2) -> list[str]:
    """gunicorn with the settings every Python server in the benchmarks shares."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        app,
    ]


@contextlib.contextmanager
def running(
    command: Sequence[str],
    port: int,
    *,
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/",
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run *command* in its own process group until it answers on *port*; stop it after."""
    # A file, not a pipe: a chatty server must never block on a full pipe mid-benchmark.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally, outlives the with
    proc = subprocess.Popen(
        list(command),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                err = log.read().decode(errors="replace")
                raise RuntimeError(f"{command[-1]} exited with {proc.returncode}: {err[-500:]}")
            try:
                get(port, ready_path, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[-1]} did not answer on {port}") from None
                time.sleep(0.2)
        yield proc
    finally:
        # The group holds only what we started (gunicorn's arbiter and workers, node).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def worker_pids(parent: int) -> list[int]:
    """The direct children of *parent* (gunicorn's workers), from ``/proc``."""
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def rss_kib(pid: int) -> int:
    """``VmRSS`` of *pid* in KiB (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
