"""Running app-route modules and edge pages handlers, and sending their Web ``Response``.

Next.js' ``AppRouteRouteModule`` (method resolution, automatic HEAD/OPTIONS, 405, the
``cookies()`` merge, 500 with an empty body for any error) and ``pages-edge-api``.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import typing as t
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field

from .._aio import arity, call_maybe_async, run_coroutine
from .._js.status import reason_phrase
from .._js.url import group_query
from ..config import DEFAULT_BODY_LIMIT, SizeLimit
from ..errors import (
    BodyTooLargeError,
    InvalidRouteResponseError,
    NotFoundSignal,
    RedirectSignal,
    RequestBodyError,
)
from .context import RequestScope, activate_scope, no_scope
from .cookies import split_cookies_string
from .response import Response, _chunk_bytes
from .search_params import URLSearchParams

if t.TYPE_CHECKING:
    from .._wire import Exchange, Sink

__all__ = [
    "HTTP_METHODS",
    "RouteContext",
    "run_app_route",
    "run_edge_route",
    "send_web_response",
]

logger = logging.getLogger("routekit")

#: The methods an app route may export (Next.js' ``HTTP_METHODS``); matched case-sensitively.
HTTP_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH")

_REWRITE_IN_ROUTE = (
    "NextResponse.rewrite() was used in a app route handler, this is not currently supported. "
    "Please remove the invocation to continue."
)
_NEXT_IN_ROUTE = (
    "NextResponse.next() was used in a app route handler, this is not supported. See here for "
    "more info: https://nextjs.org/docs/messages/next-response-next-in-app-route-handler"
)


@dataclass(frozen=True, slots=True)
class RouteContext:
    """The second argument of an app-route handler: ``ctx.params["id"]``.

    ``params`` is ``{}`` on a static route; an optional catch-all that matched nothing has
    no key (as in Next.js).
    """

    params: dict[str, str | list[str]] = field(default_factory=dict)


def _positional_count(func: Callable[..., t.Any]) -> int:
    """How many arguments to pass: 0, 1 (request) or 2 (request, ctx)."""
    shape = arity(func)
    return 2 if shape is None else min(shape.maximum, 2)


def _where(exchange: Exchange, fallback: str) -> str:
    return exchange.match.route.relfile if exchange.match is not None else fallback


def _fail(exchange: Exchange, exc: BaseException, where: str) -> Response:
    """Record and log *exc*; Next.js answers an empty 500 in every mode."""
    exchange.exception = exc
    logger.error(
        "Error in route handler %s (%s %s)",
        where,
        exchange.raw.method,
        exchange.raw.url,
        exc_info=exc,
    )
    return Response(None, 500)


def _invoke(func: Callable[..., t.Any], args: tuple[t.Any, ...], scope: RequestScope) -> t.Any:
    with activate_scope(scope):
        result = func(*args)
    if inspect.isawaitable(result):
        return _await_in_scope(result, scope)
    return result


async def _await_in_scope(awaitable: t.Awaitable[t.Any], scope: RequestScope) -> t.Any:
    # The coroutine may run on a helper thread's loop: enter the scope inside it.
    with activate_scope(scope):
        return await awaitable


def _check_app_response(result: object, where: str, method: str, url: str) -> Response:
    if not isinstance(result, Response):
        raise InvalidRouteResponseError(
            f"No response is returned from route handler '{where}'. Ensure you return a "
            f"`Response` or a `NextResponse` in all branches of your handler. (Expected a "
            f"Response object but received '{type(result).__name__}' (method: {method}, "
            f"url: {url}).)"
        )
    if result.headers.has("x-middleware-rewrite"):
        raise InvalidRouteResponseError(_REWRITE_IN_ROUTE)
    if result.headers.get("x-middleware-next") == "1":
        raise InvalidRouteResponseError(_NEXT_IN_ROUTE)
    return result


def _refuse_declared_oversize(exchange: Exchange, body_limit: SizeLimit) -> None:
    """413 from the declared length alone, before the handler runs or a byte is read."""
    raw = exchange.raw
    declared = raw.content_length
    if declared is not None and declared > body_limit.size and raw.method not in ("GET", "HEAD"):
        raise BodyTooLargeError(*body_limit)


def run_app_route(
    methods: Mapping[str, Callable[..., t.Any]],
    exchange: Exchange,
    sink: Sink,
    params: Mapping[str, str | list[str]],
    *,
    name: str = "app route",
    body_limit: SizeLimit = DEFAULT_BODY_LIMIT,
) -> None:
    """Answer *exchange* with an app route's method functions (``{"GET": GET}``), per §2 of
    the spec: automatic ``HEAD`` and ``OPTIONS``, 405 for a missing method, 400 for one
    outside Next.js' seven.

    Never raises for a handler's error: it is logged, kept in ``exchange.exception`` and
    answered with an empty 500.

    :param name: the route, in messages when the exchange has no match (the route file).
    :param body_limit: the most body bytes the request's readers accept.
    :raises RequestBodyError: the body is over *body_limit* (from its declared length,
        before the handler runs, or from a read), cut short or malformed; the pipeline
        answers it (413 or 400).
    """
    from .request import request_from_raw

    method = exchange.raw.method
    if method not in HTTP_METHODS:
        send_web_response(Response(None, 400), exchange, sink)
        return
    handler = methods.get(method)
    if handler is None and method == "HEAD":
        handler = methods.get("GET")
    if handler is None and method == "OPTIONS":
        allow = {"OPTIONS", *methods}
        if "GET" in methods:
            allow.add("HEAD")
        send_web_response(Response(None, 204, {"allow": ", ".join(sorted(allow))}), exchange, sink)
        return
    if handler is None:
        send_web_response(Response(None, 405), exchange, sink)
        return

    where = _where(exchange, name)
    _refuse_declared_oversize(exchange, body_limit)
    try:
        request = request_from_raw(exchange.raw, body_limit=body_limit)
    except Exception as exc:
        send_web_response(_fail(exchange, exc, where), exchange, sink)
        return
    scope = RequestScope(request, exchange.mode)
    args = (request, RouteContext(dict(params)))[: _positional_count(handler)]
    response: Response
    try:
        result = call_maybe_async(_invoke, handler, args, scope)
        response = scope.apply_cookies(_check_app_response(result, where, method, exchange.raw.url))
    except RedirectSignal as signal:
        redirect = Response(None, signal.status, {"location": signal.url})
        response = scope.apply_cookies(redirect)
    except NotFoundSignal:
        response = Response(None, 404)
    except RequestBodyError:
        raise  # the client's fault, not the handler's: answered by the pipeline
    except Exception as exc:
        response = _fail(exchange, exc, where)
    send_web_response(response, exchange, sink)


def _edge_query(
    query_string: str, params: Mapping[str, str | list[str]], rewritten: str | None = None
) -> str:
    """The query with route params merged over it, catch-all arrays as repeated keys.

    After a middleware rewrite, Next.js' ``{...initQuery, ...query, ...params}``: the
    request's query, then the rewrite's, then the params.
    """
    if not params and rewritten is None:
        return query_string
    merged: dict[str, list[str]] = {}
    for key, value in URLSearchParams(query_string):
        merged.setdefault(key, []).append(value)
    for key, values in group_query(rewritten or "").items():
        merged[key] = values
    for key, param in params.items():
        merged[key] = [param] if isinstance(param, str) else list(param)
    return URLSearchParams([(k, v) for k, values in merged.items() for v in values]).to_string()


def run_edge_route(
    handler: Callable[..., t.Any],
    exchange: Exchange,
    sink: Sink,
    params: Mapping[str, str | list[str]],
    *,
    body_limit: SizeLimit = DEFAULT_BODY_LIMIT,
) -> None:
    """Answer *exchange* with an edge pages handler (``config = {"runtime": "edge"}``).

    One function for every method, no 405 and no automatic HEAD/OPTIONS; route params are
    read from ``request.next_url.search_params``. ``headers()``/``cookies()`` are unavailable.

    :param body_limit: as for :func:`run_app_route`.
    :raises RequestBodyError: as for :func:`run_app_route`.
    """
    from .request import request_from_raw

    where = _where(exchange, getattr(handler, "__module__", "edge handler"))
    _refuse_declared_oversize(exchange, body_limit)
    try:
        request = request_from_raw(
            exchange.raw,
            query_string=_edge_query(
                exchange.raw.query_string,
                params,
                None if exchange.rewrite is None else exchange.rewrite[1],
            ),
            body_limit=body_limit,
        )
        with no_scope():
            result = call_maybe_async(handler, request)
        if not isinstance(result, Response):
            raise InvalidRouteResponseError(
                f"Expected an instance of Response to be returned (the edge handler in "
                f"'{where}' returned {type(result).__name__})"
            )
        response = result
    except RequestBodyError:
        raise
    except Exception as exc:
        response = _fail(exchange, exc, where)
    send_web_response(response, exchange, sink)


def _header_lines(response: Response) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for name, value in response.headers:
        if name == "x-middleware-set-cookie":
            continue  # internal: carries middleware cookies to cookies(), never to clients
        if name == "set-cookie":
            lines.extend(("set-cookie", cookie) for cookie in split_cookies_string(value))
        else:
            lines.append((name, value))
    return lines


class _Done:
    pass


_DONE = _Done()


async def _next_chunk(iterator: AsyncIterator[t.Any]) -> t.Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _DONE


def _close(source: object) -> None:
    """Close a generator body so its ``finally`` blocks run (the client may have left)."""
    try:
        if hasattr(source, "aclose"):
            run_coroutine(t.cast("t.Any", source).aclose())
        elif hasattr(source, "close"):
            t.cast("t.Any", source).close()
    except Exception:
        logger.warning("Closing the response body iterator failed", exc_info=True)


def send_web_response(response: Response, exchange: Exchange, sink: Sink) -> None:
    """Write *response* through *sink*: status, headers (one line per cookie), then the body.

    Iterator bodies are written chunk by chunk as produced; HEAD gets no body. When the
    client goes away the iterator is closed, so an endless stream ends. An error raised by
    the iterator mid-stream is logged and kept in ``exchange.exception``, and
    ``exchange.aborted`` tells the door to cut the connection.
    """
    try:
        source = response._take_body()
    except Exception as exc:
        response, source = _fail(exchange, exc, _where(exchange, exchange.raw.path)), None
    lines = _header_lines(response)
    if (
        source is None
        and exchange.raw.method != "HEAD"
        and response.status >= 200
        and response.status not in (204, 304)
        and not any(name.lower() == "content-length" for name, _ in lines)
    ):
        # Next.js ends a body-less response with res.end(): Node then says Content-Length: 0.
        lines.append(("content-length", "0"))
    sink.start(response.status, response.status_text or reason_phrase(response.status), lines)
    if source is None or isinstance(source, bytes):
        sink.finish(b"" if source is None or exchange.raw.method == "HEAD" else source)
        return
    if exchange.raw.method == "HEAD":
        _close(source)
        sink.finish()
        return
    try:
        while not sink.disconnected:
            if isinstance(source, AsyncIterator):
                chunk = run_coroutine(_next_chunk(source))
            else:
                chunk = next(source, _DONE)
            if chunk is _DONE:
                break
            data = _chunk_bytes(chunk)
            if not data:
                continue
            try:
                sink.write(data)
            except OSError:  # ConnectionError from our sinks, broken pipes from servers
                break
    except Exception as exc:
        _fail(exchange, exc, _where(exchange, exchange.raw.path))
        # The head is out: ending the response normally would pass the cut for complete.
        exchange.aborted = True
    finally:
        _close(source)
    with contextlib.suppress(OSError):
        sink.finish()
