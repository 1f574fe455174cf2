"""The synchronous driver of the coroutine pipeline (issue 14, design §2)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import typing as t

import pytest

from routekit import _aio
from routekit._aio import acall, enter_loop, on_loop, run_sync

_var: contextvars.ContextVar[str] = contextvars.ContextVar("test_var", default="unset")


def _sync_handler(value: int) -> int:
    return value * 2


async def _async_handler(value: int) -> int:
    await asyncio.sleep(0)
    return value * 3


def test_sync_handlers_never_touch_a_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loop() -> t.NoReturn:
        raise AssertionError("a loop was made for a sync-only pipeline")

    monkeypatch.setattr(_aio, "_thread_loop", no_loop)

    async def pipeline() -> tuple[int, bool]:
        return await acall(_sync_handler, 4), on_loop()

    assert run_sync(pipeline()) == (8, False)


def test_an_async_handler_moves_the_rest_onto_the_threads_loop() -> None:
    seen: list[bool] = []

    async def pipeline() -> int:
        seen.append(on_loop())
        result = await acall(_async_handler, 2)
        seen.append(on_loop())
        asyncio.get_running_loop()  # raises outside a loop
        return t.cast("int", result)

    assert run_sync(pipeline()) == 6
    assert seen == [False, True]


def test_a_context_variable_set_before_the_switch_is_reset_after_it() -> None:
    async def pipeline() -> str:
        token = _var.set("inside")
        try:
            await acall(_async_handler, 1)
            return _var.get()
        finally:
            _var.reset(token)  # ValueError if another context ran this step

    assert run_sync(pipeline()) == "inside"
    assert _var.get() == "unset"  # nothing leaks into the caller's context


def test_errors_raised_after_the_switch_reach_the_caller() -> None:
    async def pipeline() -> None:
        await enter_loop()
        await asyncio.sleep(0)
        raise KeyError("after")

    with pytest.raises(KeyError, match="after"):
        run_sync(pipeline())


def test_run_sync_under_a_running_loop_uses_a_helper_thread() -> None:
    async def pipeline() -> str:
        await acall(_async_handler, 1)
        return threading.current_thread().name

    async def caller() -> str:  # an async test calling the sync client
        return run_sync(pipeline())

    assert asyncio.run(caller()) == "routekit-async"


def test_under_an_executor_sync_functions_run_in_the_pool() -> None:
    from concurrent.futures import ThreadPoolExecutor

    async def main() -> tuple[str, str, str]:
        with ThreadPoolExecutor(1, thread_name_prefix="pool") as pool:
            _aio.use_executor(pool)
            _var.set("copied")

            async def where_async() -> str:
                return threading.current_thread().name

            sync_name = await acall(lambda: f"{threading.current_thread().name}:{_var.get()}")
            async_name = await acall(where_async)
            return sync_name.split(":")[1], sync_name[:4], async_name

    var, pool, async_thread = asyncio.run(main())
    assert (var, pool) == ("copied", "pool")
    assert async_thread == threading.current_thread().name
