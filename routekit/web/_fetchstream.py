"""The response side of ``fetch()``: its headers, and a body streamed from httpx.

The upstream response stays open on the fetch loop while the handler's response is sent;
each chunk is pulled from there when the client is ready for it, and the stream is closed
when it ends, when the client goes away (``aclose()``/``close()``), or when the response is
garbage-collected unread.
"""

from __future__ import annotations

import typing as t
import weakref
from collections.abc import AsyncIterator

from ..errors import FetchError
from .headers import Headers

if t.TYPE_CHECKING:
    import httpx

    from ._fetchloop import FetchLoop

__all__ = [
    "HOP_BY_HOP",
    "AsyncBody",
    "SyncBody",
    "Upstream",
    "describe",
    "response_headers",
]

# Connection-level headers: httpx frames and keeps the connection itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def describe(exc: BaseException) -> str:
    """What went wrong, in words (the httpx error stays the `__cause__`)."""
    import httpx

    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect count exceeded (more than 20 redirects)"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting ({text})"
    if isinstance(exc, httpx.PoolTimeout):
        return "timed out waiting for a free connection (100 are open)"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__}: {text})"
    return f"{type(exc).__name__}: {text}"


def _close_abandoned(runner: FetchLoop, response: httpx.Response) -> None:
    runner.close_soon(response.aclose())


class Upstream:
    """The open httpx response behind a fetched body. Its coroutines run on the fetch loop."""

    def __init__(self, runner: FetchLoop, response: httpx.Response, decode: bool) -> None:
        self.runner = runner
        self.response = response
        self._chunks: AsyncIterator[bytes] | None = None
        self._decode = decode
        self._closed = False
        # A body nobody reads (or drops half-way) still gives its connection back.
        self._finalizer = weakref.finalize(self, _close_abandoned, runner, response)
        self._finalizer.atexit = False

    async def next_chunk(self) -> bytes | None:
        import httpx

        if self._closed:
            return None
        if self._chunks is None:
            self._chunks = (
                self.response.aiter_bytes() if self._decode else self.response.aiter_raw()
            )
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            await self.close()
            return None
        except httpx.HTTPError as exc:
            await self.close()
            request = self.response.request
            raise FetchError("terminated", request.method, str(request.url), describe(exc)) from exc

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._finalizer.detach()
        if self._chunks is not None:
            await t.cast("t.Any", self._chunks).aclose()
        await self.response.aclose()


class AsyncBody:
    """The body of :func:`fetch`: an async iterator pulling from the upstream stream."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    def __aiter__(self) -> AsyncBody:
        return self

    async def __anext__(self) -> bytes:
        chunk = await self.upstream.runner.run(self.upstream.next_chunk())
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        """Close the upstream stream (the client went away, or reading stopped early)."""
        await self.upstream.runner.run(self.upstream.close())


class SyncBody:
    """The body of :func:`fetch_sync`: a blocking iterator over the same stream."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    def __iter__(self) -> SyncBody:
        return self

    def __next__(self) -> bytes:
        chunk = self.upstream.runner.run_sync(self.upstream.next_chunk())
        if chunk is None:
            raise StopIteration
        return chunk

    def close(self) -> None:
        """Close the upstream stream."""
        self.upstream.runner.run_sync(self.upstream.close())


def response_headers(response: httpx.Response) -> tuple[Headers, bool]:
    """The headers the handler sees, and whether the body is read decoded.

    The body is decoded when httpx knows every coding; then ``content-encoding`` and
    ``content-length`` describe bytes nobody will see, and go (``next start`` drops them
    from a returned fetch too). Otherwise the raw bytes pass through with their headers.
    """
    from httpx._decoders import SUPPORTED_DECODERS

    raw = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw]
    named = {
        token.strip().lower()
        for name, value in raw
        if name == "connection"
        for token in value.split(",")
    }
    codings = [
        token.strip().lower()
        for name, value in raw
        if name == "content-encoding"
        for token in value.split(",")
        if token.strip().lower() not in ("", "identity")
    ]
    decode = bool(codings) and all(coding in SUPPORTED_DECODERS for coding in codings)
    headers = Headers()
    for name, value in raw:
        if name in HOP_BY_HOP or name in named:
            continue
        if decode and name in ("content-encoding", "content-length"):
            continue
        try:
            headers.append(name, value)
        except TypeError:
            continue  # a value Fetch cannot hold (undici would refuse the response)
    return headers, decode
