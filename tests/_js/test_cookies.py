from __future__ import annotations

from datetime import datetime, timezone

import pytest

from routekit._js.cookies import parse_cookie_header, serialize_cookie


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", {}),
        ("foo=bar", {"foo": "bar"}),
        ("foo=bar; baz=qux", {"foo": "bar", "baz": "qux"}),
        ("foo=bar;baz=qux", {"foo": "bar", "baz": "qux"}),
        ("  foo  =  bar  ;  baz=qux ", {"foo": "bar", "baz": "qux"}),
        ("foo=1; foo=2", {"foo": "1"}),
        ("novalue; foo=bar", {"foo": "bar"}),
        ("foo", {}),
        ('foo="bar"', {"foo": "bar"}),
        ('foo="bar', {"foo": "ba"}),
        ("foo=a%20b", {"foo": "a b"}),
        ("foo=%E2%82%AC", {"foo": "€"}),
        ("foo=%zz", {"foo": "%zz"}),
        ("foo=%FF", {"foo": "%FF"}),
        ("foo=a+b", {"foo": "a+b"}),
        ("foo=a=b=c", {"foo": "a=b=c"}),
        ("=bar", {"": "bar"}),
        ("foo=", {"foo": ""}),
        ("foo=\ufeffbar\ufeff", {"foo": "bar"}),
    ],
)
def test_parse_cookie_header_cookie_package_rules(header: str, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header) == expected


_EXPIRES = datetime(2000, 12, 24, 10, 30, 59, 900000, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("name", "value", "options", "expected"),
    [
        ("foo", "bar", {}, "foo=bar"),
        ("foo", "bar +baz", {}, "foo=bar%20%2Bbaz"),
        ("foo", "", {}, "foo="),
        ("foo", None, {}, "foo="),
        ("foo", "ä;,\"'()*!~", {}, "foo=%C3%A4%3B%2C%22'()*!~"),
        ("foo", "bar", {"max_age": 1000}, "foo=bar; Max-Age=1000"),
        ("foo", "bar", {"maxAge": 0}, "foo=bar; Max-Age=0"),
        ("foo", "bar", {"max_age": -1}, "foo=bar; Max-Age=-1"),
        ("foo", "bar", {"max_age": 3.0}, "foo=bar; Max-Age=3"),
        ("foo", "bar", {"domain": "example.com"}, "foo=bar; Domain=example.com"),
        ("foo", "bar", {"domain": ".example.com"}, "foo=bar; Domain=.example.com"),
        ("foo", "bar", {"path": "/"}, "foo=bar; Path=/"),
        ("foo", "bar", {"path": ""}, "foo=bar"),
        ("foo", "bar", {"expires": _EXPIRES}, "foo=bar; Expires=Sun, 24 Dec 2000 10:30:59 GMT"),
        ("foo", "bar", {"expires": 0}, "foo=bar; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
        ("foo", "bar", {"http_only": True}, "foo=bar; HttpOnly"),
        ("foo", "bar", {"httpOnly": False}, "foo=bar"),
        ("foo", "bar", {"secure": True}, "foo=bar; Secure"),
        ("foo", "bar", {"partitioned": True}, "foo=bar; Partitioned"),
        ("foo", "bar", {"priority": "low"}, "foo=bar; Priority=Low"),
        ("foo", "bar", {"priority": "Medium"}, "foo=bar; Priority=Medium"),
        ("foo", "bar", {"priority": "HIGH"}, "foo=bar; Priority=High"),
        ("foo", "bar", {"same_site": True}, "foo=bar; SameSite=Strict"),
        ("foo", "bar", {"sameSite": "strict"}, "foo=bar; SameSite=Strict"),
        ("foo", "bar", {"sameSite": "Lax"}, "foo=bar; SameSite=Lax"),
        ("foo", "bar", {"same_site": "none"}, "foo=bar; SameSite=None"),
        ("foo", "bar", {"same_site": False}, "foo=bar"),
    ],
)
def test_serialize_cookie_matches_cookie_package(
    name: str, value: str | None, options: dict[str, object], expected: str
) -> None:
    assert serialize_cookie(name, value, **options) == expected


def test_serialize_cookie_uses_a_custom_encode() -> None:
    assert serialize_cookie("foo", "a b", encode=lambda v: v.replace(" ", "-")) == "foo=a-b"


def test_serialize_cookie_attribute_order_is_the_packages() -> None:
    header = serialize_cookie(
        "sid",
        "v",
        sameSite="lax",
        priority="high",
        partitioned=True,
        secure=True,
        httpOnly=True,
        expires=_EXPIRES,
        path="/app",
        domain="example.com",
        maxAge=60,
    )
    assert header == (
        "sid=v; Max-Age=60; Domain=example.com; Path=/app; "
        "Expires=Sun, 24 Dec 2000 10:30:59 GMT; HttpOnly; Secure; Partitioned; "
        "Priority=High; SameSite=Lax"
    )


@pytest.mark.parametrize(
    ("name", "value", "options", "message"),
    [
        ("foo bar", "v", {}, r"argument name is invalid: 'foo bar'"),
        ("foo=", "v", {}, r"argument name is invalid: 'foo='"),
        ("", "v", {}, r"argument name is invalid: ''"),
        ("foo\n", "v", {}, r"argument name is invalid"),
        ("foo", "bar", {"encode": lambda v: v + ";"}, r"argument val is invalid: 'bar'"),
        ("foo", "b", {"max_age": 1.5}, r"option maxAge is invalid: 1\.5"),
        ("foo", "b", {"max_age": "60"}, r"option maxAge is invalid: '60'"),
        ("foo", "b", {"max_age": True}, r"option maxAge is invalid: True"),
        ("foo", "b", {"domain": "exa mple.com"}, r"option domain is invalid: 'exa mple\.com'"),
        ("foo", "b", {"path": "/a;b"}, r"option path is invalid: '/a;b'"),
        ("foo", "b", {"expires": "tomorrow"}, r"option expires is invalid: 'tomorrow'"),
        ("foo", "b", {"priority": "urgent"}, r"option priority is invalid: 'urgent'"),
        ("foo", "b", {"same_site": "loose"}, r"option sameSite is invalid: 'loose'"),
        ("foo", "b", {"encode": "upper"}, r"option encode is invalid: 'upper'"),
    ],
)
def test_serialize_cookie_rejects_invalid_input(
    name: str, value: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        serialize_cookie(name, value, **options)


def test_serialize_cookie_unknown_option_suggests_the_near_miss() -> None:
    with pytest.raises(TypeError, match=r"unknown option 'max_aeg'; did you mean 'max_age'\?"):
        serialize_cookie("foo", "bar", max_aeg=1)


def test_serialize_cookie_refuses_both_spellings_of_one_option() -> None:
    with pytest.raises(TypeError, match=r"option 'max_age' twice"):
        serialize_cookie("foo", "bar", max_age=1, maxAge=2)


@pytest.mark.parametrize("value", ["\ud800", "a\udfffb"])
def test_serialize_cookie_lone_surrogate_is_the_documented_type_error(value: str) -> None:
    with pytest.raises(TypeError, match=r"argument val is invalid: .*without lone surrogates"):
        serialize_cookie("a", value)
