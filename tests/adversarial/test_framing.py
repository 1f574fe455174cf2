"""Message framing: request smuggling, bad lengths and bad chunks are refused at every door.

A request whose length two parsers could read differently (``Content-Length`` and
``Transfer-Encoding`` together, two ``Content-Length`` values, an invalid length or a
transfer coding that is not ``chunked``) is a 400, and nothing after it on the connection is
served as a second request.
"""

from __future__ import annotations

import pytest

SMUGGLED = b"GET /api/admin/secret HTTP/1.1\r\nHost: x\r\n\r\n"

#: Head lines that make the length of the body ambiguous or invalid.
AMBIGUOUS = [
    ["Content-Length: 4", "Transfer-Encoding: chunked"],
    ["Transfer-Encoding: chunked", "Content-Length: 4"],
    ["Content-Length: 4", "Content-Length: 50"],
    ["Content-Length: 50", "Content-Length: 4"],
    ["Content-Length: 4, 50"],
    ["Content-Length: +4"],
    ["Content-Length: -4"],
    ["Content-Length: 0x4"],
    ["Content-Length: 4 4"],
    ["Content-Length: 1e1"],
    ["Content-Length: four"],
    ["Transfer-Encoding: xchunked"],
    ["Transfer-Encoding: chunked, identity"],
    ["Transfer-Encoding: identity"],
    ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
    ["Transfer-Encoding: chunked, chunked"],
]


@pytest.mark.parametrize("lines", AMBIGUOUS, ids=lambda lines: " + ".join(lines))
def test_ambiguous_length_is_400_and_nothing_is_smuggled(door, lines: list[str]) -> None:
    head = f"POST /api/echo HTTP/1.1\r\nHost: {door.host}\r\n"
    head += "".join(f"{line}\r\n" for line in lines)
    body = b"0\r\n\r\n" + SMUGGLED
    raw = head.encode() + b"Content-Type: text/plain\r\n\r\n" + body
    reply = door.send(raw, method="POST", shut_write=True)
    assert reply.status in (400, 501), reply
    assert reply.raw.count(b"HTTP/1.1 ") == 1, reply  # the smuggled request got no answer
    assert b"secret" not in reply.raw


#: Chunked bodies that are malformed: never a 200 with a wrong body.
BAD_CHUNKS = [
    b"zz\r\nabc\r\n0\r\n\r\n",
    b"-1\r\nabc\r\n0\r\n\r\n",
    b"3\r\nabcdef\r\n0\r\n\r\n",
    b"3\r\nab",
    b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
    b"3\r\nabc",
    b"3\r\nabcXY0\r\n\r\n",
    b"",
]


@pytest.mark.parametrize("chunks", BAD_CHUNKS)
def test_malformed_chunked_body_is_refused(door, chunks: bytes) -> None:
    head = (
        f"POST /api/echo HTTP/1.1\r\nHost: {door.host}\r\nContent-Type: text/plain\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    reply = door.send(head + chunks, method="POST", shut_write=True)
    assert reply.status in (400, 413, None), reply  # None: the server closed without answering
    assert b'"body":"abc' not in reply.raw


#: Framing gunicorn refuses and werkzeug's dev server reads leniently (whitespace after the
#: size, bare LF): either a 400 or exactly the body meant, never anything else.
LENIENT_CHUNKS = [b"3 \r\nabc\r\n0\r\n\r\n", b"3\nabc\n0\n\n", b"3\r\nabc\r\n0\r\n"]


@pytest.mark.parametrize("chunks", LENIENT_CHUNKS)
def test_leniently_framed_chunks_are_refused_or_read_exactly(door, chunks: bytes) -> None:
    head = (
        f"POST /api/echo HTTP/1.1\r\nHost: {door.host}\r\nContent-Type: text/plain\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    reply = door.send(head + chunks, method="POST", shut_write=True)
    if door.name in ("gunicorn", "uvicorn"):
        assert reply.status in (400, None), reply
    else:
        assert reply.status in (400, 200), reply
        if reply.status == 200:
            assert reply.json()["body"] == "abc"


def test_well_formed_chunked_body_is_read(door) -> None:
    head = (
        f"POST /api/echo HTTP/1.1\r\nHost: {door.host}\r\nContent-Type: text/plain\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    reply = door.send(head + b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", method="POST")
    assert (reply.status, reply.json()["body"]) == (200, "abcde")


def test_two_content_lengths_in_process(inproc) -> None:
    res = inproc.post(
        "/api/echo", data=b"abcd", headers=[("Content-Length", "4"), ("Content-Length", "5")]
    )
    assert res.status_code == 400
    res = inproc.post(
        "/api/echo",
        data=b"abcd",
        headers=[("Transfer-Encoding", "chunked"), ("Content-Length", "4")],
    )
    assert res.status_code == 400


def test_413_does_not_hold_the_thread_until_the_client_closes(serve_door) -> None:
    # werkzeug drains what is left of the body after the answer; a client that keeps the
    # connection open without sending must not hold that thread.
    with serve_door.connect(timeout=5) as sock:
        sock.sendall(
            f"POST /api/small HTTP/1.1\r\nHost: {serve_door.host}\r\n"
            "Content-Length: 100000\r\n\r\n".encode()
            + b"x" * 2000
        )
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 413 ")
