"""The shared grammars (routekit/_syntax.py): hosts, tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routekit._syntax import is_token, parse_host
from routekit.web.url import NextURL


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("localhost", ("localhost", "")),
        ("localhost:3000", ("localhost", "3000")),
        ("localhost:", ("localhost", "")),
        ("127.0.0.1:1", ("127.0.0.1", "1")),
        ("[::1]", ("[::1]", "")),
        ("[2001:db8::1]:65535", ("[2001:db8::1]", "65535")),
        ("a-b.c_d~e!$&'()*+,;=", ("a-b.c_d~e!$&'()*+,;=", "")),
    ],
)
def test_parse_host_valid(value: str, parts: tuple[str, str]) -> None:
    assert parse_host(value) == parts


@pytest.mark.parametrize(
    "value",
    [
        "",
        ":80",
        "x:0",
        "x:65536",
        "x:123456",
        "x:-1",
        "x:a",
        "x:80:80",
        "x y",
        "x/y",
        "x?",
        "x#",
        "x@y",
        "x%41",
        "[::1",
        "[]",
        "[zz]",
        "[::1]x",
        "[fe80::1%25eth0]",
        "[v1.x]",
        "::1",
        "é.example",
    ],
)
def test_parse_host_invalid(value: str) -> None:
    assert parse_host(value) is None


def test_is_token() -> None:
    assert is_token("X-Custom_1")
    assert not is_token("x a")
    assert not is_token("x\n")
    assert not is_token(3)


_HOSTISH = st.text(alphabet="ab1.-_~!$&'()*+,;=:[]/?#@%\\ ", max_size=20)


@given(st.one_of(_HOSTISH, st.text(max_size=20)))
def test_a_valid_host_never_moves_the_url(value: str) -> None:
    parts = parse_host(value)
    if parts is None:
        return
    url = NextURL(f"http://{value}/api/admin/x?q=1")
    assert url.pathname == "/api/admin/x"
    assert url.search == "?q=1"
    assert url.hostname in (parts[0].lower(), "localhost")
