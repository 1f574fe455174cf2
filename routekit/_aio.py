"""Calling user functions: sync or async, from synchronous code, with the arguments they take.

Async handlers under WSGI run on **one event loop per worker thread**, reused across
requests, so a module-level async client bound to that loop keeps working on the second
request. When the calling thread already runs a loop (an ``async def`` test calling the
sync client), the coroutine runs on a helper thread with its own loop instead, so the two
loops never clash.

The request pipeline is written as coroutines (``App.handle_async``) and run by two drivers:

* :func:`run_sync` (the WSGI door, the in-process client) steps the pipeline without any
  event loop; only when user code returns an awaitable does :func:`acall` yield a marker,
  and the rest of the request then runs on the thread's reusable loop. A request that meets
  only sync handlers never touches a loop.
* the ASGI door awaits it on the server's loop, with :func:`use_executor` set: :func:`acall`
  then runs *sync* user functions in that thread pool and awaits async ones on the loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import sys
import threading
import typing as t
import weakref
from concurrent.futures import Executor

__all__ = [
    "Arity",
    "acall",
    "arity",
    "call_maybe_async",
    "close_thread_loop",
    "enter_loop",
    "leave_loop",
    "on_loop",
    "run_coroutine",
    "run_sync",
    "use_executor",
]

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


# --- the coroutine pipeline's drivers ---------------------------------------------------

#: True while the pipeline runs inside a task of a running loop (the ASGI door, or the
#: sync driver once user code needed a loop).
_on_loop: contextvars.ContextVar[bool] = contextvars.ContextVar("routekit_on_loop", default=False)
#: The thread pool the ASGI door runs sync user functions in; ``None``: call them inline.
_executor: contextvars.ContextVar[Executor | None] = contextvars.ContextVar(
    "routekit_executor", default=None
)
_NEED_LOOP = object()


class _EnterLoop:
    """Awaiting it makes sure the rest runs in a running loop's task (see :func:`run_sync`)."""

    __slots__ = ()

    def __await__(self) -> t.Generator[t.Any, None, None]:
        if not _on_loop.get():
            yield _NEED_LOOP


_ENTER_LOOP = _EnterLoop()


def enter_loop() -> t.Awaitable[None]:
    """Await before stepping an async iterator or awaiting user code in the pipeline."""
    return _ENTER_LOOP


def on_loop() -> bool:
    """Whether the pipeline runs in a loop's task (so async iterators may be stepped)."""
    return _on_loop.get()


def use_executor(executor: Executor | None) -> contextvars.Token[Executor | None]:
    """In this context the pipeline runs on a loop, and :func:`acall` runs sync user
    functions in *executor* (the ASGI door; ``None``: inline)."""
    _on_loop.set(True)
    return _executor.set(executor)


def leave_loop() -> None:
    """In this context the pipeline runs without a loop again: a thread that copied a
    request's context (the cache's background regeneration) and steps with :func:`run_sync`."""
    _on_loop.set(False)
    _executor.set(None)


async def acall(func: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
    """Call user function *func* from the pipeline and await what it returns if awaitable.

    Under the ASGI door a sync *func* runs in the door's thread pool (the context copied);
    otherwise it is called inline.
    """
    executor = _executor.get()
    if executor is not None and not inspect.iscoroutinefunction(func):
        call = functools.partial(contextvars.copy_context().run, func, *args)
        result = await asyncio.get_running_loop().run_in_executor(executor, call)
    else:
        result = func(*args)
    if result is None:  # the usual handler: skip the awaitable checks (an ABC isinstance)
        return None
    if inspect.isawaitable(result):
        if not _on_loop.get():
            await _ENTER_LOOP
        return await result
    return result


def run_sync(coro: t.Coroutine[t.Any, t.Any, T]) -> T:
    """Run the pipeline coroutine *coro* from synchronous code and return its result.

    It is stepped without a loop; if it asks for one (:func:`enter_loop`), the rest runs on
    this thread's reusable loop (:func:`run_coroutine`), in the same context, so context
    variables set before the switch are reset cleanly after it.
    """
    context = contextvars.copy_context()
    try:
        yielded = context.run(coro.send, None)
    except StopIteration as stop:
        return t.cast("T", stop.value)
    if yielded is not _NEED_LOOP:  # pragma: no cover - the pipeline awaits enter_loop first
        coro.close()
        raise RuntimeError("the routekit pipeline awaited outside a loop without enter_loop()")
    context.run(_on_loop.set, True)
    return run_coroutine(_resume(coro, context))


async def _resume(coro: t.Coroutine[t.Any, t.Any, T], context: contextvars.Context) -> T:
    return await _Resume(coro, context)


class _Resume(t.Generic[T]):
    """Continue a suspended coroutine inside the current task, forwarding what it yields.

    Each step runs in *context*, the one its first steps ran in, so a context variable set
    before the switch to the loop is reset in the same context after it.
    """

    __slots__ = ("_context", "_coro")

    def __init__(self, coro: t.Coroutine[t.Any, t.Any, T], context: contextvars.Context) -> None:
        self._coro = coro
        self._context = context

    def __await__(self) -> t.Generator[t.Any, t.Any, T]:
        coro, run = self._coro, self._context.run
        value: t.Any = None
        error: BaseException | None = None
        while True:
            try:
                yielded = run(coro.send, value) if error is None else run(coro.throw, error)
            except StopIteration as stop:
                return t.cast("T", stop.value)
            try:
                value, error = (yield yielded), None
            except BaseException as exc:  # cancellation and the like: into the pipeline
                value, error = None, exc


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
