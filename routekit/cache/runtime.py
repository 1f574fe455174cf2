"""The response cache of app-route GET handlers: HIT, STALE (regenerated in the
background), MISS, and on-demand revalidation.

Next.js' ``build/templates/app-route.ts`` and ``server/response-cache``: a cached route's
response is rendered whole, stored with its ``revalidate``/``expire``, and replayed with
``x-nextjs-cache`` and ``Cache-Control``. routekit renders on first request (there is no
build step); :meth:`ResponseCache.serve` is the one place the pipeline calls.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import threading
import time
import typing as t

from .._aio import acall, leave_loop, run_sync
from .._wire import BufferSink, Exchange
from ..errors import NotFoundSignal, RoutekitError
from . import _policy
from ._request import Watch, wrap_handler
from .handler import CacheEntry, CacheHandler, judge

if t.TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from .._wire import Sink
    from ..loader.routes import AppRoute

__all__ = ["ResponseCache", "cache_tag", "revalidate_path", "revalidate_tag"]

logger = logging.getLogger("routekit")

#: Runs the route's method functions against an exchange and a sink (``run_app_route_async``).
Runner: t.TypeAlias = (
    "Callable[[Mapping[str, Callable[..., t.Any]], Exchange, Sink], Awaitable[None]]"
)

_active: contextvars.ContextVar[ResponseCache | None] = contextvars.ContextVar(
    "routekit_cache", default=None
)
_render_tags: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "routekit_cache_tags", default=None
)
_EXCHANGE_FIELDS = (
    "match",
    "revalidate_hook",
    "external_resolver_timeout",
    "body_limit",
    "rewrite",
)


def _not_found() -> t.NoReturn:
    raise NotFoundSignal()


class ResponseCache:
    """The cache of one app: a :class:`~routekit.cache.CacheHandler` and the rules of when
    to use it.

    :param handler: where entries live.
    :param expire_time: Next.js' ``expireTime``: seconds after which a revalidating entry
        is not served even stale (its ``stale-while-revalidate`` window).
    :param enabled: ``False`` renders every request (development, as ``next dev``).
    """

    def __init__(
        self,
        handler: CacheHandler,
        *,
        expire_time: int = _policy.CACHE_ONE_YEAR,
        enabled: bool = True,
    ) -> None:
        self.handler = handler
        self.expire_time = expire_time
        self.enabled = enabled
        #: The clock entries are judged by, in seconds since the epoch (replace it in tests).
        self.clock: Callable[[], float] = time.time
        self._lock = threading.Lock()
        self._busy: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._static_params: dict[int, list[dict[str, t.Any]]] = {}

    # -- on demand ---------------------------------------------------------------------------

    def revalidate_path(self, path: str, kind: str | None = None) -> None:
        """Expire what is cached for *path* (``kind="layout"``: everything under it)."""
        self.handler.revalidate_tags(_policy.path_tags(path, kind), at=self.clock(), expire=True)

    def revalidate_tag(self, tag: str, profile: str | Mapping[str, int] | None = None) -> None:
        """Revalidate the entries tagged *tag*: with a *profile* (``"max"``) they are served
        stale once and rendered again in the background; without one (or with
        ``{"expire": 0}``) they are gone at once."""
        expire = profile is None or (not isinstance(profile, str) and profile.get("expire") == 0)
        self.handler.revalidate_tags([tag], at=self.clock(), expire=expire)

    def clear(self) -> None:
        """Forget every entry (the ``client`` fixture calls it before each test)."""
        self.wait()
        self.handler.clear()

    def wait(self, timeout: float | None = 10.0) -> bool:
        """Wait for the background regenerations under way; ``True`` if all ended."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            return not self._threads

    # -- the pipeline's seam -----------------------------------------------------------------

    async def serve(
        self,
        route: AppRoute,
        exchange: Exchange,
        sink: Sink,
        params: Mapping[str, str | list[str]],
        run: Runner,
    ) -> None:
        """Answer *exchange* for the app *route*, from the cache when the route is cached.

        The handler's ``get``/``set`` run as user code does (in the ASGI door's thread pool).
        """
        token = _active.set(self)
        try:
            await self._serve(route, exchange, sink, params, run)
        finally:
            _active.reset(token)

    async def _serve(
        self,
        route: AppRoute,
        exchange: Exchange,
        sink: Sink,
        params: Mapping[str, str | list[str]],
        run: Runner,
    ) -> None:
        generator = _static_params_function(route)
        cached = self.enabled and _policy.is_cached_route(
            route.config,
            route.methods,
            dynamic_route="[" in route.route.pattern,
            has_static_params=generator is not None,
        )
        if not cached or exchange.raw.method not in ("GET", "HEAD"):
            await run(route.methods, exchange, sink)
            return
        if (
            generator is not None
            and not route.config.dynamic_params
            and not await self._is_listed(route, generator, params)
        ):
            await run({"GET": _not_found}, exchange, sink)  # dynamicParams = false: 404
            return
        key = _cache_key(exchange)
        found = await acall(self.handler.get, key)
        if found is not None:
            entry, tags = found
            verdict = judge(entry, tags, self.clock())
            if verdict != "gone":
                self._replay(entry, "HIT" if verdict == "fresh" else "STALE", exchange, sink)
                if verdict == "stale":
                    self._regenerate(key, route, exchange, run)
                return
        buffer, rendered = await self._render(route, exchange, run, foreground=True)
        if rendered is None:
            _send(buffer, exchange, sink)  # a dynamic read or an error: sent, not cached
            return
        await acall(self.handler.set, key, rendered)
        self._replay(rendered, "MISS", exchange, sink)

    async def _is_listed(
        self, route: AppRoute, generator: Callable[..., t.Any], params: Mapping[str, t.Any]
    ) -> bool:
        listed = self._static_params.get(id(route))
        if listed is None:
            result = await acall(generator)
            listed = [
                {k: v if isinstance(v, str) else list(v) for k, v in p.items()} for p in result
            ]
            self._static_params[id(route)] = listed
        wanted = {k: v if isinstance(v, str) else list(v) for k, v in params.items()}
        return wanted in listed

    async def _render(
        self, route: AppRoute, exchange: Exchange, run: Runner, *, foreground: bool
    ) -> tuple[BufferSink, CacheEntry | None]:
        """Render the GET handler into a buffer; the entry, unless it must not be cached."""
        raw = dataclasses.replace(exchange.raw, method="GET", body=None, content_length=None)
        record = Exchange(raw, exchange.mode)
        for name in _EXCHANGE_FIELDS:
            setattr(record, name, getattr(exchange, name))
        pathname = _cache_key(exchange)
        watch = Watch(pathname, refuse=route.config.dynamic == "error")
        methods = {"GET": wrap_handler(route.methods["GET"], route.config.dynamic, watch)}
        tags: list[str] = []
        buffer = BufferSink()
        token = _render_tags.set(tags)
        try:
            await run(methods, record, buffer)
        finally:
            _render_tags.reset(token)
            if foreground:
                exchange.exception = record.exception
                exchange.notices.extend(record.notices)
                exchange.aborted = record.aborted
        if record.exception is not None or record.aborted or watch.used is not None:
            if watch.used is not None:
                logger.debug("%s is rendered per request: it used %s", pathname, watch.used)
            return buffer, None
        revalidate = _policy.entry_revalidate(route.config)
        return buffer, CacheEntry(
            status=buffer.status,
            reason=buffer.reason,
            headers=tuple(buffer.headers),
            body=buffer.body,
            tags=(*_policy.implicit_tags(route.route.pattern, pathname), *dict.fromkeys(tags)),
            revalidate=revalidate,
            expire=self.expire_time if revalidate is not False else None,
            stored_at=self.clock(),
        )

    def _replay(self, entry: CacheEntry, state: str, exchange: Exchange, sink: Sink) -> None:
        lines = [(name, value) for name, value in entry.headers if name != "x-next-cache-tags"]
        lines.append(("x-nextjs-cache", state))
        if not any(name.lower() == "cache-control" for name, _ in lines):
            # A handler's own Cache-Control wins (app-route.ts: "we don't override it").
            lines.append(
                ("cache-control", _policy.cache_control_header(entry.revalidate, entry.expire))
            )
        sink.start(entry.status, entry.reason, lines)
        sink.finish(b"" if exchange.raw.method == "HEAD" else entry.body)

    def _regenerate(self, key: str, route: AppRoute, exchange: Exchange, run: Runner) -> None:
        """Render *key* again on a thread; one regeneration per key at a time."""
        with self._lock:
            if key in self._busy:
                return
            self._busy.add(key)
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run,
            args=(self._background, key, route, exchange, run),
            name=f"routekit-revalidate {key}",
            daemon=True,
        )
        with self._lock:
            self._threads = [alive for alive in self._threads if alive.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _background(self, key: str, route: AppRoute, exchange: Exchange, run: Runner) -> None:
        leave_loop()  # this thread steps the render itself (the copied context ran on a loop)
        try:
            _buffer, entry = run_sync(self._render(route, exchange, run, foreground=False))
            if entry is not None:
                self.handler.set(key, entry)
            else:
                logger.warning("Regenerating %s failed: the stale entry is kept", key)
        except Exception:
            logger.exception("Regenerating %s failed: the stale entry is kept", key)
        finally:
            with self._lock:
                self._busy.discard(key)

    def __repr__(self) -> str:
        return f"<ResponseCache {self.handler!r} enabled={self.enabled}>"


def _cache_key(exchange: Exchange) -> str:
    """The resolved path (after a middleware rewrite); ``/index`` and ``/`` are one key."""
    path = exchange.rewrite[0] if exchange.rewrite is not None else exchange.raw.path
    return "/" if path in ("", "/index") else path


def _static_params_function(route: AppRoute) -> Callable[..., t.Any] | None:
    module = route.module
    found = getattr(module, "generate_static_params", None) or getattr(
        module, "generateStaticParams", None
    )
    return found if callable(found) else None


def _send(buffer: BufferSink, exchange: Exchange, sink: Sink) -> None:
    sink.start(buffer.status, buffer.reason, buffer.headers)
    sink.finish(b"" if exchange.raw.method == "HEAD" else buffer.body)


# -- next/cache ----------------------------------------------------------------------------------


def _current(helper: str) -> ResponseCache:
    cache = _active.get()
    if cache is None:
        raise RoutekitError(
            f"{helper}() was called outside an app route handler; call it inside one, or "
            f"call app.cache.{helper}(...) from a script."
        )
    return cache


def revalidate_path(path: str, kind: t.Literal["layout", "page"] | None = None) -> None:
    """Next.js' ``revalidatePath``: the next request for *path* renders again (a MISS).

    ``kind="layout"`` expires every path under *path*. Call it in an app route handler.
    """
    _current("revalidate_path").revalidate_path(path, kind)


def revalidate_tag(tag: str, profile: str | Mapping[str, int] | None = None) -> None:
    """Next.js' ``revalidateTag``: with ``profile="max"`` the tagged entries are served
    stale once and rendered again in the background; without a profile they are gone."""
    _current("revalidate_tag").revalidate_tag(tag, profile)


def cache_tag(*tags: str) -> None:
    """Tag the response being rendered, for :func:`revalidate_tag` (Next.js' ``cacheTag``).

    Outside a cached render (a dynamic route) it does nothing.
    """
    collected = _render_tags.get()
    if collected is not None:
        collected.extend(tags)
