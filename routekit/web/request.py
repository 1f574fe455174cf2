"""``Request`` and ``NextRequest``: the Web request app-route and edge handlers receive.

The body is read once, as in Fetch: a second read raises :class:`BodyUsedError`. Every
reader has an ``async`` form (``await request.json()``, as in Next.js) and a synchronous
twin with a ``_sync`` suffix for plain ``def`` handlers.
"""

from __future__ import annotations

import io
import json as _json
import typing as t
from collections.abc import Iterable, Iterator

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header

from .._js.headers import DISCARD_DUPLICATES
from .._syntax import parse_host
from .._wire import BodyReader
from ..errors import BodyUsedError, FormDataError, InvalidJSONError, RequestError
from ._whatwg import validate_url
from .cookies import RequestCookies
from .headers import Headers, HeadersInit
from .search_params import URLSearchParams
from .url import NextURL

if t.TYPE_CHECKING:
    from .._wire import RawRequest
    from ..config import SizeLimit

__all__ = [
    "NextRequest",
    "Request",
    "RequestBody",
    "request_from_raw",
]

#: What a request body may be built from: bytes, text, form params, a binary stream or chunks.
RequestBody = bytes | bytearray | str | URLSearchParams | t.BinaryIO | Iterable[bytes]

_CHUNK = 64 * 1024
# Fetch upper-cases only these methods; anything else (e.g. "patch") is kept as sent.
_NORMALISED_METHODS = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}
# A raw path holding these would move its tail into the query or fragment when parsed again.
_URL_SHIFTING = str.maketrans({"#": "%23", "?": "%3F", "\\": "%5C"})
# Node keeps only the first value of these request headers (http.IncomingMessage).
_SINGLE_HEADERS = DISCARD_DUPLICATES


class Request:
    """A Fetch ``Request``: method, absolute URL, headers and a read-once body.

    :param url: an absolute URL.
    :param method: the method; Fetch upper-cases ``get``, ``post``... but not ``patch``.
    :param headers: initial headers.
    :param body: bytes, text (``text/plain;charset=UTF-8``), ``URLSearchParams``
        (``application/x-www-form-urlencoded;charset=UTF-8``), a binary stream, or an
        iterable of byte chunks. Not allowed for GET and HEAD.
    """

    def __init__(
        self,
        url: str | NextURL,
        *,
        method: str = "GET",
        headers: HeadersInit | None = None,
        body: RequestBody | None = None,
    ) -> None:
        upper = method.upper()
        self.method = upper if upper in _NORMALISED_METHODS else method
        self.headers = Headers(headers)
        self._url = self._make_url(url)
        if body is not None and self.method in ("GET", "HEAD"):
            raise TypeError("Request with GET/HEAD method cannot have body.")
        self._body, content_type = _extract_body(body)
        if content_type and not self.headers.has("content-type"):
            self.headers.set("content-type", content_type)
        self._used = False

    def _make_url(self, url: str | NextURL) -> str:
        return validate_url(url)

    @property
    def url(self) -> str:
        """The absolute URL."""
        return self._url

    @property
    def body_used(self) -> bool:
        """Whether the body was read."""
        return self._used

    # -- reading, synchronous -----------------------------------------------------------

    def iter_body(self) -> Iterator[bytes]:
        """The body as chunks, read as they arrive (for large uploads)."""
        if self._used:
            raise BodyUsedError()
        self._used = True
        source = self._body
        if source is None:
            return
        if isinstance(source, bytes):
            if source:
                yield source
            return
        if hasattr(source, "read"):
            stream = t.cast("t.BinaryIO", source)
            while chunk := stream.read(_CHUNK):
                yield chunk
            return
        for piece in t.cast("Iterable[bytes]", source):
            if piece:
                yield bytes(piece)

    def body_sync(self) -> bytes:
        """The whole body as bytes (``b""`` when there is none)."""
        return b"".join(self.iter_body())

    def text_sync(self) -> str:
        """The body decoded as UTF-8 (a BOM is dropped, bad bytes become U+FFFD)."""
        return self.body_sync().removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")

    def json_sync(self) -> t.Any:
        """The body parsed as JSON, with ``JSON.parse`` rules (no ``NaN``/``Infinity``).

        :raises InvalidJSONError: the body is empty or not JSON.
        """
        return _parse_json(self.text_sync())

    def form_data_sync(self) -> MultiDict[str, str | FileStorage]:
        """The body parsed as a form: fields as ``str``, uploads as werkzeug ``FileStorage``.

        :raises FormDataError: the content type is neither ``multipart/form-data`` nor
            ``application/x-www-form-urlencoded``, or the body is malformed.
        """
        mimetype, options = parse_options_header(self.headers.get("content-type"))
        if mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise FormDataError(
                'Content-Type was not one of "multipart/form-data" or '
                f'"application/x-www-form-urlencoded" (got {mimetype or "none"!r}).'
            )
        data = self.body_sync()
        try:
            # Not silent: Fetch's formData() rejects a malformed body instead of returning {}.
            parser = FormDataParser(stream_factory=_memory_stream, silent=False)
            _, form, files = parser.parse(io.BytesIO(data), mimetype, len(data), options)
        except ValueError as exc:
            raise FormDataError(f"Failed to parse body as FormData: {exc}") from None
        out: MultiDict[str, str | FileStorage] = MultiDict()
        for key, value in form.items(multi=True):
            out.add(key, value)
        for key, upload in files.items(multi=True):
            out.add(key, upload)
        return out

    # -- reading, async (Fetch names) ---------------------------------------------------

    async def body(self) -> bytes:
        """The whole body as bytes."""
        return self.body_sync()

    async def array_buffer(self) -> bytes:
        """The whole body as bytes (Fetch's ``arrayBuffer()``)."""
        return self.body_sync()

    async def text(self) -> str:
        """The body as text; see :meth:`text_sync`."""
        return self.text_sync()

    async def json(self) -> t.Any:
        """The body as JSON; see :meth:`json_sync`."""
        return self.json_sync()

    async def form_data(self) -> MultiDict[str, str | FileStorage]:
        """The body as a form; see :meth:`form_data_sync`."""
        return self.form_data_sync()

    def clone(self) -> Request:
        """A copy whose body can be read independently (buffers the body)."""
        if self._used:
            raise BodyUsedError()
        if self._body is not None and not isinstance(self._body, bytes):
            self._body = self.body_sync()
            self._used = False
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.headers = self.headers.copy()
        copy._post_clone()
        return copy

    def _post_clone(self) -> None:
        """Hook for subclasses holding per-instance state."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method} {self.url!r}>"


class NextRequest(Request):
    """Next.js' ``NextRequest``: a :class:`Request` with ``cookies`` and ``next_url``.

    ``url`` is ``next_url``'s ``href``, so ``127.0.0.1`` reads ``localhost``.
    """

    def _make_url(self, url: str | NextURL) -> str:
        self._next_url = NextURL(url)
        return self._next_url.href

    @property
    def url(self) -> str:
        """The absolute URL, normalised as :attr:`next_url`."""
        return self._next_url.href

    @property
    def next_url(self) -> NextURL:
        """The URL as a mutable :class:`NextURL` (``pathname``, ``search_params``...)."""
        return self._next_url

    @property
    def cookies(self) -> RequestCookies:
        """The request's cookies, parsed from the ``Cookie`` header when first read."""
        cached: RequestCookies | None = self.__dict__.get("_cookies")
        if cached is None:
            cached = RequestCookies(self.headers)
            self.__dict__["_cookies"] = cached
        return cached

    def _post_clone(self) -> None:
        self._next_url = self._next_url.clone()
        self.__dict__.pop("_cookies", None)


