from __future__ import annotations

import asyncio
import gc
import io
import logging
import types

import pytest

from routekit._wire import BufferSink, Exchange, RawRequest
from routekit.config import SizeLimit
from routekit.errors import BodyTooLargeError, IncompleteBodyError
from routekit.loader.exports import app_route_export_problems, app_route_methods
from routekit.web.context import cookies, headers, not_found, permanent_redirect, redirect
from routekit.web.dispatch import run_app_route, run_edge_route, send_web_response
from routekit.web.response import NextResponse, Response


def _module(**functions):
    module = types.ModuleType("app.api.x.route")
    for name, value in functions.items():
        setattr(module, name, value)
    return module


def _exchange(method="GET", path="/api/x", query="", headers=(), body=b""):
    raw = RawRequest(
        method=method,
        path=path,
        query_string=query,
        headers=list(headers),
        body=io.BytesIO(body),
        content_length=len(body),
        host="localhost:3000",
    )
    return Exchange(raw, "production")


def _serve(module, method="GET", params=None, **kwargs):
    exchange = _exchange(method, **kwargs)
    sink = BufferSink()
    run_app_route(app_route_methods(module), exchange, sink, params or {}, name=module.__name__)
    return exchange, sink


_EMPTY = ("content-length", "0")


def _get(request):
    return Response("body", headers={"x-from": "get"})


def _post(request):
    return Response("posted", 201)


@pytest.mark.parametrize(
    ("method", "status", "body", "headers"),
    [
        ("GET", 200, b"body", [("content-type", "text/plain;charset=UTF-8"), ("x-from", "get")]),
        ("HEAD", 200, b"", [("content-type", "text/plain;charset=UTF-8"), ("x-from", "get")]),
        ("POST", 201, b"posted", [("content-type", "text/plain;charset=UTF-8")]),
        ("OPTIONS", 204, b"", [("allow", "GET, HEAD, OPTIONS, POST")]),
        # A body-less response ends with res.end(): Node then sends Content-Length: 0.
        ("PUT", 405, b"", [_EMPTY]),
        ("DELETE", 405, b"", [_EMPTY]),
        ("get", 400, b"", [_EMPTY]),
        ("PROPFIND", 400, b"", [_EMPTY]),
    ],
)
def test_run_app_route_method_resolution(method, status, body, headers):
    _, sink = _serve(_module(GET=_get, POST=_post), method)
    assert (sink.status, sink.body, sink.headers) == (status, body, headers)
    assert sink.finished


def test_run_app_route_post_only_allow_and_no_head():
    module = _module(POST=_post)
    assert _serve(module, "OPTIONS")[1].headers == [("allow", "OPTIONS, POST")]
    assert _serve(module, "HEAD")[1].status == 405


def test_run_app_route_head_runs_get_with_head_method():
    seen = []

    def get(request):
        seen.append(request.method)
        return Response("x")

    _serve(_module(GET=get), "HEAD")
    assert seen == ["HEAD"]


def test_run_app_route_exported_options_is_used_as_is():
    module = _module(GET=_get, OPTIONS=lambda request: Response(None, 200, {"x": "mine"}))
    assert _serve(module, "OPTIONS")[1].headers == [("x", "mine"), _EMPTY]


def test_run_app_route_passes_ctx_only_to_two_argument_handlers():
    calls = []

    def none():
        calls.append("none")
        return Response(None)

    def one(request):
        calls.append(request.method)
        return Response(None)

    def two(request, ctx):
        calls.append(ctx.params)
        return Response(None)

    _serve(_module(GET=none))
    _serve(_module(GET=one))
    _serve(_module(GET=two))
    _serve(_module(GET=two), params={"id": "7", "slug": ["a", "b"]})
    assert calls == ["none", "GET", {}, {"id": "7", "slug": ["a", "b"]}]


