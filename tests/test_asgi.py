"""The ASGI door in-process: scope -> RawRequest, lifespan, websockets refused, the body
stream and the sink (issue 14). Over real sockets: tests/test_asgi_served.py."""

from __future__ import annotations

import asyncio
import contextlib
import textwrap
import threading
import typing as t
from pathlib import Path

import pytest

from routekit import App
from routekit._asgi import ASGIBody, ASGISink, raw_request_from_scope
from routekit.errors import ResponseAbortedError

Message = dict[str, t.Any]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


SITE = {
    "pages/api/where.py": """
        import threading

        def handler(req, res):
            res.json({"thread": threading.current_thread().name})
    """,
    "pages/api/awhere.py": """
        import threading

        async def handler(req, res):
            res.json({"thread": threading.current_thread().name})
    """,
    "pages/api/raw.py": """
        config = {"api": {"bodyParser": False}}

        async def handler(req, res):
            res.json({"size": len(req.stream.read())})
    """,
    "pages/api/writes.py": """
        def handler(req, res):
            res.write("a")
            res.write("b")
            res.end("c")
    """,
    "pages/api/fail_mid.py": """
        def handler(req, res):
            res.write("a")
            raise ValueError("broke")
    """,
    "app/api/echo/route.py": """
        from routekit.web import Response

        async def POST(request):
            return Response(await request.body())
    """,
}


@pytest.fixture
def app(tmp_path: Path) -> App:
    return App(_tree(tmp_path, SITE), mode="production")


def _scope(method: str = "GET", path: str = "/", **extra: t.Any) -> Message:
    scope: Message = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("127.0.0.1", 8000),
        "client": ("10.0.0.1", 5000),
        "scheme": "http",
    }
    scope.update(extra)
    return scope


