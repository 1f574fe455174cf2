"""``Response`` and ``NextResponse``: what app-route, edge and middleware handlers return.

Bodies may be text, bytes, ``URLSearchParams``, or a sync/async iterator of chunks, which
is streamed to the client as it produces them (server-sent events work). Fetch's default
content types apply; ``Response.json`` writes compact JSON as ``JSON.stringify`` does.
"""

from __future__ import annotations

import functools
import typing as t
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from .._aio import run_coroutine
from .._js.jsonenc import stringify
from ..errors import BodyUsedError, InvalidStatusError
from ._whatwg import validate_url
from .cookies import ResponseCookies, stringify_cookie
from .headers import Headers, HeadersInit
from .request import _parse_json
from .search_params import URLSearchParams
from .url import NextURL

__all__ = ["NextResponse", "Response", "ResponseBody"]

#: What a response body may be: text, bytes, form params, or chunks (sync or async).
ResponseBody = (
    str | bytes | bytearray | URLSearchParams | Iterable[bytes | str] | AsyncIterable[bytes | str]
)

_NULL_BODY_STATUSES = frozenset({101, 103, 204, 205, 304})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

R = t.TypeVar("R", bound="Response")


def _chunk_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _stringify(data: t.Any, context: str) -> bytes:
    """``JSON.stringify(data)``: compact, numbers as JavaScript writes them."""
    return stringify(data, context=context).encode("utf-8", "surrogatepass")


class _JSONMethod:
    """``Response.json(data)`` builds a JSON response; ``await response.json()`` reads one.

    Fetch uses one name for both, so a descriptor picks by class or instance access.
    """

    @t.overload
    def __get__(self, obj: None, owner: type[R]) -> t.Callable[..., R]: ...
    @t.overload
    def __get__(
        self, obj: Response, owner: type[Response] | None = None
    ) -> t.Callable[[], t.Coroutine[t.Any, t.Any, t.Any]]: ...
    def __get__(self, obj: Response | None, owner: type[t.Any] | None = None) -> t.Any:
        if obj is None:
            return functools.partial(_json_response, owner or Response)
        return obj._json_read


def _json_response(
    cls: type[R],
    data: t.Any,
    status: int = 200,
    headers: HeadersInit | None = None,
    *,
    status_text: str = "",
) -> R:
    """A response whose body is ``JSON.stringify(data)`` and type ``application/json``."""
    response = cls(
        _stringify(data, f"{cls.__name__}.json()"), status, headers, status_text=status_text
    )
    if not response.headers.has("content-type"):
        response.headers.set("content-type", "application/json")
    return response


class Response:
    """A Fetch ``Response``.

    :param body: ``None``, text (``text/plain;charset=UTF-8``), bytes, ``URLSearchParams``
        (``application/x-www-form-urlencoded;charset=UTF-8``), or a sync or async iterable
        of ``bytes``/``str`` chunks, streamed as produced.
    :param status: 200..599.
    :param headers: initial headers; an explicit ``Content-Type`` beats the default.
    :param status_text: the reason phrase; empty means the standard one.
    :raises InvalidStatusError: *status* is outside 200..599.
    :raises TypeError: a body with a null-body status (204, 205, 304).
    """

    def __init__(
        self,
        body: ResponseBody | None = None,
        status: int = 200,
        headers: HeadersInit | None = None,
        *,
        status_text: str = "",
    ) -> None:
        if not isinstance(status, int) or not 200 <= status <= 599:
            raise InvalidStatusError(
                f'init["status"] must be in the range of 200 to 599, inclusive (got {status!r}).'
            )
        self.status = status
        self.status_text = status_text
        self.headers = Headers(headers)
        self._used = False
        self._body: bytes | Iterable[t.Any] | AsyncIterable[t.Any] | None
        content_type: str | None = None
        if body is None:
            self._body = None
        elif isinstance(body, str):
            self._body, content_type = body.encode("utf-8"), "text/plain;charset=UTF-8"
        elif isinstance(body, (bytes, bytearray, memoryview)):
            self._body = bytes(body)
        elif isinstance(body, URLSearchParams):
            self._body = body.to_string().encode()
            content_type = "application/x-www-form-urlencoded;charset=UTF-8"
        elif isinstance(body, (Iterable, AsyncIterable)) and not isinstance(body, dict):
            self._body = body
        else:
            raise TypeError(
                f"Response body must be str, bytes or an iterator of chunks, got "
                f"{type(body).__name__}; use Response.json(data) to send JSON."
            )
        if self._body is not None and status in _NULL_BODY_STATUSES:
            raise TypeError(
                f"Response constructor: Invalid response status code {status} "
                "(a 204/205/304 response cannot have a body; pass body=None)."
            )
        if content_type and not self.headers.has("content-type"):
            self.headers.set("content-type", content_type)

    # -- constructors -----------------------------------------------------------------

    json = _JSONMethod()

    @classmethod
    def redirect(cls: type[R], url: str | NextURL, status: int = 302) -> R:
        """A redirect to the absolute *url* (Fetch's ``Response.redirect``).

        :raises InvalidStatusError: *status* is not 301, 302, 303, 307 or 308.
        :raises MalformedURLError: *url* is not absolute.
        """
        if status not in _REDIRECT_STATUSES:
            raise InvalidStatusError(f"Invalid status code {status}")
        return cls(None, status, {"location": validate_url(url)})

    # -- accessors --------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status <= 299

    @property
    def body_used(self) -> bool:
        """Whether the body was read (or sent)."""
        return self._used

    def _take_body(self) -> bytes | Iterator[t.Any] | AsyncIterator[t.Any] | None:
        """Hand the body source over once: bytes, an iterator, or an async iterator."""
        if self._used:
            raise BodyUsedError()
        self._used = True
        body = self._body
        if body is None or isinstance(body, bytes):
            return body
        if isinstance(body, AsyncIterable):
            return body.__aiter__()
        return iter(t.cast("Iterable[t.Any]", body))

    def body_sync(self) -> bytes:
        """The whole body as bytes, running an async iterator to its end."""
        source = self._take_body()
        if source is None or isinstance(source, bytes):
            return source or b""
        if isinstance(source, AsyncIterator):
            return run_coroutine(_collect(source))
        return b"".join(_chunk_bytes(c) for c in source)

    def text_sync(self) -> str:
        """The body decoded as UTF-8."""
        return self.body_sync().removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")

    def json_sync(self) -> t.Any:
        """The body parsed as JSON; raises ``InvalidJSONError`` when it is not JSON."""
        return _parse_json(self.text_sync())

    async def body(self) -> bytes:
        """The whole body as bytes."""
        source = self._take_body()
        if source is None or isinstance(source, bytes):
            return source or b""
        if isinstance(source, AsyncIterator):
            return await _collect(source)
        return b"".join(_chunk_bytes(c) for c in source)

    async def array_buffer(self) -> bytes:
        """The whole body as bytes (Fetch's ``arrayBuffer()``)."""
        return await self.body()

    async def text(self) -> str:
        """The body as text."""
        return (await self.body()).removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")

    async def _json_read(self) -> t.Any:
        return _parse_json(await self.text())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.status}>"