def test_run_app_route_issue_example():
    async def get(request, ctx):
        theme = request.cookies.get("theme")
        q = request.next_url.search_params.get("q")
        res = NextResponse.json(
            {"id": ctx.params["id"], "q": q, "theme": theme.value if theme else None}
        )
        res.cookies.set("seen", "1", http_only=True)
        return res

    async def post(request, ctx):
        data = await request.json()
        return NextResponse.json(data, status=201)

    module = _module(GET=get, POST=post)
    _, sink = _serve(module, params={"id": "42"}, query="q=hi", headers=[("Cookie", "theme=dark")])
    assert sink.status == 200
    assert sink.body == b'{"id":"42","q":"hi","theme":"dark"}'
    assert sink.headers == [
        ("content-type", "application/json"),
        ("set-cookie", "seen=1; Path=/; HttpOnly"),
    ]
    _, sink = _serve(module, "POST", params={"id": "1"}, body=b'{"a": 1}')
    assert (sink.status, sink.body) == (201, b'{"a":1}')


@pytest.mark.parametrize("mode", ["production", "development"])
def test_run_app_route_exception_is_an_empty_500_logged_and_recorded(mode, caplog):
    def get(request):
        raise ValueError("boom")

    exchange = _exchange()
    exchange.mode = mode
    sink = BufferSink()
    with caplog.at_level(logging.ERROR, logger="routekit"):
        run_app_route({"GET": get}, exchange, sink, {})
    assert (sink.status, sink.body, sink.headers) == (500, b"", [_EMPTY])
    assert isinstance(exchange.exception, ValueError)
    assert "boom" in caplog.text


def test_run_app_route_invalid_json_body_is_a_500():
    async def post(request):
        return Response.json(await request.json())

    exchange, sink = _serve(_module(POST=post), "POST", body=b"{nope")
    assert sink.status == 500
    assert "not valid JSON" in str(exchange.exception)


def test_run_app_route_non_response_is_a_500_with_nextjs_message():
    exchange, sink = _serve(_module(GET=lambda request: {"a": 1}))
    assert (sink.status, sink.body) == (500, b"")
    assert str(exchange.exception).startswith(
        "No response is returned from route handler 'app.api.x.route'. Ensure you return a "
        "`Response` or a `NextResponse` in all branches of your handler."
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: NextResponse.next(),
            "NextResponse.next() was used in a app route handler, this is not supported.",
        ),
        (
            lambda: NextResponse.rewrite("http://localhost:3000/y"),
            "NextResponse.rewrite() was used in a app route handler, this is not currently",
        ),
    ],
)
def test_run_app_route_middleware_responses_are_errors(make, message):
    exchange, sink = _serve(_module(GET=lambda request: make()))
    assert sink.status == 500
    assert str(exchange.exception).startswith(message)


def test_run_app_route_redirect_helpers_carry_cookie_mutations():
    def get(request):
        cookies().set("flash", "hi")
        redirect("/login?next=/x")

    _, sink = _serve(_module(GET=get))
    assert sink.status == 307
    assert sink.headers == [
        ("location", "/login?next=/x"),
        ("set-cookie", "flash=hi; Path=/"),
        _EMPTY,
    ]
    _, sink = _serve(_module(GET=lambda request: permanent_redirect("https://x.com/")))
    assert (sink.status, sink.headers) == (308, [("location", "https://x.com/"), _EMPTY])
    _, sink = _serve(_module(GET=lambda request: not_found()))
    assert (sink.status, sink.body, sink.headers) == (404, b"", [_EMPTY])


def test_run_app_route_cookie_merge_response_cookie_wins_and_lines_reserialised():
    def get(request):
        jar = cookies()
        assert jar.get("theme").path == "/"
        jar.set("theme", "light")
        jar.set("extra", "1", max_age=0)
        return Response(None, headers=[("set-cookie", "theme=mine"), ("x", "1")])

    _, sink = _serve(_module(GET=get), headers=[("cookie", "theme=dark")])
    assert sink.headers == [
        ("set-cookie", "theme=mine; Path=/"),
        ("set-cookie", "extra=1; Path=/; Max-Age=0"),
        ("x", "1"),
        _EMPTY,
    ]


