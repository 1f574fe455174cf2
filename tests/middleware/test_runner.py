from __future__ import annotations

import io
import types
import typing as t
from pathlib import Path

import pytest

from routekit._wire import BufferSink, Exchange, RawRequest
from routekit.config import SizeLimit
from routekit.errors import (
    BodyTooLargeError,
    ConfigError,
    IncompleteBodyError,
    MiddlewareRewriteError,
    ModuleDefinitionError,
)
from routekit.middleware.runner import (
    MiddlewareRunner,
    run_middleware_module,
    strip_internal_headers,
)
from routekit.routing.route import Match, Route
from routekit.web.request import NextRequest
from routekit.web.response import NextResponse, Response


def _module(
    func: t.Callable[..., t.Any] | None, config: object = None, name: str = "middleware"
) -> types.ModuleType:
    module = types.ModuleType("middleware")
    if func is not None:
        setattr(module, name, func)
    if config is not None:
        module.config = config  # type: ignore[attr-defined]
    return module


def _exchange(
    path: str = "/api/x",
    *,
    method: str = "GET",
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> Exchange:
    raw = RawRequest(
        method,
        path,
        query,
        headers=[("host", "localhost:3000"), *(headers or [])],
        body=io.BytesIO(body) if body is not None else None,
        content_length=len(body) if body is not None else None,
        host="localhost:3000",
    )
    return Exchange(raw)


def _run(
    func: t.Callable[..., t.Any], exchange: Exchange, config: object = None
) -> tuple[t.Any, BufferSink]:
    sink = BufferSink()
    outcome = run_middleware_module(_module(func, config), exchange, sink)
    return outcome, sink


def test_strip_internal_headers_removes_spoofable_ones() -> None:
    raw = RawRequest(
        "GET",
        "/",
        headers=[
            ("X-Middleware-Subrequest", "middleware:middleware:middleware"),
            ("x-middleware-rewrite", "/admin"),
            ("x-middleware-request-foo", "1"),
            ("X-Matched-Path", "/admin"),
            ("x-now-route-matches", "a"),
            ("x-custom", "kept"),
        ],
    )
    strip_internal_headers(raw)
    assert raw.headers == [("x-custom", "kept")]


def test_run_strips_internal_headers_even_when_the_matcher_misses() -> None:
    exchange = _exchange("/other", headers=[("x-middleware-subrequest", "middleware")])
    outcome, _ = _run(lambda request: None, exchange, {"matcher": "/api/:path*"})
    assert not outcome.ran
    assert exchange.raw.header("x-middleware-subrequest") is None


def test_run_spoofed_subrequest_header_does_not_skip_middleware() -> None:
    exchange = _exchange(headers=[("x-middleware-subrequest", "middleware:" * 5)])
    outcome, sink = _run(lambda request: Response("blocked", 403), exchange)
    assert outcome.answered
    assert sink.status == 403


def test_run_matcher_miss_does_not_call_middleware() -> None:
    calls: list[str] = []
    outcome, sink = _run(
        lambda request: calls.append("x"), _exchange("/web"), {"matcher": ["/api/:path*"]}
    )
    assert (outcome.ran, outcome.answered, calls, sink.started) == (False, False, [], False)


def test_run_passes_a_next_request() -> None:
    seen: list[NextRequest] = []

    def middleware(request: NextRequest) -> None:
        seen.append(request)

    outcome, _ = _run(middleware, _exchange("/api/x", query="a=1", headers=[("x-token", "t")]))
    assert outcome.ran
    assert not outcome.answered
    assert isinstance(seen[0], NextRequest)
    assert seen[0].url == "http://localhost:3000/api/x?a=1"
    assert seen[0].headers.get("x-token") == "t"


@pytest.mark.parametrize("name", ["middleware", "proxy", "default"])
def test_run_accepts_each_export_name(name: str) -> None:
    sink = BufferSink()
    module = _module(lambda request: Response("hi", 201), name=name)
    assert run_middleware_module(module, _exchange(), sink).answered
    assert sink.status == 201


def test_run_async_middleware() -> None:
    async def middleware(request: NextRequest) -> Response:
        return Response("async", 202)

    outcome, sink = _run(middleware, _exchange())
    assert outcome.answered
    assert (sink.status, sink.body) == (202, b"async")


def test_run_missing_function_is_nextjs_message() -> None:
    with pytest.raises(ModuleDefinitionError) as info:
        run_middleware_module(_module(None), _exchange(), BufferSink())
    assert str(info.value).startswith(
        'middleware.py: The Middleware file "./middleware.py" must export a function named '
        "`middleware` or a default function."
    )


def test_run_missing_function_in_proxy_file() -> None:
    with pytest.raises(
        ModuleDefinitionError,
        match=r'The Proxy file "./proxy.py" must export a function named `proxy`',
    ):
        run_middleware_module(_module(None), _exchange(), BufferSink(), file="proxy.py")


def test_run_bad_matcher_config_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="source must start with /"):
        _run(lambda request: None, _exchange(), {"matcher": "api"})


