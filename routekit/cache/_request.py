"""What an app-route handler sees while it renders for the cache.

Next.js' ``app-route/module.ts`` proxies the ``NextRequest`` by the route's ``dynamic``:
``force-static`` gets stubs (``forceStaticRequestHandlers``: empty sealed headers and
cookies, no search params, ``url`` without its query), ``error`` throws on any dynamic read
(``requireStaticRequestHandlers``), ``auto`` tracks dynamic reads (``proxyNextRequest``)
and a render that made one is not cached. The same request is put in the scope, so
``headers()`` and ``cookies()`` read through it too.
"""

from __future__ import annotations

import typing as t

from .._aio import arity
from ..errors import StaticGenerationError
from ..web.context import current_scope
from ..web.headers import Headers
from ..web.request import NextRequest

if t.TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Watch", "wrap_handler"]

#: Request members that read per-request data (Next.js' list in ``proxyNextRequest``).
_DYNAMIC_REQUEST = frozenset(
    {
        "headers",
        "cookies",
        "url",
        "body",
        "text",
        "json",
        "array_buffer",
        "form_data",
        "iter_body",
        "body_sync",
        "text_sync",
        "json_sync",
        "form_data_sync",
    }
)
#: ``next_url`` members that read the query (``pathname`` does not: it is the cache key).
_DYNAMIC_URL = frozenset({"search", "search_params", "href", "origin", "to_json", "to_string"})
_SEALED = "Headers cannot be modified: this route renders with dynamic = 'force-static'."


class Watch:
    """The first dynamic read of one render (``auto``), or a refusal of any (``error``).

    :param pathname: the request's path, in the ``dynamic = "error"`` message.
    :param refuse: raise :class:`~routekit.errors.StaticGenerationError` on a dynamic read.
    """

    def __init__(self, pathname: str, *, refuse: bool) -> None:
        self.pathname = pathname
        self.refuse = refuse
        self.used: str | None = None

    def saw(self, expression: str) -> None:
        if self.refuse:
            raise StaticGenerationError(
                f'Route {self.pathname} with `dynamic = "error"` couldn\'t be rendered '
                f"statically because it used `{expression}`."
            )
        if self.used is None:
            self.used = expression


class _WatchedURL:
    __slots__ = ("_target", "_watch")

    def __init__(self, target: t.Any, watch: Watch) -> None:
        self._target = target
        self._watch = watch

    def __getattr__(self, name: str) -> t.Any:
        if name in _DYNAMIC_URL:
            self._watch.saw(f"next_url.{name}")
        return getattr(self._target, name)

    def __str__(self) -> str:
        self._watch.saw("next_url.to_string")
        return str(self._target)


class _WatchedRequest:
    """A ``NextRequest`` whose dynamic members report to a :class:`Watch` first."""

    __slots__ = ("_target", "_watch")

    def __init__(self, target: NextRequest, watch: Watch) -> None:
        self._target = target
        self._watch = watch

    def __getattr__(self, name: str) -> t.Any:
        if name == "next_url":
            return _WatchedURL(self._target.next_url, self._watch)
        if name in _DYNAMIC_REQUEST:
            self._watch.saw(f"request.{name}")
        return getattr(self._target, name)

    def __repr__(self) -> str:
        return repr(self._target)


def _stub(request: NextRequest) -> NextRequest:
    """The ``force-static`` request: same method and path, no query, no headers, no cookies."""
    href = request.next_url.href
    clean = href.split("#", 1)[0].split("?", 1)[0]
    stub = NextRequest(clean, method=request.method)
    stub.headers = Headers()._seal(_SEALED)
    return stub


def wrap_handler(handler: Callable[..., t.Any], dynamic: str, watch: Watch) -> Callable[..., t.Any]:
    """*handler*, called with the request its route's ``dynamic`` gives it.

    The wrapper takes as many positional arguments as *handler* (``run_app_route`` passes
    0, 1 or 2 by its arity).
    """
    shape = arity(handler)
    count = 2 if shape is None else min(shape.maximum, 2)

    def prepare(request: NextRequest) -> t.Any:
        replaced: t.Any = (
            _stub(request) if dynamic == "force-static" else _WatchedRequest(request, watch)
        )
        scope = current_scope()
        if scope is not None:
            scope.request = replaced  # headers() and cookies() read the same request
        return replaced

    if count == 0:

        def call0() -> t.Any:
            scope = current_scope()
            if scope is not None:
                prepare(scope.request)
            return handler()

        return call0
    if count == 1:

        def call1(request: NextRequest) -> t.Any:
            return handler(prepare(request))

        return call1

    def call2(request: NextRequest, ctx: t.Any) -> t.Any:
        return handler(prepare(request), ctx)

    return call2
