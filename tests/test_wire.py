"""``BodyStream``: the one bounded reader of a request body, built on werkzeug's LimitedStream."""

from __future__ import annotations

import io

import pytest

from routekit._wire import BodyStream


class _Broken(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        raise ConnectionResetError("peer reset")


def test_body_stream_stops_at_the_declared_length() -> None:
    stream = BodyStream(io.BytesIO(b"hello world"), 5)
    assert stream.read() == b"hello"
    assert stream.read(10) == b""  # past the declared length: the end, not a 413


def test_body_stream_a_short_body_is_the_end_not_a_disconnect() -> None:
    assert BodyStream(io.BytesIO(b"abc"), 10).read() == b"abc"


def test_body_stream_without_a_length_reads_to_the_end_in_chunks() -> None:
    stream = BodyStream(io.BytesIO(b"x" * 200_000))
    assert len(stream.read(70_000)) == 70_000
    assert len(stream.read()) == 130_000


def test_body_stream_without_a_source_is_empty() -> None:
    assert BodyStream(None, 10).read() == b""


def test_body_stream_a_transport_error_propagates_as_it_is() -> None:
    with pytest.raises(ConnectionResetError, match="peer reset"):
        BodyStream(_Broken(), 10).read(4)
