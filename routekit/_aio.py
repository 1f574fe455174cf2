"""Calling user functions: sync or async, from synchronous code, with the arguments they take.

Async handlers under WSGI run on **one event loop per worker thread**, reused across
requests, so a module-level async client bound to that loop keeps working on the second
request. When the calling thread already runs a loop (an ``async def`` test calling the
sync client), the coroutine runs on a helper thread with its own loop instead, so the two
loops never clash.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
import threading
import typing as t
import weakref

__all__ = ["Arity", "arity", "call_maybe_async", "close_thread_loop", "run_coroutine"]

T = t.TypeVar("T")

_local = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
        # Close it once the thread is gone, so no "unclosed event loop" warning is left behind.
        weakref.finalize(threading.current_thread(), _close_loop, loop)
    return loop


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    if not loop.is_closed() and not loop.is_running():
        loop.close()


def close_thread_loop() -> None:
    """Close this thread's handler loop now (a worker thread that is about to end)."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is not None:
        _close_loop(loop)
        _local.loop = None


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_coroutine(coro: t.Coroutine[t.Any, t.Any, T]) -> T:
    """Run *coro* to completion on this thread's reusable loop and return its result."""
    if _in_running_loop():
        return _run_on_helper_thread(coro)
    return _thread_loop().run_until_complete(coro)


def _run_on_helper_thread(coro: t.Coroutine[t.Any, t.Any, T]) -> T:
    box: dict[str, t.Any] = {}

    def target() -> None:
        loop = asyncio.new_event_loop()
        try:
            box["value"] = loop.run_until_complete(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc
        finally:
            loop.close()

    thread = threading.Thread(target=target, name="routekit-async", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return t.cast("T", box["value"])


def call_maybe_async(func: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
    """Call *func*; if it returns an awaitable (an ``async def`` handler), run it to completion."""
    result = func(*args)
    if result is None:  # the usual handler: skip the awaitable checks (an ABC isinstance)
        return None
    if inspect.isawaitable(result):
        return run_coroutine(_await(result))
    return result


async def _await(awaitable: t.Awaitable[T]) -> T:
    return await awaitable


class Arity(t.NamedTuple):
    """How a function may be called positionally.

    :param required: positional parameters without a default.
    :param maximum: positional parameters in all (``sys.maxsize`` with ``*args``).
    :param required_keywords: whether a keyword-only parameter has no default.
    """

    required: int
    maximum: int
    required_keywords: bool

    def accepts(self, count: int) -> bool:
        """Whether a call with *count* positional arguments (and no keywords) binds."""
        return self.required <= count <= self.maximum and not self.required_keywords


def arity(func: t.Callable[..., t.Any]) -> Arity | None:
    """*func*'s :class:`Arity`, or ``None`` when it has no readable signature (some builtins).

    Cached per function: the functions asked about are handlers, read on every request.
    """
    try:
        return _cached_arity(func)
    except TypeError:  # an unhashable callable object: read it afresh
        return _read_arity(func)


def _read_arity(func: t.Callable[..., t.Any]) -> Arity | None:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    required = maximum = 0
    required_keywords = False
    for param in signature.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            maximum = sys.maxsize
        elif param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            maximum += 1
            required += param.default is param.empty
        elif param.kind is param.KEYWORD_ONLY and param.default is param.empty:
            required_keywords = True
    return Arity(required, maximum, required_keywords)


_cached_arity = functools.lru_cache(maxsize=1024)(_read_arity)
