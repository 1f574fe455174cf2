from __future__ import annotations

import asyncio
import io

import pytest

from routekit._wire import RawRequest
from routekit.config import SizeLimit
from routekit.errors import (
    BodyTooLargeError,
    BodyUsedError,
    FormDataError,
    IncompleteBodyError,
    InvalidJSONError,
    MalformedURLError,
    RequestError,
)
from routekit.web.request import NextRequest, Request, request_from_raw
from routekit.web.search_params import URLSearchParams


def _post(body, content_type=None):
    headers = {"content-type": content_type} if content_type else None
    return NextRequest("http://localhost:3000/x", method="POST", headers=headers, body=body)


def test_request_async_readers_parse_the_body():
    assert asyncio.run(_post(b'{"a": [1, 2]}').json()) == {"a": [1, 2]}
    assert asyncio.run(_post("héllo").text()) == "héllo"
    assert asyncio.run(_post(b"raw").body()) == b"raw"
    assert asyncio.run(_post(b"raw").array_buffer()) == b"raw"


def test_request_second_read_is_a_typeerror_like_fetch():
    request = _post(b"{}")
    assert request.json_sync() == {}
    assert request.body_used
    with pytest.raises(BodyUsedError, match=r"^Body is unusable: Body has already been read"):
        request.text_sync()
    with pytest.raises(TypeError):
        asyncio.run(request.json())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "Unexpected end of JSON input"),
        (b"   ", "Unexpected end of JSON input"),
        (b"{bad", "Request body is not valid JSON"),
        (b"NaN", "Request body is not valid JSON"),
    ],
)
def test_request_json_rejects_what_json_parse_rejects(body, message):
    with pytest.raises(InvalidJSONError, match=message):
        _post(body).json_sync()


def test_request_text_drops_bom_and_replaces_bad_utf8():
    assert _post(b"\xef\xbb\xbfok\xff").text_sync() == "ok\ufffd"


def test_request_string_body_gets_fetch_content_type():
    assert _post("x").headers.get("content-type") == "text/plain;charset=UTF-8"
    params = URLSearchParams({"a": "1"})
    request = _post(params)
    assert request.headers.get("content-type") == (
        "application/x-www-form-urlencoded;charset=UTF-8"
    )
    assert request.form_data_sync().to_dict() == {"a": "1"}


def test_request_get_with_body_is_rejected_and_get_reads_empty():
    with pytest.raises(TypeError, match=r"Request with GET/HEAD method cannot have body\."):
        Request("http://localhost/", body=b"x")
    assert Request("http://localhost/").text_sync() == ""


def test_request_method_normalisation_matches_fetch():
    assert Request("http://h/", method="post").method == "POST"
    assert Request("http://h/", method="patch").method == "patch"


def test_request_form_data_urlencoded_and_multipart():
    form = _post(b"a=1&a=2&b=x+y", "application/x-www-form-urlencoded").form_data_sync()
    assert form.getlist("a") == ["1", "2"]
    assert form["b"] == "x y"
    body = (
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhello\r\n--B\r\n"
        b'Content-Disposition: form-data; name="n"\r\n\r\nv\r\n--B--\r\n'
    )
    form = _post(body, "multipart/form-data; boundary=B").form_data_sync()
    upload = form["f"]
    assert upload.filename == "a.txt"
    assert upload.read() == b"hello"
    assert form["n"] == "v"


def test_request_form_data_needs_a_form_content_type():
    with pytest.raises(FormDataError, match='Content-Type was not one of "multipart/form-data"'):
        _post(b"{}", "application/json").form_data_sync()


def test_request_stream_body_is_read_in_chunks():
    request = _post(io.BytesIO(b"a" * 200_000))
    assert sum(len(c) for c in request.iter_body()) == 200_000


def test_request_clone_allows_a_second_read():
    request = _post(iter([b"{", b"}"]))
    copy = request.clone()
    assert copy.json_sync() == {}
    assert request.json_sync() == {}


def test_nextrequest_url_cookies_and_next_url():
    request = NextRequest(
        "http://127.0.0.1:3000/api/x?q=1", headers={"cookie": "theme=dark; a=%20b"}
    )
    assert request.url == "http://localhost:3000/api/x?q=1"
    assert request.next_url.search_params.get("q") == "1"
    assert request.cookies.get("theme").value == "dark"
    assert request.cookies.get("a").value == " b"


def test_nextrequest_rejects_relative_urls():
    with pytest.raises(MalformedURLError, match='URL is malformed "/x"'):
        NextRequest("/x")


def test_request_from_raw_builds_the_url_and_node_style_headers():
    raw = RawRequest(
        method="POST",
        path="/api/items/1",
        query_string="q=a%20b",
        headers=[
            ("Host", "example.com"),
            ("Host", "evil.com"),
            ("Cookie", "a=1"),
            ("Cookie", "b=2"),
            ("Accept", "x"),
            ("Accept", "y"),
        ],
        body=io.BytesIO(b"hello, and more"),
        content_length=5,
        host="127.0.0.1:3000",
    )
    request = request_from_raw(raw)
    assert request.url == "http://localhost:3000/api/items/1?q=a%20b"
    assert request.headers.get("host") == "example.com"
    assert request.headers.get("cookie") == "a=1; b=2"
    assert request.headers.get("accept") == "x, y"
    assert request.body_sync() == b"hello"


