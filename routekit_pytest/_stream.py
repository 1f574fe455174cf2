"""A queue-backed :class:`~routekit._wire.Sink`: the pipeline runs on a worker thread and the
test reads chunks as the handler writes them (server-sent events, endless streams)."""

from __future__ import annotations

import queue
import threading
import typing as t

__all__ = ["END", "QueueSink"]

#: Put on the queue after the last chunk.
END: t.Final = object()
_POLL = 0.05
_MAX_PENDING = 256


class QueueSink:
    """A sink whose chunks go to a bounded queue read by the test's thread.

    ``close()`` (the test went away) makes :attr:`disconnected` true and the next
    ``write`` raise ``ConnectionError``, which stops an endless handler.
    """

    def __init__(self) -> None:
        self.status = 200
        self.reason = ""
        self.headers: list[tuple[str, str]] = []
        self.started = False
        self.finished = False
        self.head_ready = threading.Event()
        self.queue: queue.Queue[object] = queue.Queue(maxsize=_MAX_PENDING)
        self._closed = threading.Event()

    @property
    def disconnected(self) -> bool:
        return self._closed.is_set()

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.started = True
        self.head_ready.set()

    def _put(self, item: object) -> None:
        # Bounded, so an endless handler waits for the reader; polls so close() frees it.
        while True:
            if self._closed.is_set():
                raise ConnectionError("the test client closed the stream")
            try:
                self.queue.put(item, timeout=_POLL)
            except queue.Full:
                continue
            return

    def write(self, data: bytes) -> None:
        if self._closed.is_set():
            raise ConnectionError("the test client closed the stream")
        if data:
            self._put(data)

    def finish(self, data: bytes = b"") -> None:
        self.finished = True
        self.head_ready.set()
        try:
            if data:
                self._put(data)
            self._put(END)
        except ConnectionError:
            pass  # nobody reads any more

    def close(self) -> None:
        """Mark the client gone and drop what is still queued."""
        self._closed.set()
        self.head_ready.set()
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                return