def test_run_non_response_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"^Expected an instance of Response to be returned$"):
        _run(lambda request: {"ok": True}, _exchange())


def test_run_next_continues_with_response_headers() -> None:
    exchange = _exchange()

    def middleware(request: NextRequest) -> NextResponse:
        response = NextResponse.next()
        response.headers.set("x-from-middleware", "1")
        return response

    outcome, sink = _run(middleware, exchange)
    assert outcome.ran
    assert not outcome.answered
    assert not sink.started
    assert outcome.response_headers == [("x-from-middleware", "1")]
    # Next.js also hands them to the route as request headers (issue #52564).
    assert exchange.raw.header("x-from-middleware") == "1"
    assert exchange.raw.path == "/api/x"


def test_run_next_request_headers_replace_the_request_headers() -> None:
    exchange = _exchange(headers=[("x-old", "1"), ("authorization", "secret")])

    def middleware(request: NextRequest) -> NextResponse:
        headers = request.headers.copy()
        headers.delete("authorization")
        headers.set("x-user", "ada")
        return NextResponse.next(request_headers=headers)

    outcome, _ = _run(middleware, exchange)
    names = {name for name, _ in exchange.raw.headers}
    assert names == {"host", "x-old", "x-user"}
    assert exchange.raw.header("x-user") == "ada"
    assert outcome.response_headers == []


def test_run_cookies_set_in_middleware_reach_the_response_and_the_route() -> None:
    exchange = _exchange()

    def middleware(request: NextRequest) -> NextResponse:
        response = NextResponse.next()
        response.cookies.set("theme", "dark")
        return response

    outcome, _ = _run(middleware, exchange)
    assert ("set-cookie", "theme=dark; Path=/") in outcome.response_headers
    assert exchange.raw.header("x-middleware-set-cookie") == "theme=dark; Path=/"


def test_run_rewrite_routes_the_new_path_and_keeps_the_url() -> None:
    exchange = _exchange("/old", query="keep=no")

    def middleware(request: NextRequest) -> NextResponse:
        return NextResponse.rewrite("http://localhost:3000/api/new?x=1")

    outcome, sink = _run(middleware, exchange)
    assert not outcome.answered
    assert not sink.started
    # Next.js routes the target but leaves req.url alone.
    assert (exchange.raw.path, exchange.raw.query_string) == ("/old", "keep=no")
    assert exchange.rewrite == ("/api/new", "x=1")
    assert outcome.rewrite == "/api/new?x=1"
    assert ("x-middleware-rewrite", "/api/new?x=1") in outcome.response_headers


def test_run_rewrite_to_another_origin_is_an_error() -> None:
    with pytest.raises(MiddlewareRewriteError, match="another origin"):
        _run(lambda request: NextResponse.rewrite("https://example.com/x"), _exchange())


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_run_redirect_relativises_same_origin_location(status: int) -> None:
    def middleware(request: NextRequest) -> NextResponse:
        response = NextResponse.redirect("http://localhost:3000/login?next=%2Fapi", status)
        response.cookies.set("flash", "hi")
        return response

    outcome, sink = _run(middleware, _exchange())
    assert outcome.answered
    assert sink.status == status
    headers = dict(sink.headers)
    assert headers["location"] == "/login?next=%2Fapi"
    assert headers["set-cookie"] == "flash=hi; Path=/"
    assert "content-type" not in headers
    assert "x-middleware-set-cookie" not in headers
    assert sink.body == b"/login?next=%2Fapi"
    assert headers.get("refresh") == ("0;url=/login?next=%2Fapi" if status == 308 else None)


def test_run_redirect_to_other_origin_keeps_the_absolute_url() -> None:
    _outcome, sink = _run(
        lambda request: NextResponse.redirect("https://auth.example/in"), _exchange()
    )
    assert (sink.status, dict(sink.headers)["location"]) == (307, "https://auth.example/in")
    assert sink.body == b"https://auth.example/in"


