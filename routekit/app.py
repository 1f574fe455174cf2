"""The application: the one request pipeline, and its WSGI and ASGI entries.

``App.handle`` is where routing signals become HTTP: the 308 for ``//`` and trailing
slashes, the 404 and 400 pages, the loaded route's ``run()``, and the 500 (or the
development error page) when a handler raises. The WSGI and ASGI doors (``App.__call__``,
``App.asgi``) and the in-process test client all go through it, so they cannot drift.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import typing as t
from collections.abc import MutableMapping
from pathlib import Path

from ._aio import run_sync
from ._asgi import ASGIApp
from ._env import env_files, load_env
from ._errorpages import (
    send_bad_request_page,
    send_dev_error_page,
    send_internal_error,
    send_internal_error_page,
    send_not_found_page,
    send_plain_error,
    send_slash_redirect,
)
from ._forwarded import add_forwarded_headers
from ._guard import request_problem
from ._target import normalise_target, repeated_slash_destination, trailing_slash_destination
from ._wire import Exchange, Mode, RawRequest, Sink
from ._wsgi import WSGISink, header_lines, raw_request_from_environ
from .cache import ResponseCache, handler_from_setting
from .errors import ParamDecodeError, RequestError, SettingsError
from .loader import Loader, get_loader
from .middleware.runner import MiddlewareRunner, strip_internal_headers
from .routing.discovery import discover
from .routing.table import RouteTable
from .settings import Settings, load_settings

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["App"]

logger = logging.getLogger("routekit")

_MODES: tuple[Mode, ...] = ("development", "production", "test")
# First two letters of the internal headers (x-middleware-*, x-matched-path, x-now-route-matches).
_INTERNAL_PREFIXES = frozenset({"x-", "X-"})
#: The root middleware file, in the order looked for (Next.js 16 renamed it ``proxy``).
_MIDDLEWARE_FILES = ("middleware.py", "proxy.py")


def _resolve_mode(dev: bool | None, mode: Mode | None) -> Mode:
    if mode is not None:
        if mode not in _MODES:
            raise SettingsError(f"mode must be one of {', '.join(_MODES)}; got {mode!r}.", "App")
        return mode
    if dev is not None:
        return "development" if dev else "production"
    env = os.environ.get("ROUTEKIT_ENV", "production")
    if env not in _MODES:
        raise SettingsError(
            f"must be one of {', '.join(_MODES)}; got {env!r}.", "ROUTEKIT_ENV environment variable"
        )
    return env


class App:
    """A routekit project served as a WSGI or an ASGI application.

    ``App(root)`` scans the route tree at once (a bad tree raises
    :class:`~routekit.errors.RouteDefinitionError` here, not on the first request) and imports each
    route file lazily, on its first request.

    :param root: the project root, the folder holding ``pages/``, ``api/`` or ``app/``.
    :param dev: ``True`` for development behaviour (error page, reload of edited routes);
        ``False`` for production. Default: the ``ROUTEKIT_ENV`` environment variable, else
        production.
    :param mode: ``"development"``, ``"production"`` or ``"test"``; overrides *dev*.
    :param revalidate: called with each path a handler passes to ``res.revalidate()``.
    :param settings: setting overrides, as in ``[tool.routekit]`` (``page_extensions=...``).
    """

    def __init__(
        self,
        root: str | os.PathLike[str] = ".",
        *,
        dev: bool | None = None,
        mode: Mode | None = None,
        revalidate: t.Callable[[str], None] | None = None,
        **settings: t.Any,
    ) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise SettingsError(
                f"the project root {str(root)!r} is not a folder; pass the folder that holds "
                "pages/, api/ or app/.",
                "App",
            )
        self.mode: Mode = _resolve_mode(dev, mode)
        load_env(self.root, self.mode)
        self.settings: Settings = load_settings(self.root, **settings)
        if self.mode == "production":
            self._require_env()
        self.revalidate_hook = revalidate
        self.cache: ResponseCache = self._make_cache()
        self.loader: Loader = get_loader(self.root)
        self._lock = threading.Lock()
        self._tree_signature = self._signature() if self.mode == "development" else None
        self.routes: RouteTable = RouteTable(discover(self.root, self.settings))
        self.middleware: MiddlewareRunner | None = self._find_middleware()

    # -- set-up ---------------------------------------------------------------------------

    def _require_env(self) -> None:
        missing = [name for name in self.settings.required_env if not os.environ.get(name)]
        if missing:
            example = " (see .env.example)" if (self.root / ".env.example").is_file() else ""
            raise SettingsError(
                f"production needs the environment variable(s) {', '.join(missing)}; set them "
                f"in the environment or in {self.root / '.env'}{example}.",
                "required_env",
            )

    def _make_cache(self) -> ResponseCache:
        """The response cache ``[tool.routekit]`` names; memory for the test client's
        default, off in development (as ``next dev``)."""
        choice = self.settings.cache_handler
        if self.mode == "test" and choice == "file":
            choice = "memory"  # tests never write into the project, and start empty
        if self.mode == "development":
            choice = "memory"
        handler = handler_from_setting(choice, self.root / self.settings.cache_dir)
        return ResponseCache(
            handler,
            expire_time=self.settings.expire_time,
            enabled=self.mode != "development",
        )

    def _on_revalidate(self, path: str) -> None:
        # res.revalidate(path) expires the path's app-route entry, then calls the user's hook.
        self.cache.revalidate_path(path)
        if self.revalidate_hook is not None:
            self.revalidate_hook(path)

    def _find_middleware(self) -> MiddlewareRunner | None:
        if not self.settings.middleware:
            return None
        for name in _MIDDLEWARE_FILES:
            path = self.root / name
            if path.is_file():
                return MiddlewareRunner(
                    self.loader, path, body_limit=self.settings.body_size_limit
                )
        return None

    def _signature(self) -> tuple[float, ...]:
        """Modification times that change when a route file is added, renamed or removed."""
        stamps: list[float] = []
        for top in ("pages", "api", "app"):
            base = self.root / top
            if not base.is_dir():
                continue
            for dirpath, dirnames, _files in os.walk(base):
                dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
                stamps.append(os.stat(dirpath).st_mtime)
        for env in env_files(self.root, self.mode):
            stamps.append(env.stat().st_mtime if env.exists() else 0.0)
        for name in _MIDDLEWARE_FILES:
            file = self.root / name
            stamps.append(file.stat().st_mtime if file.exists() else 0.0)
        return tuple(stamps)

    def _reload_if_changed(self) -> None:
        """Development: pick up added/removed/renamed route files and `.env` edits."""
        signature = self._signature()
        if signature == self._tree_signature:
            return
        with self._lock:
            if signature == self._tree_signature:
                return
            load_env(self.root, self.mode, override_loaded=True)
            self.routes = RouteTable(discover(self.root, self.settings))
            self.middleware = self._find_middleware()
            self.loader.invalidate()
            self._tree_signature = signature

    # -- the pipeline -----------------------------------------------------------------------

    def handle(
        self,
        raw: RawRequest,
        sink: Sink,
        *,
        mode: Mode | None = None,
        exchange: Exchange | None = None,
    ) -> Exchange:
        """Answer one request through *sink* and return the record of what happened.

        Never raises for a handler's error: the exception is answered (500 or the
        development page) and kept in ``exchange.exception``. Runs :meth:`handle_async`
        without an event loop until user code needs one.

        :param mode: answer this request in another mode than the app's (the test client).
        :param exchange: a record made by the caller, to watch it while a stream runs.
        """
        return run_sync(self.handle_async(raw, sink, mode=mode, exchange=exchange))

    async def handle_async(
        self,
        raw: RawRequest,
        sink: Sink,
        *,
        mode: Mode | None = None,
        exchange: Exchange | None = None,
    ) -> Exchange:
        """The pipeline itself, as a coroutine: what :meth:`handle` and the ASGI door run."""
        if exchange is None:
            exchange = Exchange(raw, mode or self.mode)
        exchange.revalidate_hook = self._on_revalidate
        exchange.cache = self.cache
        exchange.external_resolver_timeout = self.settings.external_resolver_timeout
        exchange.body_limit = self.settings.body_size_limit
        method = raw.method
        try:
            problem = request_problem(raw)
            if problem is not None:
                # Before routing, so every door and every kind of route gets it.
                logger.debug("400 for %s %r: %s", method, raw.url, problem.reason)
                send_bad_request_page(sink, method, close=problem.close)
                return exchange
            if self.mode == "development":
                self._reload_if_changed()
            destination = repeated_slash_destination(raw)
            if destination is None:
                # Next.js reads the target with the WHATWG parser before anything routes it.
                normalise_target(raw)
                destination = trailing_slash_destination(raw)
            if destination is not None:
                send_slash_redirect(sink, method, destination)
                return exchange
            if self.middleware is None and any(
                name[:2] in _INTERNAL_PREFIXES for name, _ in raw.headers
            ):
                # Next.js strips these whether or not a middleware exists (CVE-2025-29927).
                strip_internal_headers(raw)
            add_forwarded_headers(raw, trust=self.settings.trust_proxy_headers)
            path = raw.path
            if self.middleware is not None:
                outcome = await self.middleware.run_async(exchange, sink)
                if outcome.answered:
                    return exchange
                if exchange.rewrite is not None:
                    path = exchange.rewrite[0]
                sink = outcome.wrap(sink, exchange)
            try:
                match = self.routes.match(path)
            except ParamDecodeError:
                send_bad_request_page(sink, method)
                return exchange
            if match is None:
                send_not_found_page(sink, method)
                return exchange
            exchange.match = match
            if self.mode == "development" and self.loader.is_stale(match.route):
                # An edit in place leaves the folder's mtime alone: the tree signature
                # misses it, so the file's own mtime decides.
                self.loader.invalidate(match.route.file)
            await self.loader.load(match.route).run(exchange, sink, match.params)
        except Exception as exc:
            self._answer_exception(exchange, sink, exc)
        return exchange

    def _answer_exception(self, exchange: Exchange, sink: Sink, exc: Exception) -> None:
        if isinstance(exc, ConnectionError) and sink.disconnected:
            return  # the client went away mid-stream: nothing to answer, nothing to report
        if isinstance(exc, RequestError) and not sink.started:
            # A body cut short or over the limit (raised by a read): the client's error.
            logger.debug("%s for %s %s: %s", exc.status, exchange.raw.method, exchange.raw.url, exc)
            send_plain_error(sink, exchange.raw.method, exc.status, exc.message, close=True)
            return
        exchange.exception = exc
        match = exchange.match
        where = match.route.relfile if match else exchange.raw.path
        logger.error(
            "Error while handling %s %s (%s)", exchange.raw.method, exchange.raw.url, where,
            exc_info=exc,
        )
        if sink.started:
            # The head is out: the door cuts the connection so the client sees a cut response.
            exchange.aborted = True
            sink.finish()
            return
        if exchange.mode == "development":
            send_dev_error_page(
                sink,
                exchange.raw.method,
                exchange.raw.url,
                exc,
                match.route.pattern if match else None,
                match.route.relfile if match else None,
            )
        elif match is None:
            # Raised before any route ran (the middleware): Next.js' HTML 500 page.
            send_internal_error_page(sink, exchange.raw.method)
        else:
            send_internal_error(sink, exchange.raw.method)

    # -- the doors --------------------------------------------------------------------------

    @functools.cached_property
    def asgi(self) -> ASGIApp:
        """This app as an ASGI 3 application (``uvicorn main:app.asgi``, ``hypercorn``)."""
        return ASGIApp(self)

    @t.overload
    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse, /
    ) -> t.Iterable[bytes]: ...

    @t.overload
    def __call__(
        self, scope: MutableMapping[str, t.Any], receive: t.Any, send: t.Any, /
    ) -> t.Awaitable[None]: ...

    @t.overload
    def __call__(
        self, scope: MutableMapping[str, t.Any], /
    ) -> t.Callable[[t.Any, t.Any], t.Awaitable[None]]: ...

    def __call__(self, *args: t.Any) -> t.Any:
        """The entry point of every server: WSGI with ``(environ, start_response)``
        (gunicorn, ``routekit serve``), ASGI 3 with ``(scope, receive, send)``, and ASGI 2
        with ``(scope)`` (how ``uvicorn main:app`` calls an object whose ``__call__`` is
        not a coroutine function).
        """
        if len(args) == 3:
            return self.asgi(*args)
        if len(args) == 1:
            return functools.partial(self.asgi, args[0])
        environ, start_response = args
        sink = WSGISink(start_response)
        raw = raw_request_from_environ(environ, header_lines(start_response))
        return sink.respond(lambda: self.handle(raw, sink))

    def __repr__(self) -> str:
        return f"<routekit.App {str(self.root)!r} mode={self.mode} routes={len(self.routes)}>"
