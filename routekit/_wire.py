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

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import LimitedStream

from .config import DEFAULT_BODY_LIMIT
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
    "drain",
    "prefetch_body",
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
    :param path: the raw, still percent-encoded path without the query, e.g. ``/api/a%2Fb``
        (``App.handle`` resolves its dot segments first, as Next.js does).
    :param query_string: the raw query string without the leading ``?`` (``App.handle``
        writes it again as Next.js does: ``a%20b`` -> ``a+b``).
    :param headers: header lines in arrival order, names as sent; repeated names repeat.
    :param body: a binary stream; read it in bounded chunks, never whole.
    :param content_length: the declared ``Content-Length``, if any.
    :param scheme: ``http`` or ``https``.
    :param host: the ``Host`` the client addressed (``localhost:3000``).
    :param remote_addr: the peer's address.
    :param environ: the WSGI environ when the request came through WSGI, else ``None``.
    :param server_port: the port the server listens on, when the door knows it (Next.js'
        ``x-forwarded-port``); else the ``Host``'s port is used.
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
    server_port: int | None = None

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


async def prefetch_body(raw: RawRequest, size: int | None) -> None:
    """Let a door that reads bodies asynchronously buffer up to *size* bytes (``None``: all)
    before code on its event loop reads them synchronously; a no-op for other bodies."""
    prefetch = getattr(raw.body, "prefetch", None)
    if prefetch is not None:
        await prefetch(size)


async def drain(sink: Sink) -> None:
    """Wait until *sink* has sent what was written (the ASGI door's backpressure); a no-op
    for sinks that write synchronously."""
    wait = getattr(sink, "drain", None)
    if wait is not None:
        await wait()


class BodyReader(LimitedStream):
    """A request body as a binary file, read within its declared length and a size limit.

    werkzeug's :class:`~werkzeug.wsgi.LimitedStream`, with what a hostile or broken client
    needs on top. Every reader of a request body goes through one (the pages body parser,
    ``req.stream``, the Web ``Request`` of app routes, edge handlers and middleware), so
    each compares what arrived with what was declared:

    * it never reads past a declared ``Content-Length``; past it, reads are empty (not
      werkzeug's 413);
    * a body that ends before it (the client closed early), or a transport error such as a
      malformed chunk, raises :class:`~routekit.errors.IncompleteBodyError`: a cut upload is
      never taken for a complete one (werkzeug raises ``ClientDisconnected``, Node ends the
      body quietly);
    * with a *limit*, a declared length over it raises
      :class:`~routekit.errors.BodyTooLargeError` on the first read, without reading, and a
      chunked body raises as soon as it passes the limit (one byte past it, never more).

    Once it raised, every later read raises the same error.

    :param source: the transport's readable, or ``None`` for no body.
    :param declared: the declared ``Content-Length``; ``None`` for a chunked body.
    :param limit: the most bytes accepted, or ``None`` for no limit.
    :param limit_text: the limit as configured (``"10mb"``), for the 413 message.
    """

    def __init__(
        self,
        source: _Readable | None,
        declared: int | None = None,
        limit: int | None = None,
        limit_text: str = "",
    ) -> None:
        # The cap werkzeug enforces: the declared length, and one byte past the limit (the
        # byte that tells a body over it from one that fits).
        cap = 0 if source is None else sys.maxsize if declared is None else declared
        if limit is not None:
            cap = min(cap, limit + 1)
        stream = t.cast("t.IO[bytes]", io.BytesIO() if source is None else source)
        super().__init__(stream, cap, is_max=True)
        self.declared = declared
        self._size_limit = limit
        self._limit_text = limit_text or f"{limit}b"
        self._ended = cap == 0
        self._error: RequestBodyError | None = None

    @property
    def received(self) -> int:
        """The body bytes read so far."""
        return self.tell()

    @property
    def ended(self) -> bool:
        """True once the whole declared body (or the end of a chunked one) was read."""
        return self._ended or self.received == self.declared

    def read(self, size: int = -1, /) -> bytes:
        """Up to *size* bytes (everything left when negative); ``b""`` at the end."""
        if self._error is not None:
            raise self._error
        if size > 0:  # no buffer larger than what may still arrive
            size = min(size, self.limit - self.received)
            if size <= 0:
                return b""
        return super().read(size)

    def readinto(self, buffer: bytearray) -> int | None:  # type: ignore[override] # as werkzeug's
        if self._error is not None:
            raise self._error
        limit, declared = self._size_limit, self.declared
        if limit is not None and declared is not None and declared > limit:
            self._fail(BodyTooLargeError(limit, self._limit_text))
        if not len(buffer):
            return 0
        try:
            count = super().readinto(buffer)
        except RequestBodyError as exc:  # from an inner reader: unchanged
            self._fail(exc)
        except ClientDisconnected:  # a source that is werkzeug's LimitedStream itself
            self._fail(IncompleteBodyError(declared, self.received))
        except Exception as exc:  # a malformed chunk, a reset connection...
            reason = f"the body could not be read: {exc or type(exc)}"
            self._fail(IncompleteBodyError(declared, self.received, reason), exc)
        if limit is not None and self.received > limit:
            self._fail(BodyTooLargeError(limit, self._limit_text))
        return count

    def on_exhausted(self) -> None:
        """Reading past the declared length reads nothing (not werkzeug's 413)."""

    def on_disconnect(self, error: Exception | None = None) -> None:
        """A transport error or an early end is an incomplete body; the end of a chunked
        body is its end."""
        if error is not None:
            raise error
        if self.declared is not None and self.received < self.declared:
            raise IncompleteBodyError(self.declared, self.received)
        self._ended = True

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


class Exchange:
    """Everything that happened during one request: the record tests and logs read.

    :param raw: the incoming request.
    :param mode: how framework responses and warnings behave.
    """

    __slots__ = (
        "aborted",
        "body_limit",
        "cache",
        "exception",
        "external_resolver_timeout",
        "match",
        "mode",
        "notices",
        "raw",
        "revalidate_hook",
        "revalidated",
        "rewrite",
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
        #: How long an ``externalResolver`` route's ``res.end()`` is awaited; the app sets it
        #: from the ``external_resolver_timeout`` setting.
        self.external_resolver_timeout = 30.0
        #: The body limit of app routes and edge handlers without their own
        #: ``bodySizeLimit``; the app sets it from the ``body_size_limit`` setting.
        self.body_limit = DEFAULT_BODY_LIMIT
        #: A same-origin middleware rewrite: the ``(path, query)`` routed and read as
        #: ``req.query``; the handler still sees the request's own URL (Next.js).
        self.rewrite: tuple[str, str] | None = None
        #: The app's :class:`~routekit.cache.ResponseCache` (typed loosely: the cache layer
        #: sits above this one); app routes are answered through it when set.
        self.cache: t.Any = None

    @property
    def dev_warnings(self) -> bool:
        """Whether development-only checks run (development and test modes)."""
        return self.mode != "production"

    def notice(self, code: str, message: str) -> None:
        """Record a runtime notice and log it to the ``routekit`` logger (every time)."""
        self.notices.append(Notice(code, message))
        logger.warning(message)
