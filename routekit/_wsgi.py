"""The WSGI edge: environ -> :class:`RawRequest`, and a :class:`Sink` over ``start_response``.

Also the request handler ``routekit serve`` gives werkzeug's server: it refuses what WSGI
would hide from the app (two ``Content-Length`` lines become one environ key).
"""

from __future__ import annotations

import contextvars
import typing as t
from urllib.parse import quote

from greenlet import greenlet
from werkzeug.http import is_hop_by_hop_header
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import get_content_length, get_input_stream

from ._guard import framing_problem
from ._wire import RawRequest
from .errors import ResponseAbortedError

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ._wire import Exchange

__all__ = [
    "HEADER_LINES_KEY",
    "RequestHandler",
    "WSGISink",
    "header_lines",
    "raw_request_from_environ",
]

#: The environ key under which ``routekit serve`` keeps the request's header lines.
HEADER_LINES_KEY = "routekit.header_lines"

#: Seconds werkzeug's server may wait for more of a body routekit refused unread (it drains
#: what is left after the answer, so the client sees the 413 instead of a reset).
LINGER = 1.0

# Characters PATH_INFO can hold that a browser would not have percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _raw_path(environ: WSGIEnvironment) -> str:
    """The still-encoded request path, as Next.js matches it.

    gunicorn and werkzeug's server pass the request target untouched in ``RAW_URI`` /
    ``REQUEST_URI``, so ``%2F`` and malformed escapes keep their meaning. Without it we can
    only re-quote the decoded ``PATH_INFO``: ``%2F`` then reads as ``/``.
    """
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if uri:
        path = uri.split("?", 1)[0]
        if not path.startswith("/") and "://" in path:  # absolute-form target (proxies)
            rest = path.split("://", 1)[1]
            path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path or "/"
    script = environ.get("SCRIPT_NAME", "")
    path_info = script + environ.get("PATH_INFO", "")
    return quote(path_info.encode("latin-1"), safe=_PATH_SAFE) or "/"


def _environ_lines(environ: WSGIEnvironment) -> list[tuple[str, str]]:
    # The server folded repeated lines into one value joined with "," (gunicorn, werkzeug).
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").lower(), value))
    ctype = environ.get("CONTENT_TYPE")
    if ctype:
        headers.append(("content-type", ctype))
    if environ.get("CONTENT_LENGTH"):
        headers.append(("content-length", environ["CONTENT_LENGTH"]))
    return headers


def header_lines(start_response: object) -> list[tuple[str, str]] | None:
    """The request's header lines as received, when the WSGI server keeps them: gunicorn's
    ``start_response`` is a method of its response, which holds the parsed request.

    WSGI folds repeated lines into one environ value joined with ``","``, where Node keeps
    ``Cookie`` lines apart (joined with ``"; "``) and joins the rest with ``", "``.
    """
    request = getattr(getattr(start_response, "__self__", None), "req", None)
    lines = getattr(request, "headers", None)
    if not isinstance(lines, list) or not all(
        isinstance(line, tuple) and len(line) == 2 for line in lines
    ):
        return None
    return [(str(name).lower(), str(value)) for name, value in lines]


def _server_port(environ: WSGIEnvironment) -> int | None:
    # The port the server listens on (Next.js' x-forwarded-port); gunicorn derives
    # SERVER_PORT from the Host header, so the socket is asked first.
    for key in ("gunicorn.socket", "werkzeug.socket"):
        sock = environ.get(key)
        if sock is not None:
            try:
                return int(sock.getsockname()[1])
            except (OSError, TypeError, IndexError, ValueError):
                break
    port = environ.get("SERVER_PORT", "")
    return int(port) if isinstance(port, str) and port.isdigit() else None


def raw_request_from_environ(
    environ: WSGIEnvironment, lines: list[tuple[str, str]] | None = None
) -> RawRequest:
    """Build a :class:`RawRequest` from a WSGI environ.

    :param lines: the header lines as received (:func:`header_lines`); else those
        ``routekit serve`` stores in the environ, else the environ's folded ``HTTP_*`` keys.
    """
    if lines is None:
        lines = environ.get(HEADER_LINES_KEY)
    headers = list(lines) if lines is not None else _environ_lines(environ)
    content_length: int | None = None
    if environ.get("CONTENT_LENGTH"):
        # werkzeug's reading, so it agrees with the input stream's limit: ASCII digits only
        # (no `+`, `_`), invalid or negative -> 0, chunked -> None.
        content_length = get_content_length(environ)
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    )
    return RawRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=_raw_path(environ),
        query_string=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=get_input_stream(environ, safe_fallback=True),
        content_length=content_length,
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=host,
        remote_addr=environ.get("REMOTE_ADDR", ""),
        environ=environ,
        server_port=_server_port(environ),
    )


class _Gone:
    """What the door sends a suspended handler when the server closed the iterable early."""


_GONE = _Gone()


