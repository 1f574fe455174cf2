"""Deeply nested JSON is invalid JSON everywhere, never a RecursionError (a 500)."""

from __future__ import annotations

import pytest

DEPTHS = [1_000, 10_000, 100_000]


def _deep(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize("depth", DEPTHS)
def test_deep_json_in_an_app_route_is_the_documented_invalid_json_error(
    door, depth: int, kind: str
) -> None:
    body = _deep(depth, kind)
    reply = door.request("PUT", "/api/url", [("Content-Type", "application/json")], body)
    if reply.status == 200:  # shallow enough for Python's parser: a valid document
        assert depth == 1_000, reply
        return
    assert reply.status == 400, reply
    assert reply.json()["error"].startswith("Request body is not valid JSON")


@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize("depth", DEPTHS)
def test_deep_json_in_a_pages_route_is_400(door, depth: int, kind: str) -> None:
    body = _deep(depth, kind)
    reply = door.request("POST", "/api/echo", [("Content-Type", "application/json")], body)
    assert reply.status in (200, 400), reply
    if reply.status == 400:
        assert reply.body == b"Invalid JSON"


@pytest.mark.parametrize("depth", DEPTHS[1:])
def test_deep_json_in_process(inproc, depth: int) -> None:
    res = inproc.put("/api/url", data=_deep(depth, "array"), content_type="application/json")
    assert res.status_code == 400
    res = inproc.post("/api/echo", data=_deep(depth, "object"), content_type="application/json")
    assert (res.status_code, res.text) == (400, "Invalid JSON")
