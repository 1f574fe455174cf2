from __future__ import annotations

import io
import threading
import typing as t
from pathlib import Path

import pytest

from routekit._wire import (
    NOTICE_RESPONSE_LIMIT,
    NOTICE_RETURNED_VALUE,
    NOTICE_UNENDED,
    BufferSink,
    Exchange,
    Mode,
    RawRequest,
)
from routekit.config import PagesConfig
from routekit.errors import ResponseObjectReturnedError
from routekit.pages.dispatch import run_pages_route
from routekit.pages.response import ApiResponse
from routekit.routing.route import Match, Route

if t.TYPE_CHECKING:
    from routekit.pages.request import ApiRequest

UNENDED = (
    "API resolved without sending a response for /api/x?a=1, this may result in stalled requests."
)


def _run(
    handler: t.Callable[[ApiRequest, ApiResponse], object],
    *,
    mode: Mode = "test",
    method: str = "GET",
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    params: dict[str, str | list[str]] | None = None,
    timeout: float = 30.0,
    **config: t.Any,
) -> tuple[ApiResponse, BufferSink, Exchange]:
    raw = RawRequest(
        method,
        "/api/x",
        "a=1",
        headers or [],
        body=None if body is None else io.BytesIO(body),
        content_length=None if body is None else len(body),
    )
    exchange = Exchange(raw, mode)
    route = Route("/api/x", Path("/p/pages/api/x.py"), "pages/api/x.py", "pages")
    exchange.match = Match(route, params or {})
    sink = BufferSink()
    res = run_pages_route(
        handler,
        PagesConfig(**config),
        exchange,
        sink,
        params or {},
        external_resolver_timeout=timeout,
    )
    return res, sink, exchange


def _notices(exchange: Exchange) -> list[tuple[str, str]]:
    return [(n.code, n.message) for n in exchange.notices]


def test_run_pages_route_calls_sync_handler_with_req_and_res() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.status(200).json({"method": req.method, "id": req.query["id"]})

    res, sink, exchange = _run(handler, params={"id": "7"})
    assert isinstance(res, ApiResponse)
    assert res.finished
    assert sink.body == b'{"method":"GET","id":"7"}'
    assert exchange.notices == []
    assert res.chunks is None  # the server path keeps no copy of the body


def test_run_pages_route_awaits_async_handler() -> None:
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        await res.revalidate("/x")
        res.send("async")

    _res, sink, exchange = _run(handler)
    assert sink.body == b"async"
    assert exchange.revalidated == ["/x"]


def test_run_pages_route_passes_parsed_body() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json(req.body)

    _, sink, _ = _run(
        handler, method="POST", body=b'{"a":1}', headers=[("Content-Type", "application/json")]
    )
    assert sink.body == b'{"a":1}'


@pytest.mark.parametrize("mode", ["production", "development", "test"])
def test_request_error_is_sent_as_nextjs_send_error(mode: Mode) -> None:
    called = []

    def handler(req: ApiRequest, res: ApiResponse) -> None:
        called.append(True)  # pragma: no cover

    res, sink, exchange = _run(
        handler,
        mode=mode,
        method="POST",
        body=b"{nope",
        headers=[("Content-Type", "application/json")],
    )
    assert called == []
    assert (sink.status, sink.reason, sink.body) == (400, "Invalid JSON", b"Invalid JSON")
    assert sink.headers == [("Content-Length", "12")]
    assert res.finished
    assert exchange.notices == []


def test_body_over_limit_is_413_with_configured_text() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.end()  # pragma: no cover

    _, sink, _ = _run(
        handler,
        method="POST",
        body=b"x" * 20,
        headers=[("Content-Type", "text/plain")],
        size_limit=10,
        size_limit_text="10b",
    )
    assert (sink.status, sink.reason) == (413, "Body exceeded 10b limit")
    assert sink.body == b"Body exceeded 10b limit"


class _Thing:
    pass


@pytest.mark.parametrize(
    ("value", "typeof"),
    [
        ("s", "string"),
        (1, "number"),
        (1.5, "number"),
        (True, "boolean"),
        (len, "function"),
        ({}, "object"),
        (_Thing(), "object"),
    ],
)
def test_returned_value_is_noticed_in_dev_and_test(value: object, typeof: str) -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> object:
        res.end()
        return value

    _, _, exchange = _run(handler)
    assert _notices(exchange) == [
        (NOTICE_RETURNED_VALUE, f"API handler should not return a value, received {typeof}.")
    ]


