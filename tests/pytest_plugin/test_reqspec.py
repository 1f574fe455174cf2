"""The request keywords shared by create_mocks() and the client: conflicts and encoding."""

from __future__ import annotations

import inspect
import io
import re
import typing as t

import pytest

from routekit_pytest import create_mocks
from routekit_pytest._reqspec import build_raw, check_conflicts, encode_body


@pytest.mark.parametrize(
    ("url", "given", "message"),
    [
        (
            "/x",
            {"json": 1, "data": "x"},
            "client.post() got json= and data=, but a request has one body; drop all but one "
            "(form= may go with files=, the fields then travel in the multipart body).",
        ),
        ("/x", {"body": 1, "form": {}, "files": {}}, "client.post() got body= and files=, but"),
        (
            "/x?a=1",
            {"query": "b=2"},
            "client.post() got query= and a query string in url='/x?a=1'; drop one of them.",
        ),
        (
            "/x",
            {"content_type": "text/plain", "headers": [("content-TYPE", "a/b")]},
            "client.post() got content_type= and a Content-Type header; drop one of them.",
        ),
        (
            "/x",
            {"auth": ("u", "p"), "headers": {"Authorization": "Bearer t"}},
            "client.post() got auth= and an Authorization header; drop one of them.",
        ),
        (
            "/x",
            {"cookies": {"a": "1"}, "headers": {"Cookie": "b=2"}},
            "client.post() got cookies= and a Cookie header; drop one of them.",
        ),
    ],
)
def test_check_conflicts_names_what_to_drop(
    url: str, given: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        check_conflicts("client.post", url, given)
    assert str(info.value).startswith(message)


def test_check_conflicts_accepts_compatible_keywords() -> None:
    req, _ = create_mocks(
        method="POST",
        url="/x",
        query={"q": "1"},
        headers={"x-a": "1"},
        cookies={"c": "1"},
        auth="t",
        form={"a": "1"},
        files={"f": b"x"},
    )
    assert (req.query, req.cookies) == ({"q": "1"}, {"c": "1"})
    assert (req.headers["x-a"], req.headers["authorization"]) == ("1", "Bearer t")
    assert str(req.headers["content-type"]).startswith("multipart/form-data; boundary=")


def test_missing_shows_in_signatures() -> None:
    assert "json: 'object' = MISSING" in str(inspect.signature(create_mocks))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            ("a", b"b", "c/d", "extra"),
            "files['f'] must be content or (filename, content[, content_type]); "
            "got a tuple of 4 items.",
        ),
        (
            42,
            "files['f'] must be bytes, str, a binary file or a (filename, content) tuple; got int.",
        ),
    ],
)
def test_encode_body_rejects_bad_file_values(value: object, message: str) -> None:
    with pytest.raises(TypeError) as info:
        encode_body(files={"f": value})
    assert str(info.value) == message


class _NamedFile(io.StringIO):
    name = "C:\\Users\\ann\\notes.txt"


@pytest.mark.parametrize(
    ("value", "part"),
    [
        (
            "text content",
            b'name="f"; filename="f"\r\nContent-Type: application/octet-stream\r\n\r\ntext content',
        ),
        (io.BytesIO(b"bytes"), b'filename="f"\r\nContent-Type: application/octet-stream'),
        (
            _NamedFile("from a text file"),
            b'filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nfrom a text file',
        ),
        (("dir/a.csv", "x,y"), b'filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nx,y'),
    ],
)
def test_encode_body_file_values(value: object, part: bytes) -> None:
    content, ctype = encode_body(files={"f": value})
    assert ctype is not None
    assert ctype.startswith("multipart/form-data; boundary=")
    assert content is not None
    assert part in content


def test_encode_body_several_files_under_one_field() -> None:
    content, _ = encode_body(files={"f": [("a.txt", b"1"), ("b.txt", b"2")]}, form=[("k", 3)])
    assert content is not None
    assert content.count(b'name="f"') == 2
    assert b'name="k"\r\n\r\n3' in content


def test_build_raw_query_string_keyword() -> None:
    raw = build_raw("GET", "/x", query="?a=1&b=2")
    assert (raw.url, raw.query_string) == ("/x?a=1&b=2", "a=1&b=2")


def test_build_raw_given_host_and_content_length_replace_the_defaults() -> None:
    raw = build_raw(
        "POST",
        "/x",
        headers={"Host": "api.test", "Content-Length": "3"},
        body=encode_body(data="abc"),
    )
    assert raw.headers == [("Host", "api.test"), ("Content-Length", "3")]
    assert raw.content_length == 3


def test_build_raw_merges_jar_and_request_cookies() -> None:
    raw = build_raw("GET", "/x", jar_cookie="sid=1", cookies={"theme": "dark mode"})
    assert raw.header("cookie") == "sid=1; theme=dark%20mode"


