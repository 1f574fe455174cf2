"""QueueSink: the bounded queue between a streaming handler and the test reading it."""

from __future__ import annotations

import threading

import pytest

from routekit_pytest import _stream
from routekit_pytest._stream import END, QueueSink


def test_queue_sink_delivers_writes_then_the_end() -> None:
    sink = QueueSink()
    sink.start(201, "Created", [("x-a", "1")])
    sink.write(b"one")
    sink.write(b"")  # an empty write sends nothing
    sink.finish(b"two")
    assert (sink.status, sink.reason, sink.headers) == (201, "Created", [("x-a", "1")])
    assert sink.head_ready.is_set()
    assert [sink.queue.get_nowait() for _ in range(3)] == [b"one", b"two", END]
    assert sink.queue.empty()
    assert sink.finished


def test_queue_sink_write_after_close_raises_connection_error() -> None:
    sink = QueueSink()
    sink.write(b"queued")
    sink.close()
    assert sink.disconnected
    assert sink.queue.empty()  # what was still queued is dropped
    for data in (b"x", b""):
        with pytest.raises(ConnectionError, match=r"^the test client closed the stream$"):
            sink.write(data)


def test_queue_sink_finish_after_close_is_quiet() -> None:
    sink = QueueSink()
    sink.close()
    sink.finish(b"last")
    assert sink.finished
    assert sink.queue.empty()


def test_queue_sink_close_frees_a_writer_blocked_on_a_full_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_stream, "_MAX_PENDING", 1)
    sink = QueueSink()
    sink.write(b"fills the queue")
    errors: list[BaseException] = []

    def endless_writer() -> None:
        try:
            while True:  # an SSE handler: stops at the first write that fails
                sink.write(b"waits for the reader")
        except ConnectionError as exc:
            errors.append(exc)

    writer = threading.Thread(target=endless_writer)
    writer.start()
    writer.join(0.2)
    assert writer.is_alive()  # blocked: nobody reads
    sink.close()
    writer.join(5)
    assert not writer.is_alive()
    assert [str(e) for e in errors] == ["the test client closed the stream"]
