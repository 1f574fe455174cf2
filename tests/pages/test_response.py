from __future__ import annotations

import asyncio
import gc
import io
import math
import threading
import typing as t

import pytest

from routekit._wire import (
    NOTICE_BODY_IGNORED,
    NOTICE_RESPONSE_LIMIT,
    BufferSink,
    Exchange,
    Mode,
    RawRequest,
)
from routekit.errors import JSONEncodeError, ResponseStateError, RoutekitError
from routekit.pages.etag import generate_etag
from routekit.pages.response import ApiResponse

JSON = "application/json; charset=utf-8"


def _res(
    target: str = "/api/x",
    *,
    method: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    mode: Mode = "test",
    **options: t.Any,
) -> tuple[ApiResponse, BufferSink, Exchange]:
    path, _, query = target.partition("?")
    exchange = Exchange(RawRequest(method, path, query, headers or []), mode)
    sink = BufferSink()
    return ApiResponse(exchange, sink, **options), sink, exchange


def _header(sink: BufferSink, name: str) -> list[str]:
    return [value for key, value in sink.headers if key.lower() == name.lower()]


# -- status ----------------------------------------------------------------------------------


def test_status_is_chainable_and_sets_code() -> None:
    res, sink, _ = _res()
    assert res.status(404) is res
    res.end()
    assert (sink.status, sink.reason) == (404, "Not Found")


@pytest.mark.parametrize("code", [True, "404", 200.0, 99, 1000, None, -1])
def test_status_rejects_anything_but_int_100_to_999(code: object) -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError) as info:
        res.status(code)  # type: ignore[arg-type]
    assert str(info.value) == (
        f"Invalid status code: {code!r}; a status code is an int from 100 to 999, "
        "e.g. res.status(404)"
    )


def test_status_code_property_validates_too() -> None:
    res, _, _ = _res()
    res.status_code = 201
    assert res.status_code == 201
    with pytest.raises(ResponseStateError, match="Invalid status code: 1000"):
        res.status_code = 1000


def test_status_accepts_int_subclasses() -> None:
    from http import HTTPStatus

    res, sink, _ = _res()
    res.status(HTTPStatus.CREATED).end()
    assert sink.status == 201
    assert type(res.status_code) is int


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        (200, "OK"),
        (203, "Non-Authoritative Information"),
        (413, "Payload Too Large"),
        (414, "URI Too Long"),
        (416, "Range Not Satisfiable"),
        (418, "I'm a Teapot"),
        (509, "Bandwidth Limit Exceeded"),
        (306, "unknown"),
        (299, "unknown"),
    ],
)
def test_status_message_defaults_to_node_phrase(code: int, phrase: str) -> None:
    res, sink, _ = _res()
    res.status(code)
    assert res.status_message == phrase
    res.end()
    assert sink.reason == phrase


def test_status_message_can_be_set() -> None:
    res, sink, _ = _res()
    res.status_message = "Invalid JSON"
    res.status(400).end()
    assert (sink.status, sink.reason) == (400, "Invalid JSON")


def test_status_message_rejects_control_characters() -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError, match="Invalid character in statusMessage"):
        res.status_message = "bad\r\nX: y"


def test_status_after_head_sent_is_an_error() -> None:
    res, _, _ = _res("/api/x?a=1")
    res.write("x")
    with pytest.raises(ResponseStateError) as info:
        res.status(500)
    assert str(info.value) == (
        "Cannot set the status code after the head was sent to the client: res.status(500) "
        "in GET /api/x?a=1 came after res.write(), res.write_head() or res.end() sent the "
        "head; set the status and headers first"
    )


# -- headers ---------------------------------------------------------------------------------


def test_set_header_is_chainable_and_case_insensitive() -> None:
    res, sink, _ = _res()
    assert res.set_header("X-Thing", "a") is res
    assert res.get_header("x-thing") == "a"
    assert res.has_header("X-THING")
    res.end()
    assert ("X-Thing", "a") in sink.headers


def test_set_header_list_sends_repeated_lines() -> None:
    res, sink, _ = _res()
    res.set_header("Set-Cookie", ["a=1", "b=2"])
    res.end()
    assert sink.headers[:2] == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]


