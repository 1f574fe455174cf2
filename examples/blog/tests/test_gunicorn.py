"""The blog under gunicorn with two worker processes sharing one database (SQLite, PostgreSQL).

One worker is kept busy by a request whose headers are not finished yet, so the login, the
new post and the reads in between are all answered by the *other* worker; then the first
worker finishes its request and must see the post the second one wrote. The access log
(process ids) proves that two processes answered.

Every wait is bounded, the server is always stopped, and its output goes to a file (no pipe
left open).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import typing as t
from contextlib import contextmanager
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Iterator

BLOG = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(
    port: int, method: str, path: str, body: object = None, token: str | None = None
) -> tuple[int, t.Any]:
    headers = {"Connection": "close"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _wait_until_serving(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if _request(port, "GET", "/api/hello")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@contextmanager
def _gunicorn(port: int, log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "--access-logformat",
        "pid=%(p)s %(r)s %(s)s",
        f'routekit:App("{BLOG}")',
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )
        try:
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_gunicorn_two_workers_share_the_database(
    tmp_path: Path, secret: str, database: str
) -> None:
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ROUTEKIT_"))}
    env.update(JWT_SECRET_KEY=secret, DATABASE_URL=database)
    # Recent gunicorn opens a control socket in ~/.gunicorn: one per test, so runs never clash.
    env["HOME"] = str(tmp_path)

    with _gunicorn(port, log, env) as server:
        _wait_until_serving(server, port, log)
        with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as held:
            # A sync worker accepts this and waits for the rest of the headers.
            held.sendall(b"GET /api/posts HTTP/1.1\r\nHost: localhost\r\n")

            status, answer = _request(
                port, "POST", "/api/auth", {"username": "john", "password": "password"}
            )
            assert status == 200, answer
            token = answer["token"]
            post = {"text": "Two workers, one database."}
            status, created = _request(port, "POST", "/api/posts", post, token)
            assert (status, created) == (201, {"id": 5, "userId": 3, **post})
            for _ in range(3):
                status, posts = _request(port, "GET", "/api/users/3/posts")
                assert (status, [p["id"] for p in posts], posts[-1]) == (200, [4, 5], created)

            held.sendall(b"Connection: close\r\n\r\n")
            reply = http.client.HTTPResponse(held)
            try:
                reply.begin()
                assert reply.status == 200
                assert json.loads(reply.read())[-1] == created
            finally:
                reply.close()

    pids = set(re.findall(r"^pid=<(\d+)> ", log.read_text(), re.MULTILINE))
    assert len(pids) == 2, log.read_text()
