"""The WHATWG event-stream parser: the spec's rules, and properties over any chunking."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routekit_pytest.sse import LineSplitter, ServerSentEvent, SSEParser, parse_sse

#: A bounded, reproducible budget: CI stays fast and a failure replays the same way; no
#: timing health check, which a busy machine under coverage can fail.
BOUNDED = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"data: a\n\n", [ServerSentEvent(data="a")]),
        (b"data:a\n\n", [ServerSentEvent(data="a")]),  # the space after the colon is optional
        (b"data:  a\n\n", [ServerSentEvent(data=" a")]),  # ...and only one is removed
        (b"data: a\ndata: b\n\n", [ServerSentEvent(data="a\nb")]),
        (b"data\n\n", [ServerSentEvent(data="")]),  # a field with no colon has an empty value
        (b"data:\ndata:\n\n", [ServerSentEvent(data="\n")]),
        (b"event: add\ndata: 1\n\n", [ServerSentEvent(event="add", data="1")]),
        (b"event:\ndata: 1\n\n", [ServerSentEvent(data="1")]),  # empty type -> "message"
        (b"data: a\r\n\r\n", [ServerSentEvent(data="a")]),
        (b"data: a\r\rdata: b\r\r", [ServerSentEvent(data="a"), ServerSentEvent(data="b")]),
        (b"\xef\xbb\xbfdata: a\n\n", [ServerSentEvent(data="a")]),  # one BOM is dropped
        (b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n", []),  # a second one is part of the field name
        (b": ping\n\n: only a comment\ndata: a\n\n", [ServerSentEvent(data="a")]),
        (b"id: 1\n\n", []),  # no data: nothing is dispatched...
        (b"id: 1\n\ndata: a\n\n", [ServerSentEvent(data="a", id="1")]),  # ...but the id stays
        (
            b"id: 1\ndata: a\n\ndata: b\n\n",
            [ServerSentEvent(data="a", id="1"), ServerSentEvent(data="b", id="1")],
        ),
        (
            b"id: 1\ndata: a\n\nid\ndata: b\n\n",
            [ServerSentEvent(data="a", id="1"), ServerSentEvent(data="b", id="")],
        ),
        (b"id: a\x00b\ndata: x\n\n", [ServerSentEvent(data="x")]),  # NULL: the id is ignored
        (b"retry: 3000\ndata: x\n\n", [ServerSentEvent(data="x", retry=3000)]),
        (b"retry: 3s\ndata: x\n\n", [ServerSentEvent(data="x")]),  # not digits: ignored
        (b"retry:\ndata: x\n\n", [ServerSentEvent(data="x")]),
        (b"retry: \xd9\xa3\ndata: x\n\n", [ServerSentEvent(data="x")]),  # Arabic 3: not ASCII
        (b"foo: bar\ndata: x\n\n", [ServerSentEvent(data="x")]),  # unknown fields: ignored
        (b"data: \xff\n\n", [ServerSentEvent(data="\ufffd")]),  # bad UTF-8 is replaced
        (b"data: a\n\ndata: never ended\n", [ServerSentEvent(data="a")]),  # discarded at EOF
        (b"DATA: x\n\n", []),  # field names are case-sensitive
    ],
)
def test_parse_sse_follows_the_spec(body: bytes, expected: list[ServerSentEvent]) -> None:
    assert parse_sse(body) == expected


def test_parse_sse_accepts_text() -> None:
    assert parse_sse("data: é\n\n") == [ServerSentEvent(data="é")]


def test_sse_parser_keeps_a_crlf_cut_between_chunks_as_one_line_end() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: 1\r") == []
    assert parser.feed(b"\n") == []  # the LF completes the CR: not a blank line
    assert parser.feed(b"data: 2\r") == []
    assert parser.feed(b"\r") == [ServerSentEvent(data="1\n2")]


def test_sse_parser_keeps_a_utf8_character_cut_between_chunks() -> None:
    parser = SSEParser()
    encoded = "data: é\n\n".encode()
    assert parser.feed(encoded[:7]) == []
    assert parser.feed(encoded[7:]) == [ServerSentEvent(data="é")]


def test_sse_parser_exposes_the_reconnection_time_and_last_id() -> None:
    parser = SSEParser()
    parser.feed(b"retry: 1500\nid: 9\n\n")
    assert (parser.retry, parser.last_event_id) == (1500, "9")


def test_server_sent_event_json() -> None:
    assert ServerSentEvent(data='{"a": [1]}').json() == {"a": [1]}
    with pytest.raises(ValueError, match=r"the data of the 'tick' event is not JSON .*'nope'"):
        ServerSentEvent(event="tick", data="nope").json()


def test_line_splitter_lines_and_rest() -> None:
    splitter = LineSplitter()
    assert splitter.feed("a\r\nb\rc") == ["a", "b"]
    assert splitter.feed("") == []
    assert splitter.feed("\nd\r") == ["c", "d"]
    assert splitter.feed("\n") == []  # the LF of the CR before
    assert splitter.feed("tail") == []
    assert splitter.flush() == "tail"
    assert splitter.flush() == ""


# -- properties ----------------------------------------------------------------------------

_LINE_ENDS = st.sampled_from(["\n", "\r", "\r\n"])
#: Field values: anything but line ends (they cannot be sent in one field) and surrogates.
_VALUE = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)))


@st.composite
def _event_blocks(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent]]:
    """A stream written by a server, and what a browser would dispatch from it."""
    out = ["\ufeff"] if draw(st.booleans()) else []
    expected: list[ServerSentEvent] = []
    last_id, retry = "", None

    def line(text: str) -> None:
        end = draw(_LINE_ENDS)
        if not text and end == "\n" and out and out[-1].endswith("\r"):
            end = "\r\n"  # CR then LF would read as one CRLF: the blank line would vanish
        out.append(text + end)

    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            line(":" + draw(_VALUE))  # a comment anywhere
        event = draw(st.none() | _VALUE)
        if event is not None:
            line(f"event: {event}")
        new_id = draw(st.none() | _VALUE.filter(lambda v: "\0" not in v))
        if new_id is not None:
            line(f"id: {new_id}")
            last_id = new_id
        new_retry = draw(st.none() | st.integers(0, 10**6))
        if new_retry is not None:
            line(f"retry:{new_retry}")
            retry = new_retry
        data = draw(st.lists(_VALUE, max_size=3))
        for value in data:
            line(f"data: {value}")  # the one space after the colon is not part of the value
        line("")
        if data:
            expected.append(ServerSentEvent(event or "message", "\n".join(data), last_id, retry))
    return "".join(out).encode("utf-8"), expected


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@BOUNDED
@given(_event_blocks(), st.lists(st.integers(0, 10**6), max_size=8))
def test_sse_parser_property_any_chunking_gives_the_written_events(
    stream: tuple[bytes, list[ServerSentEvent]], cuts: list[int]
) -> None:
    body, expected = stream
    parser = SSEParser()
    events = [event for chunk in _split(body, cuts) for event in parser.feed(chunk)]
    parser.close()
    assert events == expected


@BOUNDED
@given(st.binary(max_size=200), st.lists(st.integers(0, 10**6), max_size=8))
def test_sse_parser_property_never_fails_and_chunking_never_matters(
    body: bytes, cuts: list[int]
) -> None:
    parser = SSEParser()
    events = [event for chunk in _split(body, cuts) for event in parser.feed(chunk)]
    assert events == parse_sse(body)


@BOUNDED
@given(st.lists(_VALUE, max_size=5), _LINE_ENDS, st.lists(st.integers(0, 10**6), max_size=6))
def test_line_splitter_property_round_trip(lines: list[str], end: str, cuts: list[int]) -> None:
    text = "".join(line + end for line in lines)
    splitter = LineSplitter()
    pieces = _split(text.encode("utf-8"), cuts)
    got = [line for piece in pieces for line in splitter.feed(piece.decode("latin-1"))]
    # latin-1 maps bytes 1:1, so UTF-8 characters cut in two are rebuilt below.
    assert [g.encode("latin-1").decode("utf-8") for g in got] == lines
    assert splitter.flush() == ""
