"""The request target as Next.js reads it before routing (``routekit._target``)."""

from __future__ import annotations

import pytest

from routekit._target import (
    normalise_target,
    repeated_slash_destination,
    trailing_slash_destination,
)
from routekit._wire import RawRequest


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/api/hello", "", ("/api/hello", "")),
        ("/api/file.json", "a=1", ("/api/file.json", "a=1")),
        ("/api/admin/../echo", "q=a%20b", ("/api/echo", "q=a+b")),
        ("/api/admin/%2E%2e/echo", "", ("/api/echo", "")),
        ("/api/x/%2e/y", "t", ("/api/x/y", "t=")),
        ("/api/a{b}", "", ("/api/a%7Bb%7D", "")),
        ("/api/m%77/x", "b=1&a=2&b=3", ("/api/m%77/x", "b=1&b=3&a=2")),
    ],
)
def test_normalise_target(path: str, query: str, expected: tuple[str, str]) -> None:
    raw = RawRequest("GET", path, query)
    normalise_target(raw)
    assert (raw.path, raw.query_string) == expected


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/api/hello", "", None),
        ("//api/hello", "", "/api/hello"),
        ("/api//hello", "x=%20", "/api/hello?x=%20"),
        ("/api/hello///", "", "/api/hello/"),
        ("/api\\hello", "a=1?b", "/api/hello?a=1?b"),
        ("/a/..//b", "", "/a/../b"),
    ],
)
def test_repeated_slash_destination_reads_the_target_as_sent(
    path: str, query: str, location: str | None
) -> None:
    assert repeated_slash_destination(RawRequest("GET", path, query)) == location


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/", "", None),
        ("/api/hello", "", None),
        ("/api/hello/", "", "/api/hello"),
        ("/api/hello/", "q=a+b&t", "/api/hello?q=a%20b&t="),
    ],
)
def test_trailing_slash_destination(path: str, query: str, location: str | None) -> None:
    assert trailing_slash_destination(RawRequest("GET", path, query)) == location
