"""A forged ``Host`` never rewrites the URL a middleware or a route sees; a bad one is a 400.

The site's middleware guards ``/api/admin*`` the way Next.js users write it
(``request.next_url.pathname.startswith("/api/admin")``). Before the fix a ``Host`` of
``x?`` or ``evil.com/a`` moved the real path into the query or under another prefix: the
guard was skipped and the admin route answered 200 without a token.
"""

from __future__ import annotations

import pytest

#: Hosts that are not RFC 3986 hosts (or whose port is out of range): each must be a 400.
FORGED_HOSTS = [
    "x?",
    "x#",
    "x/y",
    "evil.com/a",
    "evil.com?",
    "evil.com#frag",
    "x:99999",
    "x:0",
    "x:65536",
    "x:-1",
    "x:abc",
    "x:80:80",
    "x y",
    "x\\y",
    "user@x",
    "x@evil.com",
    "[::1",
    "[zz]",
    "[::1]x",
    "::1",
    "x%2fy",
    "x%",
    'x"y',
    "x<y>",
    "x{y}",
    "x|y",
    "x^y",
    "x`y",
]
#: Hosts a real client sends: served as usual.
VALID_HOSTS = [
    ("localhost", "localhost"),
    ("localhost:3000", "localhost:3000"),
    ("127.0.0.1:8080", "localhost:8080"),
    ("[::1]:3000", "localhost:3000"),
    ("[2001:db8::1]", "[2001:db8::1]"),
    ("example.com", "example.com"),
    ("EXAMPLE.com:443", "example.com:443"),
    ("a-b.c_d.example", "a-b.c_d.example"),
    ("xn--bcher-kva.example:1", "xn--bcher-kva.example:1"),
]
ADMIN = ["/api/admin/secret", "/api/admin/vault"]


@pytest.mark.parametrize("target", ADMIN)
@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_forged_host_is_400_not_a_guard_bypass(door, host: str, target: str) -> None:
    reply = door.request("GET", target, host=host)
    assert reply.status == 400, reply


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_forged_host_is_400_in_process(inproc, host: str) -> None:
    for target in ADMIN:
        res = inproc.get(target, headers={"Host": host})
        assert res.status_code == 400, (host, target, res.text)
        assert "<h1>400</h1>" in res.text  # Next.js' 400 page


def test_forged_host_gets_the_nextjs_400_page(door) -> None:
    reply = door.request("GET", "/api/admin/secret", host="evil.com/a")
    assert reply.status == 400
    assert reply.header("content-type") == "text/html; charset=utf-8"
    assert b"<h1>400</h1>" in reply.body


@pytest.mark.parametrize(("host", "seen"), VALID_HOSTS)
def test_valid_host_reaches_the_route_with_the_real_path(door, host: str, seen: str) -> None:
    reply = door.request("GET", "/api/url?q=1", host=host)
    assert reply.status == 200, reply
    assert reply.json() == {"pathname": "/api/url", "search": "?q=1", "host": seen, "params": 1}


@pytest.mark.parametrize(("host", "seen"), VALID_HOSTS)
def test_valid_host_in_process(inproc, host: str, seen: str) -> None:
    res = inproc.get("/api/url?q=1", headers={"Host": host})
    assert res.json_data() == {"pathname": "/api/url", "search": "?q=1", "host": seen, "params": 1}


def test_guard_still_answers_without_a_forged_host(door) -> None:
    assert door.request("GET", "/api/admin/secret").status == 401
    ok = door.request("GET", "/api/admin/secret", [("Authorization", "Bearer s3cret")])
    assert (ok.status, ok.json()) == (200, {"secret": "pages"})


def test_absolute_form_target_with_a_forged_authority_is_400(door) -> None:
    # RFC 9112: the authority of an absolute-form target replaces Host (werkzeug does so).
    reply = door.send(
        b"GET http://evil.com%2f/api/admin/secret HTTP/1.1\r\nHost: localhost\r\n"
        b"Connection: close\r\n\r\n"
    )
    assert reply.status in (400, 401), reply
