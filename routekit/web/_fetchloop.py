"""The one event loop and the one ``httpx.AsyncClient`` every ``fetch()`` of a process uses.

A handler may run on a worker thread's reusable loop, on a throw-away helper loop, or on no
loop at all (``fetch_sync``); an httpx connection belongs to the loop that opened it. So the
client lives on a loop of its own, on a daemon thread started by the first ``fetch()``;
callers hand it coroutines and wait for them from wherever they are. A response body opened
there can then be read from any thread or loop, after the handler's own loop is gone.

The loop is closed at interpreter exit (``atexit``) and forgotten in a forked child (a
gunicorn worker forked after a fetch starts afresh).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import http.cookiejar
import os
import threading
import typing as t

if t.TYPE_CHECKING:
    import httpx

__all__ = ["FetchLoop", "fetch_loop", "shutdown"]

T = t.TypeVar("T")

#: Undici's defaults where they are sane (connect 10 s, headers and body 300 s); a bound on
#: the wait for a free connection instead of undici's unlimited pool.
_CONNECT_TIMEOUT = 10.0
_READ_TIMEOUT = 300.0
_POOL_TIMEOUT = 30.0
_MAX_CONNECTIONS = 100
_MAX_KEEPALIVE = 20
_KEEPALIVE_EXPIRY = 4.0  # undici's keepAliveTimeout
_MAX_REDIRECTS = 20  # Fetch: the 21st redirect is a network error


def _new_client() -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(
        # A server-side client: one user's Set-Cookie must never ride on another's request.
        cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
        # Undici's defaults for headers the caller did not set (its user-agent is "node").
        headers={
            "accept": "*/*",
            "accept-language": "*",
            "sec-fetch-mode": "cors",
            "user-agent": "routekit",
        },
        timeout=httpx.Timeout(_READ_TIMEOUT, connect=_CONNECT_TIMEOUT, pool=_POOL_TIMEOUT),
        limits=httpx.Limits(
            max_connections=_MAX_CONNECTIONS,
            max_keepalive_connections=_MAX_KEEPALIVE,
            keepalive_expiry=_KEEPALIVE_EXPIRY,
        ),
        follow_redirects=False,
        max_redirects=_MAX_REDIRECTS,
    )


class FetchLoop:
    """A running event loop on a daemon thread, with the shared client made on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = _new_client()
        self._thread = threading.Thread(target=self._run, name="routekit-fetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def on_loop(self) -> bool:
        """Whether the caller runs on this loop (a respx side effect calling fetch)."""
        return threading.current_thread() is self._thread

    def submit(self, coro: t.Coroutine[t.Any, t.Any, T]) -> concurrent.futures.Future[T]:
        """Schedule *coro* on the loop; the future is thread-safe."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def run(self, coro: t.Coroutine[t.Any, t.Any, T]) -> T:
        """Await *coro* on the loop from any other loop (cancelling it cancels *coro*)."""
        if self.on_loop():
            return await coro
        return await asyncio.wrap_future(self.submit(coro))

    def run_sync(self, coro: t.Coroutine[t.Any, t.Any, T]) -> T:
        """Run *coro* on the loop and block the calling thread until it is done."""
        if self.on_loop():
            coro.close()
            raise RuntimeError(
                "fetch_sync() was called on routekit's fetch loop (from a mock's side "
                "effect?); use `await fetch(...)` there."
            )
        return self.submit(coro).result()

    def close_soon(self, coro: t.Coroutine[t.Any, t.Any, object]) -> None:
        """Run a clean-up coroutine without waiting for it (from a finaliser)."""
        if self.loop.is_closed() or not self._thread.is_alive():
            coro.close()
            return
        try:
            self.submit(coro)
        except RuntimeError:  # the loop closed in between
            coro.close()

    def stop(self) -> None:
        """Close the client and the loop, and wait for the thread to end."""
        if self._thread.is_alive():
            # Exiting anyway: a stuck connection must not block the exit.
            with contextlib.suppress(Exception):
                self.submit(self.client.aclose()).result(timeout=5)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
        if not self._thread.is_alive() and not self.loop.is_closed():
            self.loop.close()


_lock = threading.Lock()
_current: FetchLoop | None = None


def fetch_loop() -> FetchLoop:
    """The process's fetch loop, started on first use."""
    global _current
    current = _current
    if current is not None:
        return current
    with _lock:
        if _current is None:
            _current = FetchLoop()
        return _current


def shutdown() -> None:
    """Close the shared client and stop its loop (runs at exit; a later fetch starts anew)."""
    global _current
    with _lock:
        current, _current = _current, None
    if current is not None:
        current.stop()


def _forget_in_child() -> None:
    # The thread did not survive the fork; its loop and sockets belong to the parent.
    global _current, _lock
    _current = None
    _lock = threading.Lock()


atexit.register(shutdown)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
