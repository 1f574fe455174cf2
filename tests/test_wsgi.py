from __future__ import annotations

import io
import json
import os
import socket
import sys
import textwrap
import threading
import typing as t

import pytest
from werkzeug.serving import make_server
from werkzeug.test import Client, EnvironBuilder, run_wsgi_app

from routekit._wire import Exchange, RawRequest
from routekit._wsgi import (
    HEADER_LINES_KEY,
    LINGER,
    RequestHandler,
    WSGISink,
    header_lines,
    raw_request_from_environ,
)
from routekit.app import App
from routekit.errors import ResponseAbortedError
from routekit.loader import importer as loader_importer
from routekit.loader import registry as loader_registry

if t.TYPE_CHECKING:
    from pathlib import Path

_PROJECT_TOPS = ("pages", "app", "api", "lib", "middleware", "proxy")

ROUTES = {
    "pages/api/echo/[...parts].py": """
        def handler(req, res):
            res.json({"parts": req.query["parts"], "url": req.url, "body": req.body})
    """,
    "pages/api/hello.py": """
        def handler(req, res):
            res.send("hello")
    """,
    "pages/api/stream.py": """
        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            res.set_header("Connection", "keep-alive")
            res.set_header("Keep-Alive", "timeout=5")
            for i in range(3):
                res.write(f"data: {i}\\n\\n")
            res.end("data: end\\n\\n")
    """,
}


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    monkeypatch.setattr(loader_registry, "_loaders", {})
    monkeypatch.setattr(loader_importer, "_roots", set())
    monkeypatch.setattr(loader_importer, "_stashes", {})
    modules = dict(sys.modules)
    path = list(sys.path)
    for name in list(sys.modules):
        if name.partition(".")[0] in _PROJECT_TOPS:
            del sys.modules[name]
    yield
    sys.modules.clear()
    sys.modules.update(modules)
    sys.path[:] = path


@pytest.fixture
def app(tmp_path: Path) -> App:
    for rel, text in ROUTES.items():
        file = tmp_path / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return App(tmp_path, mode="production")


def _environ(**overrides: t.Any) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    environ.update(overrides)
    return {key: value for key, value in environ.items() if value is not None}


# -- environ -> RawRequest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri_key", "uri", "path"),
    [
        ("RAW_URI", "/api/a%2Fb?x=1", "/api/a%2Fb"),
        ("REQUEST_URI", "/api/a%2Fb", "/api/a%2Fb"),
        ("RAW_URI", "/api/%E0%A4%A", "/api/%E0%A4%A"),
        ("RAW_URI", "/api/caf%C3%A9", "/api/caf%C3%A9"),
        ("RAW_URI", "/api/x/", "/api/x/"),
        ("RAW_URI", "//api\\x", "//api\\x"),
        ("RAW_URI", "?only=query", "/"),
        # absolute-form request targets (a client talking to a proxy)
        ("RAW_URI", "http://example.com/api/x?y=1", "/api/x"),
        ("RAW_URI", "https://example.com:8443/api/a%2Fb", "/api/a%2Fb"),
        ("RAW_URI", "http://example.com", "/"),
        ("RAW_URI", "http://example.com?y=1", "/"),
        # origin-form with a URL inside: not absolute-form
        ("RAW_URI", "/api/proxy/http://example.com/x", "/api/proxy/http://example.com/x"),
    ],
)
def test_raw_request_path_from_raw_uri(uri_key: str, uri: str, path: str) -> None:
    environ = _environ(PATH_INFO="/decoded/differently", **{uri_key: uri})
    assert raw_request_from_environ(environ).path == path


@pytest.mark.parametrize(
    ("script_name", "path_info", "path"),
    [
        ("", "/api/a/b", "/api/a/b"),  # %2F was decoded by the server: it reads as /
        ("", "/api/hello world", "/api/hello%20world"),
        ("", "/api/caf\xc3\xa9", "/api/caf%C3%A9"),  # PEP 3333: UTF-8 bytes as latin-1
        ("", "/api/a:b@c!$&'()*+,;=-._~", "/api/a:b@c!$&'()*+,;=-._~"),
        ("", "/api/100%", "/api/100%25"),
        ("/mount", "/api/x", "/mount/api/x"),
        ("", "", "/"),
    ],
)
def test_raw_request_path_requoted_from_path_info(
    script_name: str, path_info: str, path: str
) -> None:
    environ = _environ(SCRIPT_NAME=script_name, PATH_INFO=path_info)
    assert raw_request_from_environ(environ).path == path


