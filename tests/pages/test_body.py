from __future__ import annotations

import io
import typing as t

import pytest

from routekit._wire import BodyReader, RawRequest
from routekit.config import PagesConfig
from routekit.errors import BodyConsumedError, RequestError, RoutekitError
from routekit.pages.body import (
    CHUNK_SIZE,
    ConsumedBodyStream,
    parse_body,
    parse_content_type,
    read_limited,
)


def _raw(
    body: bytes | None,
    content_type: str | None = None,
    *,
    content_length: int | None = -1,
) -> RawRequest:
    headers = [] if content_type is None else [("Content-Type", content_type)]
    length = (None if body is None else len(body)) if content_length == -1 else content_length
    stream = None if body is None else io.BytesIO(body)
    return RawRequest("POST", "/api/x", headers=headers, body=stream, content_length=length)


def _parse(body: bytes | None, content_type: str | None = None, **config: object) -> object:
    return parse_body(_raw(body, content_type), PagesConfig(**config))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", ("application/json", {})),
        ("Application/JSON", ("application/json", {})),
        ("  text/plain  ", ("text/plain", {})),
        ("text/plain; charset=utf-8", ("text/plain", {"charset": "utf-8"})),
        ("text/plain;charset=UTF-8", ("text/plain", {"charset": "UTF-8"})),
        ("text/plain ; CHARSET = latin1 ", ("text/plain", {"charset": "latin1"})),
        ('text/plain; charset="utf-8"', ("text/plain", {"charset": "utf-8"})),
        ('text/plain; x="a\\"b"', ("text/plain", {"x": 'a"b'})),
        ("a/b; x=1; y=2", ("a/b", {"x": "1", "y": "2"})),
    ],
)
def test_parse_content_type_content_type_package_table(
    header: str, expected: tuple[str, dict[str, str]]
) -> None:
    assert parse_content_type(header) == expected


@pytest.mark.parametrize(
    "header",
    ["json", "application/json;", "application/json; ", "a/b; x", "a/b; x=", "a/b;\tx=1", "/b"],
)
def test_parse_content_type_rejects_malformed(header: str) -> None:
    with pytest.raises(ValueError, match=r"invalid (media type|parameter format)"):
        parse_content_type(header)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (None, None, ""),
        (b"", None, ""),
        (b"hello", None, "hello"),
        (b"hello", "text/plain", "hello"),
        (None, "application/json", {}),
        (b"", "application/json", {}),
        (b'{"a": [1, 2.5, null, true]}', "application/json", {"a": [1, 2.5, None, True]}),
        (b"null", "application/json", None),
        (b"123", "application/json", 123),
        (b'"str"', "application/json", "str"),
        (b"[1]", "application/ld+json", [1]),
        (b"[1]", "APPLICATION/JSON; charset=utf-8", [1]),
        (b"1e400", "application/json", float("inf")),
        (b'{"a":1}', "application/json;", '{"a":1}'),
        (b'{"a":1}', "application/vnd.api+json", '{"a":1}'),
        (b'{"a":1}', "text/json", '{"a":1}'),
        (
            b"a=1&a=2&b=x+y&c",
            "application/x-www-form-urlencoded",
            {"a": ["1", "2"], "b": "x y", "c": ""},
        ),
        (b"--x\r\nfield\r\n--x--", "multipart/form-data; boundary=x", "--x\r\nfield\r\n--x--"),
        (b"\xff\xfe", "application/octet-stream", "\ufffd\ufffd"),
        (b"\xef\xbb\xbfhi", "text/plain", "hi"),
        (b"\xef\xbb\xbf", "application/json", {}),
        (b"caf\xe9", "text/plain; charset=latin1", "café"),
        (b"caf\xe9", "text/plain; charset=ISO-8859-1", "café"),
        (b"\x80", "text/plain; charset=win1252", "€"),
        (b"h\x00i\x00", "text/plain; charset=ucs2", "hi"),
        (b"hi", "text/plain; charset=binary", "hi"),
        (b"hi", 'text/plain; charset=""', "hi"),
    ],
)
def test_parse_body_by_media_type(
    body: bytes | None, content_type: str | None, expected: object
) -> None:
    assert _parse(body, content_type) == expected


def test_parse_body_keeps_python_ints_exact() -> None:
    assert _parse(b"12345678901234567890", "application/json") == 12345678901234567890


