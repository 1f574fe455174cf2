from __future__ import annotations

import typing as t
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


def test_request_cookies_set_accepts_a_cookie_object_and_python_protocols():
    headers = Headers({"cookie": "a=1"})
    cookies = RequestCookies(headers)
    assert cookies.set(RequestCookie("b", "x;y")) is cookies
    assert cookies.get(RequestCookie("b", "ignored")) == RequestCookie("b", "x;y")
    assert headers.get("cookie") == "a=1; b=x%3By"
    assert str(cookies) == "a=1; b=x%3By"
    assert repr(cookies) == "RequestCookies({'a': '1', 'b': 'x;y'})"
    assert 1 not in cookies
    cookies.set("c")
    assert cookies.get("c") == RequestCookie("c", "")


@pytest.mark.parametrize(
    ("max_age", "expected"),
    # Next.js reads Max-Age with Number(): "" is 0; NaN is kept by Next.js, dropped here.
    [("60", 60), ("1.5", 1.5), ("-1", -1), (" 7 ", 7), ("", 0), ("soon", None)],
)
def test_parse_set_cookie_max_age_numbers(max_age, expected):
    cookie = parse_set_cookie(f"a=1; Max-Age={max_age}")
    assert cookie is not None
    assert cookie.max_age == expected


def test_response_cookies_skip_set_cookie_lines_without_a_pair():
    cookies = ResponseCookies(Headers([("set-cookie", ";"), ("set-cookie", "b=2")]))
    assert [c.name for c in cookies.get_all()] == ["b"]


def test_response_cookies_naive_expires_is_utc():
    headers = Headers()
    ResponseCookies(headers).set("a", "1", expires=datetime(2030, 1, 1, 12, 0))
    assert headers.get_set_cookie() == ["a=1; Path=/; Expires=Tue, 01 Jan 2030 12:00:00 GMT"]


@pytest.mark.parametrize("expires", ["tomorrow", True])
def test_response_cookies_reject_expires_that_is_not_a_time(expires):
    with pytest.raises(TypeError) as info:
        ResponseCookies(Headers()).set("a", "1", expires=expires)
    assert str(info.value) == (
        f"cookie expires= must be a datetime or seconds since the epoch, got {expires!r}"
    )


def test_response_cookies_delete_with_options_keeps_path_and_domain():
    # Next.js: delete({name, path, domain}) is set({...options, name, value: "", expires: 0}).
    headers = Headers()
    cookies = ResponseCookies(headers)
    cookies.delete({"name": "a", "path": "/x", "domain": "d.com", "value": "ignored"})
    cookies.delete("b", path="/y")
    assert headers.get_set_cookie() == [
        "a=; Path=/x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=d.com",
        "b=; Path=/y; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]


def test_response_cookies_python_protocols():
    cookies = ResponseCookies(Headers([("set-cookie", "a=1; Path=/"), ("set-cookie", "b=2")]))
    assert list(cookies) == [
        ("a", ResponseCookie("a", "1", path="/")),
        ("b", ResponseCookie("b", "2")),
    ]
    assert "a" in cookies
    assert "z" not in cookies
    assert 1 not in cookies
    assert len(cookies) == 2
    assert str(cookies) == "a=1; Path=/; b=2"
    assert repr(cookies) == (
        "ResponseCookies([ResponseCookie(name='a', value='1', path='/', expires=None, "
        "max_age=None, domain=None, secure=None, http_only=None, same_site=None, "
        "partitioned=None, priority=None), ResponseCookie(name='b', value='2', path=None, "
        "expires=None, max_age=None, domain=None, secure=None, http_only=None, "
        "same_site=None, partitioned=None, priority=None)])"
    )


# -- validation, as res.set_cookie does it (issue 9) -----------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "options", "message"),
    [
        ("a;b", "1", {}, "argument name is invalid: 'a;b'"),
        ("a b", "1", {}, "argument name is invalid: 'a b'"),
        ("", "1", {}, "argument name is invalid: ''"),
        ("a", "\ud800", {}, "argument val is invalid: '\\\\ud800'"),
        ("a", "1", {"path": "/;Domain=evil.com"}, "option path is invalid"),
        ("a", "1", {"path": "/\x01"}, "option path is invalid"),
        ("a", "1", {"domain": "evil.com;Secure"}, "option domain is invalid"),
        ("a", "1", {"domain": "a b"}, "option domain is invalid"),
        ("a", "1", {"max_age": "60; Domain=x"}, "option maxAge is invalid"),
        ("a", "1", {"same_site": "lax; Domain=x"}, "option sameSite is invalid"),
        ("a", "1", {"priority": "high; x"}, "option priority is invalid"),
    ],
)
def test_response_cookies_set_validates_like_res_set_cookie(
    name: str, value: str, options: dict[str, t.Any], message: str
) -> None:
    headers = Headers()
    with pytest.raises(TypeError, match=message):
        ResponseCookies(headers).set(name, value, **options)
    assert headers.get_set_cookie() == []


def test_response_cookies_valid_attributes_still_set() -> None:
    headers = Headers()
    ResponseCookies(headers).set(
        "theme", "dark mode", path="/api", domain=".example.com", same_site="Lax", priority="high"
    )
    assert headers.get_set_cookie() == [
        "theme=dark%20mode; Path=/api; Domain=.example.com; SameSite=Lax; Priority=high"
    ]


def test_request_cookies_set_validates_the_name_and_value() -> None:
    cookies = RequestCookies(Headers())
    with pytest.raises(TypeError, match="argument name is invalid"):
        cookies.set("a=b", "1")
    with pytest.raises(TypeError, match="argument val is invalid"):
        cookies.set("a", "\udfff")
