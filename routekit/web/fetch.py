"""``fetch()``: the Web Fetch API for handlers, on httpx, answering a routekit ``Response``.

``return await fetch(backend, method=request.method, headers=..., redirect="manual")`` from
an edge handler or an app route sends the backend's answer to the client, its body streamed
chunk by chunk as it arrives (never buffered whole). ``fetch_sync`` is the twin for plain
``def`` handlers (pages routes too).

What the client receives is what ``next start`` sends for a returned fetch: httpx decodes a
gzip/deflate (br/zstd when installed) body, so ``content-encoding`` and ``content-length``
are dropped with the encoding (Next.js' ``sendResponse`` drops them too); hop-by-hop headers
(``connection``, ``transfer-encoding``...) never reach the handler, as WSGI requires.

Every fetch of a process shares one ``httpx.AsyncClient`` (undici-like timeouts, a bounded
pool, no cookie jar) on a loop of its own (:mod:`._fetchloop`); respx mocks it as it mocks
any httpx client.
"""

from __future__ import annotations

import asyncio
import typing as t
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from ..errors import FetchError
from ._fetchloop import FetchLoop, fetch_loop
from ._fetchstream import (
    HOP_BY_HOP,
    AsyncBody,
    SyncBody,
    Upstream,
    describe,
    response_headers,
)
from .headers import Headers, HeadersInit
from .request import Request, RequestBody, _extract_body
from .response import Response
from .url import NextURL

if t.TYPE_CHECKING:
    import httpx

__all__ = [
    "CacheMode",
    "FetchError",
    "FetchResponse",
    "RedirectMode",
    "fetch",
    "fetch_sync",
]

#: ``redirect``: follow up to 20 redirects, hand a 3xx back as it is, or fail on one.
RedirectMode = t.Literal["follow", "manual", "error"]
#: ``cache``: Fetch's request cache modes (no data cache yet; see the how-to).
CacheMode = t.Literal["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"]

_REDIRECT_MODES = ("follow", "manual", "error")
_CACHE_MODES = ("default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached")
_FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
_NULL_BODY_STATUSES = frozenset({101, 103, 204, 205, 304})
_CHUNK = 64 * 1024


class FetchResponse(Response):
    """What :func:`fetch` returns: a :class:`Response` with Fetch's ``url`` and ``redirected``.

    Return it from a handler as it is, or read it: ``await response.json()``,
    ``response.text_sync()``, ``for chunk in response.iter_body()``.
    """

    #: The URL the response came from (after redirects).
    url: str
    #: Whether a redirect was followed to get it.
    redirected: bool

    def __init__(
        self,
        body: AsyncBody | SyncBody | None,
        status: int,
        headers: Headers,
        *,
        status_text: str,
        url: str,
        redirected: bool,
    ) -> None:
        super().__init__(None, 200, headers, status_text=status_text)
        # Any status a server sends, not only what Response() accepts (200..599).
        self.status = status
        self._body = body
        self.url = url
        self.redirected = redirected

    def _upstream(self) -> Upstream | None:
        source = self._take_body()
        return None if source is None else t.cast("AsyncBody | SyncBody", source).upstream

    def iter_body(self) -> Iterator[bytes]:
        """The body chunk by chunk as it arrives (read once), from synchronous code."""
        upstream = self._upstream()
        if upstream is None:
            return
        try:
            while (chunk := upstream.runner.run_sync(upstream.next_chunk())) is not None:
                yield chunk
        finally:
            upstream.runner.run_sync(upstream.close())

    async def aiter_body(self) -> AsyncIterator[bytes]:
        """The body chunk by chunk as it arrives (read once), from ``async`` code."""
        upstream = self._upstream()
        if upstream is None:
            return
        try:
            while (chunk := await upstream.runner.run(upstream.next_chunk())) is not None:
                yield chunk
        finally:
            await upstream.runner.run(upstream.close())

    def __repr__(self) -> str:
        return f"<FetchResponse {self.status} {self.url}>"


class _Prepared(t.NamedTuple):
    method: str
    url: str
    headers: list[tuple[bytes, bytes]]
    body: bytes | t.Any | None
    redirect: RedirectMode
    timeout: float | None


