"""``res``: the response a ``pages/api`` handler writes, with Next.js' helpers on Node's API.

:class:`ApiResponse` is Node's ``ServerResponse`` (headers, ``write``/``end``, implicit
``Content-Length``, no body for ``HEAD``/204/304) plus what ``apiResolver`` attaches
(``status``, ``send``, ``json``, ``redirect``, ``revalidate``), in snake_case. Bytes leave
only through the :class:`~routekit._wire.Sink`, each ``write`` at once, so server-sent
events work. The header bookkeeping and Node's name/value checks are in
:mod:`routekit.pages._outheaders`.
"""

from __future__ import annotations

import math
import re
import threading
import typing as t
from collections.abc import Iterator

from .._js.jsonenc import stringify
from .._js.sizes import format_bytes
from .._js.status import reason_phrase
from .._wire import NOTICE_BODY_IGNORED, NOTICE_RESPONSE_LIMIT
from ..config import DEFAULT_RESPONSE_LIMIT
from ..errors import ResponseStateError, RoutekitError
from ._outheaders import BAD_VALUE, HeaderValue, OutgoingHeaders
from .etag import EtagHasher, generate_etag, is_fresh

if t.TYPE_CHECKING:
    from typing_extensions import Self

    from .._wire import Exchange, Sink

__all__ = ["ApiResponse", "HeaderValue"]

_JSON_TYPE = "application/json; charset=utf-8"
_STREAM_CHUNK = 64 * 1024
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_REDIRECT_ERROR = (
    "Invalid redirect arguments. Please use a single argument URL, e.g. "
    "res.redirect('/destination') or use a status code and URL, e.g. "
    "res.redirect(307, '/destination')."
)
_BODY_IGNORED = (
    "A body was attempted to be set with a 204 statusCode for {url}, this is invalid and the "
    "body was ignored.\nSee more info here https://nextjs.org/docs/messages/invalid-api-status-body"
)
_LIMIT_WARNING = (
    "API response for {url} exceeds {size}. API Routes are meant to respond quickly. "
    "https://nextjs.org/docs/messages/api-routes-response-size-limit"
)


class _Completed:
    """An awaitable that is already done: ``await res.revalidate(...)`` works, a bare call
    leaves no never-awaited coroutine behind."""

    __slots__ = ()

    def __await__(self) -> t.Generator[t.Any, None, None]:
        yield from ()

    def __repr__(self) -> str:
        return "<completed>"


_COMPLETED = _Completed()


def _to_bytes_utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Buffer.from(str) writes a lone surrogate as U+FFFD and a split pair as one character.
        return _SURROGATES.sub(_join_surrogates, text).encode("utf-8")


