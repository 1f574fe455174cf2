"""Request bodies: never accepted when cut short, never buffered past the limit.

A body shorter than its ``Content-Length`` (the client closed early) is a 400 before a
pages handler runs, and a clear error from any stream or Web ``Request`` read. App routes,
edge handlers and middleware have a body limit (10 MB by default, ``body_size_limit`` per
route): a declared length over it is a 413 without reading the body, a chunked body is
refused as soon as it passes it.
"""

from __future__ import annotations

import time

import pytest

#: (route, content type) for every kind of body reader.
READERS = [
    ("/api/echo", "application/json"),  # pages body parser
    ("/api/echo", "text/plain"),  # pages body parser, text
    ("/api/raw", "application/octet-stream"),  # pages req.stream
    ("/api/url", "application/octet-stream"),  # app route request.body()
    ("/api/edge", "application/octet-stream"),  # edge handler request.body_sync()
    ("/api/mw-json", "application/json"),  # the middleware reads request.json_sync()
]
#: (declared Content-Length, bytes actually sent).
SHORT = [(33, 32), (100, 0), (70_000, 65_536)]
MB = 1024 * 1024


def _head(door, target: str, ctype: str, length: int, extra: str = "") -> bytes:
    return (
        f"POST {target} HTTP/1.1\r\nHost: {door.host}\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {length}\r\n{extra}Connection: close\r\n\r\n"
    ).encode()


def _payload(ctype: str, size: int) -> bytes:
    if ctype == "application/json":
        return (b'{"k": "' + b"v" * size)[:size]
    return b"v" * size


@pytest.mark.parametrize(("declared", "sent"), SHORT)
@pytest.mark.parametrize(("target", "ctype"), READERS)
def test_truncated_body_is_400_and_the_handler_never_sees_it(
    door, target: str, ctype: str, declared: int, sent: int
) -> None:
    data = _head(door, target, ctype, declared) + _payload(ctype, sent)
    reply = door.send(data, method="POST", shut_write=True)
    assert reply.status == 400, reply
    assert reply.header("connection") == "close"


@pytest.mark.parametrize(("target", "ctype"), READERS)
def test_truncated_body_is_400_in_process(inproc, target: str, ctype: str) -> None:
    res = inproc.post(
        target, data=_payload(ctype, 32), headers={"Content-Type": ctype, "Content-Length": "33"}
    )
    assert res.status_code == 400, res.text
    assert res.headers.get("connection") == "close"


def test_truncated_json_is_answered_as_nextjs_invalid_body(door) -> None:
    data = _head(door, "/api/echo", "application/json", 33) + b'{"title": "x", "body": "abcdefg"'
    reply = door.send(data, method="POST", shut_write=True)
    assert (reply.status, reply.body) == (400, b"Invalid body")


def test_complete_body_still_served(door) -> None:
    body = b'{"title": "x", "body": "abcdefg"}'
    reply = door.request("POST", "/api/echo", [("Content-Type", "application/json")], body)
    assert reply.status == 200
    assert reply.json()["body"] == {"title": "x", "body": "abcdefg"}


def _refused_without_reading(door, target: str, declared: int) -> tuple[int | None, float]:
    """Send only the head of a huge upload; the answer must come without the body."""
    started = time.monotonic()
    with door.connect(timeout=5) as sock:
        sock.sendall(_head(door, target, "application/octet-stream", declared))
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            return None, time.monotonic() - started
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else None
    return status, time.monotonic() - started


#: Routes whose limit is the 10 MB default (app route, edge handler, middleware).
DEFAULT_LIMITED = ["/api/url", "/api/edge", "/api/mw-json"]


@pytest.mark.parametrize("declared", [10 * MB + 1, 1024 * MB, 10**15])
@pytest.mark.parametrize("target", DEFAULT_LIMITED)
def test_declared_length_over_the_default_limit_is_413_without_reading(
    door, target: str, declared: int
) -> None:
    status, elapsed = _refused_without_reading(door, target, declared)
    assert status == 413
    assert elapsed < 4


def test_route_override_lowers_the_limit(door) -> None:
    status, _ = _refused_without_reading(door, "/api/small", 1025)
    assert status == 413
    ok = door.request("POST", "/api/small", [], b"x" * 1024)
    assert (ok.status, ok.json()) == (200, {"received": 1024})


def test_route_override_raises_the_limit(door) -> None:
    body = b"x" * (10 * MB + 10)
    reply = door.request("POST", "/api/big", [("Content-Type", "application/octet-stream")], body)
    assert (reply.status, reply.json()) == (200, {"received": len(body)})


def _chunked(door, target: str, total: int, piece: int = 256) -> bytes:
    head = (
        f"POST {target} HTTP/1.1\r\nHost: {door.host}\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    chunks = b"".join(
        f"{piece:x}\r\n".encode() + b"y" * piece + b"\r\n" for _ in range(total // piece)
    )
    return head + chunks + b"0\r\n\r\n"


@pytest.mark.parametrize("total", [1280, 4096, 64 * 1024])
def test_chunked_body_over_the_limit_is_413(door, total: int) -> None:
    reply = door.send(_chunked(door, "/api/small", total), method="POST")
    assert reply.status == 413, reply
    assert b"Body exceeded 1kb limit" in reply.body


def test_chunked_body_within_the_limit_is_served(door) -> None:
    reply = door.send(_chunked(door, "/api/small", 768), method="POST")
    assert (reply.status, reply.json()) == (200, {"received": 768})


def test_chunked_body_over_the_default_limit_is_413(door) -> None:
    reply = door.send(_chunked(door, "/api/url", 10 * MB + 64 * 1024, 64 * 1024), method="POST")
    assert reply.status == 413, reply


def test_body_limit_in_process(inproc) -> None:
    assert inproc.post("/api/small", data=b"x" * 1025).status_code == 413
    assert inproc.post("/api/small", data=b"x" * 1024).json_data() == {"received": 1024}
    res = inproc.post("/api/url", data=b"x", headers={"Content-Length": str(11 * MB)})
    assert res.status_code == 413
    assert res.text == "Body exceeded 10mb limit"
