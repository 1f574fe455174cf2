"""Run the root ``middleware.py`` (or ``proxy.py``) before routing, as ``next start`` does.

:func:`run_middleware_module` strips the internal headers a client may not send
(CVE-2025-29927), tests the module's matcher, calls ``middleware(request)`` with a
:class:`~routekit.web.request.NextRequest`, and turns what it returns into a
:class:`MiddlewareOutcome`: a response already sent (a redirect or a short-circuit), or the
request to continue with -- possibly rewritten, with new request headers and with headers
to merge onto the final response (:meth:`MiddlewareOutcome.wrap`).
"""

from __future__ import annotations

import inspect
import typing as t
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .._aio import acall, run_sync
from .._js.status import reason_phrase
from .._js.url import resolve_path
from .._wire import drain, prefetch_body
from ..config import DEFAULT_BODY_LIMIT, SizeLimit
from ..errors import InvalidRouteResponseError, MiddlewareRewriteError, ModuleDefinitionError
from ..web.request import request_from_raw
from ..web.response import Response
from ..web.send import send_web_response_async
from ._body import Replay as _Replay
from ._body import Tee as _Tee
from .matcher import MiddlewareMatcher, matcher_from_config

if t.TYPE_CHECKING:
    from types import ModuleType

    from .._wire import Exchange, RawRequest, Sink

__all__ = [
    "Importer",
    "MiddlewareOutcome",
    "MiddlewareRunner",
    "middleware_function",
    "run_middleware_module",
    "run_middleware_module_async",
    "strip_internal_headers",
]

# Headers only Next.js itself may set; a client sending them could skip middleware
# (x-middleware-subrequest, CVE-2025-29927) or fake a rewrite. Every x-middleware-* goes.
_INTERNAL = frozenset({"x-now-route-matches", "x-matched-path"})
# Not copied from the middleware's response (resolve-routes.ts + ipcForbiddenHeaders).
_NOT_FORWARDED = frozenset(
    {
        "content-length",
        "x-middleware-rewrite",
        "x-middleware-redirect",
        "x-middleware-refresh",
        "x-middleware-invoke",
        "x-middleware-next",
        "x-middleware-override-headers",
        "x-invoke-path",
        "x-invoke-query",
        "accept-encoding",
        "keepalive",
        "keep-alive",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "expect",
    }
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# send-response.ts appends these route headers to the middleware's instead of skipping them.
_APPENDED = frozenset({"set-cookie", "vary", "www-authenticate", "proxy-authenticate"})


def strip_internal_headers(raw: RawRequest) -> None:
    """Drop the request headers only Next.js may set (``x-middleware-*``, ``x-matched-path``...)."""
    raw.headers = [
        (name, value)
        for name, value in raw.headers
        if not name.lower().startswith("x-middleware-") and name.lower() not in _INTERNAL
    ]


def middleware_function(module: ModuleType, file: str = "middleware.py") -> t.Callable[..., t.Any]:
    """The function a middleware module exports: ``middleware``, ``proxy`` or ``default``.

    :raises ModuleDefinitionError: with Next.js' message when there is none.
    """
    for name in ("middleware", "proxy", "default"):
        func = getattr(module, name, None)
        if callable(func):
            return t.cast("t.Callable[..., t.Any]", func)
    kind, export = (
        ("Proxy", "proxy") if Path(file).stem == "proxy" else ("Middleware", "middleware")
    )
    raise ModuleDefinitionError(
        f'The {kind} file "./{file}" must export a function named `{export}` or a default '
        "function.",
        file,
        hint=f"define def {export}(request): ... returning None or a NextResponse.",
    )


# --- the outcome -----------------------------------------------------------------------


@dataclass
class MiddlewareOutcome:
    """What the middleware decided.

    ``answered`` means a response was sent (redirect, short-circuit): the pipeline stops.
    Otherwise the request goes on: ``exchange.raw`` already carries the new headers,
    ``exchange.rewrite`` the rewritten path and query (routed, while the handler sees the
    request's own URL), and the final response must get ``response_headers``
    (``sink = outcome.wrap(sink, exchange)``).

    :param ran: whether the matcher matched and the middleware function ran.
    :param answered: a response was sent; route nothing.
    :param rewrite: the same-origin rewrite target (``/new/path?q=1``), if any.
    :param response_headers: headers the final response gets, as (name, value) lines.
    """

    ran: bool = False
    answered: bool = False
    rewrite: str | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)

    def wrap(self, sink: Sink, exchange: Exchange) -> Sink:
        """*sink*, or a sink that adds ``response_headers`` to whatever response goes out."""
        if not self.response_headers:
            return sink
        return _MergingSink(sink, exchange, self.response_headers)


