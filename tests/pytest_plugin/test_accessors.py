"""The read-only accessors shared by every response view: text, JSON, cookies."""

from __future__ import annotations

import pytest

from routekit.web.response import Response
from routekit_pytest import JSONBodyError, create_mocks, read_web_response
from routekit_pytest._accessors import body_excerpt, is_json_type


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/ld+json", True),
        ("text/json", False),
        ("application/jsonx", False),
        ("", False),
        (None, False),
    ],
)
def test_is_json_type(content_type: str | None, expected: bool) -> None:
    assert is_json_type(content_type) is expected


@pytest.mark.parametrize(
    ("body", "excerpt"),
    [(b"", "(empty)"), (b"abc", "'abc'"), (b"abcdef", "'abcd' (+2 bytes)"), (b"\xff", "'\ufffd'")],
)
def test_body_excerpt(body: bytes, excerpt: str) -> None:
    assert body_excerpt(body, limit=4) == excerpt


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("text/plain; charset=latin-1", "caf\u00c3\u00a9"),
        ("text/plain; charset=x-no-such-charset", "caf\u00e9"),  # unknown: UTF-8
        ("text/plain", "caf\u00e9"),
    ],
)
def test_text_decodes_with_the_content_type_charset(content_type: str, text: str) -> None:
    view = read_web_response(Response("caf\u00e9".encode(), headers={"content-type": content_type}))
    assert view.text == text


def test_json_data_names_the_parse_error() -> None:
    _, res = create_mocks()
    res.set_header("Content-Type", "application/json")
    res.status(502).end('{"a": ')
    with pytest.raises(JSONBodyError) as info:
        res.json_data()
    assert str(info.value) == (
        "the response body is not JSON (it does not parse: Expecting value: line 1 column 7 "
        "(char 6)): status 502, application/json, body '{\"a\": '; read res.text instead, or "
        "make the handler answer with res.json(...)."
    )
    assert (info.value.status, info.value.content_type) == (502, "application/json")
    assert isinstance(info.value, ValueError)  # except ValueError keeps working


def test_cookies_skip_headers_without_a_pair() -> None:
    _, res = create_mocks()
    res.set_header("Set-Cookie", ["junk", "a=1", "a=2; Path=/x"])
    res.end()
    assert list(res.cookies) == ["a"]
    assert (res.cookies["a"].value, res.cookies["a"].path) == ("2", "/x")  # the later wins