def test_run_app_route_without_cookie_mutation_passes_response_through():
    def get(request):
        assert cookies().get("a").value == "1"
        return Response(None, headers=[("set-cookie", "z=1; HttpOnly")])

    _, sink = _serve(_module(GET=get), headers=[("cookie", "a=1")])
    assert sink.headers == [("set-cookie", "z=1; HttpOnly"), _EMPTY]


def test_run_app_route_headers_helper_is_read_only():
    def get(request):
        assert headers().get("x-a") == "1"
        assert headers().get("rsc") is None
        headers().set("x-a", "2")

    exchange, sink = _serve(_module(GET=get), headers=[("X-A", "1"), ("RSC", "1")])
    assert sink.status == 500
    assert str(exchange.exception) == (
        "Headers cannot be modified. Read more: "
        "https://nextjs.org/docs/app/api-reference/functions/headers"
    )


# routekit._aio leaves the helper thread's event loop unclosed (reported to its owner).
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_run_app_route_async_handler_sees_scope_from_a_running_loop():
    async def get(request):
        await asyncio.sleep(0)
        return Response(headers().get("x-id"))

    async def main():
        # The sync pipeline called from async code runs the handler on a helper thread.
        return _serve(_module(GET=get), headers=[("x-id", "7")])[1]

    assert asyncio.run(main()).body == b"7"
    gc.collect()  # let the helper thread's loop be collected under this test's filters


def test_send_web_response_streams_chunks_as_produced():
    events = []

    class Sink(BufferSink):
        def write(self, data):
            events.append(("write", data))

    def stream():
        events.append("produce a")
        yield "a"
        events.append("produce b")
        yield b"b"

    sink = Sink()
    send_web_response(Response(stream()), _exchange(), sink)
    assert events == ["produce a", ("write", b"a"), "produce b", ("write", b"b")]
    assert sink.finished


def test_send_web_response_async_iterator_body():
    async def stream():
        for part in ("x", "y"):
            await asyncio.sleep(0)
            yield part

    sink = BufferSink()
    send_web_response(Response(stream()), _exchange(), sink)
    assert sink.body == b"xy"


class _LeavingSink(BufferSink):
    """A client that goes away after *limit* chunks."""

    def __init__(self, limit, *, raise_on_write=False):
        super().__init__()
        self.limit = limit
        self.raise_on_write = raise_on_write

    @property
    def disconnected(self):
        return not self.raise_on_write and len(self.chunks) >= self.limit

    def write(self, data):
        if self.raise_on_write and len(self.chunks) >= self.limit:
            raise ConnectionError("gone")
        super().write(data)


@pytest.mark.parametrize("raise_on_write", [False, True])
def test_send_web_response_endless_sync_stream_stops_and_closes(raise_on_write):
    closed = []

    def endless():
        try:
            while True:
                yield b"tick"
        finally:
            closed.append(True)

    sink = _LeavingSink(3, raise_on_write=raise_on_write)
    send_web_response(Response(endless()), _exchange(), sink)
    assert sink.chunks == [b"tick"] * 3
    assert closed == [True]


def test_send_web_response_endless_async_stream_stops_and_closes():
    closed = []

    async def endless():
        try:
            while True:
                yield b"tick"
        finally:
            closed.append(True)

    sink = _LeavingSink(2)
    send_web_response(Response(endless()), _exchange(), sink)
    assert sink.chunks == [b"tick", b"tick"]
    assert closed == [True]


def test_send_web_response_head_drops_the_body_and_closes_the_stream():
    closed = []

    def stream():
        try:
            yield b"x"
        finally:
            closed.append(True)

    gen = stream()
    next(gen)  # started, so closing it runs the finally block
    sink = BufferSink()
    send_web_response(Response(gen, headers={"x": "1"}), _exchange("HEAD"), sink)
    assert (sink.body, sink.headers, sink.finished) == (b"", [("x", "1")], True)
    assert closed == [True]


