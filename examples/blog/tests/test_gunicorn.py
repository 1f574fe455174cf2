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
import re
import socket
import sys
import time
import typing as t
from pathlib import Path

import pytest

BLOG = Path(__file__).resolve().parent.parent
REQUEST_TIMEOUT = 10.0


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_gunicorn_two_workers_share_the_database(
    tmp_path: Path, secret: str, database: str, serve: t.Any
) -> None:
    def gunicorn(port: int) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                "--access-logfile", "-", "--access-logformat", "pid=%(p)s %(r)s %(s)s",
                f'routekit:App("{BLOG}")']  # fmt: skip

    # Recent gunicorn opens a control socket in ~/.gunicorn: one per test, so runs never clash.
    env = {"JWT_SECRET_KEY": secret, "DATABASE_URL": database, "HOME": str(tmp_path)}
    served = serve(gunicorn, env)
    with socket.create_connection(("127.0.0.1", served.port), timeout=REQUEST_TIMEOUT) as held:
        # A sync worker accepts this and waits for the rest of the headers.
        held.sendall(b"GET /api/posts HTTP/1.1\r\nHost: localhost\r\n")

        login = {"username": "john", "password": "password"}
        status, answer = served.request("POST", "/api/auth", json_body=login)
        assert status == 200, answer
        token = answer["token"]
        post = {"text": "Two workers, one database."}
        status, created = served.request("POST", "/api/posts", json_body=post, token=token)
        assert (status, created) == (201, {"id": 5, "userId": 3, **post})
        for _ in range(3):
            status, posts = served.request("GET", "/api/users/3/posts")
            assert (status, [p["id"] for p in posts], posts[-1]) == (200, [4, 5], created)

        held.sendall(b"Connection: close\r\n\r\n")
        reply = http.client.HTTPResponse(held)
        try:
            reply.begin()
            assert reply.status == 200
            assert json.loads(reply.read())[-1] == created
        finally:
            reply.close()

    # The held request's access-log line is written after its answer: wait for it (bounded).
    log = served.log
    deadline = time.monotonic() + REQUEST_TIMEOUT
    while True:
        pids = set(re.findall(r"^pid=<(\d+)> ", log.read_text(), re.MULTILINE))
        if len(pids) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(pids) == 2, log.read_text()
