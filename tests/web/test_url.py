from __future__ import annotations

import pytest

from routekit.web.url import MalformedURLError, NextURL, URLSearchParams, validate_url


@pytest.mark.parametrize(
    ("url", "host", "href"),
    [
        ("http://127.0.0.1:3000/a", "localhost:3000", "http://localhost:3000/a"),
        ("http://127.1.2.3/a", "localhost", "http://localhost/a"),
        ("http://[::1]:3000/", "localhost:3000", "http://localhost:3000/"),
        ("http://LOCALHOST:3000", "localhost:3000", "http://localhost:3000/"),
        ("https://example.com:443/x", "example.com", "https://example.com/x"),
        ("http://example.com:80/x", "example.com", "http://example.com/x"),
        ("http://example.com:8080/x", "example.com:8080", "http://example.com:8080/x"),
    ],
)
def test_nexturl_normalises_localhost_hosts_and_default_ports(url, host, href):
    next_url = NextURL(url)
    assert next_url.host == host
    assert next_url.href == href


def test_nexturl_exposes_the_url_parts():
    url = NextURL("https://user:pw@Example.com:8443/a/b?x=1&y=2#frag")
    assert url.protocol == "https:"
    assert url.hostname == "example.com"
    assert url.port == "8443"
    assert url.origin == "https://example.com:8443"
    assert url.pathname == "/a/b"
    assert url.search == "?x=1&y=2"
    assert url.hash == "#frag"
    assert url.username == "user"
    assert url.password == "pw"
    assert url.base_path == ""
    assert str(url) == url.to_json() == url.href


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/./b/../c", "/a/c"),
        ("/a/b/..", "/a/"),
        ("/..", "/"),
        ("/a%2Fb", "/a%2Fb"),
        ("/sp ace", "/sp%20ace"),
        ("/é", "/%C3%A9"),
        ("/a/%2e%2E/b", "/b"),
    ],
)
def test_nexturl_pathname_is_encoded_and_dot_segments_resolved(path, expected):
    assert NextURL(f"http://localhost:3000{path}").pathname == expected


def test_nexturl_relative_without_base_is_malformed_with_nextjs_message():
    with pytest.raises(MalformedURLError) as info:
        NextURL("/api/x")
    assert str(info.value) == (
        'URL is malformed "/api/x". Please use only absolute URLs - '
        "https://nextjs.org/docs/messages/middleware-relative-urls"
    )
    assert NextURL("/api/x", "http://localhost:3000").href == "http://localhost:3000/api/x"


def test_nexturl_search_params_are_live():
    url = NextURL("http://localhost:3000/p?a=1")
    url.search_params.append("b", "x y")
    assert url.href == "http://localhost:3000/p?a=1&b=x+y"
    url.search_params.delete("a")
    url.search_params.delete("b")
    assert url.href == "http://localhost:3000/p"
    url.search = "?q=2"
    assert url.search_params.get("q") == "2"


def test_nexturl_setters_and_clone_are_independent():
    url = NextURL("http://localhost:3000/old?x=1")
    copy = url.clone()
    copy.pathname = "/new"
    copy.host = "example.com:81"
    copy.hash = "top"
    copy.search_params.set("x", "2")
    assert copy.href == "http://example.com:81/new?x=2#top"
    assert url.href == "http://localhost:3000/old?x=1"
    copy.port = ""
    copy.protocol = "https"
    assert copy.origin == "https://example.com"


def test_urlsearchparams_parse_and_read():
    params = URLSearchParams("?a=1&b=x+y&a=2&c&=v&d=%E2%98%83&&")
    assert params.get("a") == "1"
    assert params.get_all("a") == ["1", "2"]
    assert params.get("b") == "x y"
    assert params.get("c") == ""
    assert params.get("") == "v"
    assert params.get("d") == "☃"
    assert params.get("zz") is None
    assert params.has("a")
    assert params.has("a", "2")
    assert not params.has("a", "3")
    assert params.size == len(params) == 6


def test_urlsearchparams_mutation_and_serialisation():
    params = URLSearchParams({"b": "1", "a": ["x", "y"]})
    params.set("a", "z")
    params.append("t", "~ *-._!")
    assert params.to_string() == "b=1&a=z&t=%7E+*-._%21"
    params.delete("b", "2")
    assert params.has("b")
    params.sort()
    assert params.keys() == ["a", "b", "t"]
    assert list(params) == [("a", "z"), ("b", "1"), ("t", "~ *-._!")]


def test_validate_url_serialises_absolute_urls_only():
    assert validate_url("HTTPS://Example.COM") == "https://example.com/"
    with pytest.raises(MalformedURLError):
        validate_url("/relative")
    with pytest.raises(MalformedURLError):
        validate_url("http://host:99999/")
