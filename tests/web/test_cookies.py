from __future__ import annotations

from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

from routekit.web.cookies import (
    RequestCookie,
    RequestCookies,
    ResponseCookie,
    ResponseCookies,
    parse_cookie_header,
    parse_set_cookie,
    split_cookies_string,
    stringify_cookie,
)
from routekit.web.headers import Headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a=1; b=2", {"a": "1", "b": "2"}),
        ("a=1;b=2", {"a": "1", "b": "2"}),
        ("a=1; a=2", {"a": "2"}),
        ("flag", {"flag": "true"}),
        ("a=%20x%3B", {"a": " x;"}),
        ("bad=%E0%A4%A; ok=1", {"ok": "1"}),
        ("bad=%zz; ok=1", {"ok": "1"}),
        (" sp=1", {" sp": "1"}),
        ("a=1;; ;b=2", {"a": "1", "b": "2"}),
        ("", {}),
    ],
)
def test_parse_cookie_header_follows_nextjs(header, expected):
    assert parse_cookie_header(header) == expected


def test_request_cookies_read():
    cookies = RequestCookies(Headers({"cookie": "theme=dark; id=7"}))
    assert cookies.get("theme") == RequestCookie("theme", "dark")
    assert cookies.get("nope") is None
    assert cookies.has("id")
    assert "id" in cookies
    assert cookies.size == len(cookies) == 2
    assert cookies.get_all() == [RequestCookie("theme", "dark"), RequestCookie("id", "7")]
    assert cookies.get_all("id") == [RequestCookie("id", "7")]
    assert list(cookies) == [
        ("theme", RequestCookie("theme", "dark")),
        ("id", RequestCookie("id", "7")),
    ]


def test_request_cookies_mutation_rewrites_cookie_header():
    headers = Headers({"cookie": "a=1; b=2"})
    cookies = RequestCookies(headers)
    cookies.set("c", "x y")
    assert headers.get("cookie") == "a=1; b=2; c=x%20y"
    assert cookies.delete("a") is True
    assert cookies.delete(["b", "zz"]) == [True, False]
    assert headers.get("cookie") == "c=x%20y"
    cookies.clear()
    assert headers.get("cookie") is None


@freeze_time("2024-01-01 00:00:00")
def test_response_cookies_serialise_in_nextjs_order():
    headers = Headers()
    cookies = ResponseCookies(headers)
    cookies.set("a", "b c", http_only=True, same_site="strict", max_age=60)
    assert headers.get_set_cookie() == [
        "a=b%20c; Path=/; Expires=Mon, 01 Jan 2024 00:01:00 GMT; Max-Age=60; HttpOnly; "
        "SameSite=strict"
    ]


def test_response_cookies_accept_camel_case_and_dict_forms():
    headers = Headers()
    cookies = ResponseCookies(headers)
    cookies.set(
        "a",
        "1",
        httpOnly=True,
        sameSite="lax",
        path="/app",
        domain="x.com",
        secure=True,
        partitioned=True,
        priority="high",
    )
    cookies.set({"name": "b", "value": "2", "httpOnly": True})
    assert headers.get_set_cookie() == [
        "a=1; Path=/app; Domain=x.com; Secure; HttpOnly; SameSite=lax; Partitioned; Priority=high",
        "b=2; Path=/; HttpOnly",
    ]


def test_response_cookies_unknown_option_suggests_a_near_miss():
    with pytest.raises(TypeError, match=r"unknown cookie option 'httponly'; did you mean"):
        ResponseCookies(Headers()).set("a", "1", httponly=True)


def test_response_cookies_delete_expires_at_the_epoch():
    headers = Headers()
    ResponseCookies(headers).delete("a")
    assert headers.get_set_cookie() == ["a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]


def test_response_cookies_max_age_zero_emits_only_max_age():
    headers = Headers()
    ResponseCookies(headers).set("a", "1", max_age=0)
    assert headers.get_set_cookie() == ["a=1; Path=/; Max-Age=0"]


def test_response_cookies_are_keyed_by_name_and_rewrite_every_line():
    headers = Headers([("set-cookie", "a=1; Path=/x"), ("set-cookie", "b=2")])
    cookies = ResponseCookies(headers)
    cookies.set("a", "3")
    assert headers.get_set_cookie() == ["a=3; Path=/", "b=2"]
    assert cookies.get("b") == ResponseCookie("b", "2")
    assert cookies.has("a")
    assert not cookies.has("z")
    assert [c.name for c in cookies.get_all()] == ["a", "b"]
    assert cookies.to_string() == "a=3; Path=/; b=2"


def test_response_cookies_expires_datetime_and_seconds():
    headers = Headers()
    cookies = ResponseCookies(headers)
    cookies.set("a", "1", expires=datetime(2030, 1, 1, tzinfo=timezone.utc))
    cookies.set("b", "1", expires=0)
    assert headers.get_set_cookie() == [
        "a=1; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT",
        "b=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]


def test_parse_set_cookie_reads_attributes():
    cookie = parse_set_cookie(
        "sid=a%20b; Path=/; Max-Age=5; HttpOnly; Secure; SameSite=LAX; Priority=Nope; "
        "Expires=Thu, 01 Jan 2030 00:00:00 GMT; Partitioned"
    )
    assert cookie == ResponseCookie(
        name="sid",
        value="a b",
        path="/",
        max_age=5,
        http_only=True,
        secure=True,
        same_site="lax",
        partitioned=True,
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
    )
    assert parse_set_cookie("") is None


def test_split_cookies_string_keeps_commas_inside_expires():
    joined = "a=1; Expires=Thu, 01 Jan 2030 00:00:00 GMT, b=2, c=3; Path=/"
    assert split_cookies_string(joined) == [
        "a=1; Expires=Thu, 01 Jan 2030 00:00:00 GMT",
        "b=2",
        "c=3; Path=/",
    ]


def test_stringify_cookie_without_attributes_has_no_trailing_separator():
    assert stringify_cookie(ResponseCookie("a", "é")) == "a=%C3%A9"
