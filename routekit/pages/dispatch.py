"""``run_pages_route()``: Next.js' ``apiResolver`` for one ``pages/api`` request.

Build ``req`` (parsing the body first, as Next.js awaits it), build ``res``, call the
handler (sync or async), then the checks Next.js runs after it: a returned value, a
returned Web ``Response``, a response left un-ended. A handler's exception is answered
here in production, as Next.js' ``sendError`` (500 on the handler's own response, its
headers kept); in development it propagates to the app's error page.
"""

from __future__ import annotations

import inspect
import logging
import typing as t

from .._aio import acall, run_sync
from .._wire import NOTICE_RETURNED_VALUE, NOTICE_UNENDED, prefetch_body
from ..errors import RequestBodyError, RequestError, ResponseObjectReturnedError, RoutekitError
from .request import build_request
from .response import ApiResponse

if t.TYPE_CHECKING:
    from .._wire import Exchange, Sink
    from ..config import PagesConfig
    from .request import ApiRequest

__all__ = ["Handler", "run_pages_route", "run_pages_route_async"]

logger = logging.getLogger("routekit")


class Handler(t.Protocol):
    """A ``pages/api`` handler: ``def handler(req: ApiRequest, res: ApiResponse) -> None``,
    or ``async def``. For annotating code that takes handlers (``HANDLERS: list[Handler]``).

    It returns nothing: a handler that returns a value (``return res.end()``) gets Next.js'
    "API handler should not return a value" notice, and a type checker flags it here.
    """

    def __call__(self, req: ApiRequest, res: ApiResponse, /) -> t.Awaitable[None] | None:
        """Answer *req* by writing to *res*."""


_RESPONSE_RETURNED = (
    "API route returned a Response object in the Node.js runtime, this is not supported. "
    'Please use `runtime: "edge"` instead: https://nextjs.org/docs/api-routes/edge-api-routes'
)


def _js_typeof(value: object) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if callable(value):
        return "function"
    return "object"


def _is_web_response(value: object) -> bool:
    # Duck-typed so routekit.web's Response and any look-alike are both caught.
    return (
        not isinstance(value, ApiResponse)
        and hasattr(value, "status")
        and hasattr(value, "headers")
        and hasattr(value, "body")
    )


def run_pages_route(
    handler: Handler,
    config: PagesConfig,
    exchange: Exchange,
    sink: Sink,
    params: t.Mapping[str, str | list[str]],
    *,
    external_resolver_timeout: float = 30.0,
    record_chunks: bool = False,
) -> ApiResponse:
    """:func:`run_pages_route_async` run from synchronous code (``_aio.run_sync``)."""
    return run_sync(
        run_pages_route_async(
            handler,
            config,
            exchange,
            sink,
            params,
            external_resolver_timeout=external_resolver_timeout,
            record_chunks=record_chunks,
        )
    )


async def run_pages_route_async(
    handler: Handler,
    config: PagesConfig,
    exchange: Exchange,
    sink: Sink,
    params: t.Mapping[str, str | list[str]],
    *,
    external_resolver_timeout: float = 30.0,
    record_chunks: bool = False,
) -> ApiResponse:
    """Run one ``pages/api`` request through *handler*, as Next.js' ``apiResolver``.

    A :class:`~routekit.errors.RequestError` from body parsing is answered as Next.js'
    ``sendError`` (status, the message as reason phrase and as plain-text body, no
    ``Content-Type``) and the handler is not called. After the handler returns, a response
    it left open is ended with the status and headers set so far; unless it already sent
    its head, ``API resolved without sending a response ...`` is logged (in every mode).
    With ``externalResolver`` the response is first awaited from other threads for up to
    *external_resolver_timeout* seconds.

    :param record_chunks: keep the body chunks on the returned response (tests).
    :returns: the response, so the caller can tell whether its head was sent.
    :raises ResponseObjectReturnedError: the handler returned a Web ``Response`` (dev/test).
    :raises Exception: whatever the handler raised, in development or once the head was
        sent (answered ``500 Internal Server Error`` otherwise).
    """
    res = ApiResponse(
        exchange, sink, response_limit=config.response_limit, record_chunks=record_chunks
    )
    if inspect.iscoroutinefunction(handler):
        # Its reads of req.stream run on the loop: the ASGI door buffers the body first
        # (up to one byte past the limit; a no-op for WSGI).
        limit = config.size_limit + 1 if config.body_parser else None
        await prefetch_body(exchange.raw, limit)
    try:
        req = await acall(build_request, exchange, params, config)
    except RequestError as exc:
        res.status_code = exc.status
        res.status_message = exc.message
        if isinstance(exc, RequestBodyError):
            # The body was refused unread or cut short: the connection cannot carry more.
            res.set_header("Connection", "close")
        res.end(exc.message)
        return res
    try:
        result = await acall(handler, req, res)
    except Exception as exc:
        if not _answers_error(exchange, res, exc):
            raise
        return res
    if result is not None and exchange.dev_warnings:
        if _is_web_response(result):
            raise ResponseObjectReturnedError(_RESPONSE_RETURNED)
        exchange.notice(
            NOTICE_RETURNED_VALUE,
            f"API handler should not return a value, received {_js_typeof(result)}.",
        )
    if not res.finished:
        await acall(_end_unended, res, config, exchange, external_resolver_timeout)
    return res


def _answers_error(exchange: Exchange, res: ApiResponse, exc: Exception) -> bool:
    """Next.js' ``apiResolver`` in production: ``sendError(res, 500, ...)`` on the handler's
    own response, so the headers it set before raising (a redirect's ``Location``) stay.

    Development (the error page), a head already sent (the door cuts the connection), a
    body read's own error and a client gone are left to the app.
    """
    if (
        exchange.mode == "development"
        or res.headers_sent
        or isinstance(exc, (RequestError, ConnectionError))
    ):
        return False
    exchange.exception = exc
    raw = exchange.raw
    where = exchange.match.route.relfile if exchange.match is not None else raw.path
    logger.error("Error while handling %s %s (%s)", raw.method, raw.url, where, exc_info=exc)
    res.status_code = 500
    res.status_message = "Internal Server Error"
    res.end("Internal Server Error")
    return True


def _end_unended(res: ApiResponse, config: PagesConfig, exchange: Exchange, timeout: float) -> None:
    url = exchange.raw.url
    if config.external_resolver:
        if res.wait_ended(timeout):
            return
        exchange.notice(
            NOTICE_UNENDED,
            f"API resolved without sending a response for {url}, this may result in stalled "
            f"requests. (externalResolver: res.end() was not called within {timeout:g}s; "
            "routekit ended the response)",
        )
    elif not res.headers_sent:
        exchange.notice(
            NOTICE_UNENDED,
            f"API resolved without sending a response for {url}, this may result in stalled "
            "requests.",
        )
    if not res.finished:  # another thread may have ended it meanwhile
        try:
            res.end()
        except RoutekitError:
            if not res.finished:
                raise