async def _collect(source: AsyncIterator[t.Any]) -> bytes:
    return b"".join([_chunk_bytes(c) async for c in source])


def _middleware_fields(headers: Headers, request_headers: HeadersInit | None) -> None:
    """Next.js' ``handleMiddlewareField``: forward request headers to the route."""
    if request_headers is None:
        return
    forwarded = Headers(request_headers)
    keys: list[str] = []
    for key, value in forwarded:
        headers.set(f"x-middleware-request-{key}", value)
        keys.append(key)
    headers.set("x-middleware-override-headers", ",".join(keys))


class NextResponse(Response):
    """Next.js' ``NextResponse``: a :class:`Response` with ``cookies`` and middleware helpers."""

    def __init__(
        self,
        body: ResponseBody | None = None,
        status: int = 200,
        headers: HeadersInit | None = None,
        *,
        status_text: str = "",
    ) -> None:
        super().__init__(body, status, headers, status_text=status_text)
        self._cookies = ResponseCookies(self.headers)
        self._cookies._listener = self._cookies_changed

    def _cookies_changed(self, name: str) -> None:
        # Next.js mirrors cookies into this internal header for downstream cookies() calls;
        # it never reaches the client (send_web_response drops it).
        self.headers.set(
            "x-middleware-set-cookie",
            ",".join(stringify_cookie(c) for c in self._cookies.get_all()),
        )

    @property
    def cookies(self) -> ResponseCookies:
        """The response's ``Set-Cookie`` headers as a :class:`ResponseCookies`."""
        return self._cookies

    @classmethod
    def redirect(
        cls,
        url: str | NextURL,
        status: int = 307,
        *,
        headers: HeadersInit | None = None,
    ) -> NextResponse:
        """A redirect to the absolute *url*, ``307`` unless *status* says otherwise.

        :raises InvalidStatusError: *status* is not 301, 302, 303, 307 or 308.
        :raises MalformedURLError: *url* is not absolute.
        """
        if status not in _REDIRECT_STATUSES:
            raise InvalidStatusError(
                'Failed to execute "redirect" on "response": Invalid status code'
                f" {status} (use 301, 302, 303, 307 or 308)"
            )
        response = cls(None, status, headers)
        response.headers.set("location", validate_url(url))
        return response

    @classmethod
    def rewrite(
        cls,
        url: str | NextURL,
        *,
        request_headers: HeadersInit | None = None,
        headers: HeadersInit | None = None,
        status: int = 200,
    ) -> NextResponse:
        """Middleware only: serve the route at the absolute *url* instead of the requested one."""
        response = cls(None, status, headers)
        response.headers.set("x-middleware-rewrite", validate_url(url))
        _middleware_fields(response.headers, request_headers)
        return response

    @classmethod
    def next(
        cls,
        *,
        request_headers: HeadersInit | None = None,
        headers: HeadersInit | None = None,
        status: int = 200,
    ) -> NextResponse:
        """Middleware only: continue to the route; *request_headers* replace the request's."""
        response = cls(None, status, headers)
        response.headers.set("x-middleware-next", "1")
        _middleware_fields(response.headers, request_headers)
        return response