class _MergingSink:
    """Adds the middleware's response headers to the route's response, by Next.js' rules."""

    def __init__(self, inner: Sink, exchange: Exchange, lines: list[tuple[str, str]]) -> None:
        self._inner = inner
        self._exchange = exchange
        self._lines = lines

    @property
    def started(self) -> bool:
        return self._inner.started

    @property
    def disconnected(self) -> bool:
        return self._inner.disconnected

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        match = self._exchange.match
        if match is not None and match.route.kind == "app":
            # sendResponse: middleware headers win; a few multi-valued ones are appended.
            have = {name.lower() for name, _ in self._lines}
            extra = [(n, v) for n, v in headers if n.lower() in _APPENDED or n.lower() not in have]
            merged = self._lines + extra
        else:
            # Node's res.setHeader in a pages handler (or an error page) replaces the value.
            replaced = {name.lower() for name, _ in headers}
            merged = [(n, v) for n, v in self._lines if n.lower() not in replaced] + headers
        self._inner.start(status, reason, merged)

    def write(self, data: bytes) -> None:
        self._inner.write(data)

    def finish(self, data: bytes = b"") -> None:
        self._inner.finish(data)

    async def drain(self) -> None:
        await drain(self._inner)


# --- running it ------------------------------------------------------------------------


def _relativize(url: str, base: str) -> str:
    """Next.js' ``relativizeURL``: drop the origin when *url* is on *base*'s origin."""
    target, origin = urlsplit(url), urlsplit(base)
    if (target.scheme, target.netloc) == (origin.scheme, origin.netloc):
        return url[len(f"{target.scheme}://{target.netloc}") :] or "/"
    return url


def _override_request_headers(raw: RawRequest, response: Response) -> None:
    listed = response.headers.get("x-middleware-override-headers")
    if listed is None:
        return
    keys = [key.strip() for key in listed.split(",") if key.strip()]
    # Next.js deletes every request header that is not listed, then sets the listed ones.
    lines: list[tuple[str, str]] = []
    for key in keys:
        value = response.headers.get(f"x-middleware-request-{key}")
        if value is not None:
            lines.append((key, value))
    raw.headers = lines


def _forwarded_lines(response: Response) -> list[tuple[str, str]]:
    listed = response.headers.get("x-middleware-override-headers") or ""
    consumed = {f"x-middleware-request-{key.strip()}" for key in listed.split(",")}
    lines: list[tuple[str, str]] = []
    for name, value in response.headers.raw():
        name = name.lower()
        if name in _NOT_FORWARDED or name in consumed or not value:
            continue
        lines.append((name, value))
    return lines


def run_middleware_module(
    module: ModuleType,
    exchange: Exchange,
    sink: Sink,
    *,
    file: str = "middleware.py",
    matcher: MiddlewareMatcher | None = None,
    body_limit: SizeLimit = DEFAULT_BODY_LIMIT,
) -> MiddlewareOutcome:
    """:func:`run_middleware_module_async` run from synchronous code (``_aio.run_sync``)."""
    return run_sync(
        run_middleware_module_async(
            module, exchange, sink, file=file, matcher=matcher, body_limit=body_limit
        )
    )


async def run_middleware_module_async(
    module: ModuleType,
    exchange: Exchange,
    sink: Sink,
    *,
    file: str = "middleware.py",
    matcher: MiddlewareMatcher | None = None,
    body_limit: SizeLimit = DEFAULT_BODY_LIMIT,
) -> MiddlewareOutcome:
    """Run the middleware *module* for *exchange* and apply what it returns.

    Continuing requests have ``exchange.raw`` updated in place (replaced or added request
    headers, a body the route can read again) and a rewrite in ``exchange.rewrite``.
    Redirects and short-circuit responses are sent through *sink*.

    :param file: the module's file relative to the root, named in errors.
    :param matcher: the compiled matcher; default: from the module's ``config``.
    :param body_limit: the most body bytes the middleware may read. Next.js hands middleware
        the first 10 MB of a larger body; routekit refuses it instead (a middleware never
        judges a cut body), so reading past it raises
        :class:`~routekit.errors.BodyTooLargeError` (answered 413).
    :raises InvalidRouteResponseError: the middleware returned something other than a
        ``Response`` (Next.js: ``Expected an instance of Response to be returned``); the app
        answers 500. A ``TypeError`` too.
    """
    raw = exchange.raw
    strip_internal_headers(raw)
    if matcher is None:
        matcher = matcher_from_config(getattr(module, "config", None), file=file)
    host_lines = raw.headers if raw.header("host") else [*raw.headers, ("host", raw.host)]
    if not matcher.matches(raw.path, host_lines, raw.query_string):
        return MiddlewareOutcome()
    func = middleware_function(module, file)

    tee: _Tee | None = None
    if raw.body is not None and raw.method.upper() not in ("GET", "HEAD"):
        if inspect.iscoroutinefunction(func):
            await prefetch_body(raw, body_limit.size + 1)  # read on the loop: buffer it
        tee = _Tee(raw.body)
        raw.body = tee
    try:
        request = request_from_raw(raw, body_limit=body_limit)
        result = await acall(func, request)
    finally:
        if tee is not None:
            raw.body = _Replay(bytes(tee.buffer), tee.stream)

    if result is None:
        return MiddlewareOutcome(ran=True)
    if not isinstance(result, Response):
        raise InvalidRouteResponseError("Expected an instance of Response to be returned")
    return await _apply(result, exchange, sink, request.url)