def test_parse_body_huge_integer_is_infinity_like_javascript() -> None:
    assert _parse(b"1" * 5000, "application/json") == float("inf")


@pytest.mark.parametrize(
    "body",
    [b"  ", b"{", b"{'a': 1}", b"NaN", b"Infinity", b"-Infinity", b"[NaN]", b"1 2", b"[" * 100000],
)
def test_parse_body_invalid_json_is_400(body: bytes) -> None:
    with pytest.raises(RequestError) as info:
        _parse(body, "application/json")
    assert (info.value.status, info.value.message) == (400, "Invalid JSON")


@pytest.mark.parametrize("charset", ["nope", "base64", "idna", "rot13"])
def test_parse_body_unknown_charset_is_400_invalid_body(charset: str) -> None:
    with pytest.raises(RequestError) as info:
        _parse(None, f"text/plain; charset={charset}")
    assert (info.value.status, info.value.message) == (400, "Invalid body")


def test_parse_body_exactly_the_limit_is_allowed() -> None:
    assert _parse(b"x" * 10, "text/plain", size_limit=10, size_limit_text="10") == "x" * 10


@pytest.mark.parametrize("content_length", [11, None])
def test_parse_body_over_the_limit_is_413_with_the_limit_as_written(
    content_length: int | None,
) -> None:
    raw = _raw(b"x" * 11, "text/plain", content_length=content_length)
    config = PagesConfig(size_limit=10, size_limit_text="10b")
    with pytest.raises(RequestError) as info:
        parse_body(raw, config)
    assert (info.value.status, info.value.message) == (413, "Body exceeded 10b limit")
    assert str(info.value) == "413 Body exceeded 10b limit"


def test_parse_body_default_limit_message_is_1mb() -> None:
    with pytest.raises(RequestError, match=r"^413 Body exceeded 1mb limit$"):
        _parse(b"x" * (1024 * 1024 + 1), "application/json")


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requested: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.requested.append(-1 if size is None else size)
        return super().read(size)

    def readinto(self, buffer: t.Any, /) -> int:  # werkzeug's LimitedStream reads this way
        self.requested.append(len(buffer))
        return super().readinto(buffer)


def test_read_limited_reads_bounded_chunks_and_stops_past_the_limit() -> None:
    stream = _CountingStream(b"x" * (10 * CHUNK_SIZE))
    with pytest.raises(RequestError, match="413"):
        read_limited(stream, limit=CHUNK_SIZE + 5, limit_text="big")
    assert stream.requested == [CHUNK_SIZE, 6]
    assert stream.tell() == CHUNK_SIZE + 6


def test_read_limited_refuses_a_declared_oversize_without_reading() -> None:
    stream = _CountingStream(b"x" * 100)
    with pytest.raises(RequestError, match=r"^413 Body exceeded 50 limit$"):
        read_limited(stream, limit=50, limit_text="50", content_length=100)
    assert stream.requested == []


def test_read_limited_stops_at_the_declared_length() -> None:
    assert (
        read_limited(io.BytesIO(b"abcdef"), limit=100, limit_text="x", content_length=3) == b"abc"
    )


class _BrokenStream:
    def read(self, size: int = -1, /) -> bytes:
        raise ConnectionResetError("peer went away")


def test_read_limited_stream_error_is_400_invalid_body() -> None:
    with pytest.raises(RequestError) as info:
        read_limited(_BrokenStream(), limit=10, limit_text="10")
    assert (info.value.status, info.value.message) == (400, "Invalid body")
    assert isinstance(info.value.__cause__, ConnectionResetError)


def test_body_stream_reads_raw_bytes_up_to_content_length() -> None:
    stream = BodyReader(io.BytesIO(b"hello world"), 5)
    assert stream.read(3) == b"hel"
    assert stream.read() == b"lo"
    assert stream.read() == b""


def test_body_stream_without_source_is_empty() -> None:
    assert BodyReader(None).read() == b""


def test_consumed_body_stream_says_how_to_get_the_raw_body() -> None:
    stream = ConsumedBodyStream("pages/api/hook.py")
    with pytest.raises(BodyConsumedError) as info:
        stream.read()
    assert str(info.value) == (
        "pages/api/hook.py: req.stream cannot be read: the body was already parsed into "
        'req.body. To read the raw body, set config = {"api": {"bodyParser": False}} in the '
        "route module."
    )
    assert isinstance(info.value, RoutekitError)
