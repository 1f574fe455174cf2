from __future__ import annotations

import pytest

from routekit.errors import MalformedURLError
from routekit.web._whatwg import validate_url
from routekit.web.search_params import URLSearchParams
from routekit.web.url import NextURL


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


@pytest.mark.parametrize(
    ("url", "href"),
    [
        # WHATWG skips missing or extra slashes after a special scheme.
        ("http:example.com/a", "http://example.com/a"),
        ("http:/example.com/a", "http://example.com/a"),
        ("http:///example.com/a", "http://example.com/a"),
        ("https:\\\\example.com\\a\\b", "https://example.com/a/b"),
        # Non-special schemes keep their host's case, backslashes and an opaque path.
        ("foo://Host/a\\b", "foo://Host/a\\b"),
        ("mailto:someone@x.com", "mailto:someone@x.com"),
        ("file:///tmp/x", "file:///tmp/x"),
        ("file:/tmp/x", "file:///tmp/x"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("http://h:0080/", "http://h/"),
        ("http://h:/", "http://h/"),
        ("http://user@h/", "http://user@h/"),
        ("http://:pw@h/", "http://:pw@h/"),
        ("http://h/a?", "http://h/a?"),
        ("http://h/a#", "http://h/a#"),
        ("http://h/?a=b'c", "http://h/?a=b%27c"),
        ("foo://h/?a=b'c", "foo://h/?a=b'c"),
        ("http://x.com/a/.", "http://x.com/a/"),
        ("foo://h/x/../y", "foo://h/y"),
        ("foo://h/a b/%7e", "foo://h/a%20b/%7e"),
        ("foo:/x/../y", "foo:/y"),
        ("foo:x/../y", "foo:x/../y"),
    ],
)
def test_validate_url_serialises_as_whatwg_url(url, href):
    # Expected values are Node's `new URL(url).href`.
    assert validate_url(url) == href


@pytest.mark.parametrize("url", ["http://", "http:///", "http://[::1", "https://h:port/", "x"])
def test_validate_url_rejects_unparseable_urls_with_nextjs_message(url):
    with pytest.raises(MalformedURLError) as info:
        validate_url(url)
    assert info.value.url == url
    assert str(info.value).startswith(f'URL is malformed "{url}". Please use only absolute URLs')


@pytest.mark.parametrize(
    ("url", "base", "href"),
    [
        ("../b?c#d", "http://x.com/a/b/c", "http://x.com/a/b?c#d"),
        ("//other.com/p", "https://x.com/a", "https://other.com/p"),
        ("?q=1", "http://x.com/a?z", "http://x.com/a?q=1"),
        ("#h", "http://x.com/a?z", "http://x.com/a?z#h"),
        ("/api", "http://127.0.0.1:3000/x", "http://localhost:3000/api"),
        ("/api", NextURL("http://x.com/y"), "http://x.com/api"),
        ("https://abs.com/p", "http://x.com/", "https://abs.com/p"),
    ],
)
def test_nexturl_resolves_relative_urls_against_base(url, base, href):
    assert NextURL(url, base).href == href


def test_nexturl_origin_is_null_for_non_special_and_file_schemes():
    assert NextURL("mailto:a@b.c").origin == "null"
    assert NextURL("file:///tmp/x").origin == "null"
    assert NextURL("http://[::1]:3000/").origin == "http://localhost:3000"


def test_nexturl_localhost_normalisation_applies_to_the_first_match_only():
    url = NextURL("http://127.0.0.1:3000/p?next=http://127.0.0.1/")
    assert url.href == "http://localhost:3000/p?next=http://127.0.0.1/"
    assert url.search_params.get("next") == "http://127.0.0.1/"


def test_nexturl_href_setter_reparses_and_resets_search_params():
    url = NextURL("http://h/a?x=1")
    params = url.search_params
    url.href = "https://127.0.0.1/b?z=2#f"
    assert url.href == "https://localhost/b?z=2#f"
    assert url.search_params is params
    assert list(params) == [("z", "2")]
    with pytest.raises(MalformedURLError):
        url.href = "/relative"


def test_nexturl_protocol_setter_drops_the_new_schemes_default_port():
    url = NextURL("http://h:443/a")
    url.protocol = "HTTPS:"
    assert url.protocol == "https:"
    assert url.port == ""
    assert url.href == "https://h/a"
    kept = NextURL("http://h:8080/a")
    kept.protocol = "https"
    assert kept.href == "https://h:8080/a"


def test_nexturl_hostname_setter_keeps_the_port_and_lowercases():
    url = NextURL("http://h:81/a")
    url.hostname = "Ex.COM"
    assert url.host == "ex.com:81"
    assert url.href == "http://ex.com:81/a"


def test_nexturl_port_setter_accepts_int_and_drops_the_default():
    url = NextURL("https://h/a")
    url.port = 8443
    assert url.host == "h:8443"
    url.port = "443"
    assert url.host == "h"


def test_nexturl_pathname_setter_encodes_query_and_hash_characters():
    url = NextURL("http://h/a?x=1")
    url.pathname = "/b/../c?d#e"
    assert url.pathname == "/c%3Fd%23e"
    assert url.href == "http://h/c%3Fd%23e?x=1"
    other = NextURL("foo://h/a")
    other.pathname = "/x/../y"
    assert other.pathname == "/y"


def test_nexturl_search_and_hash_setters_clear_with_empty_string():
    url = NextURL("http://h/a?x=1#top")
    url.search = ""
    url.hash = ""
    assert url.href == "http://h/a"
    assert url.search == url.hash == ""
    assert url.search_params.size == 0
    url.search = "a=b c"
    assert url.href == "http://h/a?a=b%20c"
    assert url.search_params.get("a") == "b c"


def test_nexturl_string_forms_equality_and_repr():
    url = NextURL("http://127.0.0.1/a")
    assert url.to_string() == url.to_json() == str(url) == "http://localhost/a"
    assert url.locale == ""
    assert url == NextURL("http://localhost/a")
    assert url != NextURL("http://localhost/b")
    assert url != "http://localhost/a"
    assert repr(url) == "NextURL('http://localhost/a')"
    with pytest.raises(TypeError):
        hash(url)


def test_nexturl_clone_has_its_own_live_search_params():
    url = NextURL("http://h/a?x=1")
    copy = url.clone()
    copy.search_params.append("y", "2")
    assert copy.href == "http://h/a?x=1&y=2"
    assert url.href == "http://h/a?x=1"
    assert copy == NextURL("http://h/a?x=1&y=2")


def test_urlsearchparams_empty_and_copy_constructors():
    empty = URLSearchParams()
    assert empty.size == 0
    assert str(empty) == ""
    source = URLSearchParams([("a", "1"), ("b", 2)])  # type: ignore[list-item]
    copy = URLSearchParams(source)
    copy.append("c", "3")
    assert source.items() == [("a", "1"), ("b", "2")]
    assert copy.items() == [("a", "1"), ("b", "2"), ("c", "3")]


def test_urlsearchparams_set_appends_a_new_name_and_collapses_repeats():
    # Node: set("a","1"); set("b","2"); set("a","3") gives "a=3&b=2".
    params = URLSearchParams("a=0&b=x&a=9")
    params.set("c", "1")
    params.set("a", "3")
    assert params.to_string() == "a=3&b=x&c=1"
    assert params.values() == ["3", "x", "1"]


def test_urlsearchparams_python_protocols():
    params = URLSearchParams("a=1&b=%zz")
    assert "a" in params
    assert "z" not in params
    assert 1 not in params
    assert params.get("b") == "%zz"
    assert params == URLSearchParams([("a", "1"), ("b", "%zz")])
    assert params != URLSearchParams("a=1")
    assert params != "a=1&b=%25zz"
    assert str(params) == "a=1&b=%25zz"
    assert repr(params) == "URLSearchParams([('a', '1'), ('b', '%zz')])"
    with pytest.raises(TypeError):
        hash(params)