def test_run_other_response_short_circuits() -> None:
    def middleware(request: NextRequest) -> Response:
        return Response.json({"error": "unauthorized"}, 401, {"www-authenticate": "Bearer"})

    outcome, sink = _run(middleware, _exchange())
    assert outcome.answered
    assert sink.status == 401
    assert dict(sink.headers) == {
        "content-type": "application/json",
        "www-authenticate": "Bearer",
    }
    assert sink.body == b'{"error":"unauthorized"}'


def test_run_location_with_non_redirect_status_is_a_plain_response() -> None:
    outcome, sink = _run(lambda request: Response("x", 200, {"location": "/y"}), _exchange())
    assert outcome.answered
    assert (sink.status, sink.body) == (200, b"x")


def test_run_body_read_by_middleware_stays_readable_by_the_route() -> None:
    exchange = _exchange(
        method="POST", body=b'{"a": 1}', headers=[("content-type", "application/json")]
    )
    seen: list[t.Any] = []

    def middleware(request: NextRequest) -> None:
        seen.append(request.json_sync())

    _run(middleware, exchange)
    assert seen == [{"a": 1}]
    assert exchange.raw.body is not None
    assert exchange.raw.body.read() == b'{"a": 1}'


def test_run_body_unread_by_middleware_is_untouched() -> None:
    exchange = _exchange(method="POST", body=b"abcdef")
    _run(lambda request: None, exchange)
    assert exchange.raw.body is not None
    assert exchange.raw.body.read(2) == b"ab"
    assert exchange.raw.body.read() == b"cdef"


def test_run_body_over_the_limit_is_413_for_middleware_not_a_cut_body() -> None:
    exchange = _exchange(method="POST", body=b"0123456789")
    exchange.raw.content_length = None  # chunked: refused once the fifth byte arrives
    seen: list[bytes] = []
    module = _module(lambda request: seen.append(request.body_sync()))
    with pytest.raises(BodyTooLargeError, match="413 Body exceeded 4b limit"):
        run_middleware_module(module, exchange, BufferSink(), body_limit=SizeLimit(4, "4b"))
    assert seen == []
    assert exchange.raw.body is not None  # what was read is replayed, nothing is lost
    assert exchange.raw.body.read() == b"0123456789"


def test_run_body_over_a_declared_limit_is_413_without_reading() -> None:
    exchange = _exchange(method="POST", body=b"0123456789")
    exchange.raw.content_length = 10
    module = _module(lambda request: request.body_sync())
    with pytest.raises(BodyTooLargeError):
        run_middleware_module(module, exchange, BufferSink(), body_limit=SizeLimit(4, "4b"))
    assert exchange.raw.body is not None
    assert exchange.raw.body.read() == b"0123456789"  # nothing was consumed


def test_run_body_cut_short_is_400_for_middleware() -> None:
    exchange = _exchange(method="POST", body=b"0123")
    exchange.raw.content_length = 10
    module = _module(lambda request: request.body_sync())
    with pytest.raises(IncompleteBodyError, match="declared Content-Length: 10 but the body"):
        run_middleware_module(module, exchange, BufferSink())


def _matched(exchange: Exchange, kind: t.Literal["pages", "app"]) -> None:
    route = Route("/api/x", Path("/p/x.py"), "x.py", kind)
    exchange.match = Match(route, {})


def test_outcome_wrap_app_route_middleware_headers_win() -> None:
    exchange = _exchange()

    def middleware(request: NextRequest) -> NextResponse:
        response = NextResponse.next(headers={"x-a": "mw", "vary": "origin"})
        response.cookies.set("m", "1")
        return response

    outcome, _ = _run(middleware, exchange)
    _matched(exchange, "app")
    inner = BufferSink()
    sink = outcome.wrap(inner, exchange)
    sink.start(
        200, "OK", [("x-a", "route"), ("vary", "accept"), ("set-cookie", "r=2"), ("x-b", "b")]
    )
    sink.finish(b"done")
    assert inner.headers == [
        ("x-a", "mw"),
        ("vary", "origin"),
        ("set-cookie", "m=1; Path=/"),
        ("vary", "accept"),
        ("set-cookie", "r=2"),
        ("x-b", "b"),
    ]
    assert inner.body == b"done"


