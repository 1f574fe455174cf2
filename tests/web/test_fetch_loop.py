"""The fetch loop: one shared client per process, closed at exit, reset after a fork."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
import typing as t

import httpx
import pytest
import respx

from routekit.web import _fetchloop, _fetchstream, fetch, fetch_sync


def test_fetch_loop_is_shared_and_restarts_after_shutdown(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://up.example/").mock(return_value=httpx.Response(200))
    fetch_sync("https://up.example/")
    first = _fetchloop.fetch_loop()
    assert _fetchloop.fetch_loop() is first
    _fetchloop.shutdown()
    assert first.client.is_closed
    assert first.loop.is_closed()
    assert fetch_sync("https://up.example/").status == 200
    assert _fetchloop.fetch_loop() is not first
    _fetchloop.shutdown()
    _fetchloop.shutdown()  # nothing left to close


def test_fetch_loop_is_forgotten_in_a_forked_child() -> None:
    parent = _fetchloop.fetch_loop()
    _fetchloop._forget_in_child()
    try:
        assert _fetchloop._current is None
    finally:
        _fetchloop._current = parent


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fetch_after_fork_uses_a_fresh_loop() -> None:
    script = (
        "import os, threading\n"
        "from routekit.web import _fetchloop\n"
        "parent = _fetchloop.fetch_loop()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    child = _fetchloop.fetch_loop()\n"
        "    os._exit(0 if child is not parent and child._thread.is_alive() else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()


def test_fetch_sync_on_the_fetch_loop_is_refused(respx_mock: respx.MockRouter) -> None:
    def nested(request: httpx.Request) -> httpx.Response:
        fetch_sync("https://up.example/inner")
        return httpx.Response(200)  # pragma: no cover - the line above raises

    respx_mock.get("https://up.example/outer").mock(side_effect=nested)
    with pytest.raises(RuntimeError, match="fetch_sync\\(\\) was called on routekit's fetch loop"):
        fetch_sync("https://up.example/outer")


def test_await_fetch_on_the_fetch_loop_works(respx_mock: respx.MockRouter) -> None:
    async def nested(request: httpx.Request) -> httpx.Response:
        inner = await fetch("https://up.example/inner")
        return httpx.Response(200, text="outer+" + await inner.text())

    respx_mock.get("https://up.example/outer").mock(side_effect=nested)
    respx_mock.get("https://up.example/inner").mock(return_value=httpx.Response(200, text="in"))
    assert fetch_sync("https://up.example/outer").text_sync() == "outer+in"


def test_an_unread_body_is_closed_when_dropped(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []
    original = _fetchstream._close_abandoned

    def spy(runner: _fetchloop.FetchLoop, response: httpx.Response) -> None:
        original(runner, response)
        closed.append(True)

    monkeypatch.setattr(_fetchstream, "_close_abandoned", spy)
    respx_mock.get("https://up.example/").mock(return_value=httpx.Response(200, text="unread"))
    response = fetch_sync("https://up.example/")
    assert response.status == 200
    del response
    for _ in range(100):  # the fetch loop may still hold its finished task for a moment
        gc.collect()
        if closed:
            break
        time.sleep(0.02)
    assert closed == [True]


def test_a_read_body_needs_no_finaliser(
    respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []
    monkeypatch.setattr(_fetchstream, "_close_abandoned", lambda *args: closed.append(True))
    respx_mock.get("https://up.example/").mock(return_value=httpx.Response(200, text="read"))
    assert fetch_sync("https://up.example/").text_sync() == "read"
    gc.collect()
    assert closed == []


def test_close_soon_after_the_loop_stopped_discards_the_coroutine() -> None:
    runner = _fetchloop.FetchLoop()
    runner.stop()
    runner.stop()  # twice is harmless

    async def cleanup() -> None:
        raise AssertionError("must not run")  # pragma: no cover

    coro = cleanup()
    runner.close_soon(coro)
    assert coro.cr_frame is None  # closed, so no "never awaited" warning


def test_close_soon_when_the_loop_closes_in_between(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = _fetchloop.FetchLoop()

    def closed(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.NoReturn:
        raise RuntimeError("Event loop is closed")

    monkeypatch.setattr(runner, "submit", closed)

    async def cleanup() -> None:
        pass  # pragma: no cover

    coro = cleanup()
    runner.close_soon(coro)
    assert coro.cr_frame is None
    monkeypatch.undo()
    runner.stop()


def test_fetch_from_a_thread_loop_and_from_asyncio_run(respx_mock: respx.MockRouter) -> None:
    # The caller's loop comes and goes; the response body outlives it.
    respx_mock.get("https://up.example/").mock(return_value=httpx.Response(200, text="body"))
    response = asyncio.run(fetch("https://up.example/"))
    assert response.text_sync() == "body"