def test_raw_request_fields() -> None:
    environ = _environ(
        REQUEST_METHOD="patch",
        RAW_URI="/api/x?a=1&b",
        QUERY_STRING="a=1&b",
        HTTP_HOST="example.com:3000",
        HTTP_X_FORWARDED_FOR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="fr",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH="7",
        REMOTE_ADDR="127.0.0.2",
        **{"wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(b'{"a":1}trailing')},
    )
    raw = raw_request_from_environ(environ)
    assert (raw.method, raw.path, raw.query_string, raw.url) == (
        "patch",
        "/api/x",
        "a=1&b",
        "/api/x?a=1&b",
    )
    assert (raw.scheme, raw.host, raw.remote_addr) == ("https", "example.com:3000", "127.0.0.2")
    assert sorted(raw.headers) == [
        ("accept-language", "fr"),
        ("content-length", "7"),
        ("content-type", "application/json"),
        ("host", "example.com:3000"),
        ("x-forwarded-for", "10.0.0.1"),
    ]
    assert raw.content_length == 7
    assert raw.body is not None
    assert raw.body.read() == b'{"a":1}'  # bounded by Content-Length
    assert raw.environ is environ


def test_raw_request_host_falls_back_to_server_name() -> None:
    raw = raw_request_from_environ(_environ())
    assert raw.host == "testserver:8080"
    assert raw.header("host") is None


@pytest.mark.parametrize(
    ("value", "expected", "header"),
    [
        (None, None, None),
        ("", None, None),
        ("0", 0, "0"),
        ("12", 12, "12"),
        (" 12 ", 12, " 12 "),
        ("abc", 0, "abc"),  # werkzeug: invalid -> 0, and the input stream reads nothing
        ("-5", 0, "-5"),
        ("1_000", 0, "1_000"),  # int() would accept it; HTTP does not
        ("+5", 0, "+5"),
    ],
)
def test_raw_request_content_length(
    value: str | None, expected: int | None, header: str | None
) -> None:
    raw = raw_request_from_environ(_environ(CONTENT_LENGTH=value))
    assert raw.content_length == expected
    assert raw.header("content-length") == header


def test_raw_request_chunked_body_has_no_content_length() -> None:
    environ = _environ(
        CONTENT_LENGTH="3",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b"whole body"), "wsgi.input_terminated": True},
    )
    raw = raw_request_from_environ(environ)
    assert raw.content_length is None
    assert raw.body is not None
    assert raw.body.read() == b"whole body"


# -- WSGISink ----------------------------------------------------------------------------------


class _Server:
    """A start_response that records the order of events, as a server would see them."""

    def __init__(self) -> None:
        self.events: list[tuple[str, t.Any]] = []

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], None]:
        self.events.append(("start", (status, headers)))
        return lambda data: self.events.append(("write", data))


def test_wsgi_sink_without_respond_keeps_written_bytes_for_the_iterable() -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    sink.start(200, "OK", [("Content-Type", "text/event-stream")])
    assert sink.started
    sink.write(b"a")
    sink.write(b"")
    sink.write(b"b")
    sink.finish(b"end")
    assert server.events == []  # the head goes out when the iterable is handed over
    assert sink.close(Exchange(RawRequest("GET", "/api/x"))) == [b"a", b"b", b"end"]
    assert server.events == [("start", ("200 OK", [("Content-Type", "text/event-stream")]))]
    assert not sink.disconnected


def test_wsgi_sink_buffered_response_is_returned_as_the_iterable() -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    sink.start(404, "Not Found", [("Content-Length", "4")])
    sink.finish(b"nope")
    assert sink.close(Exchange(RawRequest("GET", "/api/x"))) == [b"nope"]
    assert server.events == [("start", ("404 Not Found", [("Content-Length", "4")]))]


def test_wsgi_sink_empty_finish_still_sends_the_head() -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    sink.start(204, "No Content", [])
    sink.finish()
    assert sink.close(Exchange(RawRequest("GET", "/api/x"))) == []
    assert server.events == [("start", ("204 No Content", []))]


@pytest.mark.parametrize(
    "name", ["Connection", "keep-alive", "Transfer-Encoding", "Upgrade", "TE", "Trailer"]
)
def test_wsgi_sink_drops_hop_by_hop_headers(name: str) -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    sink.start(200, "OK", [("X-A", "1"), (name, "value"), ("X-B", "2")])
    sink.finish()
    sink.close(Exchange(RawRequest("GET", "/api/x")))
    assert server.events == [("start", ("200 OK", [("X-A", "1"), ("X-B", "2")]))]


