"""The client's cookie jar: browser rules for Domain, Path, expiry and Secure."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from routekit_pytest._jar import CookieJar
from routekit_pytest.cookies import parse_set_cookie


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


@pytest.mark.parametrize(
    ("origin", "host", "sent"),
    [
        ("[::1]:3000", "[::1]:4000", "a=1"),  # the port is not part of a cookie's host
        ("[::1]:3000", "localhost:3000", None),
        ("LocalHost:3000", "localhost", "a=1"),  # host names compare case-insensitively
        ("::1", "::1", "a=1"),  # a bare IPv6 address has no port to strip
    ],
)
def test_jar_host_only_matching_ignores_port_and_case(
    origin: str, host: str, sent: str | None
) -> None:
    jar = CookieJar()
    _store(jar, "a=1", host=origin)
    assert jar.header_for("http", host, "/") == sent


@pytest.mark.parametrize(
    ("host", "sent"),
    [("example.com", "a=1"), ("a.b.example.com", "a=1"), ("badexample.com", None), ("x.org", None)],
)
def test_jar_domain_cookie_goes_to_the_domain_and_subdomains(host: str, sent: str | None) -> None:
    jar = CookieJar()
    _store(jar, "a=1; Domain=.example.com", host="www.example.com")
    assert jar.header_for("https", host, "/") == sent


def test_jar_same_name_on_two_paths_are_two_cookies() -> None:
    jar = CookieJar()
    _store(jar, "a=root; Path=/")
    _store(jar, "a=api; Path=/api")
    assert len(jar) == 2
    assert jar.header_for("http", "localhost:3000", "/api/x") == "a=api; a=root"
    assert jar.header_for("http", "localhost:3000", "/") == "a=root"


def test_jar_set_get_delete_clear() -> None:
    jar = CookieJar()
    jar.set("a", "1", domain="localhost:3000")
    jar.set("a", "2", domain="localhost:3000", path="/api")
    jar.set("b", "3", domain="localhost:3000")
    assert jar.header_for("http", "localhost:9999", "/api/x") == "a=2; a=1; b=3"
    assert jar.get("b") == "3"
    assert jar.get("nope") is None
    jar.delete("a")  # every cookie called a, whatever its path
    assert jar.as_dict() == {"b": "3"}
    jar.clear()
    assert len(jar) == 0
    assert jar.header_for("http", "localhost:3000", "/") is None


def test_jar_expired_cookies_are_invisible_everywhere() -> None:
    jar = CookieJar()
    with freeze_time("2030-01-01") as frozen:
        _store(jar, "old=1; Max-Age=10")
        _store(jar, "new=2; Max-Age=100")
        frozen.tick(10)  # Max-Age=10 has just run out
        assert len(jar) == 1
        assert jar.get("old") is None
        assert jar.get("new") == "2"
        assert jar.as_dict() == {"new": "2"}


def test_jar_expires_in_the_past_deletes_a_stored_cookie() -> None:
    jar = CookieJar()
    _store(jar, "a=1; Path=/api")
    _store(jar, "a=; Path=/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert len(jar) == 0


@pytest.mark.parametrize("path_attr", ["", "; Path=", "; Path=relative"])
def test_jar_missing_or_relative_path_uses_the_default_path(path_attr: str) -> None:
    jar = CookieJar()
    _store(jar, "a=1" + path_attr, path="/api/login")
    assert jar.header_for("http", "localhost:3000", "/api/x") == "a=1"
    assert jar.header_for("http", "localhost:3000", "/") is None


@pytest.mark.parametrize("request_path", ["", "/", "/login", "relative"])
def test_jar_default_path_of_a_top_level_request_is_root(request_path: str) -> None:
    jar = CookieJar()
    _store(jar, "a=1", path=request_path)
    assert jar.header_for("http", "localhost:3000", "/anything/else") == "a=1"


def test_jar_cookie_path_with_a_trailing_slash_matches_below_it() -> None:
    jar = CookieJar()
    _store(jar, "a=1; Path=/api/")
    assert jar.header_for("http", "localhost:3000", "/api/x") == "a=1"
    assert jar.header_for("http", "localhost:3000", "/api") is None


@pytest.mark.parametrize("host", ["127.0.0.1:3000", "[::1]:3000", "app.localhost:3000"])
def test_jar_secure_cookies_go_to_every_loopback_host_over_http(host: str) -> None:
    jar = CookieJar()
    _store(jar, "s=1; Secure", host=host)
    assert jar.header_for("http", host, "/") == "s=1"