class WSGISink:
    """A :class:`~routekit._wire.Sink` over ``start_response``, answering with an iterable.

    Every byte goes out through the iterable the application returns (never PEP 3333's
    legacy ``write()``), so WSGI middleware that wraps it (compression, logging, Sentry)
    sees the whole body. :meth:`respond` runs the pipeline in a greenlet: a response that
    is finished at once is returned as a list; at a ``write()`` the handler is suspended and
    the iterable yields the chunk, resuming the handler when the server asks for the next
    one, so a stream reaches the client chunk by chunk without a thread of its own.
    """

    __slots__ = ("_body", "_close", "_gone", "_head", "_parent", "_start_response", "started")

    def __init__(self, start_response: StartResponse) -> None:
        self._start_response = start_response
        self._head: tuple[str, list[tuple[str, str]]] | None = None
        self._body: list[bytes] = []
        self._close = False
        self._gone = False
        self._parent: greenlet | None = None
        self.started = False

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        # PEP 3333 forbids hop-by-hop headers from the application (an SSE handler's
        # `Connection: keep-alive`); the server owns the connection.
        if any(is_hop_by_hop_header(name) for name, _ in headers):
            self._close = any(
                n.lower() == "connection" and v.lower() == "close" for n, v in headers
            )
            headers = [(n, v) for n, v in headers if not is_hop_by_hop_header(n)]
        self._head = (f"{status} {reason}", headers)
        self.started = True

    def write(self, data: bytes) -> None:
        if self._gone:
            raise ConnectionError("the client went away: the server closed the response")
        if not data:
            return
        if self._parent is None:  # driven without respond(): keep the bytes for the iterable
            self._body.append(data)
            return
        if self._parent.switch(data) is _GONE:
            self._gone = True
            raise ConnectionError("the client went away: the server closed the response")

    def finish(self, data: bytes = b"") -> None:
        if data:
            self._body.append(data)

    @property
    def disconnected(self) -> bool:
        return self._gone

    def _send_head(self) -> None:
        if self._head is None:
            # The pipeline always answers; this is a last-resort guard for a broken handler path.
            self._head = ("500 Internal Server Error", [("Content-Length", "0")])
        status, headers = self._head
        self._start_response(status, headers)

    def respond(self, run: t.Callable[[], Exchange]) -> t.Iterable[bytes]:
        """Run *run* (the pipeline answering through this sink) and return the iterable."""
        child = greenlet(run)
        # A new greenlet starts in an empty context: the handler sees the caller's.
        child.gr_context = contextvars.copy_context()
        self._parent = greenlet.getcurrent()
        first = child.switch()
        if child.dead:
            return self.close(t.cast("Exchange", first))
        self._send_head()
        return _Streamed(self, child, t.cast("bytes", first))

    def close(self, exchange: Exchange) -> t.Iterable[bytes]:
        """End *exchange* at the WSGI server: the response iterable.

        When the handler failed after the head went out, the iterable sends the head and
        then raises :class:`~routekit.errors.ResponseAbortedError`.
        """
        self._send_head()
        if exchange.aborted:
            return self._cut(exchange)
        environ = exchange.raw.environ
        if self._close and environ is not None and "werkzeug.socket" in environ:
            # werkzeug drains the unread body after the answer; never wait long for it.
            environ["werkzeug.socket"].settimeout(LINGER)
        body, self._body = self._body, []
        return body

    def _cut(self, exchange: Exchange) -> t.Iterator[bytes]:
        yield b""  # the head is committed: the client sees it, then the cut
        raise self._abort(exchange)

    def _abort(self, exchange: Exchange) -> ResponseAbortedError:
        # Raising from the application (or its iterable) is how WSGI lets us cut the
        # connection: gunicorn and werkzeug then close it without the terminating chunk, so
        # the client sees a cut response instead of a complete one.
        raw = exchange.raw
        error = ResponseAbortedError(
            f"the response to {raw.method} {raw.url} was cut short: the handler raised "
            "after the head was sent, so the connection is closed without ending it"
        )
        error.__cause__ = exchange.exception
        return error


class _Streamed:
    """The iterable of a streamed response: each ``next()`` resumes the handler."""

    __slots__ = ("_child", "_first", "_sink")

    def __init__(self, sink: WSGISink, child: greenlet, first: bytes) -> None:
        self._sink = sink
        self._child = child
        self._first = first

    def __iter__(self) -> t.Iterator[bytes]:
        sink, child = self._sink, self._child
        yield self._first
        while True:  # built only for a suspended handler: it is alive here
            value = child.switch()
            if child.dead:
                exchange = t.cast("Exchange", value)
                if exchange.aborted:
                    raise sink._abort(exchange)
                break
            yield t.cast("bytes", value)
        body, sink._body = sink._body, []
        yield from body

    def close(self) -> None:
        """The server is done with the response (perhaps early): end the handler."""
        child = self._child
        while not child.dead:
            # The handler's pending write() raises ConnectionError; it unwinds (its
            # finally blocks and generators' run) and the pipeline ends quietly.
            child.switch(_GONE)


class RequestHandler(WSGIRequestHandler):
    """werkzeug's request handler for ``routekit serve``, refusing ambiguous message framing.

    WSGI folds two ``Content-Length`` lines into one environ key (the last wins), so the app
    could never see them; like gunicorn and Node, this answers 400 and closes instead.
    """

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        words = self.requestline.split()
        if len(words) == 3 and words[1].startswith("//"):
            # http.server reduces a leading "//" to "/"; Next.js (and gunicorn) answer the
            # target as sent: a 308 to the single-slash path.
            self.path = words[1]
        hosts = self.headers.get_all("Host") or ()
        if framing_problem(self.headers.items()) is None and len(hosts) <= 1:
            return True
        self.close_connection = True
        self.send_error(400, "Bad Request")
        return False

    def make_environ(self) -> WSGIEnvironment:
        environ = super().make_environ()
        # The lines as received, so repeated ones stay apart (WSGI folds them with ",");
        # names with "_" are left out, as werkzeug and gunicorn leave them out of environ.
        environ[HEADER_LINES_KEY] = [
            (name.lower(), value.replace("\r\n", ""))
            for name, value in self.headers.items()
            if "_" not in name
        ]
        return environ
