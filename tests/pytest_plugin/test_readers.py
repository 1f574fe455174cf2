"""Reading client responses as server-sent events, lines and NDJSON, with timeouts."""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from routekit.app import App
from routekit_pytest import Client, NDJSONLineError, ServerSentEvent, StreamTimeoutError

from .conftest import write_tree

if t.TYPE_CHECKING:
    from pathlib import Path

pytest_plugins = ["pytester"]

STREAMS = {
    "pages/api/events.py": """
        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            res.write("retry: 2000\\r\\n: hello\\r\\n\\r\\n")
            res.write("id: 1\\r\\nevent: add\\r\\ndata: {\\"n\\": 1}\\r")
            res.write("\\n\\r\\ndata: line one\\ndata: line two\\n\\n")
            res.end("data: unterminated")
    """,
    "pages/api/ticks.py": """
        import itertools
        import time

        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            for i in itertools.count():
                res.write(f"data: {i}\\n\\n")
                time.sleep(0.001)
    """,
    "pages/api/pings.py": """
        import time

        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            res.write("data: first\\n\\n")
            while True:  # keep-alive comments, never another event
                res.write(": ping\\n")
                time.sleep(0.01)
    """,
    "pages/api/ndjson.py": """
        def handler(req, res):
            res.set_header("Content-Type", "application/x-ndjson")
            res.write('{"a": 1}\\n\\n[2, 3]\\r\\n')
            res.end("null")
    """,
    "pages/api/half_ndjson.py": """
        import time

        def handler(req, res):
            res.write('{"a": 1}\\n{"b":')
            while not res.closed:  # the rest of the value never comes
                time.sleep(0.01)
    """,
    "pages/api/bad_ndjson.py": """
        def handler(req, res):
            res.set_header("Content-Type", "application/x-ndjson")
            res.end('{"a": 1}\\n{oops\\n')
    """,
    "pages/api/latin.py": """
        def handler(req, res):
            res.set_header("Content-Type", "text/plain; charset=latin-1")
            res.end("caf\\u00e9\\nna\\u00efve".encode("latin-1"))
    """,
    "pages/api/oddcharset.py": """
        def handler(req, res):
            res.set_header("Content-Type", "text/plain; charset=klingon")
            res.end("a\\nb")
    """,
    "pages/api/crash.py": """
        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            res.write("data: before\\n\\n")
            raise RuntimeError("stream broke")
    """,
}

EXPECTED_EVENTS = [
    ServerSentEvent(event="add", data='{"n": 1}', id="1", retry=2000),
    ServerSentEvent(data="line one\nline two", id="1", retry=2000),
]


@pytest.fixture
def streams(tmp_path: Path) -> Client:
    return Client(App(write_tree(tmp_path / "streams", STREAMS), mode="test"))


def test_iter_events_on_a_stream(streams: Client) -> None:
    with streams.get("/api/events", stream=True) as res:
        assert list(res.iter_events(timeout=5)) == EXPECTED_EVENTS


def test_iter_events_on_a_buffered_response(streams: Client) -> None:
    res = streams.get("/api/events")
    assert list(res.iter_events()) == EXPECTED_EVENTS
    assert next(res.iter_events()).json() == {"n": 1}


def test_iter_events_reads_an_endless_stream_then_closes_it(streams: Client) -> None:
    with streams.get("/api/ticks", stream=True) as res:
        events = res.iter_events(timeout=5)
        assert [next(events).data for _ in range(3)] == ["0", "1", "2"]
    assert res.is_ended()


def test_iter_events_timeout_per_event_despite_keepalive_comments(streams: Client) -> None:
    with streams.get("/api/pings", stream=True) as res:
        events = res.iter_events(timeout=0.3)
        assert next(events).data == "first"
        with pytest.raises(StreamTimeoutError) as caught:
            next(events)
    assert str(caught.value) == (
        "GET http://localhost:3000/api/pings sent no complete event within 0.3 s (1 read "
        "before); pass timeout=... to wait longer, or close() the response to stop the handler."
    )
    assert isinstance(caught.value, TimeoutError)
    assert (caught.value.what, caught.value.received) == ("event", 1)


