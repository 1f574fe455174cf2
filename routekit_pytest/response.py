"""The test client's response: a typed, read-only record of one in-process request."""

from __future__ import annotations

import asyncio
import queue
import typing as t
from dataclasses import dataclass, field

from werkzeug.datastructures import Headers

from ._readers import StreamReaders
from ._stream import END, QueueSink

if t.TYPE_CHECKING:
    import threading
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path
    from types import TracebackType

    from routekit._wire import BufferSink, Exchange

__all__ = ["ClientResponse", "MatchedRoute", "SentRequest"]


@dataclass(frozen=True, slots=True)
class MatchedRoute:
    """The route that answered a request (Django's ``resolver_match``, for files).

    :param file: the route file relative to the project root (``pages/api/users/[id].py``).
    :param pattern: the route pattern (``/api/users/[id]``).
    :param kind: ``pages`` or ``app``.
    :param params: the decoded route params (``{"id": "42"}``).
    :param path: the absolute path of the route file.
    """

    file: str
    pattern: str
    kind: str
    params: dict[str, str | list[str]] = field(default_factory=dict)
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class SentRequest:
    """What the client sent: the method, ``url`` (path and query), headers and body."""

    method: str
    url: str
    header_lines: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    scheme: str = "http"
    host: str = "localhost:3000"

    @property
    def headers(self) -> Headers:
        """The headers sent (case-insensitive)."""
        return Headers(self.header_lines)

    @property
    def full_url(self) -> str:
        """The absolute URL, e.g. ``http://localhost:3000/api/x?a=1``."""
        return f"{self.scheme}://{self.host}{self.url}"


class _Stream:
    """The reading side of a streamed response."""

    def __init__(self, sink: QueueSink, thread: threading.Thread, timeout: float) -> None:
        self.sink = sink
        self.thread = thread
        self.timeout = timeout
        self.received: list[bytes] = []
        self.done = False
        self.closed = False
        #: Filled by the worker thread: the exchange, or the error that broke the pipeline.
        self.box: dict[str, t.Any] = {}

    @property
    def exchange(self) -> Exchange | None:
        """The exchange, known once ``App.handle`` returned (the stream ended or closed)."""
        return t.cast("Exchange | None", self.box.get("exchange"))

    def next_chunk(self, timeout: float | None) -> bytes | None:
        """The next chunk, or ``None`` at the end of the stream."""
        if self.done:
            return None
        try:
            item = self.sink.queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(
                f"no chunk arrived within {timeout} s; pass iter_chunks(timeout=...) to wait "
                "longer, or close() the response to stop the handler."
            ) from None
        if item is END:
            self.done = True
            self.thread.join(self.timeout)
            if "error" in self.box:
                raise self.box["error"]
            return None
        chunk = t.cast("bytes", item)
        self.received.append(chunk)
        return chunk

    def close(self) -> None:
        if self.done:
            return
        self.closed = True
        self.done = True
        self.sink.close()
        self.thread.join(self.timeout)


