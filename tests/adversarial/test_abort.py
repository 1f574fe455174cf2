"""An error after the head is sent cuts the connection: no terminating chunk, no fake end.

Before, ``res.write()`` then a raise, and a generator body that raised, ended with a valid
final chunk: the client could not tell the response was cut. Now both doors drop the
connection and the in-process client raises the handler's error.
"""

from __future__ import annotations

import pytest

from routekit_pytest import Client

CUT = [
    ("/api/stream-boom", b"partial ", "boom after the head"),
    ("/api/gen-boom", b"first chunk ", "boom in the generator"),
]


@pytest.mark.parametrize(("target", "first", "message"), CUT)
def test_error_after_head_aborts_the_connection(
    door, target: str, first: bytes, message: str
) -> None:
    reply = door.request("GET", target)
    assert reply.status == 200
    assert reply.header("transfer-encoding") == "chunked"
    assert reply.body == first
    assert not reply.complete, reply  # no 0-length terminating chunk
    assert not reply.raw.endswith(b"0\r\n\r\n")


@pytest.mark.parametrize(("target", "first", "message"), CUT)
def test_error_after_head_raises_in_process(
    site_app, target: str, first: bytes, message: str
) -> None:
    client = Client(site_app)
    try:
        with pytest.raises(RuntimeError, match=message):
            client.get(target)
    finally:
        client.close()


@pytest.mark.parametrize(("target", "first", "message"), CUT)
def test_error_after_head_is_recorded_in_process(
    inproc, target: str, first: bytes, message: str
) -> None:
    res = inproc.get(target)
    assert str(res.exception) == message
    assert res.body == first


def test_a_complete_stream_still_ends_with_the_terminating_chunk(door) -> None:
    reply = door.request("GET", "/api/url")
    assert reply.status == 200
    assert reply.complete