def _prepare(
    input: str | NextURL | Request,
    method: str | None,
    headers: HeadersInit | None,
    body: RequestBody | AsyncIterable[bytes] | None,
    redirect: str,
    cache: str | None,
    timeout: float | None,
) -> _Prepared:
    """Validate the arguments as ``new Request(input, init)`` does, before any I/O."""
    if redirect not in _REDIRECT_MODES:
        raise TypeError(
            f"fetch(): redirect must be 'follow', 'manual' or 'error', got {redirect!r}."
        )
    if cache is not None and cache not in _CACHE_MODES:
        raise TypeError(
            f"fetch(): cache must be one of {', '.join(map(repr, _CACHE_MODES))}; got {cache!r}."
        )
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise TypeError(f"fetch(): timeout must be a number of seconds > 0, got {timeout!r}.")
    if isinstance(input, Request):
        if body is None and input._body is not None:
            body = input.iter_body()
        method = method or input.method
        headers = input.headers if headers is None else headers
        url: str | NextURL = input.url
    else:
        url = input
    request = Request(url, method=method or "GET", headers=headers)
    if request.method.upper() in _FORBIDDEN_METHODS:
        raise TypeError(f"fetch(): the {request.method} method is not allowed (as in Fetch).")
    parts = urlsplit(request.url)
    if parts.username is not None or parts.password is not None:
        raise TypeError(
            "fetch(): the URL includes credentials (user:password@); send them in an "
            "Authorization header instead."
        )
    if parts.scheme not in ("http", "https"):
        raise TypeError(f"fetch(): only http: and https: URLs can be fetched, got {request.url!r}.")
    content: bytes | t.Any | None
    if body is None:
        content = None
    elif request.method in ("GET", "HEAD"):
        raise TypeError("Request with GET/HEAD method cannot have body.")
    elif isinstance(body, AsyncIterable):
        content = body
    else:
        content, content_type = _extract_body(body)
        if content_type and not request.headers.has("content-type"):
            request.headers.set("content-type", content_type)
    streamed = content is not None and not isinstance(content, bytes)
    out = _outgoing_headers(request.headers, cache, streamed=streamed)
    mode = t.cast("RedirectMode", redirect)
    return _Prepared(request.method, request.url, out, content, mode, timeout)


def _outgoing_headers(
    headers: Headers, cache: str | None, *, streamed: bool
) -> list[tuple[bytes, bytes]]:
    """The request's header lines for httpx, with what Fetch's cache modes add."""
    out: list[tuple[bytes, bytes]] = []
    for name, value in headers.raw():
        if name in HOP_BY_HOP or name == "expect":
            continue  # httpx frames the request and keeps the connection itself
        if name == "content-length" and not streamed:
            continue  # httpx counts a body it holds; a stale length would corrupt it
        out.append((name.encode("ascii"), value.encode("latin-1")))
    # Fetch's "HTTP-network-or-cache fetch", steps for the cache modes (as undici sends).
    if cache == "no-cache" and not headers.has("cache-control"):
        out.append((b"cache-control", b"max-age=0"))
    if cache in ("no-store", "reload"):
        if not headers.has("pragma"):
            out.append((b"pragma", b"no-cache"))
        if not headers.has("cache-control"):
            out.append((b"cache-control", b"no-cache"))
    return out


async def _pull(source: t.Any) -> AsyncIterator[bytes]:
    """A blocking body source (a stream, a sync iterator) read on an executor thread."""
    loop = asyncio.get_running_loop()
    if hasattr(source, "read"):
        read = source.read
        while chunk := await loop.run_in_executor(None, read, _CHUNK):
            yield bytes(chunk)
        return
    iterator = iter(t.cast("Iterable[bytes]", source))
    while (chunk := await loop.run_in_executor(None, next, iterator, None)) is not None:
        if chunk:
            yield bytes(chunk)