def _call(
    asgi: t.Callable[..., t.Awaitable[None]], scope: Message, body: bytes = b"", *, parts: int = 1
) -> list[Message]:
    sent: list[Message] = []

    async def main() -> None:
        chunks = [body[i::parts] for i in range(parts)] if body else [b""]
        queue = [
            {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
            for i, c in enumerate(chunks)
        ]

        async def receive() -> Message:
            if queue:
                return queue.pop(0)
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")  # pragma: no cover

        async def send(message: Message) -> None:
            sent.append(dict(message))

        await asgi(scope, receive, send)

    asyncio.run(main())
    return sent


def _body(sent: list[Message]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_scope_becomes_the_raw_request_header_lines_kept() -> None:
    scope = _scope(
        "POST",
        "/api/a%2Fb",
        query_string=b"x=1&x=2",
        headers=[(b"host", b"a"), (b"host", b"b"), (b"content-length", b"3"), (b"x", b"1")],
        scheme="https",
    )
    raw = raw_request_from_scope(scope)
    assert (raw.method, raw.path, raw.query_string) == ("POST", "/api/a%2Fb", "x=1&x=2")
    assert raw.headers == [("host", "a"), ("host", "b"), ("content-length", "3"), ("x", "1")]
    assert (raw.host, raw.content_length, raw.scheme) == ("a", 3, "https")
    assert (raw.remote_addr, raw.server_port) == ("10.0.0.1", 8000)


def test_scope_without_raw_path_or_host() -> None:
    scope = _scope(path="/a b", raw_path=None, headers=[], client=None, server=None)
    raw = raw_request_from_scope(scope)
    assert (raw.path, raw.host, raw.remote_addr, raw.server_port) == (
        "/a%20b",
        "localhost",
        "",
        None,
    )
    chunked = raw_request_from_scope(
        _scope(headers=[(b"transfer-encoding", b"chunked")], raw_path=b"http://h/x/y")
    )
    assert (chunked.content_length, chunked.path) == (None, "/x/y")


def test_sync_handlers_run_in_the_pool_async_ones_on_the_loop(app: App) -> None:
    sync = _body(_call(app.asgi, _scope(path="/api/where")))
    assert sync.startswith(b'{"thread":"routekit-asgi')
    loop_thread = _body(_call(app.asgi, _scope(path="/api/awhere")))
    assert loop_thread == f'{{"thread":"{threading.current_thread().name}"}}'.encode()


def test_app_call_takes_asgi3_and_asgi2(app: App) -> None:
    three = _call(app, _scope(path="/api/where"))
    assert three[0]["status"] == 200

    def asgi2(scope: Message, receive: t.Any, send: t.Any) -> t.Awaitable[None]:
        return app(scope)(receive, send)  # how uvicorn calls an object with a sync __call__

    assert _call(asgi2, _scope(path="/api/nope"))[0]["status"] == 404


def test_bodies_arrive_in_parts_and_stream_out_in_order(app: App) -> None:
    sent = _call(app.asgi, _scope("POST", "/api/echo"), b"0123456789", parts=3)
    assert sent[0]["status"] == 200
    assert sorted(_body(sent)) == sorted(b"0123456789")
    raw = _call(app.asgi, _scope("POST", "/api/raw"), b"x" * 1000, parts=4)
    assert _body(raw) == b'{"size":1000}'
    writes = _call(app.asgi, _scope(path="/api/writes"))
    assert [m.get("body") for m in writes[1:]] == [b"a", b"b", b"c"]
    assert [m.get("more_body") for m in writes[1:]] == [True, True, False]


def test_an_error_after_the_head_cuts_the_response(app: App) -> None:
    with pytest.raises(ResponseAbortedError, match="cut short"):
        _call(app.asgi, _scope(path="/api/fail_mid"))


def test_lifespan_and_websockets(app: App) -> None:
    sent: list[Message] = []

    async def main() -> None:
        inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> Message:
            return inbox.pop(0)

        async def send(message: Message) -> None:
            sent.append(dict(message))

        await app.asgi({"type": "lifespan"}, receive, send)
        inbox[:] = [{"type": "websocket.connect"}]
        await app.asgi({"type": "websocket"}, receive, send)
        with pytest.raises(ValueError, match="HTTP only"):
            await app.asgi({"type": "other"}, receive, send)

    asyncio.run(main())
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
        "websocket.close",
    ]


def test_a_sync_read_on_the_loop_beyond_the_buffer_is_refused() -> None:
    async def main() -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"ab", "more_body": True}

        body = ASGIBody(receive, asyncio.get_running_loop())
        with pytest.raises(RuntimeError, match="synchronously on the event loop"):
            body.read(10)
        await body.prefetch(2)
        assert body.read(10) == b"ab"
        assert body.read(0) == b""

    asyncio.run(main())


def test_a_body_cut_by_a_disconnect_raises_on_read() -> None:
    async def main() -> None:
        inbox = [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.disconnect"},
        ]

        async def receive() -> Message:
            return inbox.pop(0)

        body = ASGIBody(receive, asyncio.get_running_loop())
        assert await body.aread() == b"ab"
        assert body.disconnected
        with pytest.raises(ConnectionResetError):
            await body.aread(1)

    asyncio.run(main())


def test_writes_after_a_disconnect_raise_connection_error() -> None:
    async def main() -> None:
        async def receive() -> Message:
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            raise OSError("closed")

        loop = asyncio.get_running_loop()
        body = ASGIBody(receive, loop)
        sink = ASGISink(send, body, loop)
        sink.start(200, "OK", [("connection", "keep-alive"), ("x", "1")])
        with contextlib.suppress(ConnectionError):
            sink.write(b"first")  # starts the sender, whose send() fails
        await sink.drain()
        assert sink.disconnected
        with pytest.raises(ConnectionError):
            sink.write(b"more")
        await sink.complete(aborted=False)
        await sink.close()

    asyncio.run(main())


def test_a_whole_response_to_a_client_gone_is_dropped_quietly() -> None:
    async def main() -> bool:
        async def receive() -> Message:
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            raise OSError("closed")

        loop = asyncio.get_running_loop()
        sink = ASGISink(send, ASGIBody(receive, loop), loop)
        sink.start(200, "OK", [])
        sink.finish(b"body")
        await sink.complete(aborted=False)  # no sender task: sent here, the error swallowed
        return sink.disconnected

    assert asyncio.run(main())