def test_build_raw_absolute_url_and_non_ascii_path() -> None:
    raw = build_raw("GET", "https://api.test/caf\u00e9/a%2Fb?q=1")
    assert (raw.scheme, raw.host, raw.path, raw.query_string) == (
        "https",
        "api.test",
        "/caf%C3%A9/a%2Fb",
        "q=1",
    )
    assert t.cast("io.BytesIO", raw.body).read() == b""


def test_request_spec_keywords_are_listed_once() -> None:
    from dataclasses import fields

    from routekit_pytest._reqspec import _BODY_KEYWORDS, RequestSpec, SpecKeywords
    from routekit_pytest.client import _OPTIONS, RequestKeywords

    spec_fields = {f.name for f in fields(RequestSpec)} - {"method", "url", "body", "body_keyword"}
    assert set(SpecKeywords.__annotations__) == spec_fields | set(_BODY_KEYWORDS)
    assert set(RequestKeywords.__annotations__) == set(SpecKeywords.__annotations__) | set(_OPTIONS)


def test_request_spec_build_checks_once_and_records_the_body_keyword() -> None:
    from routekit_pytest._reqspec import RequestSpec

    spec = RequestSpec.build("client.post", "POST", "/x", {"json": None, "headers": {"A": "1"}})
    assert (spec.body.content, spec.body_keyword, spec.headers) == (b"null", "json", (("A", "1"),))
    with pytest.raises(TypeError, match=r"^client\.post\(\) got json= and data="):
        RequestSpec.build("client.post", "POST", "/x", {"json": 1, "data": "x"})


@pytest.mark.parametrize(
    ("method", "status", "expected_method", "keeps_body"),
    [
        ("POST", 303, "GET", False),
        ("POST", 302, "GET", False),
        ("POST", 301, "GET", False),
        ("PUT", 302, "PUT", True),
        ("POST", 307, "POST", True),
        ("POST", 308, "POST", True),
        ("HEAD", 303, "HEAD", False),
    ],
)
def test_request_spec_redirected_as_browsers_follow(
    method: str, status: int, expected_method: str, keeps_body: bool
) -> None:
    from routekit_pytest._reqspec import RequestSpec

    first = RequestSpec.build(
        "client.request",
        method,
        "/form",
        {"data": "a=1", "content_type": "text/plain", "query": {"q": "1"}, "cookies": {"c": "1"}},
        default_headers=[("Content-Language", "en"), ("X-Keep", "1")],
    )
    nxt = first.redirected(status, "http://localhost:3000/done")
    assert (nxt.method, nxt.url, nxt.query, nxt.cookies) == (
        expected_method,
        "http://localhost:3000/done",
        None,
        None,
    )
    assert (nxt.body == first.body, nxt.content_type == "text/plain") == (keeps_body, keeps_body)
    names = [name for name, _ in nxt.headers]
    assert names == (["Content-Language", "X-Keep"] if keeps_body else ["X-Keep"])


# -- what a test sends is what a server would read (issue 9) ----------------------------------


def test_build_raw_honours_a_host_header() -> None:
    raw = build_raw("GET", "/api/x", headers={"Host": "evil.com/a"})
    assert raw.host == "evil.com/a"
    assert raw.headers == [("Host", "evil.com/a")]


def test_build_raw_honours_a_declared_content_length() -> None:
    body = encode_body(data=b"abc")
    raw = build_raw("POST", "/api/x", body=body, headers={"Content-Length": "9"})
    assert raw.content_length == 9
    assert raw.headers == [("host", "localhost:3000"), ("Content-Length", "9")]
    bad = build_raw("POST", "/", body=encode_body(data=b"abc"), headers={"Content-Length": "x"})
    assert bad.content_length is None


def test_build_raw_chunked_body_has_no_content_length() -> None:
    raw = build_raw(
        "POST", "/api/x", body=encode_body(data=b"abc"), headers={"Transfer-Encoding": "chunked"}
    )
    assert raw.content_length is None
    assert raw.headers == [("host", "localhost:3000"), ("Transfer-Encoding", "chunked")]


@pytest.mark.parametrize(
    ("url", "path", "query"),
    [
        ("//[id]", "//%5Bid%5D", ""),
        ("//api//x?a=1#frag", "//api//x", "a=1"),
        ("api/x", "api/x", ""),
    ],
)
def test_build_raw_a_path_is_always_a_path(url: str, path: str, query: str) -> None:
    raw = build_raw("GET", url)
    assert (raw.host, raw.path, raw.query_string) == ("localhost:3000", path, query)


@pytest.mark.parametrize("url", ["http://[bad/x", "http://h:abc/", "https://[::1/"])
def test_build_raw_bad_absolute_url_is_a_clear_value_error(url: str) -> None:
    with pytest.raises(ValueError, match=f"{re.escape(repr(url))} is not a path or an absolute"):
        build_raw("GET", url)