def test_send_web_response_error_mid_stream_is_recorded_and_the_response_ends():
    def stream():
        yield b"partial"
        raise RuntimeError("mid-stream")

    exchange = _exchange()
    sink = BufferSink()
    send_web_response(Response(stream()), exchange, sink)
    assert (sink.status, sink.body, sink.finished) == (200, b"partial", True)
    assert str(exchange.exception) == "mid-stream"


def test_send_web_response_splits_cookies_and_drops_internal_header():
    response = NextResponse(
        "x", headers=[("set-cookie", "a=1, b=2; Expires=Thu, 01 Jan 2030 00:00:00 GMT")]
    )
    response.cookies  # noqa: B018 - the jar parses the existing lines
    response.headers.set("x-middleware-set-cookie", "a=1")
    sink = BufferSink()
    send_web_response(response, _exchange(), sink)
    assert sink.headers == [
        ("content-type", "text/plain;charset=UTF-8"),
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2; Expires=Thu, 01 Jan 2030 00:00:00 GMT"),
    ]
    assert sink.reason == "OK"


def test_send_web_response_status_text_overrides_reason():
    sink = BufferSink()
    send_web_response(Response(None, 299, status_text="Custom"), _exchange(), sink)
    assert (sink.status, sink.reason) == (299, "Custom")


def test_run_edge_route_merges_params_into_the_query_and_takes_every_method():
    seen = []

    def handler(request):
        seen.append((request.method, request.url))
        return Response(request.next_url.search_params.get("id"))

    for method in ("GET", "DELETE", "BREW"):
        exchange = _exchange(method, path="/api/u/7", query="id=old&x=1")
        sink = BufferSink()
        run_edge_route(handler, exchange, sink, {"id": "7", "slug": ["a", "b"]})
        assert (sink.status, sink.body) == (200, b"7")
    assert seen[0] == ("GET", "http://localhost:3000/api/u/7?id=7&x=1&slug=a&slug=b")
    assert [m for m, _ in seen] == ["GET", "DELETE", "BREW"]


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (lambda request: "text", "Expected an instance of Response to be returned"),
        (lambda request: cookies(), "`cookies` was called outside a request scope."),
        (lambda request: headers(), "`headers` was called outside a request scope."),
    ],
)
def test_run_edge_route_errors_are_empty_500s(handler, message):
    exchange = _exchange()
    sink = BufferSink()
    run_edge_route(handler, exchange, sink, {})
    assert (sink.status, sink.body) == (500, b"")
    assert str(exchange.exception).startswith(message)


def test_run_edge_route_async_handler():
    async def handler(request):
        return Response.json({"m": request.method})

    sink = BufferSink()
    run_edge_route(handler, _exchange("POST"), sink, {})
    assert sink.body == b'{"m":"POST"}'


def test_app_route_methods_counts_only_uppercase_callables():
    module = _module(GET=_get, post=_post, PUT="not callable", handler=_get)
    assert app_route_methods(module) == {"GET": _get}


def test_app_route_export_problems_nextjs_hints():
    module = _module(get=_get, handler=_get)
    assert app_route_export_problems(module, "app/api/x/route.py") == [
        "Detected default export in 'app/api/x/route.py'. Export a named export for each "
        "HTTP method instead. (found `handler`)",
        "Detected lowercase method 'get' in 'app/api/x/route.py'. Export the uppercase 'GET' "
        "method name to fix this error.",
        "No HTTP methods exported in 'app/api/x/route.py'. Export a named export for each "
        "HTTP method.",
    ]
    assert app_route_export_problems(_module(GET=_get), "app/route.py") == []


def test_run_app_route_argument_count_follows_the_signature():
    seen = []

    def star(*args):
        seen.append(len(args))
        return Response(None)

    def keyword_only(request, *, flag="default"):
        seen.append(flag)
        return Response(None)

    class NoSignature:
        __signature__ = "not a signature"  # inspect.signature raises TypeError

        def __call__(self, *args):
            seen.append(len(args))
            return Response(None)

    _serve(_module(GET=star))
    _serve(_module(GET=keyword_only))
    _serve(_module(GET=NoSignature()))
    assert seen == [2, "default", 2]


