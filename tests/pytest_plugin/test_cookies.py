"""Set-Cookie parsing and the client's cookie jar rules."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

from routekit_pytest._jar import CookieJar
from routekit_pytest.cookies import ResponseCookie, parse_set_cookie


def test_parse_set_cookie_reads_every_attribute() -> None:
    cookie = parse_set_cookie(
        'sid="a%20b"; Path=/api; Domain=.Example.com; Expires=Wed, 21 Oct 2037 07:28:00 GMT; '
        "Max-Age=60; Secure; HttpOnly; SameSite=Strict; Partitioned"
    )
    assert cookie == ResponseCookie(
        name="sid",
        value="a b",
        raw_value='"a%20b"',
        path="/api",
        domain="example.com",
        expires=datetime(2037, 10, 21, 7, 28, tzinfo=timezone.utc),
        max_age=60,
        secure=True,
        http_only=True,
        same_site="Strict",
        partitioned=True,
    )


@pytest.mark.parametrize("header", ["novalue", "=x", ""])
def test_parse_set_cookie_without_a_pair(header: str) -> None:
    assert parse_set_cookie(header) is None


def test_parse_set_cookie_keeps_a_bad_escape_raw() -> None:
    cookie = parse_set_cookie("a=%E0%A4%A")
    assert cookie is not None
    assert cookie.value == "%E0%A4%A"


def _store(jar: CookieJar, header: str, host: str = "localhost:3000", path: str = "/") -> None:
    cookie = parse_set_cookie(header)
    assert cookie is not None
    jar.store(cookie, host, path)


@pytest.mark.parametrize(
    ("header", "request_path", "sent"),
    [
        ("a=1; Path=/api", "/api/x", "a=1"),
        ("a=1; Path=/api", "/apix", None),
        ("a=1; Path=/api", "/", None),
        ("a=1", "/api/users/1", "a=1"),  # default path of /api/login is /api
    ],
)
def test_jar_path_rules(header: str, request_path: str, sent: str | None) -> None:
    jar = CookieJar()
    _store(jar, header, path="/api/login")
    assert jar.header_for("http", "localhost:3000", request_path) == sent


def test_jar_default_path_excludes_other_folders() -> None:
    jar = CookieJar()
    _store(jar, "a=1", path="/api/login")
    assert jar.header_for("http", "localhost:3000", "/other") is None


@pytest.mark.parametrize(
    ("header", "host", "sent"),
    [
        ("a=1", "localhost:3000", "a=1"),
        ("a=1", "api.localhost:3000", None),  # host-only
        ("a=1; Domain=example.com", "api.example.com", "a=1"),
    ],
)
def test_jar_domain_rules(header: str, host: str, sent: str | None) -> None:
    jar = CookieJar()
    origin = "example.com" if "Domain" in header else "localhost:3000"
    _store(jar, header, host=origin)
    assert jar.header_for("http", host, "/") == sent


def test_jar_rejects_a_foreign_domain() -> None:
    jar = CookieJar()
    _store(jar, "a=1; Domain=evil.com", host="localhost:3000")
    assert len(jar) == 0


@pytest.mark.parametrize(
    ("scheme", "host", "sent"),
    [("http", "localhost:3000", "s=1"), ("https", "x.com", "s=1"), ("http", "x.com", None)],
)
def test_jar_secure_cookies_go_to_localhost_and_https(
    scheme: str, host: str, sent: str | None
) -> None:
    jar = CookieJar()
    _store(jar, "s=1; Secure", host=host)
    assert jar.header_for(scheme, host, "/") == sent


def test_jar_expiry_uses_the_current_clock() -> None:
    jar = CookieJar()
    with freeze_time("2030-01-01") as frozen:
        _store(jar, "a=1; Expires=Tue, 01 Jan 2030 00:01:00 GMT")
        _store(jar, "b=2; Max-Age=30; Expires=Tue, 01 Jan 2030 00:01:00 GMT")  # Max-Age wins
        assert jar.header_for("http", "localhost:3000", "/") == "a=1; b=2"
        frozen.tick(31)
        assert jar.header_for("http", "localhost:3000", "/") == "a=1"
        frozen.tick(30)
        assert jar.header_for("http", "localhost:3000", "/") is None


def test_jar_deleting_cookie_removes_it() -> None:
    jar = CookieJar()
    _store(jar, "a=1")
    _store(jar, "a=; Max-Age=0")
    assert jar.get("a") is None


def test_jar_longer_paths_first() -> None:
    jar = CookieJar()
    _store(jar, "a=1; Path=/")
    _store(jar, "b=2; Path=/api")
    assert jar.header_for("http", "localhost:3000", "/api/x") == "b=2; a=1"