@pytest.mark.parametrize(
    ("value", "text"), [(5, "5"), (5.0, "5"), (1.5, "1.5"), (True, "true"), ("v", "v")]
)
def test_set_header_stringifies_numbers_as_js(value: object, text: str) -> None:
    res, _, _ = _res()
    res.set_header("X-N", value)  # type: ignore[arg-type]
    assert res.get_header("X-N") == text


def test_get_headers_and_names_are_lower_case_copies() -> None:
    res, _, _ = _res()
    res.set_header("X-A", "1").set_header("Set-Cookie", ["a=1", "b=2"])
    headers = res.get_headers()
    assert headers == {"x-a": "1", "set-cookie": ["a=1", "b=2"]}
    t.cast("list[str]", headers["set-cookie"]).append("c=3")
    assert res.get_header("set-cookie") == ["a=1", "b=2"]
    assert res.get_header_names() == ["x-a", "set-cookie"]


def test_remove_header() -> None:
    res, sink, _ = _res()
    res.set_header("X-A", "1")
    res.remove_header("x-a")
    res.remove_header("never-set")
    assert not res.has_header("X-A")
    assert res.get_header("X-A") is None
    res.end()
    assert _header(sink, "X-A") == []


def test_set_header_replaces_keeping_position_and_new_spelling() -> None:
    res, sink, _ = _res()
    res.set_header("content-type", "text/plain").set_header("X-B", "2")
    res.set_header("Content-Type", "text/html")
    res.end()
    assert sink.headers[:2] == [("Content-Type", "text/html"), ("X-B", "2")]


def test_append_header_accumulates() -> None:
    res, _, _ = _res()
    res.append_header("Vary", "a").append_header("Vary", ["b", "c"])
    assert res.get_header("vary") == ["a", "b", "c"]


@pytest.mark.parametrize("name", ["Bad Name", "X:Y", "", "X\r\n"])
def test_set_header_rejects_invalid_names(name: str) -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError, match="Header name must be a valid HTTP token"):
        res.set_header(name, "v")


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: x=1", "a\nb", "\x00", "snow☃"])
def test_set_header_rejects_invalid_values(value: str) -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError) as info:
        res.set_header("X-A", value)
    assert str(info.value).startswith('Invalid character in header content ["X-A"]')


def test_set_header_rejects_none() -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError, match='Invalid value None for header "X-A"'):
        res.set_header("X-A", None)  # type: ignore[arg-type]


def test_set_header_after_head_sent_is_an_error() -> None:
    res, _, _ = _res()
    res.write("x")
    with pytest.raises(ResponseStateError) as info:
        res.set_header("X-A", "1")
    assert str(info.value).startswith(
        "Cannot set headers after they are sent to the client: res.set_header('X-A') in GET /api/x"
    )
    with pytest.raises(ResponseStateError, match="Cannot remove headers after they are sent"):
        res.remove_header("X-A")


def test_set_cookie_appends_to_set_cookie() -> None:
    res, sink, _ = _res()
    res.set_header("Set-Cookie", "first=1")
    assert res.set_cookie("session", "a b", http_only=True, path="/", max_age=60) is res
    res.set_cookie("theme", "dark")
    res.end()
    assert _header(sink, "set-cookie") == [
        "first=1",
        "session=a%20b; Max-Age=60; Path=/; HttpOnly",
        "theme=dark",
    ]


# -- write / end -----------------------------------------------------------------------------


def test_write_sends_head_and_each_chunk_at_once() -> None:
    res, sink, _ = _res()
    res.set_header("Content-Type", "text/event-stream")
    res.write("data: first\n\n")
    assert sink.started
    assert res.headers_sent
    assert sink.chunks == [b"data: first\n\n"]
    assert _header(sink, "Content-Length") == []
    res.write(b"data: second\n\n")
    assert sink.chunks == [b"data: first\n\n", b"data: second\n\n"]
    assert not sink.finished
    res.end()
    assert (sink.finished, res.finished, res.is_ended()) == (True, True, True)


def test_end_with_data_adds_content_length() -> None:
    res, sink, _ = _res()
    assert res.end("héllo") is res
    assert _header(sink, "Content-Length") == ["6"]
    assert sink.body == "héllo".encode()