async def _apply(
    response: Response, exchange: Exchange, sink: Sink, base: str
) -> MiddlewareOutcome:
    raw = exchange.raw
    headers = response.headers
    rewrite = headers.get("x-middleware-rewrite")
    location = headers.get("location")
    is_next = headers.get("x-middleware-next") is not None
    forwarded = _forwarded_lines(response)

    if location is not None and response.status in _REDIRECTS:
        destination = _relativize(location, base)
        lines = [
            (n, v) for n, v in forwarded if n not in ("location", "x-middleware-set-cookie")
        ] + [("location", destination)]
        if response.status == 308:
            lines.append(("refresh", f"0;url={destination}"))
        # Next.js ends the response with res.end(destination): no Content-Type of its own,
        # and Node adds the Content-Length of that single chunk.
        body = destination.encode()
        lines.append(("content-length", str(len(body))))
        sink.start(response.status, reason_phrase(response.status), lines)
        sink.finish(b"" if raw.method == "HEAD" else body)
        return MiddlewareOutcome(ran=True, answered=True)
    if rewrite is None and not is_next:
        # Neither next() nor rewrite(): the middleware's response is the answer.
        kept = set(dict(forwarded)) | {"set-cookie", "x-middleware-set-cookie"}
        for name in {name for name, _ in headers.raw()} - kept:
            headers.delete(name)
        await send_web_response_async(response, exchange, sink)
        return MiddlewareOutcome(ran=True, answered=True)

    _override_request_headers(raw, response)
    for name, value in forwarded:
        # Next.js also hands the middleware's response headers to the route (issue #52564).
        raw.headers = [(n, v) for n, v in raw.headers if n.lower() != name] + [(name, value)]
    # x-middleware-set-cookie tells the route's cookies() about them; clients never see it.
    to_client = [(n, v) for n, v in forwarded if n != "x-middleware-set-cookie"]
    outcome = MiddlewareOutcome(ran=True, response_headers=to_client)
    if rewrite is not None:
        target = _relativize(rewrite, base)
        if "://" in target:
            raise MiddlewareRewriteError(
                f"middleware rewrote {raw.path} to another origin ({rewrite}); routekit serves "
                "its own routes only. Rewrite to a path on this origin, or redirect instead."
            )
        # The route of the target runs, but sees the request's own URL (Next.js keeps
        # req.url; only its routing pathname and query change).
        path, _, query = target.partition("?")
        exchange.rewrite = (resolve_path(path), query.partition("#")[0])
        outcome.rewrite = target
        outcome.response_headers.append(("x-middleware-rewrite", target))
    return outcome


class Importer(t.Protocol):
    """What :class:`MiddlewareRunner` needs of a loader: import a file once, by path."""

    def import_file(self, file: str | Path, /) -> ModuleType:
        """The module of *file*, imported on first use."""
        ...


class MiddlewareRunner:
    """The project's ``middleware.py``/``proxy.py``, imported on first use, run per request.

    :param loader: what imports the file once: the project's ``routekit.loader.Loader``.
    :param path: the middleware file.
    :param body_limit: the most body bytes the middleware may read (``body_size_limit``).
    """

    def __init__(
        self, loader: Importer, path: str | Path, *, body_limit: SizeLimit = DEFAULT_BODY_LIMIT
    ) -> None:
        self.loader = loader
        self.body_limit = body_limit
        self.path = Path(path)
        self.file = self.path.name
        self._module: ModuleType | None = None
        self._matcher: MiddlewareMatcher | None = None

    def _load(self) -> tuple[ModuleType, MiddlewareMatcher]:
        if self._module is None or self._matcher is None:
            module = self.loader.import_file(self.path)
            matcher = matcher_from_config(getattr(module, "config", None), file=self.file)
            middleware_function(module, self.file)  # a missing export fails on first use
            self._module, self._matcher = module, matcher
        return self._module, self._matcher

    def run(self, exchange: Exchange, sink: Sink) -> MiddlewareOutcome:
        """Run the middleware for *exchange*; see :func:`run_middleware_module`."""
        return run_sync(self.run_async(exchange, sink))

    async def run_async(self, exchange: Exchange, sink: Sink) -> MiddlewareOutcome:
        """:meth:`run` as a coroutine (the pipeline's)."""
        module, matcher = self._load()
        return await run_middleware_module_async(
            module, exchange, sink, file=self.file, matcher=matcher, body_limit=self.body_limit
        )

    def __repr__(self) -> str:
        return f"<MiddlewareRunner {self.file}>"