class ClientResponse(StreamReaders):
    """A response from :class:`~routekit_pytest.Client`.

    Besides the accessors shared with the mock response (``status_code``, ``headers``,
    ``json_data()``, ``text``, ``cookies``...), it tells which route answered
    (:attr:`route`), what was sent (:attr:`request`), the redirects followed
    (:attr:`history`) and the handler's :attr:`exception`. A stream reads as chunks, lines,
    NDJSON values or server-sent events (``iter_events()``).
    """

    __slots__ = ("_exchange", "_raise_errors", "_sink", "_stream", "history", "request")

    def __init__(
        self,
        request: SentRequest,
        exchange: Exchange | None,
        sink: BufferSink | QueueSink,
        *,
        history: list[ClientResponse] | None = None,
        stream: _Stream | None = None,
        raise_errors: bool = True,
    ) -> None:
        self.request = request
        #: The responses of the redirects followed to get here, oldest first.
        self.history: list[ClientResponse] = history if history is not None else []
        self._exchange = exchange
        self._sink = sink
        self._stream = stream
        self._raise_errors = raise_errors

    # -- hooks -------------------------------------------------------------------------

    def _view_status(self) -> int:
        return self._sink.status

    def _view_header_lines(self) -> list[tuple[str, str]]:
        return list(self._sink.headers)

    def _view_chunks(self) -> list[bytes]:
        if self._stream is None:
            return t.cast("BufferSink", self._sink).chunks
        for _ in self.iter_chunks():
            pass  # reading the body of a streamed response reads it to the end
        return self._stream.received

    def _view_exchange(self) -> Exchange | None:
        if self._exchange is None and self._stream is not None:
            return self._stream.exchange
        return self._exchange

    # -- the record ----------------------------------------------------------------------

    @property
    def status_code(self) -> int:
        """The status code (``200``)."""
        return self._sink.status

    @property
    def status_message(self) -> str:
        """The reason phrase as sent (``OK``; ``Invalid JSON`` for Next.js' body errors)."""
        return self._sink.reason

    @property
    def route(self) -> MatchedRoute | None:
        """The route that answered, with its params; ``None`` for a 404, 400 or 308 page.

        On a stream, known once the stream ended or was closed.
        """
        exchange = self._view_exchange()
        match = exchange.match if exchange is not None else None
        if match is None:
            return None
        route = match.route
        return MatchedRoute(
            route.relfile, route.pattern, route.kind, dict(match.params), route.file
        )

    @property
    def cache(self) -> t.Literal["HIT", "STALE", "MISS"] | None:
        """What the route-handler cache did (the ``x-nextjs-cache`` header): ``"MISS"`` on a
        first render, ``"HIT"``, ``"STALE"`` (served while rendered again), or ``None`` for
        a route that is not cached."""
        for name, value in self._sink.headers:
            if name.lower() == "x-nextjs-cache" and value in ("HIT", "STALE", "MISS"):
                return t.cast("t.Literal['HIT', 'STALE', 'MISS']", value)
        return None

    @property
    def exception(self) -> BaseException | None:
        """The exception the handler raised (answered with a 500), or ``None``.

        On a stream, known once the stream ended or was closed.
        """
        exchange = self._view_exchange()
        return exchange.exception if exchange is not None else None

    def is_ended(self) -> bool:
        """Whether the response is complete (always, unless it is a stream still open)."""
        return self._stream is None or self._stream.done

    # -- streaming -------------------------------------------------------------------------

    def iter_chunks(self, timeout: float | None = None) -> Iterator[bytes]:
        """Yield the body chunks as the handler writes them (``stream=True``).

        On a buffered response, yields the chunks already received.

        :param timeout: seconds to wait for each chunk (default: the client's stream
            timeout); ``TimeoutError`` when none comes.
        """
        stream = self._stream
        if stream is None:
            yield from t.cast("BufferSink", self._sink).chunks
            return
        wait = stream.timeout if timeout is None else timeout
        while True:
            chunk = stream.next_chunk(wait)
            if chunk is None:
                break
            yield chunk
        self._reraise()

    async def aiter_chunks(self, timeout: float | None = None) -> AsyncIterator[bytes]:
        """:meth:`iter_chunks` for ``async def`` tests: waits on a worker thread."""
        stream = self._stream
        if stream is None:
            for buffered in t.cast("BufferSink", self._sink).chunks:
                yield buffered
            return
        wait = stream.timeout if timeout is None else timeout
        while True:
            chunk: bytes | None = await asyncio.to_thread(stream.next_chunk, wait)
            if chunk is None:
                break
            yield chunk
        self._reraise()

    def close(self) -> None:
        """Stop reading a stream: the handler's next write raises ``ConnectionError``."""
        if self._stream is not None:
            self._stream.close()

    async def aclose(self) -> None:
        """:meth:`close` for ``async def`` tests."""
        await asyncio.to_thread(self.close)

    def __enter__(self) -> ClientResponse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> ClientResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _reraise(self) -> None:
        stream = self._stream
        if stream is not None and stream.closed:
            return  # the ConnectionError we caused is not the handler's bug
        exc = self.exception
        if exc is not None and self._raise_errors:
            self._raise_errors = False  # once
            raise exc

    def __repr__(self) -> str:
        exchange = self._view_exchange()
        if exchange is None:
            where = "(streaming)"
        else:
            where = exchange.match.route.relfile if exchange.match is not None else "(no route)"
        return f"<Response {self.request.method} {self.request.url} → {where} {self.status_code}>"