def test_wsgi_sink_never_started_answers_500() -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    assert sink.close(Exchange(RawRequest("GET", "/api/x"))) == []
    assert server.events == [("start", ("500 Internal Server Error", [("Content-Length", "0")]))]


def test_wsgi_sink_close_aborts_after_a_failed_head() -> None:
    server = _Server()
    sink = WSGISink(server.start_response)
    exchange = Exchange(RawRequest("GET", "/api/x"))
    sink.start(200, "OK", [])
    exchange.exception = ValueError("boom")
    exchange.aborted = True
    body = iter(sink.close(exchange))
    assert next(body) == b""  # the head goes out with the first (empty) chunk
    with pytest.raises(ResponseAbortedError, match="GET /api/x was cut short") as info:
        next(body)
    assert isinstance(info.value, ConnectionAbortedError)  # servers drop the connection
    assert isinstance(info.value.__cause__, ValueError)
    assert server.events == [("start", ("200 OK", []))]


class _Socket:
    def __init__(self) -> None:
        self.timeout: float | None = None

    def settimeout(self, value: float) -> None:
        self.timeout = value


@pytest.mark.parametrize(("headers", "timeout"), [([("Connection", "close")], LINGER), ([], None)])
def test_wsgi_sink_close_bounds_werkzeugs_drain_after_a_refused_body(
    headers: list[tuple[str, str]], timeout: float | None
) -> None:
    sock = _Socket()
    raw = RawRequest("POST", "/api/x", environ={"werkzeug.socket": sock})
    sink = WSGISink(_Server().start_response)
    sink.start(413, "Body exceeded 1kb limit", [("Content-Length", "0"), *headers])
    sink.finish()
    assert sink.close(Exchange(raw)) == []
    assert sock.timeout == timeout


def _serve_once(data: bytes, app: App) -> bytes:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    finally:
        thread.join(10)
        server.server_close()
    return b"".join(chunks)


@pytest.mark.parametrize(
    "lines",
    [
        b"Content-Length: 3\r\nContent-Length: 4\r\n",
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Content-Length: x\r\n",
        b"Host: a\r\nHost: b\r\n",
    ],
)
def test_request_handler_refuses_ambiguous_framing(app: App, lines: bytes) -> None:
    reply = _serve_once(b"POST /api/hello HTTP/1.1\r\n" + lines + b"\r\nabcd", app)
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_request_handler_serves_a_plain_request(app: App) -> None:
    reply = _serve_once(b"GET /api/hello HTTP/1.1\r\nHost: localhost\r\n\r\n", app)
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n")


# -- App as a WSGI application -----------------------------------------------------------------


def test_wsgi_app_keeps_encoded_slash_with_raw_uri(app: App) -> None:
    with Client(app).get("/api/echo/a%2Fb/c?q=1") as response:
        assert response.status == "200 OK"
        assert response.json == {"parts": ["a/b", "c"], "url": "/api/echo/a%2Fb/c?q=1", "body": ""}


def test_wsgi_app_without_raw_uri_reads_encoded_slash_as_separator(app: App) -> None:
    environ = EnvironBuilder("/api/echo/a%2Fb/c").get_environ()
    del environ["RAW_URI"], environ["REQUEST_URI"]
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status == "200 OK"
    assert json.loads(b"".join(body)) == {
        "parts": ["a", "b", "c"],
        "url": "/api/echo/a/b/c",
        "body": "",
    }


def test_wsgi_app_body_and_absolute_form_target(app: App) -> None:
    environ = EnvironBuilder(
        "/api/echo/x", method="POST", data="plain body", content_type="text/plain"
    ).get_environ()
    environ["RAW_URI"] = environ["REQUEST_URI"] = "http://proxy.example/api/echo/y%20z"
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status == "200 OK"
    assert json.loads(b"".join(body)) == {
        "parts": ["y z"],
        "url": "/api/echo/y%20z",
        "body": "plain body",
    }


def test_wsgi_app_framework_responses(app: App) -> None:
    client = Client(app)
    with client.post("/api/hello/?a=1") as redirect:
        assert redirect.status == "308 Permanent Redirect"
        assert redirect.headers["Location"] == "/api/hello?a=1"
        assert redirect.get_data() == b"/api/hello?a=1"
    with client.get("/api/missing") as missing:
        assert missing.status == "404 Not Found"
        assert missing.headers["Content-Type"] == "text/html; charset=utf-8"
    with client.get("/api/echo/%FF") as bad:
        assert bad.status == "400 Bad Request"


