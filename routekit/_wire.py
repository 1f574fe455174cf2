"""The transport-neutral request/response plumbing shared by every entry point.

One request pipeline serves the WSGI adapter, the in-process test client and the unit-level
mocks, so they cannot drift. Each entry point builds a :class:`RawRequest`, picks a
:class:`Sink` for the bytes going out, and wraps both in an :class:`Exchange` that records
what happened (matched route, runtime notices, the handler's exception).

Nothing here knows about Next.js semantics; ``pages/``, ``web/`` and ``app.py`` do.
"""

from __future__ import annotations

import logging
import typing as t
from dataclasses import dataclass, field

from werkzeug.exceptions import ClientDisconnected

from .errors import BodyTooLargeError, IncompleteBodyError, RequestBodyError

if t.TYPE_CHECKING:
    from .routing.route import Match

__all__ = [
    "BodyReader",
    "BufferSink",
    "Exchange",
    "Mode",
    "Notice",
    "RawRequest",
    "Sink",
]

#: ``production`` answers as ``next start``; ``development`` as ``next dev`` (error page,
#: dev-only warnings); ``test`` answers as production but records development warnings.
Mode = t.Literal["development", "production", "test"]

logger = logging.getLogger("routekit")


class _Readable(t.Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(slots=True)
class RawRequest:
    """A request as it came off the wire, before any Next.js interpretation.

    :param method: the method as sent (Next.js does not upper-case it).
    :param path: the raw, still percent-encoded path without the query, e.g. ``/api/a%2Fb``.
    :param query_string: the raw query string without the leading ``?``.
    :param headers: header lines in arrival order, names as sent; repeated names repeat.
    :param body: a binary stream; read it in bounded chunks, never whole.
    :param content_length: the declared ``Content-Length``, if any.
    :param scheme: ``http`` or ``https``.
    :param host: the ``Host`` the client addressed (``localhost:3000``).
    :param remote_addr: the peer's address.
    :param environ: the WSGI environ when the request came through WSGI, else ``None``.
    """

    method: str
    path: str
    query_string: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: _Readable | None = None
    content_length: int | None = None
    scheme: str = "http"
    host: str = "localhost"
    remote_addr: str = "127.0.0.1"
    environ: dict[str, t.Any] | None = None

    @property
    def url(self) -> str:
        """The request target as Node's ``req.url`` shows it: path plus ``?query`` if any."""
        if self.query_string:
            return f"{self.path}?{self.query_string}"
        return self.path

    def header(self, name: str) -> str | None:
        """The first value of header *name* (case-insensitive), or ``None``."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


class BodyReader:
    """A request body read within its declared length and, optionally, a size limit.

    Every body reader (the pages body parser, ``req.stream``, the Web ``Request`` readers
    and middleware) reads through one, so each compares what arrived with what was declared:

    * it never reads past a declared ``Content-Length``;
    * a body that ends before it (the client closed early), or a transport error such as a
      malformed chunk, raises :class:`~routekit.errors.IncompleteBodyError`: a cut upload is
      never taken for a complete one;
    * with a *limit*, a declared length over it raises
      :class:`~routekit.errors.BodyTooLargeError` on the first read, without reading, and a
      chunked body raises as soon as it passes the limit (one byte past it, never more).

    Once it raised, every later read raises the same error.

    :param source: the transport's readable, or ``None`` for no body.
    :param declared: the declared ``Content-Length``; ``None`` for a chunked body.
    :param limit: the most bytes accepted, or ``None`` for no limit.
    :param limit_text: the limit as configured (``"10mb"``), for the 413 message.
    """

    __slots__ = ("_error", "_limit", "_limit_text", "_source", "declared", "ended", "received")

    def __init__(
        self,
        source: _Readable | None,
        declared: int | None = None,
        limit: int | None = None,
        limit_text: str = "",
    ) -> None:
        self._source = source
        self.declared = declared
        self._limit = limit
        self._limit_text = limit_text or f"{limit}b"
        self.received = 0
        #: True once the whole declared body (or the end of a chunked one) was read.
        self.ended = source is None or declared == 0
        self._error: RequestBodyError | None = None

    def read(self, size: int = -1, /) -> bytes:
        """Up to *size* bytes (everything left when negative); ``b""`` at the end."""
        if self._error is not None:
            raise self._error
        if self.ended:
            return b""
        limit, declared = self._limit, self.declared
        if limit is not None and declared is not None and declared > limit:
            self._fail(BodyTooLargeError(limit, self._limit_text))
        want = size
        if declared is not None:
            left = declared - self.received
            want = left if want < 0 else min(want, left)
        if limit is not None:
            room = limit + 1 - self.received
            want = room if want < 0 else min(want, room)
        if want == 0:
            return b""
        try:
            data = t.cast("_Readable", self._source).read(want)
        except RequestBodyError as exc:
            self._fail(exc)
        except ClientDisconnected:  # werkzeug's LimitedStream: the body ended early
            self._fail(IncompleteBodyError(declared, self.received))
        except Exception as exc:  # a malformed chunk, a reset connection...
            self._fail(
                IncompleteBodyError(
                    declared, self.received, f"the body could not be read: {exc or type(exc)}"
                ),
                exc,
            )
        if not data:
            if declared is not None and self.received < declared:
                self._fail(IncompleteBodyError(declared, self.received))
            self.ended = True
            return b""
        self.received += len(data)
        if limit is not None and self.received > limit:
            self._fail(BodyTooLargeError(limit, self._limit_text))
        if declared is not None and self.received >= declared:
            self.ended = True
        return data

    def _fail(self, error: RequestBodyError, cause: BaseException | None = None) -> t.NoReturn:
        self._error = error
        raise error from cause


class Sink(t.Protocol):
    """Where a response's bytes go. Implemented by the WSGI adapter, the test client and mocks.

    The protocol is ``start`` once, then any number of ``write`` (each delivered to the
    client at once, so server-sent events work), then ``finish`` once with the last bytes.
    """

    @property
    def started(self) -> bool:
        """True once ``start`` was called (the status line and headers are out)."""

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        """Send the status line and headers. Called exactly once, before any body byte."""

    def write(self, data: bytes) -> None:
        """Deliver *data* to the client now. Raises ``ConnectionError`` once it went away."""

    def finish(self, data: bytes = b"") -> None:
        """Deliver the last bytes and end the response."""

    @property
    def disconnected(self) -> bool:
        """True once the client went away (a closed stream in the test client)."""


class BufferSink:
    """A :class:`Sink` that keeps everything in memory: for mocks and the buffered client."""

    __slots__ = ("chunks", "finished", "headers", "reason", "started", "status")

    def __init__(self) -> None:
        self.status = 200
        self.reason = ""
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.started = False
        self.finished = False

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.started = True

    def write(self, data: bytes) -> None:
        if data:
            self.chunks.append(data)

    def finish(self, data: bytes = b"") -> None:
        if data:
            self.chunks.append(data)
        self.finished = True

    @property
    def disconnected(self) -> bool:
        return False

    @property
    def body(self) -> bytes:
        """Every body byte received so far."""
        return b"".join(self.chunks)


@dataclass(frozen=True, slots=True)
class Notice:
    """A runtime notice: logged to the ``routekit`` logger and recorded on the exchange.

    :param code: a stable identifier, one of the ``NOTICE_*`` constants.
    :param message: the text, Next.js' own where it has one.
    """

    code: str
    message: str


NOTICE_UNENDED = "unended-response"
NOTICE_RESPONSE_LIMIT = "response-limit"
NOTICE_BODY_IGNORED = "body-ignored"
NOTICE_RETURNED_VALUE = "returned-value"
NOTICE_BAD_EXPORT = "incompatible-export"


class Exchange:
    """Everything that happened during one request: the record tests and logs read.

    :param raw: the incoming request.
    :param mode: how framework responses and warnings behave.
    """

    __slots__ = (
        "aborted",
        "exception",
        "match",
        "mode",
        "notices",
        "raw",
        "revalidate_hook",
        "revalidated",
    )

    def __init__(self, raw: RawRequest, mode: Mode = "production") -> None:
        self.raw = raw
        self.mode: Mode = mode
        self.match: Match | None = None
        self.notices: list[Notice] = []
        self.exception: BaseException | None = None
        #: True when the response was cut short after its head went out (the handler raised
        #: mid-stream): a door must end the connection rather than complete the response.
        self.aborted = False
        self.revalidated: list[str] = []
        #: Called with each path passed to ``res.revalidate()``; set by ``App(revalidate=...)``.
        self.revalidate_hook: t.Callable[[str], None] | None = None

    @property
    def dev_warnings(self) -> bool:
        """Whether development-only checks run (development and test modes)."""
        return self.mode != "production"

    def notice(self, code: str, message: str) -> None:
        """Record a runtime notice and log it to the ``routekit`` logger (every time)."""
        self.notices.append(Notice(code, message))
        logger.warning(message)