def test_end_without_data_sends_content_length_zero() -> None:
    res, sink, _ = _res()
    res.end()
    assert sink.headers == [("Content-Length", "0")]
    assert sink.body == b""


def test_end_keeps_user_content_length() -> None:
    res, sink, _ = _res()
    res.set_header("Content-Length", "2")
    res.end("hi")
    assert _header(sink, "content-length") == ["2"]


def test_write_head_sends_head_so_end_data_is_streamed() -> None:
    res, sink, _ = _res()
    assert res.write_head(201, {"X-A": "1"}) is res
    assert sink.started
    assert sink.status == 201
    res.end("body")
    assert _header(sink, "Content-Length") == []
    assert sink.body == b"body"


@pytest.mark.parametrize("action", ["write", "end", "send", "json"])
def test_anything_after_end_is_an_error(action: str) -> None:
    res, _, _ = _res("/api/x?q=1", method="POST")
    res.end("done")
    with pytest.raises(ResponseStateError) as info:
        getattr(res, action)("more")
    assert str(info.value) == (
        f"write after end: res.{action}() was called after the response to POST /api/x?q=1 "
        "was ended; return from the handler right after res.end(), res.send(), res.json() "
        "or res.redirect()"
    )


def test_write_rejects_non_bytes() -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError, match=r"res.write\(\) takes str or bytes, got dict"):
        res.write({"a": 1})  # type: ignore[arg-type]


def test_lone_surrogate_is_written_as_replacement_character() -> None:
    res, sink, _ = _res()
    res.end("a\ud800b\ud83d\ude00")
    assert sink.body == "a\ufffdb😀".encode()


def test_chunks_are_recorded_unless_disabled() -> None:
    res, _, _ = _res()
    res.write("a")
    res.end(b"b")
    assert res.chunks == [b"a", b"b"]
    res, sink, _ = _res(record_chunks=False)
    res.end("a")
    assert res.chunks is None
    assert sink.body == b"a"


def test_head_request_sends_no_body_bytes() -> None:
    res, sink, _ = _res(method="HEAD")
    res.write("a")
    res.end("b")
    assert sink.finished
    assert sink.body == b""
    assert res.chunks == []
    assert _header(sink, "content-length") == []  # Node adds none for HEAD


def test_head_request_send_keeps_content_length() -> None:
    res, sink, _ = _res(method="HEAD")
    res.json({"a": 1})
    assert _header(sink, "content-length") == ["7"]
    assert sink.body == b""


@pytest.mark.parametrize("code", [204, 304])
def test_no_body_statuses_never_carry_body(code: int) -> None:
    res, sink, _ = _res()
    res.status(code).end("x")
    assert sink.body == b""
    assert _header(sink, "content-length") == []


def test_wait_ended_returns_when_other_thread_ends() -> None:
    res, sink, _ = _res()
    timer = threading.Timer(0.01, lambda: res.end("late"))
    timer.start()
    assert res.wait_ended(5)
    timer.join()
    assert sink.body == b"late"


def test_wait_ended_times_out() -> None:
    res, _, _ = _res()
    assert res.wait_ended(0.01) is False
    res.end()
    assert res.wait_ended(0.01) is True


# -- send ------------------------------------------------------------------------------------


def test_send_none_ends_with_no_headers_added() -> None:
    res, sink, _ = _res()
    res.send(None)
    assert sink.headers == [("Content-Length", "0")]


def test_send_str_has_no_content_type() -> None:
    res, sink, _ = _res()
    res.send("héllo")
    assert sink.headers == [("ETag", generate_etag("héllo")), ("Content-Length", "6")]
    assert sink.body == "héllo".encode()


def test_send_object_forces_json_content_type() -> None:
    res, sink, _ = _res()
    res.set_header("Content-Type", "text/plain")
    res.send({"hello": "world"})
    assert sink.headers == [
        ("Content-Type", JSON),
        ("ETag", '"kxl31zjxesh"'),
        ("Content-Length", "17"),
    ]
    assert sink.body == b'{"hello":"world"}'


