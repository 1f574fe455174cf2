"""One pipeline, two doors: gunicorn (WSGI), uvicorn (ASGI) and App.handle in-process agree.

A corpus of requests goes through a real 2-worker gunicorn on 127.0.0.1, a one-worker
uvicorn serving ``app.asgi``, the in-process path, and the in-process ASGI driver; status,
reason, headers (but the transport's own: Date, Connection, Server, Transfer-Encoding,
Keep-Alive) and body must be identical -- except the reason phrase over ASGI, which has
none: the server writes the standard one (docs/differences.md).
"""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import time
import typing as t
from http import HTTPStatus
from pathlib import Path

import pytest

from routekit import App
from routekit._wire import BufferSink, RawRequest
from routekit_pytest._asgidoor import handle_via_asgi

ROOT = Path(__file__).parent / "fixtures" / "parity"
TRANSPORT_HEADERS = {"date", "connection", "server", "transfer-encoding", "keep-alive"}

Case = tuple[str, str, dict[str, str], bytes]

CORPUS: list[Case] = [
    ("GET", "/api/hello", {}, b""),
    ("HEAD", "/api/hello", {}, b""),
    ("POST", "/api/hello", {}, b""),
    ("GET", "/api/hello/", {}, b""),
    ("GET", "/api/hello/?a=1", {}, b""),
    ("GET", "//api//hello", {}, b""),
    ("GET", "/api/users/me", {}, b""),
    ("GET", "/api/users/42?id=nope&x=1&x=2", {}, b""),
    ("GET", "/api/users/a%20b", {}, b""),
    ("GET", "/api/users/%E0%A4%A", {}, b""),
    ("GET", "/api/docs/a/b%2Fc", {}, b""),
    ("GET", "/api/opt", {}, b""),
    ("GET", "/api/opt?slug=q", {}, b""),
    ("GET", "/api/opt/x/y", {}, b""),
    ("GET", "/api/nope", {}, b""),
    ("GET", "/API/hello", {}, b""),
    ("POST", "/api/echo", {"Content-Type": "application/json"}, b'{"a": [1, 2.5, "\xc3\xa9"]}'),
    ("POST", "/api/echo", {"Content-Type": "application/json"}, b"{bad"),
    ("POST", "/api/echo", {"Content-Type": "application/json"}, b""),
    ("POST", "/api/echo", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=1&a=2&b"),
    ("POST", "/api/echo", {"Content-Type": "text/plain; charset=nope"}, b"x"),
    ("GET", "/api/echo", {"Cookie": "a=1; a=2; b=%20x"}, b""),
    ("POST", "/api/small", {"Content-Type": "text/plain"}, b"0123456789"),
    ("POST", "/api/small", {"Content-Type": "text/plain"}, b"0123456789A"),
    ("GET", "/api/kinds?kind=bytes", {}, b""),
    ("GET", "/api/kinds?kind=number", {}, b""),
    ("GET", "/api/kinds?kind=none", {}, b""),
    ("GET", "/api/kinds?kind=empty204", {}, b""),
    ("GET", "/api/kinds?kind=redirect", {}, b""),
    ("GET", "/api/kinds?kind=redirect301", {}, b""),
    ("GET", "/api/kinds?kind=cookie", {}, b""),
    ("GET", "/api/kinds?kind=write", {}, b""),
    ("GET", "/api/kinds?kind=unended", {}, b""),
    ("GET", "/api/kinds?kind=boom", {}, b""),
    ("GET", "/api/kinds?kind=teapot", {}, b""),
    ("GET", "/api/hello", {"If-None-Match": '"kxl31zjxesh"'}, b""),
    ("GET", "/api/items/7?q=z", {}, b""),
    ("HEAD", "/api/items/7", {}, b""),
    ("OPTIONS", "/api/items/7", {}, b""),
    ("DELETE", "/api/items/7", {}, b""),
    ("POST", "/api/items/7", {"Content-Type": "application/json"}, b'{"n": 1}'),
    ("GET", "/api/ping", {}, b""),
    ("PUT", "/api/edge?id=3", {}, b""),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def gunicorn_url() -> t.Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**os.environ, "ROUTEKIT_ENV": "production"}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", f"routekit:App({str(ROOT)!r})",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                message = proc.stderr.read().decode() if proc.stderr else "gunicorn died"
                raise RuntimeError(message) from None
            time.sleep(0.05)
    try:
        yield ("127.0.0.1", port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.fixture(scope="module")
def uvicorn_url() -> t.Iterator[tuple[str, int]]:
    pytest.importorskip("uvicorn", reason="the ASGI door is served by uvicorn (server extra)")
    port = _free_port()
    env = {**os.environ, "ROUTEKIT_ENV": "production", "ROUTEKIT_ROOT": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "routekit._cli.start:asgi_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                message = proc.stderr.read().decode() if proc.stderr else "uvicorn died"
                raise RuntimeError(message) from None
            time.sleep(0.05)
    try:
        yield ("127.0.0.1", port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


Answer = tuple[int, str, list[tuple[str, str]], bytes]


def _over_socket(addr: tuple[str, int], case: Case) -> Answer:
    method, target, headers, body = case
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"localhost:{addr[1]}")
        for name, value in headers.items():
            conn.putheader(name, value)
        if body or method in {"POST", "PUT", "PATCH"}:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.reason, resp.getheaders(), data
    finally:
        conn.close()


def _in_process(app: App, port: int, case: Case, *, door: str = "direct") -> Answer:
    method, target, headers, body = case
    path, _, query = target.partition("?")
    header_list = [("host", f"localhost:{port}")]
    header_list += [(k.lower(), v) for k, v in headers.items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        header_list.append(("content-length", str(len(body))))
    raw = RawRequest(
        method=method,
        path=path,
        query_string=query,
        headers=header_list,
        body=io.BytesIO(body),
        content_length=len(body),
        host=f"localhost:{port}",
    )
    sink = BufferSink()
    if door == "asgi":
        handle_via_asgi(app, raw, sink)
    else:
        app.handle(raw, sink)
    return sink.status, sink.reason, sink.headers, sink.body


def _standard_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in headers if k.lower() not in TRANSPORT_HEADERS)


@pytest.fixture(scope="module")
def app() -> App:
    return App(ROOT, mode="production")


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: f"{c[0]} {c[1]}")
def test_parity_gunicorn_and_in_process_agree(
    gunicorn_url: tuple[str, int], app: App, case: Case
) -> None:
    status, reason, headers, body = _over_socket(gunicorn_url, case)
    in_status, in_reason, in_headers, in_body = _in_process(app, gunicorn_url[1], case)
    assert (in_status, in_reason) == (status, reason)
    assert _comparable(in_headers) == _comparable(headers)
    assert in_body == body


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: f"{c[0]} {c[1]}")
def test_parity_uvicorn_and_in_process_agree(
    uvicorn_url: tuple[str, int], app: App, case: Case
) -> None:
    status, reason, headers, body = _over_socket(uvicorn_url, case)
    in_status, _in_reason, in_headers, in_body = _in_process(app, uvicorn_url[1], case)
    assert status == in_status
    # ASGI has no reason phrase: uvicorn writes the standard one.
    assert reason == _standard_reason(in_status)
    assert _comparable(headers) == _comparable(in_headers)
    assert body == in_body
    # The in-process ASGI driver answers as uvicorn does, reason phrase included.
    asgi = _in_process(app, uvicorn_url[1], case, door="asgi")
    assert (asgi[0], asgi[1]) == (status, reason)
    assert _comparable(asgi[2]) == _comparable(headers)
    assert asgi[3] == body


@pytest.mark.parametrize(
    ("url", "first", "rest"),
    [
        # pages handler: res.write() chunks
        ("/api/stream/sse", b"data: first\n\n", b"data: second\n\n"),
        # app route: a generator body
        ("/api/ticks", b"tick 1\n", b"tick 2\n"),
    ],
)
@pytest.mark.parametrize("server", ["gunicorn_url", "uvicorn_url"])
def test_parity_servers_stream_first_chunk_before_handler_finishes(
    request: pytest.FixtureRequest, server: str, tmp_path: Path, url: str, first: bytes, rest: bytes
) -> None:
    marker = tmp_path / "go"
    conn = http.client.HTTPConnection(*request.getfixturevalue(server), timeout=10)
    conn.request("GET", f"{url}?marker={marker}")
    resp = conn.getresponse()
    # The handler is still blocked waiting for the marker: the first chunk arrived on its own.
    assert resp.read1(64) == first
    marker.touch()
    assert resp.read() == rest
    conn.close()
