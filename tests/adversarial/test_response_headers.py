"""A value a handler copies into a header or a cookie cannot inject a line or an attribute.

Web ``Headers`` now refuse control characters as pages ``res.set_header`` does, and
``response.cookies.set()`` checks names, paths and domains as ``res.set_cookie`` does: the
handler's mistake is a 500, never a header the client would parse differently.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

CTL_VALUES = ["a\x01b", "a\x1fb", "a\x7fb", "a\x00b", "a\rb", "a\nSet-Cookie: x=1"]


@pytest.mark.parametrize("value", CTL_VALUES)
def test_control_characters_never_reach_a_response_header(door, inproc, value: str) -> None:
    target = f"/api/header?v={quote(value)}"
    reply = door.request("GET", target)
    assert reply.status == 500, reply
    assert b"x-echo" not in reply.raw.lower()
    res = inproc.get(target)
    assert res.status_code == 500
    assert "x-echo" not in res.headers


#: (query, the injected text that must not reach Set-Cookie).
COOKIE_INJECTIONS = [
    ("name=" + quote("a;Domain=evil.com"), "evil.com"),
    ("name=" + quote("a b"), "a b="),
    ("name=" + quote("a=b"), "a=b="),
    ("path=" + quote("/;Domain=evil.com"), "evil.com"),
    ("path=" + quote("/\x01"), "\x01"),
    ("domain=" + quote("evil.com;Secure"), "evil.com"),
    ("domain=" + quote("a b"), "a b"),
]


@pytest.mark.parametrize(("query", "injected"), COOKIE_INJECTIONS)
def test_cookie_attributes_cannot_be_injected(door, inproc, query: str, injected: str) -> None:
    reply = door.request("GET", f"/api/cookie?{query}")
    assert reply.status == 500, reply
    assert all(
        injected not in value for name, value in reply.headers if name.lower() == "set-cookie"
    )
    res = inproc.get(f"/api/cookie?{query}")
    assert res.status_code == 500
    assert "set-cookie" not in res.headers


def test_a_valid_cookie_is_still_set(door) -> None:
    reply = door.request("GET", "/api/cookie?name=theme&path=/api&domain=example.com")
    assert reply.status == 200
    assert reply.header("set-cookie") == "theme=1; Path=/api; Domain=example.com"
