"""Real servers for the adversarial suite, and a raw-socket client that controls every byte.

Each door (``gunicorn -w 2``, ``routekit serve --prod`` and ``routekit start``, uvicorn) is
started once per test session
(per xdist worker) on a port the server picked itself (``:0``), serving
``tests/fixtures/adversarial``. Tests send hand-written bytes with :meth:`Door.send` and get
a :class:`Reply` that says whether the response was complete (a terminating chunk, or as
many bytes as ``Content-Length`` announced) -- which is how a client tells a cut response
from a finished one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from routekit import App
from routekit_pytest import Client

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "adversarial"
_PORT = re.compile(rb"http://127\.0\.0\.1:([1-9]\d*)")
DOORS = ("gunicorn", "serve", "uvicorn")


@dataclass
class Reply:
    """One response as it came off the socket."""

    status: int | None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    complete: bool = False
    raw: bytes = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def json(self) -> t.Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Reply {self.status} complete={self.complete} {self.raw[:300]!r}>"


def _dechunk(data: bytes) -> tuple[bytes, bool]:
    out = bytearray()
    while True:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            return bytes(out), False
        try:
            size = int(line.split(b";")[0], 16)
        except ValueError:
            return bytes(out), False
        if size == 0:
            return bytes(out), rest.startswith(b"\r\n") or b"\r\n\r\n" in rest or rest == b""
        if len(rest) < size + 2:
            out += rest[:size]
            return bytes(out), False
        out += rest[:size]
        data = rest[size + 2 :]


def parse_reply(raw: bytes, method: str = "GET") -> Reply:
    """Parse the first response in *raw* (status line, headers, body, completeness)."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/"):
        return Reply(None, raw=raw)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = [
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:])
    ]
    reply = Reply(status, reason, headers, raw=raw)
    length = reply.header("content-length")
    if method == "HEAD" or status in (204, 304) or status < 200:
        reply.body, reply.complete = b"", True
    elif (reply.header("transfer-encoding") or "").lower() == "chunked":
        reply.body, reply.complete = _dechunk(rest)
    elif length is not None:
        reply.body, reply.complete = rest[: int(length)], len(rest) >= int(length)
    else:
        reply.body, reply.complete = rest, True  # delimited by the close
    return reply


class Door:
    """A running server, spoken to over raw sockets."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port
        self.host = f"127.0.0.1:{port}"

    def __repr__(self) -> str:
        return f"<Door {self.name} :{self.port}>"

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def send(
        self,
        data: bytes,
        *,
        method: str = "GET",
        shut_write: bool = False,
        timeout: float = 10.0,
    ) -> Reply:
        """Send *data*, optionally half-close, and read until the server closes."""
        with self.connect(timeout) as sock:
            with contextlib.suppress(OSError):  # the server may refuse early and close
                sock.sendall(data)
            if shut_write:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_WR)
            return parse_reply(read_all(sock), method)

    def request(
        self,
        method: str,
        target: str,
        headers: t.Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        *,
        host: str | None = None,
        length: bool = True,
    ) -> Reply:
        """A well-framed request (``Connection: close``) with the given parts."""
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host or self.host}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if body and length:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        return self.send(data, method=method)


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (or resets) the connection."""
    chunks: list[bytes] = []
    while True:
        try:
            data = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ROUTEKIT_ENV"}
    env.update(ROUTEKIT_ENV="production", PYTHONUNBUFFERED="1")
    return env


@contextlib.contextmanager
def _server(command: list[str], logs: Path) -> t.Iterator[int]:
    err = logs / "stderr"
    with (logs / "stdout").open("wb") as out, err.open("wb") as errf:
        proc = subprocess.Popen(
            command, stdout=out, stderr=errf, env=_child_env(), start_new_session=True
        )
        try:
            deadline = time.monotonic() + 30
            port = None
            while port is None:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command[2]} exited: {err.read_text(errors='replace')}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[2]} did not start: {err.read_bytes()!r}")
                found = _PORT.search(err.read_bytes() + (logs / "stdout").read_bytes())
                if found:
                    port = int(found.group(1))
                else:
                    time.sleep(0.05)
            while True:  # gunicorn logs the address before its workers can answer
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield port
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def spawn_server() -> t.Callable[[list[str], Path], t.ContextManager[int]]:
    """Start a server command, yield the port it logged; stop it afterwards."""
    return _server


@pytest.fixture(scope="session")
def door_class() -> type[Door]:
    return Door


@pytest.fixture(scope="session")
def gunicorn_door(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Door]:
    logs = tmp_path_factory.mktemp("gunicorn")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--bind",
        "127.0.0.1:0",
        "--graceful-timeout",
        "1",
        f"routekit:App({str(SITE)!r})",
    ]
    with _server(command, logs) as port:
        yield Door("gunicorn", port)


@pytest.fixture(scope="session")
def serve_door(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Door]:
    logs = tmp_path_factory.mktemp("serve")
    command = [sys.executable, "-m", "routekit", "serve", str(SITE), "--prod", "--port", "0"]
    with _server(command, logs) as port:
        yield Door("serve", port)


@pytest.fixture(scope="session")
def uvicorn_door(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Door]:
    """``routekit start``: the ASGI door on uvicorn (one worker)."""
    pytest.importorskip("uvicorn", reason="the ASGI door is served by uvicorn (server extra)")
    logs = tmp_path_factory.mktemp("uvicorn")
    command = [sys.executable, "-m", "routekit", "start", str(SITE), "--port", "0"]
    with _server(command, logs) as port:
        yield Door("uvicorn", port)


@pytest.fixture(params=DOORS)
def door(request: pytest.FixtureRequest) -> Door:
    """Each test that takes ``door`` runs against gunicorn, ``routekit serve`` and uvicorn."""
    return t.cast("Door", request.getfixturevalue(f"{request.param}_door"))


@pytest.fixture(scope="session")
def site_app() -> App:
    return App(SITE, mode="production")


@pytest.fixture
def inproc(site_app: App) -> t.Iterator[Client]:
    """The in-process client on the same tree (answers as production, records like tests)."""
    client = Client(site_app, raise_errors=False)
    yield client
    client.close()
