"""BodyReader (routekit/_wire.py): the one bounded body reader, on werkzeug's LimitedStream.

Every body read checks the declared length and the limit.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import LimitedStream

from routekit._wire import BodyReader, Exchange, RawRequest
from routekit.errors import BodyTooLargeError, IncompleteBodyError


def _drain(reader: BodyReader, size: int = 4) -> bytes:
    out = b""
    while chunk := reader.read(size):
        out += chunk
    return out


def test_reads_the_declared_length_and_no_further() -> None:
    reader = BodyReader(io.BytesIO(b"abcdefNEXT"), 6)
    assert _drain(reader) == b"abcdef"
    assert reader.ended
    assert reader.received == 6


def test_a_body_shorter_than_declared_raises() -> None:
    reader = BodyReader(io.BytesIO(b"abc"), 10)
    assert reader.read(2) == b"ab"
    with pytest.raises(IncompleteBodyError) as info:
        _drain(reader)
    assert (info.value.status, info.value.message) == (400, "Invalid body")
    assert str(info.value) == (
        "400 Invalid body: the client declared Content-Length: 10 but the body ended after 3 bytes"
    )
    with pytest.raises(IncompleteBodyError):  # and again on every later read
        reader.read()


def test_werkzeugs_client_disconnected_is_an_incomplete_body() -> None:
    class Stream:
        def read(self, size: int = -1) -> bytes:
            raise ClientDisconnected()

    with pytest.raises(IncompleteBodyError, match="declared Content-Length: 5 but the body ended"):
        BodyReader(Stream(), 5).read()


def test_a_transport_error_is_an_incomplete_body() -> None:
    class Stream:
        def read(self, size: int = -1) -> bytes:
            raise OSError("Invalid chunk header")

    with pytest.raises(
        IncompleteBodyError, match="could not be read: Invalid chunk header"
    ) as info:
        BodyReader(Stream()).read()
    assert isinstance(info.value.__cause__, OSError)


def test_a_declared_length_over_the_limit_raises_without_reading() -> None:
    stream = io.BytesIO(b"x" * 20)
    with pytest.raises(BodyTooLargeError, match="413 Body exceeded 10b limit"):
        BodyReader(stream, 20, 10, "10b").read(1)
    assert stream.tell() == 0


def test_a_chunked_body_raises_one_byte_past_the_limit() -> None:
    stream = io.BytesIO(b"x" * 100)
    reader = BodyReader(stream, None, 10)
    with pytest.raises(BodyTooLargeError, match="Body exceeded 10b limit"):
        _drain(reader, 64)
    assert stream.tell() == 11


def test_a_body_at_the_limit_is_fine() -> None:
    assert _drain(BodyReader(io.BytesIO(b"x" * 10), None, 10, "10b")) == b"x" * 10


def test_no_source_and_zero_length_are_empty() -> None:
    assert BodyReader(None, 5).read() == b""
    assert BodyReader(io.BytesIO(b"abc"), 0).read() == b""


def test_exchange_starts_not_aborted() -> None:
    assert Exchange(RawRequest("GET", "/")).aborted is False


@given(
    st.binary(max_size=64),
    st.one_of(st.none(), st.integers(0, 80)),
    st.one_of(st.none(), st.integers(0, 80)),
    st.integers(1, 17),
)
def test_body_reader_reads_exactly_or_raises_a_body_error(
    data: bytes, declared: int | None, limit: int | None, size: int
) -> None:
    reader = BodyReader(io.BytesIO(data), declared, limit)
    try:
        out = _drain(reader, size)
    except BodyTooLargeError:
        assert limit is not None
        assert (declared if declared is not None else len(data)) > limit
        return
    except IncompleteBodyError:
        assert declared is not None
        assert len(data) < declared
        return
    expected = data if declared is None else data[:declared]
    assert out == expected
    assert limit is None or len(out) <= limit


def test_reading_zero_bytes_reads_nothing() -> None:
    stream = io.BytesIO(b"abc")
    assert BodyReader(stream, 3).read(0) == b""
    assert stream.tell() == 0


def test_a_body_error_from_an_inner_reader_passes_through_unchanged() -> None:
    inner = BodyReader(io.BytesIO(b"x" * 20), None, 5, "5b")
    with pytest.raises(BodyTooLargeError, match="Body exceeded 5b limit"):
        BodyReader(inner, 20).read()


class _Broken(io.RawIOBase):
    """A source with readinto (werkzeug's LimitedStream takes that path) that fails."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        raise ConnectionResetError("peer reset")


def test_body_reader_is_werkzeugs_limited_stream() -> None:
    reader = BodyReader(io.BytesIO(b"hello world"), 5)
    assert isinstance(reader, LimitedStream)
    assert reader.read() == b"hello"
    assert reader.read(10) == b""  # past the declared length: the end, not werkzeug's 413


def test_body_reader_without_a_length_reads_to_the_end_in_chunks() -> None:
    reader = BodyReader(io.BytesIO(b"x" * 200_000))
    assert len(reader.read(70_000)) == 70_000
    assert len(reader.read()) == 130_000
    assert reader.ended


def test_body_reader_a_transport_error_of_a_readinto_source_is_an_incomplete_body() -> None:
    with pytest.raises(IncompleteBodyError, match="could not be read: peer reset") as info:
        BodyReader(_Broken(), 10).read(4)
    assert isinstance(info.value.__cause__, ConnectionResetError)


def test_body_reader_asks_the_source_for_no_more_than_may_still_arrive() -> None:
    asked: list[int] = []

    class Source:
        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            return b"x" * size

    reader = BodyReader(Source(), 6)
    assert reader.read(1 << 30) == b"x" * 6
    assert asked == [6]