def test_wsgi_app_head_sends_no_body(app: App) -> None:
    with Client(app).head("/api/hello") as response:
        assert response.status == "200 OK"
        assert response.headers["Content-Length"] == "5"
        assert response.get_data() == b""


def test_wsgi_app_streams_and_drops_hop_by_hop_headers(app: App) -> None:
    server = _Server()
    environ = EnvironBuilder("/api/stream").get_environ()
    body = app(environ, server.start_response)
    ((kind, (status, headers)),) = server.events
    assert (kind, status) == ("start", "200 OK")
    assert [name.lower() for name, _ in headers] == ["content-type"]
    assert list(body) == [f"data: {i}\n\n".encode() for i in (0, 1, 2, "end")]


def test_wsgi_app_streamed_response_through_the_test_client(app: App) -> None:
    with Client(app).get("/api/stream") as response:
        assert response.get_data() == b"".join(f"data: {i}\n\n".encode() for i in (0, 1, 2, "end"))
        assert "Connection" not in response.headers
        assert "Keep-Alive" not in response.headers


def test_wsgi_app_real_path_is_the_project_root(app: App, tmp_path: Path) -> None:
    assert os.path.samefile(app.root, tmp_path)


# -- header lines and the server's port (issue 15) ---------------------------------------------


class _GunicornRequest:
    def __init__(self) -> None:
        self.headers = [("HOST", "localhost:8000"), ("COOKIE", "a=1"), ("COOKIE", "b=2")]


class _GunicornResponse:
    """The shape of gunicorn's ``Response``: ``start_response`` is its method."""

    def __init__(self) -> None:
        self.req = _GunicornRequest()

    def start_response(self, status: str, headers: list[tuple[str, str]]) -> None:
        """Accept the head."""


def test_header_lines_of_gunicorns_start_response() -> None:
    assert header_lines(_GunicornResponse().start_response) == [
        ("host", "localhost:8000"),
        ("cookie", "a=1"),
        ("cookie", "b=2"),
    ]


@pytest.mark.parametrize("start_response", [lambda status, headers: None, object(), None])
def test_header_lines_of_other_servers_are_unknown(start_response: object) -> None:
    assert header_lines(start_response) is None


def test_raw_request_prefers_the_lines_as_received() -> None:
    environ = _environ(HTTP_COOKIE="a=1,b=2", HTTP_HOST="localhost")
    lines = [("host", "localhost"), ("cookie", "a=1"), ("cookie", "b=2")]
    assert raw_request_from_environ(environ, lines).headers == lines
    environ[HEADER_LINES_KEY] = lines
    assert raw_request_from_environ(environ).headers == lines
    # Without them, the environ's folded value (a single line, as the server folded it).
    del environ[HEADER_LINES_KEY]
    assert ("cookie", "a=1,b=2") in raw_request_from_environ(environ).headers


class _BoundSocket:
    def __init__(self, port: int | None) -> None:
        self.port = port

    def getsockname(self) -> tuple[str, int]:
        if self.port is None:
            raise OSError("closed")
        return ("127.0.0.1", self.port)


@pytest.mark.parametrize(
    ("extra", "port"),
    [
        ({"gunicorn.socket": _BoundSocket(8123)}, 8123),  # gunicorn's SERVER_PORT is the Host's
        ({"werkzeug.socket": _BoundSocket(8124)}, 8124),
        ({"werkzeug.socket": _BoundSocket(None)}, 8080),
        ({}, 8080),
        ({"SERVER_PORT": "x"}, None),
    ],
)
def test_raw_request_server_port(extra: dict[str, t.Any], port: int | None) -> None:
    assert raw_request_from_environ(_environ(**extra)).server_port == port


def _capture_environ(data: bytes) -> dict[str, t.Any]:
    seen: dict[str, t.Any] = {}

    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
            sock.sendall(data)
            while sock.recv(65536):
                pass
    finally:
        thread.join(10)
        server.server_close()
    return seen


def test_request_handler_keeps_repeated_lines_apart() -> None:
    environ = _capture_environ(
        b"GET /api/x HTTP/1.1\r\nHost: localhost\r\nCookie: a=1\r\nCookie: b=2\r\n"
        b"X_Under: 1\r\nConnection: close\r\n\r\n"
    )
    assert environ["HTTP_COOKIE"] == "a=1,b=2"  # what WSGI alone would give
    assert environ[HEADER_LINES_KEY] == [
        ("host", "localhost"),
        ("cookie", "a=1"),
        ("cookie", "b=2"),
        ("connection", "close"),
    ]