def test_returning_res_is_an_object() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> object:
        return res.status(201).json({})  # type: ignore[func-returns-value]

    def handler_end(req: ApiRequest, res: ApiResponse) -> object:
        return res.end()

    _, sink, exchange = _run(handler)
    assert sink.status == 201
    assert exchange.notices == []  # json() returns None, as in Next.js
    _, _, exchange = _run(handler_end, mode="development")
    assert _notices(exchange) == [
        (NOTICE_RETURNED_VALUE, "API handler should not return a value, received object.")
    ]


def test_returned_value_is_silent_in_production() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> object:
        res.end()
        return "x"

    _, _, exchange = _run(handler, mode="production")
    assert exchange.notices == []


class _WebResponse:
    status = 200
    headers: t.ClassVar[dict[str, str]] = {}
    body = b"hi"


@pytest.mark.parametrize("mode", ["development", "test"])
def test_returned_web_response_raises_nextjs_error(mode: Mode) -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> object:
        return _WebResponse()

    with pytest.raises(ResponseObjectReturnedError) as info:
        _run(handler, mode=mode)
    assert str(info.value) == (
        "API route returned a Response object in the Node.js runtime, this is not supported. "
        'Please use `runtime: "edge"` instead: https://nextjs.org/docs/api-routes/edge-api-routes'
    )


def test_returned_web_response_in_production_is_an_unended_response() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> object:
        return _WebResponse()

    res, sink, exchange = _run(handler, mode="production")
    assert _notices(exchange) == [(NOTICE_UNENDED, UNENDED)]
    assert (sink.status, sink.body, res.finished) == (200, b"", True)


@pytest.mark.parametrize("mode", ["production", "development", "test"])
def test_unended_response_is_noticed_and_ended_with_what_was_set(mode: Mode) -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.status(202).set_header("X-A", "1")

    res, sink, exchange = _run(handler, mode=mode)
    assert _notices(exchange) == [(NOTICE_UNENDED, UNENDED)]
    assert (sink.status, sink.finished, sink.body) == (202, True, b"")
    assert sink.headers == [("X-A", "1"), ("Content-Length", "0")]
    assert res.finished


def test_headers_sent_counts_as_sent() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.write("partial")

    res, sink, exchange = _run(handler)
    assert exchange.notices == []
    assert (sink.body, sink.finished, res.finished) == (b"partial", True, True)


def test_external_resolver_waits_for_end_from_another_thread() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        threading.Timer(0.02, lambda: res.send("later")).start()

    res, sink, exchange = _run(handler, external_resolver=True)
    assert exchange.notices == []
    assert sink.body == b"later"
    assert res.finished


def test_external_resolver_timeout_notices_and_ends() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.status(204)

    res, sink, exchange = _run(handler, external_resolver=True, timeout=0.01)
    assert _notices(exchange) == [
        (
            NOTICE_UNENDED,
            UNENDED + " (externalResolver: res.end() was not called within 0.01s; routekit "
            "ended the response)",
        )
    ]
    assert (sink.status, sink.finished, res.finished) == (204, True, True)


def test_handler_exception_propagates_in_development() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        _run(handler, mode="development")


def test_async_handler_exception_propagates_in_development() -> None:
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        _run(handler, mode="development")


@pytest.mark.parametrize("mode", ["production", "test"])
def test_handler_exception_is_send_error_on_its_own_response(mode: Mode) -> None:
    # Next.js' apiResolver: sendError(res, 500, ...) keeps what the handler set before.
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Before", "yes")
        res.status(201)
        raise RuntimeError("boom")

    _, sink, exchange = _run(handler, mode=mode)
    assert (sink.status, sink.reason, sink.body) == (
        500,
        "Internal Server Error",
        b"Internal Server Error",
    )
    assert sink.headers == [("X-Before", "yes"), ("Content-Length", "21")]
    assert isinstance(exchange.exception, RuntimeError)


def test_handler_exception_after_the_head_propagates() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.write("partial")
        raise RuntimeError("late")

    with pytest.raises(RuntimeError, match="late"):
        _run(handler, mode="production")


def test_response_limit_comes_from_config() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send("x" * 2048)

    _, _, exchange = _run(handler, mode="production", response_limit=1024)
    assert _notices(exchange) == [
        (
            NOTICE_RESPONSE_LIMIT,
            "API response for /api/x?a=1 exceeds 1KB. API Routes are meant to respond "
            "quickly. https://nextjs.org/docs/messages/api-routes-response-size-limit",
        )
    ]
