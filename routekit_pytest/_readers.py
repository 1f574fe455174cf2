"""Reading a client response as lines, NDJSON values or server-sent events.

Each reader works on a streamed response (``client.get(url, stream=True)``) as the handler
writes, with a timeout per item (event, line, value): a stream that sends keep-alive
comments but no event still times out. On a buffered response they read the body.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import time
import typing as t

from werkzeug.http import parse_options_header

from routekit.errors import NDJSONLineError, StreamTimeoutError

from ._accessors import ResponseAccessors
from .sse import LineSplitter, ServerSentEvent, SSEParser

if t.TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from .response import SentRequest, _Stream

__all__ = ["NDJSONLineError", "StreamReaders", "StreamTimeoutError"]

_T = t.TypeVar("_T")
_DONE: t.Final = object()


class _Decoder(t.Generic[_T]):
    """Bytes in, items out: the parser of one reader, and how to name its items."""

    def __init__(
        self,
        what: str,
        feed: Callable[[bytes], list[_T]],
        end: Callable[[], list[_T]],
    ) -> None:
        self.what = what
        self.feed = feed
        self.end = end


class StreamReaders(ResponseAccessors):
    """Mixin for :class:`~routekit_pytest.ClientResponse`: ``iter_events()`` and friends."""

    __slots__ = ()

    if t.TYPE_CHECKING:
        request: SentRequest
        _stream: _Stream | None

        def _reraise(self) -> None: ...

    # -- the public readers ------------------------------------------------------------

    def iter_events(self, timeout: float | None = None) -> Iterator[ServerSentEvent]:
        """Yield the server-sent events of the body as they complete (WHATWG parsing).

        :param timeout: seconds to wait for each event (default: the client's stream
            timeout); :class:`StreamTimeoutError`, naming the URL, when none completes.
        """
        return self._read(self._sse(), timeout)

    def aiter_events(self, timeout: float | None = None) -> AsyncIterator[ServerSentEvent]:
        """:meth:`iter_events` for ``async def`` tests."""
        return self._aread(self._sse(), timeout)

    def iter_lines(self, timeout: float | None = None) -> Iterator[str]:
        """Yield the lines of the body (ended by LF, CRLF or CR), decoded with its charset.

        :param timeout: seconds to wait for each line; see :meth:`iter_events`.
        """
        return self._read(self._lines(), timeout)

    def aiter_lines(self, timeout: float | None = None) -> AsyncIterator[str]:
        """:meth:`iter_lines` for ``async def`` tests."""
        return self._aread(self._lines(), timeout)

    def iter_ndjson(self, timeout: float | None = None) -> Iterator[t.Any]:
        """Yield one parsed JSON value per non-blank line (NDJSON, JSON Lines).

        :param timeout: seconds to wait for each value; see :meth:`iter_events`.
        :raises NDJSONLineError: for a line that is not JSON, naming the URL and line.
        """
        return self._read(self._ndjson(), timeout)

    def aiter_ndjson(self, timeout: float | None = None) -> AsyncIterator[t.Any]:
        """:meth:`iter_ndjson` for ``async def`` tests."""
        return self._aread(self._ndjson(), timeout)

    # -- decoders -----------------------------------------------------------------------

    def _sse(self) -> _Decoder[ServerSentEvent]:
        parser = SSEParser()

        def end() -> list[ServerSentEvent]:
            parser.close()
            return []

        return _Decoder("event", parser.feed, end)

    def _lines(self, charset: str | None = None) -> _Decoder[str]:
        if charset is None:
            charset = parse_options_header(self._content_type() or "")[1].get("charset", "utf-8")
        try:
            decoder = codecs.getincrementaldecoder(charset)(errors="replace")
        except LookupError:  # an unknown charset: show something rather than fail
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        splitter = LineSplitter()

        def end() -> list[str]:
            rest = splitter.feed(decoder.decode(b"", final=True))
            last = splitter.flush()
            return [*rest, last] if last else rest

        return _Decoder("line", lambda chunk: splitter.feed(decoder.decode(chunk)), end)

    def _ndjson(self) -> _Decoder[t.Any]:
        lines = self._lines("utf-8")
        count = 0
        url = self._describe()

        def values(found: list[str]) -> list[t.Any]:
            nonlocal count
            out = []
            for line in found:
                count += 1
                if not line.strip():
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError as exc:
                    raise NDJSONLineError(url, count, line, str(exc)) from None
            return out

        return _Decoder(
            "NDJSON value", lambda chunk: values(lines.feed(chunk)), lambda: values(lines.end())
        )

    # -- the loops ----------------------------------------------------------------------

    def _describe(self) -> str:
        return f"{self.request.method} {self.request.full_url}"

    def _timed_out(self, decoder: _Decoder[t.Any], wait: float, count: int) -> StreamTimeoutError:
        return StreamTimeoutError(self._describe(), decoder.what, wait, count)

    def _read(self, decoder: _Decoder[_T], timeout: float | None) -> Iterator[_T]:
        __tracebackhide__ = True  # a timeout shows at the test's next(), not in here
        stream = self._stream
        if stream is None:
            for buffered in self.chunks:
                yield from decoder.feed(buffered)
            yield from decoder.end()
            return
        wait = stream.timeout if timeout is None else timeout
        count = 0
        deadline = time.monotonic() + wait
        while True:
            try:
                chunk = stream.next_chunk(max(deadline - time.monotonic(), 0.0))
            except TimeoutError:
                raise self._timed_out(decoder, wait, count) from None
            items = decoder.end() if chunk is None else decoder.feed(chunk)
            for item in items:
                count += 1
                yield item
                deadline = time.monotonic() + wait  # per item, from when the test asks again
            if chunk is None:
                break
        self._reraise()

    async def _aread(self, decoder: _Decoder[_T], timeout: float | None) -> AsyncIterator[_T]:
        # The same reader, each step on a worker thread: one loop, so the two cannot drift.
        items = self._read(decoder, timeout)
        while True:
            item = await asyncio.to_thread(next, items, _DONE)
            if item is _DONE:
                return
            yield t.cast("_T", item)