def test_iter_events_default_timeout_is_the_clients(tmp_path: Path) -> None:
    client = Client(App(write_tree(tmp_path / "s", STREAMS), mode="test"), stream_timeout=0.2)
    with (
        client.get("/api/pings", stream=True) as res,
        pytest.raises(StreamTimeoutError, match=r"within 0\.2 s"),
    ):
        list(res.iter_events())


def test_iter_events_reraises_the_handler_error_at_the_end(streams: Client) -> None:
    with streams.get("/api/crash", stream=True) as res:
        events = res.iter_events(timeout=5)
        assert next(events).data == "before"
        with pytest.raises(RuntimeError, match="stream broke"):
            next(events)


def test_iter_lines_on_a_stream_and_buffered(streams: Client) -> None:
    with streams.get("/api/ndjson", stream=True) as res:
        assert list(res.iter_lines(timeout=5)) == ['{"a": 1}', "", "[2, 3]", "null"]
    assert list(streams.get("/api/latin").iter_lines()) == ["café", "naïve"]
    assert list(streams.get("/api/oddcharset").iter_lines()) == ["a", "b"]


def test_iter_ndjson_skips_blank_lines(streams: Client) -> None:
    with streams.get("/api/ndjson", stream=True) as res:
        assert list(res.iter_ndjson(timeout=5)) == [{"a": 1}, [2, 3], None]


def test_iter_ndjson_names_the_bad_line(streams: Client) -> None:
    with pytest.raises(NDJSONLineError) as caught:
        list(streams.get("/api/bad_ndjson").iter_ndjson())
    assert str(caught.value).startswith(
        "GET http://localhost:3000/api/bad_ndjson: line 2 of the NDJSON body is not JSON ("
    )
    assert str(caught.value).endswith("): '{oops'")
    assert (caught.value.line_number, caught.value.line) == (2, "{oops")


def test_iter_lines_and_ndjson_time_out_per_item(streams: Client) -> None:
    with streams.get("/api/pings", stream=True) as res:
        lines = res.iter_lines(timeout=5)
        assert [next(lines) for _ in range(3)] == ["data: first", "", ": ping"]
    with streams.get("/api/half_ndjson", stream=True) as res:
        values = res.iter_ndjson(timeout=0.2)
        assert next(values) == {"a": 1}
        with pytest.raises(StreamTimeoutError, match=r"no complete NDJSON value .*\(1 read"):
            next(values)


def test_aiter_readers(streams: Client) -> None:
    async def read() -> tuple[list[ServerSentEvent], list[str], list[t.Any]]:
        with streams.get("/api/events", stream=True) as res:
            events = [event async for event in res.aiter_events(timeout=5)]
        with streams.get("/api/ndjson", stream=True) as res:
            lines = [line async for line in res.aiter_lines(timeout=5)]
        values = [value async for value in streams.get("/api/ndjson").aiter_ndjson()]
        return events, lines, values

    events, lines, values = asyncio.run(read())
    assert events == EXPECTED_EVENTS
    assert lines == ['{"a": 1}', "", "[2, 3]", "null"]
    assert values == [{"a": 1}, [2, 3], None]


def test_aiter_events_timeout(streams: Client) -> None:
    async def read() -> None:
        async with streams.get("/api/pings", stream=True) as res:
            async for event in res.aiter_events(timeout=0.2):
                assert event.data == "first"

    with pytest.raises(StreamTimeoutError, match="/api/pings sent no complete event"):
        asyncio.run(read())


def test_readers_as_users_see_a_timeout(pytester: pytest.Pytester) -> None:
    write_tree(pytester.path, {"pages/api/pings.py": STREAMS["pages/api/pings.py"]})
    pytester.makepyfile(
        """
        def test_two_events(client):
            with client.get("/api/pings", stream=True) as res:
                events = res.iter_events(timeout=0.2)
                assert next(events).data == "first"
                assert next(events).data == "second"
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * routekit.errors.StreamTimeoutError: GET http://localhost:3000/api/pings "
            "sent no complete event within 0.2 s (1 read before); pass timeout=... to wait "
            "longer, or close() the response to stop the handler.",
        ]
    )