def test_run_app_route_unbuildable_request_is_an_empty_500(caplog):
    exchange = _exchange()
    exchange.raw.host = "localhost:99999"
    sink = BufferSink()
    with caplog.at_level(logging.ERROR, logger="routekit"):
        run_app_route({"GET": _get}, exchange, sink, {}, name="app.api.x.route")
    assert (sink.status, sink.body, sink.headers) == (500, b"", [_EMPTY])
    assert str(exchange.exception) == "400 Bad Request"  # the pipeline answers it before
    assert "Error in route handler app.api.x.route (GET /api/x)" in caplog.text


def test_send_web_response_already_read_body_is_an_empty_500():
    response = Response("x")
    response.text_sync()
    exchange = _exchange()
    sink = BufferSink()
    send_web_response(response, exchange, sink)
    assert (sink.status, sink.body, sink.headers) == (500, b"", [_EMPTY])
    assert str(exchange.exception).startswith("Body is unusable")


def test_send_web_response_skips_empty_chunks():
    writes = []

    class Sink(BufferSink):
        def write(self, data):
            writes.append(data)

    send_web_response(Response(["a", "", b"", "b"]), _exchange(), Sink())
    assert writes == [b"a", b"b"]


def test_send_web_response_head_with_a_plain_iterator_body():
    sink = BufferSink()
    send_web_response(Response(iter([b"x"])), _exchange("HEAD"), sink)
    assert (sink.status, sink.body, sink.finished) == (200, b"", True)


def test_send_web_response_close_failure_is_logged_not_raised(caplog):
    class Stream:
        def __iter__(self):
            return self

        def __next__(self):
            raise StopIteration

        def close(self):
            raise RuntimeError("close failed")

    sink = BufferSink()
    with caplog.at_level(logging.WARNING, logger="routekit"):
        send_web_response(Response(Stream()), _exchange(), sink)
    assert (sink.status, sink.finished) == (200, True)
    assert "Closing the response body iterator failed" in caplog.text
    assert "close failed" in caplog.text


# -- body limit (issue 9) ----------------------------------------------------------------------


def test_run_app_route_declared_length_over_the_limit_is_refused_before_the_handler():
    calls = []
    exchange = _exchange("POST", body=b"x" * 11)
    with pytest.raises(BodyTooLargeError, match="Body exceeded 10b limit"):
        run_app_route(
            app_route_methods(_module(POST=lambda request: calls.append(1))),
            exchange,
            BufferSink(),
            {},
            body_limit=SizeLimit(10, "10b"),
        )
    assert calls == []


def test_run_app_route_read_past_the_limit_reaches_the_pipeline():
    async def read(request):
        await request.body()
        return Response("read")

    exchange = _exchange("POST", body=b"x" * 11)
    exchange.raw.content_length = None  # chunked: refused by the read
    with pytest.raises(BodyTooLargeError):
        run_app_route(
            app_route_methods(_module(POST=read)),
            exchange,
            BufferSink(),
            {},
            body_limit=SizeLimit(10, "10b"),
        )
    assert exchange.exception is None


def test_run_edge_route_refuses_a_declared_oversize_and_a_short_body():
    def handler(request):
        return Response(request.body_sync())

    exchange = _exchange("POST", body=b"x" * 11)
    with pytest.raises(BodyTooLargeError):
        run_edge_route(handler, exchange, BufferSink(), {}, body_limit=SizeLimit(10, "10b"))
    exchange = _exchange("POST", body=b"abc")
    exchange.raw.content_length = 5
    with pytest.raises(IncompleteBodyError):
        run_edge_route(handler, exchange, BufferSink(), {})


def test_send_web_response_generator_error_marks_the_exchange_aborted():
    def body():
        yield b"one"
        raise RuntimeError("cut")

    exchange = _exchange()
    sink = BufferSink()
    send_web_response(Response(body()), exchange, sink)
    assert exchange.aborted
    assert str(exchange.exception) == "cut"
    assert sink.body == b"one"
