"""The request target as Next.js reads it: WHATWG paths and re-serialised queries.

The tables were recorded from ``next start`` 16.4.6 (``req.url`` of a pages route) and
checked against Node 20's ``new URL()`` and ``URLSearchParams``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routekit._js.query import parse_search_params, search_param_pairs
from routekit._js.url import (
    _pairs,
    group_query,
    normalise_query,
    redirect_query,
    resolve_path,
)
from routekit.web.url import NextURL


@pytest.mark.parametrize(
    ("path", "resolved"),
    [
        ("/api/echo/a/../b", "/api/echo/b"),
        ("/api/echo/./a", "/api/echo/a"),
        ("/api/echo/%2e%2e/b", "/api/b"),
        ("/api/echo/a/%2E/b", "/api/echo/a/b"),
        ("/api/echo/a/.%2e/b", "/api/echo/b"),
        ("/api/echo/a/%2e./b", "/api/echo/b"),
        ("/api/../api/hello", "/api/hello"),
        ("/api/hello/..", "/api/"),
        ("/api/hello/.", "/api/hello/"),
        ("/../../x", "/x"),
        ("/..", "/"),
        ("/", "/"),
        # escapes stay as sent; what the path set does not allow is encoded
        ("/api/m%77/x", "/api/m%77/x"),
        ("/api/echo/caf%C3%A9/%7e/%2F", "/api/echo/caf%C3%A9/%7e/%2F"),
        ("/api/a%2e%2e%2fb", "/api/a%2e%2e%2fb"),
        ('/a"b{c}<d>`e', "/a%22b%7Bc%7D%3Cd%3E%60e"),
        ("/caf\u00e9", "/caf%C3%A9"),
        ("/a|b^c[d]e", "/a|b^c[d]e"),
    ],
)
def test_resolve_path_whatwg_table(path: str, resolved: str) -> None:
    assert resolve_path(path) == resolved


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("", ""),
        ("q=a%20b&t", "q=a+b&t="),
        ("x=1&y=1+2", "x=1&y=1+2"),
        ("a=1&b=2&a=3", "a=1&a=3&b=2"),
        ("a=1&b=2&a=3&&c", "a=1&a=3&b=2&c="),
        ("r=%7e&s=~&v=%2B&w=caf%C3%A9&x=%zz", "r=%7E&s=%7E&v=%2B&w=caf%C3%A9&x=%25zz"),
        ("a=%F0%9F%98%80&b=%FF&c=*-._!'()", "a=%F0%9F%98%80&b=%EF%BF%BD&c=*-._%21%27%28%29"),
        # Next.js' internal keys go; the bare prefixes are ordinary keys
        ("nxtPfoo=1&nxtP=2&a=%2", "nxtP=2&a=%252"),
        ("nxtIid=1&nxtI=2", "nxtI=2"),
    ],
)
def test_normalise_query_as_next_start_writes_req_url(query: str, normalised: str) -> None:
    assert normalise_query(query) == normalised


def test_normalise_query_drops_the_given_keys() -> None:
    # a dynamic pages route's param keys leave req.url (normalizeCdnUrl)
    assert normalise_query("slug=x&a=1&slug=y", ["slug"]) == "a=1"


@pytest.mark.parametrize(
    ("query", "location_query"),
    [
        ("", ""),
        ("q=a%20b&t&a=1&b=2&a=3&c=%7E~", "q=a%20b&t=&a=1&a=3&b=2&c=~~"),
        ("q=a+b", "q=a%20b"),
        ("nxtPx=1", "nxtPx=1"),
    ],
)
def test_redirect_query_as_stringify_query(query: str, location_query: str) -> None:
    assert redirect_query(query) == location_query


def test_group_query_keeps_first_seen_order() -> None:
    assert group_query("b=1&a=2&b=3") == {"b": ["1", "3"], "a": ["2"]}


_PATH_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "/",
        ".",
        "..",
        "%2e",
        "%2E",
        ".%2e",
        "%2e.",
        "%2f",
        "%41",
        "\u00e9",
        '"',
        "{",
        "~",
        "%",
    ]
)
_QUERY_PIECES = st.sampled_from(
    ["a", "b", "=", "&", "+", "%20", "%2B", "%zz", "%FF", "%C3", "%A9", "%", "~", "*", "nxtPk", "?"]
)


@given(st.lists(_PATH_PIECES, max_size=12).map(lambda pieces: "/" + "".join(pieces)))
def test_resolve_path_is_idempotent_and_what_next_url_reads(path: str) -> None:
    resolved = resolve_path(path)
    assert resolve_path(resolved) == resolved
    # The middleware's request.next_url and the router read the same path.
    assert NextURL(f"http://localhost:3000{resolved}").pathname == resolved


@given(st.lists(_QUERY_PIECES, max_size=12).map("".join))
def test_normalise_query_keeps_what_the_query_means(query: str) -> None:
    normalised = normalise_query(query)
    assert normalise_query(normalised) == normalised
    grouped = group_query(query)
    assert parse_search_params(normalised) == {
        key: values[0] if len(values) == 1 else values for key, values in grouped.items()
    }


@given(st.lists(_QUERY_PIECES, max_size=16).map("".join))
def test_query_pairs_are_search_param_pairs(query: str) -> None:
    # url.py's own pair reader (cheaper for pieces without escapes) reads as parse_qsl does.
    assert _pairs(query) == search_param_pairs(query)
