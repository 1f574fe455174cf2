"""``create_router()``: method routing and middleware for one ``pages/api`` file, as next-connect.

Functions run onion-style, sync or ``async def``: a middleware ``fn(req, res, next)`` calls
``next()`` (or ``await next()``) to run the rest of the chain; a method without a handler
answers 405 with ``Allow``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing as t
from collections.abc import Callable

from .._aio import arity, call_maybe_async, run_coroutine
from ._types import Handler, Middleware, Next

__all__ = ["Router", "create_router"]

logger = logging.getLogger("routekit")


def _is_async(fn: Callable[..., t.Any]) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 - an object with `async def __call__`
    )


def _takes_next(fn: Callable[..., t.Any]) -> bool:
    shape = arity(fn)
    return shape is None or shape.maximum >= 3


class _Entry(t.NamedTuple):
    method: str  # "" for use() middleware, "*" for all()
    fn: Callable[..., t.Any]
    takes_next: bool
    is_async: bool


class _AsyncNext:
    """``next`` for an async function: ``await next()`` runs the rest of the chain."""

    __slots__ = ("_chain", "_index", "pending")

    def __init__(self, chain: _Chain, index: int) -> None:
        self._chain = chain
        self._index = index
        self.pending: list[_Pending] = []

    def __call__(self, error: object = None) -> _Pending:
        if isinstance(error, BaseException):
            raise error
        pending = _Pending(self._chain, self._index)
        self.pending.append(pending)
        return pending


class _Pending:
    __slots__ = ("_chain", "_index", "awaited")

    def __init__(self, chain: _Chain, index: int) -> None:
        self._chain = chain
        self._index = index
        self.awaited = False

    def __await__(self) -> t.Generator[t.Any, None, t.Any]:
        self.awaited = True
        return self._chain.run_async(self._index).__await__()


class _Chain:
    """One request's run through the matching functions, onion-style as next-connect."""

    __slots__ = ("entries", "req", "res")

    def __init__(self, entries: list[_Entry], req: t.Any, res: t.Any) -> None:
        self.entries = entries
        self.req = req
        self.res = res

    def _args(self, entry: _Entry, nxt: Next) -> tuple[t.Any, ...]:
        return (self.req, self.res, nxt) if entry.takes_next else (self.req, self.res)

    def run_sync(self, index: int) -> t.Any:
        if index >= len(self.entries):
            return None  # next() after the last function does nothing
        entry = self.entries[index]
        if entry.is_async:
            return run_coroutine(self.run_async(index))

        def nxt(error: object = None) -> t.Any:
            if isinstance(error, BaseException):
                raise error
            return self.run_sync(index + 1)

        return call_maybe_async(entry.fn, *self._args(entry, nxt))

    async def run_async(self, index: int) -> t.Any:
        if index >= len(self.entries):
            return None
        entry = self.entries[index]
        if not entry.is_async:
            # A sync function after an async one runs on a worker thread, so that its blocking
            # next() can run the rest of the chain on this same event loop meanwhile.
            loop = asyncio.get_running_loop()

            def nxt(error: object = None) -> t.Any:
                if isinstance(error, BaseException):
                    raise error
                return asyncio.run_coroutine_threadsafe(self.run_async(index + 1), loop).result()

            result = await asyncio.to_thread(entry.fn, *self._args(entry, nxt))
            return (await result) if inspect.isawaitable(result) else result
        nxt = _AsyncNext(self, index + 1)
        result = await entry.fn(*self._args(entry, nxt))
        for pending in nxt.pending:
            if not pending.awaited:  # `next()` without `await`: JavaScript would still run it
                await pending
        return result


