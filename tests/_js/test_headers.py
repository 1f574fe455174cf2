from __future__ import annotations

import pytest

from routekit._js.headers import DISCARD_DUPLICATES, IncomingHeaders


@pytest.mark.parametrize(
    ("lines", "name", "expected"),
    [
        ([("Content-Type", "text/plain")], "content-type", "text/plain"),
        ([("X-A", "1"), ("x-a", "2")], "x-a", "1, 2"),
        ([("Accept", "a"), ("Accept", "b")], "accept", "a, b"),
        ([("Cookie", "a=1"), ("Cookie", "b=2")], "cookie", "a=1; b=2"),
        ([("Set-Cookie", "a=1")], "set-cookie", ["a=1"]),
        ([("Set-Cookie", "a=1"), ("set-cookie", "b=2")], "set-cookie", ["a=1", "b=2"]),
        ([("Content-Type", "a/b"), ("Content-Type", "c/d")], "content-type", "a/b"),
        ([("Host", "one"), ("Host", "two")], "host", "one"),
        ([("Authorization", "A"), ("Authorization", "B")], "authorization", "A"),
        ([("User-Agent", "u1"), ("User-Agent", "u2")], "user-agent", "u1"),
    ],
)
def test_incoming_headers_fold_like_node(
    lines: list[tuple[str, str]], name: str, expected: object
) -> None:
    assert IncomingHeaders(lines)[name] == expected


@pytest.mark.parametrize("name", sorted(DISCARD_DUPLICATES))
def test_incoming_headers_keep_first_of_every_singleton(name: str) -> None:
    assert IncomingHeaders([(name, "first"), (name, "second")])[name] == "first"


def test_incoming_headers_lookup_is_case_insensitive() -> None:
    headers = IncomingHeaders([("X-Request-Id", "abc")])
    assert headers["X-REQUEST-ID"] == "abc"
    assert "x-request-id" in headers
    assert "X-Request-Id" in headers
    assert headers.get("missing") is None
    assert list(headers) == ["x-request-id"]


def test_incoming_headers_get_all_keeps_repeated_lines() -> None:
    headers = IncomingHeaders([("Host", "one"), ("X-A", "1"), ("host", "two"), ("X-A", "2, 3")])
    assert headers.get_all("HOST") == ["one", "two"]
    assert headers.get_all("x-a") == ["1", "2, 3"]
    assert headers.get_all("nothing") == []


def test_incoming_headers_first_matches_node_first_line() -> None:
    headers = IncomingHeaders([("Accept", "a"), ("accept", "b")])
    assert headers.first("ACCEPT") == "a"
    assert headers.first("missing") is None
    headers["accept"] = "c"
    assert headers.first("accept") == "c"


def test_incoming_headers_can_be_modified_like_node() -> None:
    headers = IncomingHeaders([("X-A", "1")])
    headers["X-B"] = "2"
    headers["set-cookie"] = ["a=1", "b=2"]
    del headers["x-a"]
    assert dict(headers) == {"x-b": "2", "set-cookie": ["a=1", "b=2"]}
    assert headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert headers.get_all("x-a") == []
    assert len(headers) == 2


def test_incoming_headers_compare_and_repr_as_dicts() -> None:
    headers = IncomingHeaders([("A", "1")])
    assert headers == {"a": "1"}
    assert repr(headers) == "IncomingHeaders({'a': '1'})"