def test_request_handler_keeps_a_leading_double_slash() -> None:
    # http.server reduces "//api/x" to "/api/x"; the target must reach the app as sent.
    environ = _capture_environ(b"GET //api//x?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert environ["RAW_URI"] == "//api//x?a=1"


def test_wsgi_app_answers_a_leading_double_slash_with_the_308(app: App) -> None:
    reply = _serve_once(
        b"GET //api/hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", app
    )
    assert reply.startswith(b"HTTP/1.1 308 Permanent Redirect\r\n")
    assert b"\r\nLocation: /api/hello\r\n" in reply


# -- the response iterable (issue #13 point 8) -------------------------------------------------

APP_STREAM = """
    def GET(request):
        def chunks():
            yield "one,"
            yield "two,"
            yield "three"
        return Response(chunks())
"""


class _WrappingMiddleware:
    """What gzip, logging and Sentry middleware do: wrap the iterable the app returns."""

    def __init__(self, app: t.Callable[..., t.Iterable[bytes]]) -> None:
        self.app = app
        self.seen: list[bytes] = []
        self.writes: list[bytes] = []
        self.closed = False

    def __call__(self, environ: dict[str, t.Any], start_response: t.Any) -> t.Iterator[bytes]:
        def spy_start(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
            write = start_response(status, headers, exc_info)

            def spy_write(data: bytes) -> None:
                self.writes.append(data)
                write(data)

            return spy_write

        body = self.app(environ, spy_start)
        try:
            for chunk in body:
                self.seen.append(chunk)
                yield chunk
        finally:
            self.closed = True
            close = getattr(body, "close", None)
            if close is not None:
                close()


@pytest.fixture
def streaming_app(app: App) -> App:
    file = app.root / "app" / "api" / "chunks" / "route.py"
    file.parent.mkdir(parents=True)
    file.write_text("from routekit.web import Response\n" + textwrap.dedent(APP_STREAM))
    return App(app.root, mode="production")


@pytest.mark.parametrize(
    ("path", "chunks"),
    [
        ("/api/stream", [f"data: {i}\n\n".encode() for i in (0, 1, 2, "end")]),
        ("/api/chunks", [b"one,", b"two,", b"three"]),
        ("/api/hello", [b"hello"]),
    ],
)
def test_wsgi_app_every_chunk_goes_through_the_returned_iterable(
    streaming_app: App, path: str, chunks: list[bytes]
) -> None:
    wrapped = _WrappingMiddleware(streaming_app)
    with Client(wrapped).get(path) as response:
        assert response.status == "200 OK"
        assert response.get_data() == b"".join(chunks)
    assert [chunk for chunk in wrapped.seen if chunk] == chunks
    assert wrapped.writes == []  # never the legacy write() callable, which skips the wrapper
    assert wrapped.closed


def test_wsgi_app_streams_each_chunk_as_it_is_written(app: App) -> None:
    # The iterable is lazy: the handler runs as the server asks for the next chunk.
    server = _Server()
    body = iter(app(EnvironBuilder("/api/stream").get_environ(), server.start_response))
    assert server.events[0][0] == "start"
    assert next(body) == b"data: 0\n\n"
    assert next(body) == b"data: 1\n\n"
    assert [event for event in server.events if event[0] == "write"] == []
    assert b"".join(body) == b"data: 2\n\ndata: end\n\n"


def test_wsgi_app_closing_the_iterable_early_stops_the_handler(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    (tmp_path / "pages" / "api").mkdir(parents=True)
    (tmp_path / "pages" / "api" / "endless.py").write_text(
        textwrap.dedent(
            f"""
            import pathlib

            def handler(req, res):
                res.set_header("Content-Type", "text/event-stream")
                try:
                    for _ in range(1000):  # bounded, so a door that never stops it ends
                        res.write("data: tick\\n\\n")
                except ConnectionError:
                    pathlib.Path({str(log)!r}).write_text("stopped")
                    raise
                pathlib.Path({str(log)!r}).write_text("ran to the end")
            """
        )
    )
    body = App(tmp_path, mode="production")(
        EnvironBuilder("/api/endless").get_environ(), _Server().start_response
    )
    stream = iter(body)
    assert next(stream) == b"data: tick\n\n"
    assert next(stream) == b"data: tick\n\n"
    t.cast("t.Any", body).close()  # the server saw the client go away
    assert log.read_text() == "stopped"
