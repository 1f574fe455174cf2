"""The request body around a middleware: readable by it, then again by the route."""

from __future__ import annotations

import io
import typing as t

__all__ = ["Replay", "Tee"]


class Tee:
    """The middleware's view of the body: every byte it reads is kept for the route.

    The middleware reads through a :class:`~routekit._wire.BodyReader` with the body limit,
    so at most the limit plus one byte is ever kept.
    """

    def __init__(self, stream: t.Any) -> None:
        self.stream = stream
        self.buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.stream.read(size)
        self.buffer += data
        return data


class Replay:
    """The route's view of the body: what the middleware read, then the rest of the stream."""

    def __init__(self, head: bytes, stream: t.Any) -> None:
        self._head = io.BytesIO(head)
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        data = self._head.read(size)
        if size < 0:
            return data + t.cast("bytes", self._stream.read())
        if not data:
            return t.cast("bytes", self._stream.read(size))
        return data

    async def prefetch(self, size: int | None) -> None:
        """Forward the door's prefetch (see :func:`~routekit._wire.prefetch_body`)."""
        prefetch = getattr(self._stream, "prefetch", None)
        if prefetch is not None:
            await prefetch(size)
