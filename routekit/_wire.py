"""The transport-neutral request/response plumbing shared by every entry point.

One request pipeline serves the WSGI adapter, the in-process test client and the unit-level
mocks, so they cannot drift. Each entry point builds a :class:`RawRequest`, picks a
:class:`Sink` for the bytes going out, and wraps both in an :class:`Exchange` that records
what happened (matched route, runtime notices, the handler's exception).

Nothing here knows about Next.js semantics; ``pages/``, ``web/`` and ``app.py`` do.
"""

from __future__ import annotations

import io
import logging
import sys
import typing as t
from dataclasses import dataclass, field

from werkzeug.wsgi import LimitedStream

if t.TYPE_CHECKING:
    from .routing.route import Match

__all__ = [
    "BodyStream",
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


class BodyStream(LimitedStream):
    """A request body as a binary file, never read past its declared ``Content-Length``.

    werkzeug's :class:`~werkzeug.wsgi.LimitedStream`, read the way Node reads a body: a
    stream that ends before the declared length is the end of the body (Node's ``end``
    event), not werkzeug's ``ClientDisconnected``, and a transport error propagates as it
    is. Every reader of a request body goes through it: ``req.stream``, the Web
    ``Request`` of app routes, edge handlers and middleware.

    :param source: the transport's readable, or ``None`` for a request without a body.
    :param length: the declared ``Content-Length``; ``None`` reads to the end of *source*.
    """

    def __init__(self, source: _Readable | None, length: int | None = None) -> None:
        stream = t.cast("t.IO[bytes]", io.BytesIO() if source is None else source)
        super().__init__(stream, sys.maxsize if length is None else length, is_max=True)

    def on_exhausted(self) -> None:
        """Reading past the declared length reads nothing (not werkzeug's 413)."""

    def on_disconnect(self, error: Exception | None = None) -> None:
        """An early end is the end of the body; a transport error is re-raised as it is."""
        if error is not None:
            raise error


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


class Exchange:
    """Everything that happened during one request: the record tests and logs read.

    :param raw: the incoming request.
    :param mode: how framework responses and warnings behave.
    """

    __slots__ = (
        "exception",
        "external_resolver_timeout",
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
        self.revalidated: list[str] = []
        #: Called with each path passed to ``res.revalidate()``; set by ``App(revalidate=...)``.
        self.revalidate_hook: t.Callable[[str], None] | None = None
        #: How long an ``externalResolver`` route's ``res.end()`` is awaited; the app sets it
        #: from the ``external_resolver_timeout`` setting.
        self.external_resolver_timeout = 30.0

    @property
    def dev_warnings(self) -> bool:
        """Whether development-only checks run (development and test modes)."""
        return self.mode != "production"

    def notice(self, code: str, message: str) -> None:
        """Record a runtime notice and log it to the ``routekit`` logger (every time)."""
        self.notices.append(Notice(code, message))
        logger.warning(message)
