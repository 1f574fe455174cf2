"""The client's response: buffered and streamed reading, timeouts, errors, ``repr``."""

from __future__ import annotations

import asyncio
import threading
import typing as t

import pytest

from routekit_pytest import Client, ClientResponse

if t.TYPE_CHECKING:
    from routekit.app import App


def _join_stream_threads(url: str) -> None:
    # A handler still sleeping after a timeout keeps its (daemon) thread: wait it out.
    for thread in threading.enumerate():
        if thread.name == f"routekit-stream {url}":
            thread.join(5)


def test_response_buffered_iter_chunks_yields_what_was_received(web_client: Client) -> None:
    res = web_client.get("/api/count")
    assert list(res.iter_chunks()) == [b"0", b"1", b"2"]
    assert list(res.iter_chunks(timeout=0)) == [b"0", b"1", b"2"]  # no timeout applies
    assert res.is_ended()


def test_response_buffered_aiter_chunks_yields_what_was_received(web_client: Client) -> None:
    res = web_client.get("/api/count")

    async def read() -> list[bytes]:
        return [chunk async for chunk in res.aiter_chunks()]

    assert asyncio.run(read()) == [b"0", b"1", b"2"]


def test_response_close_on_a_buffered_response_changes_nothing(web_client: Client) -> None:
    with web_client.get("/api/hello") as res:
        pass
    asyncio.run(res.aclose())
    assert res.json_data() == {"hello": "world"}


def test_response_stream_body_reads_the_rest_of_the_stream(web_client: Client) -> None:
    res = web_client.get("/api/count", stream=True)
    assert res.body == b"012"  # nothing read yet: .body reads to the end
    assert res.chunks == [b"0", b"1", b"2"]
    assert res.is_ended()


def test_response_stream_of_an_ended_response_gives_its_body(web_client: Client) -> None:
    # res.json() ends with sink.finish(body): the last bytes come with the end.
    res = web_client.get("/api/hello", stream=True)
    assert res.status_code == 200
    assert res.headers["content-type"] == "application/json; charset=utf-8"
    assert list(res.iter_chunks()) == [b'{"hello":"world"}']
    assert res.json_data() == {"hello": "world"}


def test_response_stream_repr_while_streaming_then_route(web_client: Client) -> None:
    res = web_client.get("/api/pause", stream=True)
    assert repr(res) == "<Response GET /api/pause → (streaming) 200>"
    assert res.route is None  # known once the stream ended
    res.close()
    assert repr(res) == "<Response GET /api/pause → pages/api/pause.py 200>"


def test_response_stream_chunk_timeout_names_the_fix(web_client: Client) -> None:
    res = web_client.get("/api/pause", stream=True)
    chunks = res.iter_chunks(timeout=0.05)
    assert next(chunks) == b"a"
    with pytest.raises(
        TimeoutError,
        match=r"^no chunk arrived within 0\.05 s; pass iter_chunks\(timeout=\.\.\.\) to wait "
        r"longer, or close\(\) the response to stop the handler\.$",
    ):
        next(chunks)
    # Closing while the handler waits: its res.end("b") goes nowhere, quietly.
    res.close()
    assert res.is_ended()
    assert res.exception is None
    assert res.chunks == [b"a"]
    assert res.route is not None
    assert res.route.file == "pages/api/pause.py"


def test_response_stream_head_timeout_names_the_fix(web_client: Client) -> None:
    with pytest.raises(
        TimeoutError,
        match=r"^GET /api/slow_head sent no status line within 0\.05 s; pass timeout=\.\.\. "
        r"to wait longer\.$",
    ):
        web_client.get("/api/slow_head", stream=True, timeout=0.05)
    _join_stream_threads("/api/slow_head")


def test_response_stream_timeout_defaults_to_the_clients(app: App) -> None:
    client = Client(app, stream_timeout=0.05)
    with pytest.raises(TimeoutError, match=r"within 0\.05 s"):
        client.get("/api/slow_head", stream=True)
    _join_stream_threads("/api/slow_head")


def test_response_stream_reraises_the_handler_error_once(web_client: Client) -> None:
    res = web_client.get("/api/fail_mid", stream=True)
    chunks = res.iter_chunks()
    assert next(chunks) == b"a"
    with pytest.raises(ValueError, match="broke mid-stream"):
        next(chunks)
    assert list(res.iter_chunks()) == []  # raised once; the record stays
    assert isinstance(res.exception, ValueError)
    assert res.status_code == 200  # the head was out: the response just ends early


def test_response_stream_raise_errors_false_keeps_the_error_on_the_record(
    web_client: Client,
) -> None:
    res = web_client.get("/api/fail_mid", stream=True, raise_errors=False)
    assert list(res.iter_chunks()) == [b"a"]
    assert isinstance(res.exception, ValueError)


def test_response_stream_aiter_reraises_the_handler_error(web_client: Client) -> None:
    res = web_client.get("/api/fail_mid", stream=True)

    async def read() -> list[bytes]:
        got = []
        async for chunk in res.aiter_chunks(timeout=5):
            got.append(chunk)
        return got

    with pytest.raises(ValueError, match="broke mid-stream"):
        asyncio.run(read())


def test_response_stream_aiter_reads_to_the_end(web_client: Client) -> None:
    async def read() -> tuple[list[bytes], ClientResponse]:
        res = web_client.get("/api/count", stream=True)
        async with res:
            return [chunk async for chunk in res.aiter_chunks()], res

    chunks, res = asyncio.run(read())
    assert chunks == [b"0", b"1", b"2"]
    assert res.is_ended()


def test_response_closed_stream_reads_nothing_more(web_client: Client) -> None:
    res = web_client.get("/api/sse", stream=True)
    assert next(res.iter_chunks()) == b"data: 0\n\n"
    res.close()
    res.close()  # closing twice is fine
    assert list(res.iter_chunks()) == []
    assert res.exception is None  # the ConnectionError we caused is not the handler's


def test_response_stream_pipeline_failure_before_the_head_reaches_the_test(
    web_client: Client,
) -> None:
    # SystemExit is no Exception: App.handle lets it through, the worker hands it over.
    with pytest.raises(SystemExit) as info:
        web_client.get("/api/exit", stream=True)
    assert info.value.code == 3


def test_response_stream_pipeline_failure_after_the_head_comes_after_the_chunks(
    web_client: Client,
) -> None:
    res = web_client.get("/api/exit?after_head=1", stream=True)
    got: list[bytes] = []
    with pytest.raises(SystemExit) as info:
        got.extend(res.iter_chunks())
    assert info.value.code == 3
    assert got == [b"a"]


def test_response_stream_observer_sees_the_finished_exchange(app: App) -> None:
    seen: list[ClientResponse] = []
    client = Client(app, observer=seen.append)
    res = client.get("/api/count", stream=True)
    assert list(res.iter_chunks()) == [b"0", b"1", b"2"]
    assert seen == [res]
    assert res.route is not None
    assert res.route.file == "pages/api/count.py"
