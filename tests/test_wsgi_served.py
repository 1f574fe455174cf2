"""The WSGI door under gunicorn: every chunk goes through the iterable (issue #13 point 8).

A WSGI middleware that wraps the returned iterable (compression, logging, Sentry) must see
the whole body, also of a stream, and the stream must still reach the client chunk by chunk.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "wsgi_wrapped"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def wrapped_url() -> t.Iterator[tuple[str, int]]:
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--pythonpath", str(FIXTURE), "wrapped_app:app"]
    env = {**os.environ, "ROUTEKIT_ENV": "production"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "") from None
            time.sleep(0.05)
    try:
        yield ("127.0.0.1", port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.parametrize(
    ("url", "first", "rest"),
    [
        ("/api/stream/sse", b"DATA: FIRST\n\n", b"DATA: SECOND\n\n"),  # res.write() chunks
        ("/api/ticks", b"TICK 1\n", b"TICK 2\n"),  # an app route's generator body
    ],
)
def test_wsgi_served_stream_goes_through_the_wrapping_middleware_chunk_by_chunk(
    wrapped_url: tuple[str, int], tmp_path: Path, url: str, first: bytes, rest: bytes
) -> None:
    marker = tmp_path / "go"
    conn = http.client.HTTPConnection(*wrapped_url, timeout=10)
    conn.request("GET", f"{url}?marker={marker}")
    resp = conn.getresponse()
    # The handler still waits for the marker: the first chunk came alone, through the wrapper.
    assert resp.read1(64) == first
    marker.touch()
    assert resp.read() == rest
    conn.close()


def test_wsgi_served_buffered_answer_goes_through_the_wrapping_middleware(
    wrapped_url: tuple[str, int],
) -> None:
    conn = http.client.HTTPConnection(*wrapped_url, timeout=10)
    conn.request("GET", "/api/kinds?kind=write")
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    assert resp.status == 200
    assert body
    assert body == body.upper()