def _memory_stream(*args: t.Any, **kwargs: t.Any) -> t.IO[bytes]:
    # The body is already in memory; werkzeug's default spooled temp files would warn when
    # a handler never closes its uploads.
    return io.BytesIO()


def _extract_body(body: RequestBody | None) -> tuple[t.Any, str | None]:
    if body is None:
        return None, None
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain;charset=UTF-8"
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body), None
    if isinstance(body, URLSearchParams):
        return body.to_string().encode(), "application/x-www-form-urlencoded;charset=UTF-8"
    if hasattr(body, "read") or isinstance(body, Iterable):
        return body, None
    raise TypeError(f"Request body must be bytes, str, a stream or byte chunks, got {body!r}")


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"Unexpected token '{name[0]}'")


def _parse_json(text: str) -> t.Any:
    if not text.strip():
        raise InvalidJSONError("Unexpected end of JSON input (the request body is empty)")
    try:
        return _json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise InvalidJSONError(f"Request body is not valid JSON: {exc}") from None
    except RecursionError:
        # JSON.parse has no depth limit; Python's parser has. Too deep is invalid, not a 500.
        raise InvalidJSONError(
            "Request body is not valid JSON: nested too deeply for the parser"
        ) from None


def _node_headers(lines: Iterable[tuple[str, str]]) -> Headers:
    """Headers as Node's ``IncomingMessage`` presents them to Next.js."""
    headers = Headers()
    for name, value in lines:
        key = name.lower()
        if key in _SINGLE_HEADERS and headers.has(key):
            continue
        try:
            headers.append(key, value)
        except TypeError:
            continue  # a header Fetch cannot represent; Node would have rejected the request
    cookies = [value for key, value in headers.raw() if key == "cookie"]
    if len(cookies) > 1:
        # Node joins repeated Cookie headers with "; " rather than ", ".
        headers.set("cookie", "; ".join(cookies))
    return headers


def request_from_raw(
    raw: RawRequest,
    *,
    query_string: str | None = None,
    cls: type[NextRequest] = NextRequest,
    body_limit: SizeLimit | None = None,
) -> NextRequest:
    """Build the handler's request from the wire request (no body for GET and HEAD).

    The URL is built from parts the pipeline validated -- the scheme, the ``Host`` (an RFC
    3986 host) and the raw path -- so no header can move the path or the query.

    :param query_string: replaces ``raw.query_string`` (edge handlers get params merged in).
    :param body_limit: the most body bytes the readers accept (413 past it).
    :raises RequestError: ``400`` for a ``Host`` that is not a valid host (the pipeline
        answers those before routing; this guards direct callers).
    """
    parts = parse_host(raw.host or "localhost:3000")
    if parts is None:
        raise RequestError(400, "Bad Request")
    host, port = parts
    scheme = raw.scheme if raw.scheme in ("http", "https") else "http"
    authority = f"{host}:{port}" if port else host
    query = raw.query_string if query_string is None else query_string
    path = (raw.path or "/").translate(_URL_SHIFTING)
    if not path.startswith("/"):
        path = "/" + path
    url = f"{scheme}://{authority}{path}" + (f"?{query}" if query else "")
    request = cls(url, method=raw.method, headers=_node_headers(raw.headers))
    if request.method not in ("GET", "HEAD") and raw.body is not None:
        # Never past the declared length (a WSGI input never blocks after the body) nor the limit.
        if body_limit is None:
            request._body = BodyReader(raw.body, raw.content_length)
        else:
            request._body = BodyReader(raw.body, raw.content_length, *body_limit)
    return request