class Router:
    """Method routing and middleware for one ``pages/api`` file, like next-connect's router.

    Every registration method returns the router, so calls chain::

        router = create_router().use(auth).get(list_items).post(create_item)
        handler = router.handler()
    """

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: list[_Entry] = []

    def _add(self, method: str, fns: tuple[Callable[..., t.Any], ...]) -> Router:
        if not fns:
            raise TypeError(f"{self._name(method)}() needs at least one function")
        for fn in fns:
            if isinstance(fn, str) or not callable(fn):
                raise TypeError(
                    f"{self._name(method)}() takes functions, got {fn!r}; path patterns are not "
                    "supported: the file's route already decides the path"
                )
            self._entries.append(_Entry(method, fn, _takes_next(fn), _is_async(fn)))
        return self

    @staticmethod
    def _name(method: str) -> str:
        return {"": "use", "*": "all"}.get(method, method.lower())

    def use(self, *fns: Middleware) -> Router:
        """Add middleware ``fn(req, res, next)`` that runs for every method, in order."""
        return self._add("", fns)

    def all(self, *fns: Handler) -> Router:
        """Add handlers for every method."""
        return self._add("*", fns)

    def get(self, *fns: Handler) -> Router:
        """Add handlers for ``GET`` (they also answer ``HEAD``, as in next-connect)."""
        return self._add("GET", fns)

    def head(self, *fns: Handler) -> Router:
        """Add handlers for ``HEAD``."""
        return self._add("HEAD", fns)

    def post(self, *fns: Handler) -> Router:
        """Add handlers for ``POST``."""
        return self._add("POST", fns)

    def put(self, *fns: Handler) -> Router:
        """Add handlers for ``PUT``."""
        return self._add("PUT", fns)

    def patch(self, *fns: Handler) -> Router:
        """Add handlers for ``PATCH``."""
        return self._add("PATCH", fns)

    def delete(self, *fns: Handler) -> Router:
        """Add handlers for ``DELETE``."""
        return self._add("DELETE", fns)

    def options(self, *fns: Handler) -> Router:
        """Add handlers for ``OPTIONS``."""
        return self._add("OPTIONS", fns)

    def allowed_methods(self) -> list[str]:
        """The methods with a handler, for the ``Allow`` header (``GET`` implies ``HEAD``)."""
        methods = {e.method for e in self._entries if e.method not in ("", "*")}
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods)

    def _find(self, method: str) -> list[_Entry] | None:
        chosen = [
            e
            for e in self._entries
            if e.method in ("", "*", method) or (method == "HEAD" and e.method == "GET")
        ]
        if not any(e.method != "" for e in chosen):
            return None
        return chosen

    def handler(
        self,
        on_error: Callable[[BaseException, t.Any, t.Any], t.Any] | None = None,
        on_no_match: Callable[[t.Any, t.Any], t.Any] | None = None,
    ) -> Callable[[t.Any, t.Any], None]:
        """The ``handler(req, res)`` to export from the route file.

        :param on_error: called as ``on_error(error, req, res)`` when a middleware or handler
            raises; default: log it to the ``routekit`` logger and answer
            ``500 Internal Server Error``.
        :param on_no_match: called as ``on_no_match(req, res)`` for a method without a
            handler; default: ``405`` with ``Allow`` listing the routed methods and the
            body ``Method <METHOD> Not Allowed``. Middleware does not run then.
        """

        def handler(req: t.Any, res: t.Any) -> None:
            entries = self._find(str(req.method).upper())
            try:
                if entries is None:
                    call_maybe_async(on_no_match or self._no_match, req, res)
                else:
                    _Chain(entries, req, res).run_sync(0)
            except Exception as exc:
                if on_error is None:
                    self._default_error(exc, req, res)
                else:
                    call_maybe_async(on_error, exc, req, res)

        return handler

    def _no_match(self, req: t.Any, res: t.Any) -> None:
        res.set_header("Allow", ", ".join(self.allowed_methods()))
        res.status(405).end(f"Method {req.method} Not Allowed")

    @staticmethod
    def _default_error(exc: Exception, req: t.Any, res: t.Any) -> None:
        logger.error("Error in %s %s", req.method, getattr(req, "url", ""), exc_info=exc)
        if res.headers_sent:
            raise exc  # too late for a 500: let the runtime end the response
        res.status(500).end("Internal Server Error")

    def __repr__(self) -> str:
        middleware = sum(not entry.method for entry in self._entries)
        return f"<Router {self.allowed_methods()} middleware={middleware}>"


def create_router() -> Router:
    """A new :class:`Router`, like next-connect's ``createRouter()``."""
    return Router()