@pytest.mark.parametrize(
    ("value", "body"), [(42, b"42"), (1.0, b"1"), (True, b"true"), ([1, 2], b"[1,2]")]
)
def test_send_numbers_booleans_lists_as_json(value: object, body: bytes) -> None:
    res, sink, _ = _res()
    res.send(value)
    assert sink.body == body
    assert _header(sink, "content-type") == [JSON]


def test_send_unserialisable_names_send() -> None:
    res, sink, _ = _res()
    with pytest.raises(JSONEncodeError, match=r"^res.send\(\) cannot serialise a set at \$"):
        res.send({1, 2})
    assert not sink.started


def test_send_bytes_defaults_to_octet_stream_with_buffer_etag() -> None:
    res, sink, _ = _res()
    res.send(b"\x00\x01binary")
    data = ",".join(str(b) for b in b"\x00\x01binary")
    assert sink.headers == [
        ("ETag", generate_etag('{"type":"Buffer","data":[' + data + "]}")),
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", "8"),
    ]
    assert sink.body == b"\x00\x01binary"


def test_send_bytes_keeps_user_content_type() -> None:
    res, sink, _ = _res()
    res.set_header("Content-Type", "image/png")
    res.send(bytearray(b"png"))
    assert _header(sink, "content-type") == ["image/png"]
    assert sink.body == b"png"


def test_send_large_bytes_etag_equals_whole_text_etag() -> None:
    data = bytes(range(256)) * 600  # > one 64 KiB slice
    res, sink, _ = _res()
    res.send(data)
    text = '{"type":"Buffer","data":[' + ",".join(map(str, data)) + "]}"
    assert _header(sink, "etag") == [generate_etag(text)]
    assert sink.body == data


def test_send_empty_bytes() -> None:
    res, sink, _ = _res()
    res.send(b"")
    assert _header(sink, "etag") == [generate_etag('{"type":"Buffer","data":[]}')]
    assert _header(sink, "content-length") == ["0"]


def test_send_file_like_is_streamed_without_etag_and_closed() -> None:
    res, sink, _ = _res()
    stream = io.BytesIO(b"x" * 100_000)
    res.send(stream)
    assert sink.headers == [("Content-Type", "application/octet-stream")]
    assert sink.body == b"x" * 100_000
    assert len(sink.chunks) == 2
    assert stream.closed
    assert res.finished


def test_send_iterator_is_streamed_and_keeps_content_type() -> None:
    res, sink, _ = _res()
    res.set_header("Content-Type", "text/plain")

    def pieces() -> t.Iterator[str | bytes]:
        yield "a"
        yield b"b"

    res.send(pieces())
    assert sink.headers == [("Content-Type", "text/plain")]
    assert sink.chunks == [b"a", b"b"]


@pytest.mark.parametrize("code", [204, 304])
def test_send_with_no_body_status_strips_headers_and_notices(code: int) -> None:
    res, sink, exchange = _res("/api/x?a=1")
    res.set_header("Content-Type", "text/plain").set_header("Content-Length", "5")
    res.set_header("X-Keep", "1")
    res.status(code).send("ignored")
    assert sink.headers == [("X-Keep", "1")]
    assert sink.body == b""
    assert [(n.code, n.message) for n in exchange.notices] == [
        (
            NOTICE_BODY_IGNORED,
            "A body was attempted to be set with a 204 statusCode for /api/x?a=1, this is "
            "invalid and the body was ignored.\nSee more info here "
            "https://nextjs.org/docs/messages/invalid-api-status-body",
        )
    ]


@pytest.mark.parametrize(("body", "noticed"), [("", False), (0, False), ({}, True), ([], True)])
def test_send_204_notice_uses_js_truthiness(body: object, noticed: bool) -> None:
    res, _, exchange = _res()
    res.status(204).send(body)
    assert bool(exchange.notices) is noticed


def test_send_204_has_no_notice_in_production() -> None:
    res, _, exchange = _res(mode="production")
    res.status(204).send("x")
    assert exchange.notices == []


# -- ETag / 304 ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_matching_if_none_match_answers_304_with_etag(method: str) -> None:
    res, sink, _ = _res(method=method, headers=[("If-None-Match", '"kxl31zjxesh"')])
    res.status(500).send({"hello": "world"})
    assert sink.status == 304
    assert sink.reason == "Not Modified"
    # The object path sets Content-Type after the check, so the 304 has none.
    assert sink.headers == [("ETag", '"kxl31zjxesh"')]
    assert sink.body == b""


