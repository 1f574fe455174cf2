"""Running app-route modules and edge pages handlers, and sending their Web ``Response``.

Next.js' ``AppRouteRouteModule`` (method resolution, automatic HEAD/OPTIONS, 405, the
``cookies()`` merge, 500 with an empty body for any error) and ``pages-edge-api``.
"""

from __future__ import annotations

import inspect
import logging
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .._aio import acall, arity, run_sync
from .._js.url import group_query
from .._wire import prefetch_body
from ..config import DEFAULT_BODY_LIMIT, SizeLimit
from ..errors import (
    BodyTooLargeError,
    InvalidRouteResponseError,
    NotFoundSignal,
    RedirectSignal,
    RequestBodyError,
)
from .context import RequestScope, activate_scope, no_scope
from .response import Response
from .search_params import URLSearchParams
from .send import fail as _fail
from .send import send_web_response, send_web_response_async
from .send import where as _where

if t.TYPE_CHECKING:
    from .._wire import Exchange, Sink

__all__ = [
    "HTTP_METHODS",
    "RouteContext",
    "run_app_route",
    "run_app_route_async",
    "run_edge_route",
    "run_edge_route_async",
    "send_web_response",
    "send_web_response_async",
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
    """:func:`run_app_route_async` run from synchronous code (``_aio.run_sync``)."""
    run_sync(run_app_route_async(methods, exchange, sink, params, name=name, body_limit=body_limit))


async def run_app_route_async(
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
        await send_web_response_async(Response(None, 400), exchange, sink)
        return
    handler = methods.get(method)
    if handler is None and method == "HEAD":
        handler = methods.get("GET")
    if handler is None and method == "OPTIONS":
        allow = {"OPTIONS", *methods}
        if "GET" in methods:
            allow.add("HEAD")
        allow_line = {"allow": ", ".join(sorted(allow))}
        await send_web_response_async(Response(None, 204, allow_line), exchange, sink)
        return
    if handler is None:
        await send_web_response_async(Response(None, 405), exchange, sink)
        return

    where = _where(exchange, name)
    _refuse_declared_oversize(exchange, body_limit)
    if inspect.iscoroutinefunction(handler):
        await prefetch_body(exchange.raw, body_limit.size + 1)  # read on the loop: buffer it
    try:
        request = request_from_raw(exchange.raw, body_limit=body_limit)
    except Exception as exc:
        await send_web_response_async(_fail(exchange, exc, where), exchange, sink)
        return
    scope = RequestScope(request, exchange.mode)
    args = (request, RouteContext(dict(params)))[: _positional_count(handler)]
    response: Response
    try:
        with activate_scope(scope):
            result = await acall(handler, *args)
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
    await send_web_response_async(response, exchange, sink)


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
    """:func:`run_edge_route_async` run from synchronous code (``_aio.run_sync``)."""
    run_sync(run_edge_route_async(handler, exchange, sink, params, body_limit=body_limit))


async def run_edge_route_async(
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
    if inspect.iscoroutinefunction(handler):
        await prefetch_body(exchange.raw, body_limit.size + 1)
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
            result = await acall(handler, request)
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
    await send_web_response_async(response, exchange, sink)