async def _send(runner: FetchLoop, prepared: _Prepared) -> tuple[httpx.Response, Upstream | None]:
    """On the fetch loop: send the request and wait for the response head."""
    import httpx

    content = prepared.body
    if content is not None and not isinstance(content, (bytes, AsyncIterable)):
        content = _pull(content)
    timeout: t.Any = (
        httpx.USE_CLIENT_DEFAULT if prepared.timeout is None else httpx.Timeout(prepared.timeout)
    )
    client = runner.client
    try:
        request = client.build_request(
            prepared.method,
            prepared.url,
            headers=prepared.headers,
            content=content,
            timeout=timeout,
        )
        response = await client.send(
            request, stream=True, follow_redirects=prepared.redirect == "follow"
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchError("fetch failed", prepared.method, prepared.url, describe(exc)) from exc
    if prepared.redirect == "error" and response.has_redirect_location:
        await response.aclose()
        raise FetchError(
            "fetch failed",
            prepared.method,
            prepared.url,
            f"unexpected redirect ({response.status_code} to "
            f"{response.headers.get('location')!r}; redirect='error')",
        )
    if prepared.method == "HEAD" or response.status_code in _NULL_BODY_STATUSES:
        await response.aclose()
        return response, None
    _, decode = response_headers(response)
    return response, Upstream(runner, response, decode)


def _response(
    response: httpx.Response, upstream: Upstream | None, body: type[AsyncBody | SyncBody]
) -> FetchResponse:
    headers, _ = response_headers(response)
    return FetchResponse(
        None if upstream is None else body(upstream),
        response.status_code,
        headers,
        status_text=response.reason_phrase,
        url=str(response.url.copy_with(fragment=None)),
        redirected=bool(response.history),
    )


async def fetch(
    input: str | NextURL | Request,
    *,
    method: str | None = None,
    headers: HeadersInit | None = None,
    body: RequestBody | AsyncIterable[bytes] | None = None,
    redirect: RedirectMode = "follow",
    timeout: float | None = None,
    cache: CacheMode | None = None,
    next: Mapping[str, t.Any] | None = None,
    duplex: t.Literal["half"] | None = None,
) -> FetchResponse:
    """Fetch *input* (an absolute URL or a :class:`Request`) and return the response.

    The response head is awaited; the body streams from the upstream as it is read (or
    sent: ``return await fetch(...)`` from a handler).

    :param method: the method; *input*'s when it is a ``Request``, else ``GET``.
    :param headers: request headers, replacing *input*'s.
    :param body: bytes, text, ``URLSearchParams``, a binary stream, or a sync or async
        iterator of chunks (streamed).
    :param redirect: ``"follow"`` (up to 20), ``"manual"`` (the 3xx is the response) or
        ``"error"`` (a redirect raises :class:`FetchError`).
    :param timeout: seconds each step may take (connect, send, each read, waiting for a
        pooled connection); default 10 s to connect and 300 s otherwise, as undici.
    :param cache: Fetch's cache mode; ``no-store``/``reload``/``no-cache`` add the request
        headers Fetch adds. Nothing is cached yet.
    :param next: Next.js' ``{"revalidate": ..., "tags": [...]}``; accepted and ignored.
    :param duplex: accepted for code ported from Node (``"half"``); bodies always stream.
    :raises FetchError: the request failed (a ``TypeError``, as Node's ``fetch failed``).
    :raises TypeError: invalid arguments (a relative URL, a body on GET...).
    """
    prepared = _prepare(input, method, headers, body, redirect, cache, timeout)
    runner = fetch_loop()
    response, upstream = await runner.run(_send(runner, prepared))
    return _response(response, upstream, AsyncBody)


def fetch_sync(
    input: str | NextURL | Request,
    *,
    method: str | None = None,
    headers: HeadersInit | None = None,
    body: RequestBody | AsyncIterable[bytes] | None = None,
    redirect: RedirectMode = "follow",
    timeout: float | None = None,
    cache: CacheMode | None = None,
    next: Mapping[str, t.Any] | None = None,
    duplex: t.Literal["half"] | None = None,
) -> FetchResponse:
    """:func:`fetch` for plain ``def`` handlers: blocks until the response head is in.

    The body is a blocking iterator, read as the response is sent or read
    (``text_sync()``, ``iter_body()``); same arguments and errors as :func:`fetch`.
    """
    prepared = _prepare(input, method, headers, body, redirect, cache, timeout)
    runner = fetch_loop()
    response, upstream = runner.run_sync(_send(runner, prepared))
    return _response(response, upstream, SyncBody)