def test_outcome_wrap_pages_route_handler_headers_replace() -> None:
    exchange = _exchange()
    outcome, _ = _run(
        lambda request: NextResponse.next(headers={"x-a": "mw", "x-c": "c"}), exchange
    )
    _matched(exchange, "pages")
    inner = BufferSink()
    outcome.wrap(inner, exchange).start(200, "OK", [("X-A", "route")])
    assert inner.headers == [("x-c", "c"), ("X-A", "route")]


def test_outcome_wrap_without_headers_is_the_same_sink() -> None:
    exchange = _exchange()
    outcome, _ = _run(lambda request: None, exchange)
    inner = BufferSink()
    assert outcome.wrap(inner, exchange) is inner


class _FakeLoader:
    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.imports = 0

    def import_file(self, file: t.Any) -> types.ModuleType:
        self.imports += 1
        return self.module


def test_middleware_runner_imports_once_and_runs() -> None:
    loader = _FakeLoader(_module(lambda request: Response("stop", 418), {"matcher": "/api/:path*"}))
    runner = MiddlewareRunner(t.cast("t.Any", loader), Path("/project/middleware.py"))
    sink = BufferSink()
    assert runner.run(_exchange("/api/a"), sink).answered
    assert not runner.run(_exchange("/home"), BufferSink()).ran
    assert loader.imports == 1
    assert sink.status == 418


def test_run_body_read_by_middleware_replays_in_chunks_for_the_route() -> None:
    exchange = _exchange(method="POST", body=b"0123456789")
    seen: list[bytes] = []
    module = _module(lambda request: seen.append(request.body_sync()))
    run_middleware_module(module, exchange, BufferSink(), body_limit=SizeLimit(20, "20b"))
    assert seen == [b"0123456789"]
    body = exchange.raw.body
    assert body is not None
    assert [body.read(3), body.read(3), body.read(3), body.read(3), body.read(3)] == [
        b"012",
        b"345",
        b"678",
        b"9",
        b"",
    ]


def test_run_override_headers_listed_without_a_value_are_removed() -> None:
    # resolve-routes.ts sets req.headers[key] = undefined for a listed key with no value.
    exchange = _exchange(headers=[("authorization", "Bearer x"), ("x-keep", "1")])

    def middleware(request: NextRequest) -> NextResponse:
        response = NextResponse.next(request_headers={"x-keep": "2"})
        response.headers.set("x-middleware-override-headers", "x-keep, authorization")
        return response

    outcome, _ = _run(middleware, exchange)
    assert outcome.ran
    assert not outcome.answered
    assert exchange.raw.headers == [("x-keep", "2")]


def test_run_short_circuit_drops_headers_nextjs_does_not_forward() -> None:
    def middleware(request: NextRequest) -> Response:
        headers = {"content-length": "99", "connection": "close", "x-empty": "", "x-keep": "1"}
        return Response("denied", 403, headers)

    outcome, sink = _run(middleware, _exchange())
    assert outcome.answered
    assert (sink.status, sink.body) == (403, b"denied")
    assert sink.headers == [("content-type", "text/plain;charset=UTF-8"), ("x-keep", "1")]


def test_outcome_wrap_streams_through_the_inner_sink() -> None:
    exchange = _exchange()
    outcome, _ = _run(lambda request: NextResponse.next(headers={"x-a": "mw"}), exchange)
    _matched(exchange, "app")
    inner = BufferSink()
    sink = outcome.wrap(inner, exchange)
    assert sink is not inner
    assert not sink.started
    assert not sink.disconnected
    sink.start(200, "OK", [("content-type", "text/event-stream")])
    assert sink.started
    sink.write(b"data: 1\n\n")
    sink.finish(b"data: 2\n\n")
    assert inner.headers == [("x-a", "mw"), ("content-type", "text/event-stream")]
    assert (inner.body, inner.finished) == (b"data: 1\n\ndata: 2\n\n", True)


def test_middleware_runner_repr_names_the_file() -> None:
    runner = MiddlewareRunner(t.cast("t.Any", None), Path("/project/proxy.py"))
    assert repr(runner) == "<MiddlewareRunner proxy.py>"
    assert runner.file == "proxy.py"


def test_tee_keeps_every_byte_it_read_for_the_route() -> None:
    from routekit.middleware.runner import _Tee

    tee = _Tee(io.BytesIO(b"abcdefgh"))
    assert (tee.read(3), tee.read()) == (b"abc", b"defgh")
    assert tee.read(5) == b""
    assert bytes(tee.buffer) == b"abcdefgh"
