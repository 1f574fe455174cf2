"""Every door answers the same request the same way (issue 15).

The same hand-written requests go to ``tests/fixtures/fidelity`` through each door in
:data:`DOORS` -- gunicorn, ``routekit serve`` and the in-process client -- and the status
line, the headers (but the transport's own) and the body must be identical. Before issue
15, ``//api/hello`` was a 308 under gunicorn and a 200 under ``routekit serve``, and two
``Cookie`` lines were one ``a=1,b=2`` cookie under both servers.

A new door is one line in :data:`DOORS`: a command that serves ``ROOT`` on a port of its
own choosing and logs ``http://127.0.0.1:<port>``.
"""

from __future__ import annotations

import contextlib
import io
import sys
import typing as t
from pathlib import Path

import pytest

from routekit import App
from routekit._wire import BufferSink, RawRequest

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "fidelity"

#: name -> the command serving ROOT (``None``: the in-process client, ``App.handle``).
DOORS: dict[str, list[str] | None] = {
    "gunicorn": [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0",
        "--graceful-timeout", "1", f"routekit:App({str(ROOT)!r})",
    ],
    "serve": [sys.executable, "-m", "routekit", "serve", str(ROOT), "--prod", "--port", "0"],
    "in-process": None,
}  # fmt: skip
#: Headers each transport writes its own way.
TRANSPORT = {"date", "connection", "server", "transfer-encoding", "keep-alive"}
#: The port the in-process door pretends to listen on (its ``Host``).
IN_PROCESS_PORT = 3456

Case = tuple[str, str, list[tuple[str, str]], bytes]


class Reply(t.NamedTuple):
    """What :func:`_comparable` reads of an answer (the socket doors' ``Reply`` has it too)."""

    status: int | None
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    complete: bool


class Speaker(t.Protocol):
    """A door: the socket ``Door`` of conftest.py, or :class:`_InProcess`."""

    port: int

    def request(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> Reply: ...


SKIP = ("x-skip-mw", "1")
CASES: list[Case] = [
    ("GET", "//api/hello", [], b""),
    ("GET", "/api//hello?x=1", [], b""),
    ("GET", "/api/hello/", [], b""),
    ("GET", "/api/hello/..?q=a%20b&t", [], b""),
    ("GET", "/api/hello", [("Cookie", "a=1"), ("Cookie", "b=2")], b""),
    ("GET", "/api/hello", [("Cookie", "a=1,b=2")], b""),
    ("GET", "/api/hello", [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "5.6.7.8")], b""),
    ("GET", "/api/hello", [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "x.example")], b""),
    ("HEAD", "/api/hello", [], b""),
    ("POST", "/api/hello?a=1", [("Content-Type", "application/json")], b'{"n": 1}'),
    ("GET", "/api/redir?s=nan", [], b""),
    ("GET", "/api/redir?s=float", [], b""),
    ("GET", "/api/redir?s=str", [], b""),
    ("GET", "/api/throw", [], b""),
    ("HEAD", "/api/throw", [], b""),
    ("GET", "/api/throwhdr", [SKIP], b""),
    ("GET", "/api/rw/a/b?x=a%20b&y=1+2", [], b""),
    ("GET", "/api/rwq/x?q=a%20b", [], b""),
    ("GET", "/api/rwapp/a/b?q=a%20b", [], b""),
    ("GET", "/api/rwedge/a/b?q=a%20b", [], b""),
    ("GET", "/api/echo/a/../b?q=1", [], b""),
    ("GET", "/api/echo/a/%2E%2e/b", [SKIP], b""),
    ("GET", "/api/echo/%2e%2e/b", [], b""),
    ("GET", "/api/m%77/x", [], b""),
    ("GET", "/api/echo/x?q=a%20b&r=%7e&t&x=%zz&a=1&b=2&a=3", [SKIP], b""),
    ("GET", "/api/app-echo/x?slug=x&a=1&b=2&a=3", [SKIP], b""),
    ("GET", "/api/edge-echo/x/../y?q=a%20b", [SKIP], b""),
]


class _InProcess:
    """The in-process door, spoken to as :class:`Door` is: the same request lines."""

    def __init__(self, app: App, port: int) -> None:
        self.app = app
        self.port = port

    def request(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> Reply:
        path, _, query = target.partition("?")
        host = f"127.0.0.1:{self.port}"
        lines = [("host", host), *((name.lower(), value) for name, value in headers)]
        if body:
            lines.append(("content-length", str(len(body))))
        lines.append(("connection", "close"))
        raw = RawRequest(
            method, path, query, lines, io.BytesIO(body), len(body) if body else None, host=host
        )
        sink = BufferSink()
        self.app.handle(raw, sink)
        return Reply(sink.status, sink.reason, list(sink.headers), sink.body, sink.finished)


@pytest.fixture(scope="module")
def doors(
    spawn_server: t.Callable[[list[str], Path], t.ContextManager[int]],
    door_class: t.Callable[[str, int], Speaker],
    tmp_path_factory: pytest.TempPathFactory,
) -> t.Iterator[dict[str, Speaker]]:
    with contextlib.ExitStack() as stack:
        started: dict[str, Speaker] = {}
        for name, command in DOORS.items():
            if command is None:
                started[name] = _InProcess(App(ROOT, mode="production"), IN_PROCESS_PORT)
            else:
                port = stack.enter_context(spawn_server(command, tmp_path_factory.mktemp(name)))
                started[name] = door_class(name, port)
        yield started


def _comparable(reply: Reply, port: int) -> tuple[object, ...]:
    # The door's own port shows in URLs, in the Host it was sent and in x-forwarded-port.
    def own(text: str) -> str:
        for form in (f":{port}", f'"{port}"', f'\\"{port}\\"'):
            text = text.replace(form, form.replace(str(port), "PORT"))
        return text

    text = reply.body.decode("latin-1")
    body = own(text)
    named = body != text or any(own(value) != value for _, value in reply.headers)
    # ETag and Content-Length follow the body, so they differ exactly when it names the port
    # (a HEAD response's unsent body too: its headers name it then).
    derived = {"etag", "content-length"} if named else set()
    headers = sorted(
        (name.lower(), own(value))
        for name, value in reply.headers
        if name.lower() not in TRANSPORT and name.lower() not in derived
    )
    return reply.status, reply.reason, headers, body, reply.complete


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]} {case[1]} {case[2]}")
def test_every_door_gives_the_same_answer(doors: dict[str, Speaker], case: Case) -> None:
    method, target, headers, body = case
    answers = {
        name: _comparable(door.request(method, target, headers, body), door.port)
        for name, door in doors.items()
    }
    first, *others = answers
    for name in others:
        assert answers[name] == answers[first], f"{name} and {first} disagree on {case}"