def test_request_from_raw_unknown_host_uses_localhost_3000_and_get_has_no_body():
    raw = RawRequest(method="GET", path="/a", host="", body=io.BytesIO(b"ignored"))
    request = request_from_raw(raw)
    assert request.url == "http://localhost:3000/a"
    assert request.body_sync() == b""


def test_request_from_raw_drops_headers_fetch_cannot_hold():
    raw = RawRequest(
        method="GET",
        path="/",
        headers=[
            ("Bad Name", "1"),
            ("X-Snow", "\u2603"),
            ("Cookie", "a=\u2603"),
            ("Cookie", "b=1"),
            ("X-Ok", "2"),
        ],
    )
    headers = request_from_raw(raw).headers
    assert headers.raw() == [("cookie", "b=1"), ("x-ok", "2")]


def test_request_from_raw_without_content_length_reads_the_whole_stream():
    raw = RawRequest(method="PUT", path="/", body=io.BytesIO(b"all of it"))
    assert request_from_raw(raw).body_sync() == b"all of it"


def test_request_base_class_url_and_repr():
    request = Request("HTTP://Example.com/a b", method="delete")
    assert request.url == "http://example.com/a%20b"
    assert repr(request) == "<Request DELETE 'http://example.com/a%20b'>"
    assert repr(_post(b"")) == "<NextRequest POST 'http://localhost:3000/x'>"


def test_request_chunk_iterables_skip_empty_chunks():
    request = _post([b"a", b"", bytearray(b"b")])
    assert list(request.iter_body()) == [b"a", b"b"]


def test_request_rejects_a_body_of_another_type():
    with pytest.raises(TypeError, match=r"^Request body must be bytes, str, a stream or byte"):
        _post(42)


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("multipart/form-data", b"x", "Missing boundary"),
        ("multipart/form-data; boundary=B", b"garbage", "Invalid form-data"),
        ("multipart/form-data; boundary=B", b"", "Invalid form-data"),
        (
            "multipart/form-data; boundary=B",
            b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
            "Invalid form-data",
        ),
    ],
)
def test_request_form_data_malformed_multipart_is_a_typeerror_like_fetch(
    content_type, body, detail
):
    # undici: TypeError "Failed to parse body as FormData." for each of these bodies.
    with pytest.raises(FormDataError) as info:
        asyncio.run(_post(body, content_type).form_data())
    assert str(info.value).startswith(f"Failed to parse body as FormData: {detail}")
    assert isinstance(info.value, TypeError)


def test_request_form_data_urlencoded_keeps_undecodable_escapes():
    form = _post(b"a=%zz&b", "application/x-www-form-urlencoded").form_data_sync()
    assert list(form.items(multi=True)) == [("a", "%zz"), ("b", "")]


def test_request_clone_after_read_is_refused_and_bytes_bodies_are_shared():
    request = _post(b"{}")
    copy = request.clone()
    assert copy is not request
    assert copy.headers is not request.headers
    assert copy.text_sync() == "{}"
    assert request.text_sync() == "{}"
    with pytest.raises(BodyUsedError):
        request.clone()


def test_nextrequest_clone_has_its_own_next_url_and_cookies():
    request = NextRequest("http://h/a?x=1", headers={"cookie": "a=1"})
    assert request.cookies.get("a").value == "1"
    copy = request.clone()
    assert isinstance(copy, NextRequest)
    copy.next_url.search_params.set("x", "2")
    copy.cookies.set("a", "2")
    assert request.next_url.href == "http://h/a?x=1"
    assert request.cookies.get("a").value == "1"
    assert copy.headers.get("cookie") == "a=2"
    assert request.headers.get("cookie") == "a=1"


# -- hostile input (issue 9) --------------------------------------------------------------


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deeply_nested_json_is_invalid_json_not_a_recursion_error(depth: int) -> None:
    request = Request("http://x/", method="POST", body="[" * depth + "]" * depth)
    with pytest.raises(InvalidJSONError, match="nested too deeply"):
        request.json_sync()


@pytest.mark.parametrize("host", ["x?", "evil.com/a", "x:99999", "x#"])
def test_request_from_raw_refuses_a_host_that_would_move_the_url(host: str) -> None:
    with pytest.raises(RequestError, match="400 Bad Request"):
        request_from_raw(RawRequest("GET", "/api/admin", host=host))


@pytest.mark.parametrize(
    ("path", "pathname"),
    [("/api/a#b", "/api/a%23b"), ("/api/a?b", "/api/a%3Fb"), ("/a\\b", "/a%5Cb"), ("*", "/*")],
)
def test_request_from_raw_keeps_the_raw_path_in_the_pathname(path: str, pathname: str) -> None:
    request = request_from_raw(RawRequest("GET", path, "q=1", host="example.com"))
    assert request.next_url.pathname == pathname
    assert request.next_url.search == "?q=1"


def test_request_from_raw_body_limit_and_short_body() -> None:
    raw = RawRequest("POST", "/", body=io.BytesIO(b"x" * 20), host="h")
    with pytest.raises(BodyTooLargeError, match="Body exceeded 10b limit"):
        request_from_raw(raw, body_limit=SizeLimit(10, "10b")).body_sync()
    raw = RawRequest("POST", "/", body=io.BytesIO(b"abc"), content_length=5, host="h")
    with pytest.raises(IncompleteBodyError):
        request_from_raw(raw).body_sync()
