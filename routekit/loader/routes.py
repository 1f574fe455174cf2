"""The routes the loader hands to the pipeline: one class per kind of route file.

Each is built once, when its file is first imported and validated, and owns what running it
needs (the handler or the method functions, the validated config). ``run`` answers one
request through the router's own dispatcher, so the pipeline calls ``route.run(...)``
without knowing which router a file belongs to.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..pages.dispatch import run_pages_route_async
from ..web.dispatch import run_app_route_async, run_edge_route_async

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType

    from .._wire import Exchange, Sink
    from ..config import AppRouteConfig, PagesConfig
    from ..routing.route import Route

__all__ = ["AppRoute", "EdgeRoute", "LoadedKind", "LoadedRoute", "PagesRoute", "Params"]

#: ``pages``: ``handler(req, res)``; ``edge``: a pages file with ``runtime: "edge"``,
#: ``handler(request)`` returning a ``Response``; ``app``: ``app/**/route.py`` exporting
#: ``GET``, ``POST``...
LoadedKind = t.Literal["pages", "edge", "app"]

#: The route params of one request: ``[id]`` gives a ``str``, ``[...slug]`` a ``list[str]``.
Params: t.TypeAlias = t.Mapping[str, str | list[str]]


@dataclass(frozen=True, slots=True)
class _HandlerFile:
    """A ``pages/api`` file: one ``handler`` for every method.

    :param route: the route the file serves.
    :param module: the imported module (the object ``load_handler`` returns).
    :param config: the validated ``config = {...}``.
    :param handler: the module's ``handler``.
    """

    route: Route
    module: ModuleType
    config: PagesConfig
    handler: Callable[..., t.Any]


@dataclass(frozen=True, slots=True)
class PagesRoute(_HandlerFile):
    """A ``pages/api`` file: ``handler(req, res)``, run as Next.js' ``apiResolver``."""

    kind: t.ClassVar[LoadedKind] = "pages"

    async def run(self, exchange: Exchange, sink: Sink, params: Params) -> None:
        """Answer *exchange* through *sink*; a handler's exception propagates (a 500)."""
        await run_pages_route_async(
            self.handler,
            self.config,
            exchange,
            sink,
            params,
            external_resolver_timeout=exchange.external_resolver_timeout,
        )


@dataclass(frozen=True, slots=True)
class EdgeRoute(_HandlerFile):
    """A ``pages/api`` file with ``runtime: "edge"``: ``handler(request)`` -> ``Response``."""

    kind: t.ClassVar[LoadedKind] = "edge"

    async def run(self, exchange: Exchange, sink: Sink, params: Params) -> None:
        """Answer *exchange* through *sink*; a handler's exception is an empty 500.

        The body limit is the file's ``bodySizeLimit``, else the project's.
        """
        limit = self.config.body_size_limit or exchange.body_limit
        await run_edge_route_async(self.handler, exchange, sink, params, body_limit=limit)


@dataclass(frozen=True, slots=True)
class AppRoute:
    """An ``app/**/route.py`` file: one function per HTTP method, taking a ``Request``.

    :param route: the route the file serves.
    :param module: the imported module.
    :param config: the validated segment config exports (``dynamic``, ``revalidate``...).
    :param methods: the method functions by name (``{"GET": GET}``), read once at load.
    """

    kind: t.ClassVar[LoadedKind] = "app"

    route: Route
    module: ModuleType
    config: AppRouteConfig
    methods: Mapping[str, Callable[..., t.Any]]

    async def run(self, exchange: Exchange, sink: Sink, params: Params) -> None:
        """Answer *exchange* through *sink*: 405/OPTIONS/HEAD as Next.js, errors an empty 500."""
        limit = self.config.body_size_limit or exchange.body_limit

        async def run(methods: Mapping[str, Callable[..., t.Any]], ex: Exchange, out: Sink) -> None:
            await run_app_route_async(
                methods, ex, out, params, name=self.route.relfile, body_limit=limit
            )

        if exchange.cache is None:
            await run(self.methods, exchange, sink)
        else:  # the cache renders GET into a buffer and replays it (routekit.cache.runtime)
            await exchange.cache.serve(self, exchange, sink, params, run)


#: What :meth:`~routekit.loader.Loader.load` returns.
LoadedRoute: t.TypeAlias = PagesRoute | EdgeRoute | AppRoute