def _join_surrogates(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 2:
        return chr(0x10000 + ((ord(text[0]) - 0xD800) << 10) + (ord(text[1]) - 0xDC00))
    return "\ufffd"


def _js_status(value: int | float) -> int:
    """A number as Node's ``statusCode |= 0`` reads it: a finite float is truncated.

    :raises ResponseStateError: for NaN and the infinities (Node: ``Invalid status code``).
    """
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        raise ResponseStateError(
            f"Invalid status code: {value!r}; a status code is a number from 100 to 999"
        )
    return int(value)


def _js_truthy(value: object) -> bool:
    if isinstance(value, (str, bool, int, float)):
        return bool(value) and value == value  # NaN is falsy
    return value is not None  # objects, arrays and buffers are truthy even when empty


class ApiResponse:
    """The ``res`` of ``handler(req, res)``: Node's ``ServerResponse`` with Next.js' helpers.

    :param exchange: the request record; its ``raw`` request gives the method, the URL and
        the conditional-request headers, and notices are recorded on it.
    :param sink: where the status line, headers and body bytes go.
    :param response_limit: the size in bytes from which ``end()`` logs Next.js' "API response
        ... exceeds" warning; ``None`` or ``0`` disables it.
    :param record_chunks: keep the body chunks handed to the sink in :attr:`chunks` (for
        tests); the server turns it off so long streams do not accumulate.
    """

    __slots__ = (
        "_end_event",
        "_finished",
        "_has_body",
        "_headers",
        "_headers_sent",
        "_method",
        "_response_limit",
        "_sink",
        "_status",
        "_status_message",
        "_url",
        "bytes_written",
        "chunks",
        "exchange",
    )

    def __init__(
        self,
        exchange: Exchange,
        sink: Sink,
        *,
        response_limit: int | None = DEFAULT_RESPONSE_LIMIT,
        record_chunks: bool = True,
    ) -> None:
        raw = exchange.raw
        self.exchange = exchange
        self._sink = sink
        self._method = raw.method
        self._url = raw.url
        self._status = 200
        self._status_message: str | None = None
        self._headers = OutgoingHeaders()
        self._headers_sent = False
        self._has_body = True
        self._finished = False
        self._response_limit = response_limit
        self._end_event: threading.Event | None = None
        #: Bytes passed to ``write``/``end`` so far (Next.js' response-limit count).
        self.bytes_written = 0
        #: The body chunks handed to the sink, in order (``None`` when not recorded).
        self.chunks: list[bytes] | None = [] if record_chunks else None

    def __repr__(self) -> str:
        state = "ended" if self._finished else "sent" if self._headers_sent else "open"
        return f"<{type(self).__name__} {self._status} {self._method} {self._url!r} {state}>"

    # -- status -------------------------------------------------------------------------------

    def status(self, code: int) -> Self:
        """Set the status code and return ``res``, so calls chain: ``res.status(404).json(...)``.

        Unlike Next.js, a bad code fails here, not later inside ``send``.

        :raises ResponseStateError: *code* is not an ``int`` in 100..999.
        """
        self.status_code = code
        return self

    @property
    def status_code(self) -> int:
        """The status code to send (200 until set)."""
        return self._status

    @status_code.setter
    def status_code(self, code: int) -> None:
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 999:
            raise ResponseStateError(
                f"Invalid status code: {code!r}; a status code is an int from 100 to 999, "
                "e.g. res.status(404)"
            )
        if self._headers_sent:
            raise self._sent_error(f"res.status({code})", status=True)
        self._status = int(code)

    @property
    def status_message(self) -> str:
        """The reason phrase; Node's text for the status code (``Not Found``) unless set."""
        if self._status_message is not None:
            return self._status_message
        return reason_phrase(self._status)

    @status_message.setter
    def status_message(self, message: str) -> None:
        if not isinstance(message, str) or BAD_VALUE.search(message):
            raise ResponseStateError(
                f"Invalid character in statusMessage: {message!r}; use Latin-1 text without "
                "control characters"
            )
        self._status_message = message

    # -- headers ------------------------------------------------------------------------------

    def set_header(self, name: str, value: HeaderValue) -> Self:
        """Set header *name* (replacing it); a list sends one line per value. Chainable.

        Numbers are stored as text (``5`` -> ``"5"``).

        :raises ResponseStateError: the head was already sent, or *name*/*value* is not a
            valid header (Node's ``ERR_INVALID_HTTP_TOKEN``/``ERR_INVALID_CHAR``).
        """
        if self._headers_sent:
            raise self._sent_error(f"res.set_header({name!r})")
        self._headers.set(name, value)
        return self

    def append_header(self, name: str, value: HeaderValue) -> Self:
        """Add *value* to header *name*, keeping the values set before (Node's ``appendHeader``)."""
        if self._headers_sent:
            raise self._sent_error(f"res.append_header({name!r})")
        self._headers.append(name, value)
        return self

    def get_header(self, name: str) -> str | list[str] | None:
        """Header *name* (case-insensitive): a str, a list for repeated lines, or None."""
        return self._headers.get(name)

    def get_headers(self) -> dict[str, str | list[str]]:
        """A copy of every header set, keyed by lower-case name."""
        return self._headers.as_dict()

    def get_header_names(self) -> list[str]:
        """The lower-case names of the headers set, in the order they were first set."""
        return self._headers.names()

    def has_header(self, name: str) -> bool:
        """Whether header *name* is set (case-insensitive)."""
        return name in self._headers

    def remove_header(self, name: str) -> None:
        """Drop header *name* if set.

        :raises ResponseStateError: the head was already sent.
        """
        if self._headers_sent:
            raise ResponseStateError(
                f"Cannot remove headers after they are sent to the client: {name!r} in "
                f"{self._method} {self._url}"
            )
        self._headers.remove(name)

    @property
    def headers_sent(self) -> bool:
        """Whether the status line and headers have gone to the client."""
        return self._headers_sent

    @property
    def finished(self) -> bool:
        """Whether ``end()`` was called (Node's ``writableEnded``)."""
        return self._finished

    def is_ended(self) -> bool:
        """Same as :attr:`finished`."""
        return self._finished

    @property
    def closed(self) -> bool:
        """Whether nothing more can reach the client: ended, or the client went away."""
        return self._finished or self._sink.disconnected

    def set_cookie(self, name: str, value: str, **options: t.Any) -> Self:
        """Append a ``Set-Cookie`` line built as the npm ``cookie`` package's ``serialize``.

        Options: ``max_age``, ``expires``, ``path``, ``domain``, ``http_only``, ``secure``,
        ``same_site``, ``priority``, ``partitioned`` (camelCase spellings work too).
        """
        from .._js.cookies import serialize_cookie

        return self.append_header("Set-Cookie", serialize_cookie(name, value, **options))

    # -- body ---------------------------------------------------------------------------------

    def write_head(self, status: int, headers: t.Mapping[str, HeaderValue] | None = None) -> Self:
        """Set the status and extra *headers*, and send the head now (Node's ``writeHead``).

        Without a ``Content-Length`` among the headers the body is then streamed (chunked).
        """
        self.status_code = status
        if headers:
            for name, value in headers.items():
                self.set_header(name, value)
        self._send_head(None)
        return self

    def write(self, chunk: str | bytes | bytearray | memoryview) -> None:
        """Send *chunk* to the client now; the first write sends the head (no Content-Length).

        :raises ResponseStateError: after ``end()``, or for a chunk that is not str or bytes.
        """
        if self._finished:
            raise self._ended_error("write")
        data = self._chunk_bytes(chunk, "write")
        self.bytes_written += len(data)
        if not self._headers_sent:
            self._send_head(None)
        if data and self._has_body:
            if self.chunks is not None:
                self.chunks.append(data)
            self._sink.write(data)

    def end(self, chunk: str | bytes | bytearray | memoryview | None = None) -> Self:
        """Send the last *chunk* (if any) and finish the response.

        A response whose head was not sent yet gets ``Content-Length`` (Node's rule).

        :raises ResponseStateError: when the response already ended.
        """
        if self._finished:
            raise self._ended_error("end")
        data = b"" if chunk is None else self._chunk_bytes(chunk, "end")
        self.bytes_written += len(data)
        if not self._headers_sent:
            self._send_head(len(data))
        limit = self._response_limit
        if limit and self.bytes_written >= limit:
            self.exchange.notice(
                NOTICE_RESPONSE_LIMIT,
                _LIMIT_WARNING.format(url=self._url, size=format_bytes(limit)),
            )
        if not self._has_body:
            data = b""
        if data and self.chunks is not None:
            self.chunks.append(data)
        self._finished = True
        try:
            self._sink.finish(data)
        finally:
            event = self._end_event
            if event is not None:
                event.set()
        return self

    def send(self, body: object = None) -> None:
        """Send *body* as Next.js' ``res.send`` does (``sendData``).

        ``None`` ends the response empty; ``str`` is sent as is, with no ``Content-Type``;
        ``bytes`` default to ``application/octet-stream``; a file-like object or an iterator
        is streamed; anything else is JSON (``Content-Type`` forced to JSON). ``str``, bytes
        and JSON get an ``ETag`` and may become a 304 (even for a POST or a 500, as in
        Next.js). A 204 or 304 ignores the body.
        """
        if self._finished:
            raise self._ended_error("send")
        if body is None:
            self.end()
            return
        if self._status == 204 or self._status == 304:
            for name in ("content-type", "content-length", "transfer-encoding"):
                self._headers.remove(name)
            if self.exchange.dev_warnings and _js_truthy(body):
                self.exchange.notice(NOTICE_BODY_IGNORED, _BODY_IGNORED.format(url=self._url))
            self.end()
            return
        kind = type(body)
        if kind is str:
            text = t.cast("str", body)
            etag = generate_etag(text)
        elif kind is bytes or kind is bytearray or kind is memoryview:
            self._send_buffer(bytes(t.cast("bytes", body)))
            return
        elif kind is dict or kind is list:
            text = stringify(body, context="res.send()")
            etag = generate_etag(text)
        elif isinstance(body, str):
            text = str(body)
            etag = generate_etag(text)
        elif isinstance(body, (bytes, bytearray, memoryview)):
            self._send_buffer(bytes(body))
            return
        elif callable(getattr(body, "read", None)) or isinstance(body, Iterator):
            self._pipe(body)
            return
        else:
            text = stringify(body, context="res.send()")
            etag = generate_etag(text)
        if self._send_etag(etag):
            return
        if kind is not str and not isinstance(body, str):
            self._headers.put("Content-Type", _JSON_TYPE)
        data = _to_bytes_utf8(text)
        self._headers.put("Content-Length", str(len(data)))
        self.end(data)

    def json(self, value: object) -> None:
        """Send *value* as JSON: ``Content-Type: application/json; charset=utf-8``, then
        ``send(stringify(value))`` (so ``ETag`` and 304 apply).

        :raises JSONEncodeError: *value* holds something JSON cannot express (a 500).
        """
        if self._finished:
            raise self._ended_error("json")
        text = stringify(value)
        self._check_open("json")
        self._headers.put("Content-Type", _JSON_TYPE)
        self.send(text)

    def redirect(self, status_or_url: int | str, url: str | None = None) -> Self:
        """Redirect: ``redirect(url)`` (307) or ``redirect(status, url)``.

        As in Next.js the body is the URL text, streamed (no ``Content-Length``), with no
        ``Content-Type``; the URL is sent as given. A status is a number as in JavaScript:
        ``301.5`` is 301; ``nan``, ``inf`` or one outside 100..999 raises with ``Location``
        already set (Next.js answers that 500 with it).

        :raises ResponseStateError: with Next.js' "Invalid redirect arguments" message, or
            for an invalid status.
        """
        if isinstance(status_or_url, str):
            url, status_or_url = status_or_url, 307
        if (
            not isinstance(status_or_url, (int, float))
            or isinstance(status_or_url, bool)
            or not isinstance(url, str)
        ):
            raise ResponseStateError(_REDIRECT_ERROR)
        # Next.js calls writeHead(status, {Location}); the compression wrapper of every
        # `next start` response sets the headers first, so an invalid status (NaN, 1000)
        # fails with Location already set: the 500 that follows carries it.
        self.set_header("Location", url)
        self.write_head(_js_status(status_or_url))
        self.write(url)
        self.end()
        return self

    def revalidate(
        self, url_path: str, *, unstable_only_generated: bool = False
    ) -> t.Awaitable[None]:
        """Ask for on-demand revalidation of *url_path* (Next.js' ``res.revalidate``).

        routekit renders no pages: the path is recorded on the exchange
        (``exchange.revalidated``) and passed to the app's ``revalidate`` hook, if any. The
        result is an already-completed awaitable, so ``await res.revalidate("/x")`` works.

        :raises ResponseStateError: *url_path* is not a str starting with ``/``.
        :raises RoutekitError: ``Failed to revalidate <path>: ...`` when the hook raises.
        """
        if not isinstance(url_path, str) or not url_path.startswith("/"):
            raise ResponseStateError(
                "Invalid urlPath provided to revalidate(), must be a path e.g. /blog/post-1, "
                f"received {url_path}"
            )
        self.exchange.revalidated.append(url_path)
        hook = self.exchange.revalidate_hook
        if hook is not None:
            try:
                hook(url_path)
            except Exception as exc:
                raise RoutekitError(f"Failed to revalidate {url_path}: {exc}") from exc
        return _COMPLETED

    def wait_ended(self, timeout: float | None) -> bool:
        """Block until ``end()`` is called (from any thread) or *timeout* passes; True if ended."""
        event = self._end_event
        if event is None:
            event = self._end_event = threading.Event()
        # end() reads _end_event after setting _finished, so one of the two sees the other.
        if self._finished:
            return True
        return event.wait(timeout)

    # -- internals ----------------------------------------------------------------------------

    def _send_buffer(self, data: bytes) -> None:
        # Next.js hashes JSON.stringify(buffer), {"type":"Buffer","data":[...]}, in slices here.
        hasher = EtagHasher()
        hasher.update('{"type":"Buffer","data":[')
        for start in range(0, len(data), _STREAM_CHUNK):
            piece = ",".join(map(str, data[start : start + _STREAM_CHUNK]))
            hasher.update("," + piece if start else piece)
        hasher.update("]}")
        if self._send_etag(hasher.etag()):
            return
        if "content-type" not in self._headers:
            self._headers.put("Content-Type", "application/octet-stream")
        self._headers.put("Content-Length", str(len(data)))
        self.end(data)

    def _send_etag(self, etag: str) -> bool:
        """Set ``ETag``; if the request's validators make it fresh, answer 304 and return True."""
        self._check_open("send")
        self._headers.put("ETag", etag)
        raw = self.exchange.raw
        if_none_match = if_modified_since = cache_control = None
        for name, value in raw.headers:
            # Node joins repeated If-None-Match/Cache-Control lines and keeps the first
            # If-Modified-Since.
            lname = name.lower()
            if lname == "if-none-match":
                if_none_match = value if if_none_match is None else f"{if_none_match}, {value}"
            elif lname == "cache-control":
                cache_control = value if cache_control is None else f"{cache_control}, {value}"
            elif lname == "if-modified-since" and if_modified_since is None:
                if_modified_since = value
        if (if_none_match or if_modified_since) and is_fresh(
            etag,
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
            cache_control=cache_control,
        ):
            self._status = 304
            self.end()
            return True
        return False

    def _pipe(self, source: t.Any) -> None:
        self._check_open("send")
        if "content-type" not in self._headers:
            self._headers.put("Content-Type", "application/octet-stream")
        try:
            read = getattr(source, "read", None)
            if callable(read):
                while True:
                    piece = read(_STREAM_CHUNK)
                    if not piece:
                        break
                    self.write(piece)
            else:
                for piece in source:
                    self.write(piece)
            self.end()
        finally:
            close = getattr(source, "close", None)
            if callable(close):
                close()

    def _send_head(self, content_length: int | None) -> None:
        if self._headers_sent:
            raise self._sent_error("res.write_head()")
        status = self._status
        # Node: HEAD, 1xx, 204 and 304 never carry a body, nor an implicit Content-Length.
        has_body = self._method != "HEAD" and status != 204 and status != 304 and status >= 200
        headers = self._headers.lines()
        if (
            content_length is not None
            and has_body
            and "content-length" not in self._headers
            and "transfer-encoding" not in self._headers
        ):
            headers.append(("Content-Length", str(content_length)))
        self._has_body = has_body
        self._headers_sent = True
        self._sink.start(status, self.status_message, headers)

    def _chunk_bytes(self, chunk: object, method: str) -> bytes:
        if isinstance(chunk, str):
            return _to_bytes_utf8(chunk)
        if isinstance(chunk, (bytes, bytearray, memoryview)):
            return bytes(chunk)
        raise ResponseStateError(
            f"res.{method}() takes str or bytes, got {type(chunk).__name__} "
            f"({self._method} {self._url}); use res.json() or res.send() for other values"
        )

    def _check_open(self, method: str) -> None:
        if self._headers_sent:
            raise self._sent_error(f"res.{method}()")

    def _ended_error(self, method: str) -> ResponseStateError:
        return ResponseStateError(
            f"write after end: res.{method}() was called after the response to {self._method} "
            f"{self._url} was ended; return from the handler right after res.end(), "
            "res.send(), res.json() or res.redirect()"
        )

    def _sent_error(self, what: str, *, status: bool = False) -> ResponseStateError:
        problem = (
            "Cannot set the status code after the head was sent to the client"
            if status
            else "Cannot set headers after they are sent to the client"
        )
        return ResponseStateError(
            f"{problem}: {what} in {self._method} {self._url} came after res.write(), "
            "res.write_head() or res.end() sent the head; set the status and headers first"
        )