def test_json_304_keeps_content_type_set_before_the_check() -> None:
    res, sink, _ = _res(headers=[("if-none-match", 'W/"kxl31zjxesh"')])
    res.json({"hello": "world"})
    assert sink.status == 304
    assert sink.headers == [("Content-Type", JSON), ("ETag", '"kxl31zjxesh"')]


def test_repeated_if_none_match_lines_are_joined() -> None:
    res, sink, _ = _res(headers=[("If-None-Match", '"x"'), ("If-None-Match", '"kxl31zjxesh"')])
    res.json({"hello": "world"})
    assert sink.status == 304


@pytest.mark.parametrize(
    "headers",
    [
        [("If-None-Match", '"other"')],
        [
            ("If-None-Match", '"kxl31zjxesh"'),
            ("If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ],
        [("If-None-Match", '"kxl31zjxesh"'), ("Cache-Control", "no-cache")],
    ],
)
def test_stale_requests_get_the_body(headers: list[tuple[str, str]]) -> None:
    res, sink, _ = _res(headers=headers)
    res.json({"hello": "world"})
    assert sink.status == 200
    assert sink.body == b'{"hello":"world"}'


def test_bytes_304_uses_buffer_etag() -> None:
    etag = generate_etag('{"type":"Buffer","data":[104,105]}')
    res, sink, _ = _res(headers=[("If-None-Match", etag)])
    res.send(b"hi")
    assert sink.status == 304
    assert sink.headers == [("ETag", etag)]


def test_send_after_write_is_a_headers_sent_error() -> None:
    res, _, _ = _res()
    res.write("a")
    with pytest.raises(ResponseStateError, match="Cannot set headers after they are sent"):
        res.send("b")


# -- json ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "body"),
    [("hi", b'"hi"'), (None, b"null"), ({"n": 1.0}, b'{"n":1}'), ([], b"[]")],
)
def test_json_sends_stringified_value(value: object, body: bytes) -> None:
    res, sink, _ = _res()
    res.json(value)
    assert sink.headers == [
        ("Content-Type", JSON),
        ("ETag", generate_etag(body.decode())),
        ("Content-Length", str(len(body))),
    ]
    assert sink.body == body


def test_json_unserialisable_raises_before_sending() -> None:
    import datetime

    res, sink, _ = _res()
    with pytest.raises(JSONEncodeError, match=r"at \$\.when"):
        res.json({"when": datetime.datetime(2020, 1, 1)})
    assert not sink.started


def test_status_json_one_liner() -> None:
    res, sink, _ = _res()
    res.status(201).json({"id": 1})
    assert (sink.status, sink.body) == (201, b'{"id":1}')


# -- redirect --------------------------------------------------------------------------------


def test_redirect_defaults_to_307_with_url_body_streamed() -> None:
    res, sink, _ = _res()
    assert res.redirect("/api/hello") is res
    assert (sink.status, sink.reason) == (307, "Temporary Redirect")
    assert sink.headers == [("Location", "/api/hello")]
    assert sink.body == b"/api/hello"
    assert sink.finished


def test_redirect_with_status() -> None:
    res, sink, _ = _res()
    res.redirect(301, "https://example.com/")
    assert (sink.status, sink.body) == (301, b"https://example.com/")


@pytest.mark.parametrize(("status", "sent"), [(301.0, 301), (301.5, 301), (307.99, 307)])
def test_redirect_status_is_a_js_number(status: float, sent: int) -> None:
    # typeof 301.5 === "number"; Node's writeHead reads it as statusCode |= 0.
    res, sink, _ = _res()
    res.redirect(status, "/a")
    assert (sink.status, _header(sink, "location"), sink.body) == (sent, ["/a"], b"/a")


@pytest.mark.parametrize("status", [math.nan, math.inf, -math.inf, 1000, 99, -1, 1e10])
def test_redirect_invalid_status_leaves_location_set(status: float) -> None:
    # next start: the compression wrapper sets writeHead's headers before Node refuses the
    # status, so the 500 sendError answers carries Location.
    res, sink, _ = _res()
    with pytest.raises(ResponseStateError, match="Invalid status code"):
        res.redirect(status, "/a")
    assert not sink.started
    assert res.get_header("Location") == "/a"


def test_redirect_string_first_argument_wins() -> None:
    res, sink, _ = _res()
    res.redirect("/a", "/b")
    assert (sink.status, _header(sink, "location")) == (307, ["/a"])


@pytest.mark.parametrize("args", [(301,), (True, "/a"), (301, None), (None, "/a"), (b"301", "/a")])
def test_redirect_invalid_arguments(args: tuple[object, ...]) -> None:
    res, _, _ = _res()
    with pytest.raises(ResponseStateError) as info:
        res.redirect(*args)  # type: ignore[arg-type]
    assert str(info.value) == (
        "Invalid redirect arguments. Please use a single argument URL, e.g. "
        "res.redirect('/destination') or use a status code and URL, e.g. "
        "res.redirect(307, '/destination')."
    )


# -- revalidate ------------------------------------------------------------------------------


def test_revalidate_records_and_calls_hook() -> None:
    res, _, exchange = _res()
    seen: list[str] = []
    exchange.revalidate_hook = seen.append
    res.revalidate("/blog/post-1")
    res.revalidate("/x", unstable_only_generated=True)
    assert exchange.revalidated == ["/blog/post-1", "/x"]
    assert seen == ["/blog/post-1", "/x"]


def test_revalidate_is_awaitable() -> None:
    res, _, exchange = _res()

    async def handler() -> None:
        await res.revalidate("/x")

    asyncio.run(handler())
    assert exchange.revalidated == ["/x"]


def test_revalidate_not_awaited_leaves_no_warning(recwarn: pytest.WarningsRecorder) -> None:
    res, _, _ = _res()
    res.revalidate("/x")
    gc.collect()
    assert len(recwarn) == 0


@pytest.mark.parametrize(("path", "shown"), [("blog", "blog"), ("", ""), (None, "None")])
def test_revalidate_rejects_non_paths(path: object, shown: str) -> None:
    res, _, exchange = _res()
    with pytest.raises(ResponseStateError) as info:
        res.revalidate(path)  # type: ignore[arg-type]
    assert str(info.value) == (
        "Invalid urlPath provided to revalidate(), must be a path e.g. /blog/post-1, "
        f"received {shown}"
    )
    assert exchange.revalidated == []


def test_revalidate_hook_failure_is_wrapped() -> None:
    res, _, exchange = _res()

    def hook(path: str) -> None:
        raise ValueError("Invalid response 500")

    exchange.revalidate_hook = hook
    with pytest.raises(RoutekitError, match=r"^Failed to revalidate /x: Invalid response 500$"):
        res.revalidate("/x")


# -- response size warning -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["production", "development", "test"])
def test_response_limit_warns_at_limit_in_every_mode(mode: Mode) -> None:
    res, sink, exchange = _res("/api/big?x=1", mode=mode, response_limit=4 * 1024 * 1024)
    res.write(b"x" * (4 * 1024 * 1024 - 1))
    res.end("y")
    assert [(n.code, n.message) for n in exchange.notices] == [
        (
            NOTICE_RESPONSE_LIMIT,
            "API response for /api/big?x=1 exceeds 4MB. API Routes are meant to respond "
            "quickly. https://nextjs.org/docs/messages/api-routes-response-size-limit",
        )
    ]
    assert len(sink.body) == 4 * 1024 * 1024  # a warning only


def test_response_limit_below_limit_or_disabled_is_silent() -> None:
    res, _, exchange = _res(response_limit=10)
    res.end("123456789")
    assert exchange.notices == []
    for limit in (None, 0):
        res, _, exchange = _res(response_limit=limit)
        res.end("x" * 100)
        assert exchange.notices == []


def test_response_limit_counts_head_request_bytes() -> None:
    res, _, exchange = _res(method="HEAD", response_limit=3)
    res.end("abc")
    assert [n.code for n in exchange.notices] == [NOTICE_RESPONSE_LIMIT]


def test_repr_shows_state() -> None:
    res, _, _ = _res()
    assert repr(res) == "<ApiResponse 200 GET '/api/x' open>"
    res.end()
    assert repr(res) == "<ApiResponse 200 GET '/api/x' ended>"
