"""The ASGI door: scope -> :class:`RawRequest`, ``receive()`` -> a body stream, and a
:class:`Sink` over ``send()``, around the same coroutine pipeline as the WSGI door.

``App.asgi`` (and ``App.__call__`` with ``scope, receive, send``) awaits
``App.handle_async`` on the server's loop. Sync user functions run in a bounded thread
pool (``_aio.use_executor``), async ones on the loop. HTTP and lifespan only: a websocket
is refused (closed before it is accepted, which servers answer with 403).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import logging
import threading
import typing as t
from urllib.parse import quote

from werkzeug.http import is_hop_by_hop_header
from werkzeug.sansio.utils import get_content_length

from ._aio import use_executor
from ._wire import RawRequest
from .errors import ResponseAbortedError

if t.TYPE_CHECKING:
    from .app import App

__all__ = ["ASGIApp", "ASGIBody", "ASGISink", "raw_request_from_scope"]

logger = logging.getLogger("routekit")

Scope = t.MutableMapping[str, t.Any]
Message = t.MutableMapping[str, t.Any]
Receive = t.Callable[[], t.Awaitable[Message]]
Send = t.Callable[[Message], t.Awaitable[None]]

#: Sync handlers in flight at once per worker (Starlette's thread limiter allows 40).
POOL_SIZE = 40
#: Body bytes the disconnect watcher keeps for a handler that has not read them yet.
_WATCH_BUFFER = 1 << 20
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_GONE = "the client closed the connection"
#: The scope extension of ``routekit_pytest``'s in-process ASGI driver.
TEST_HOOK = "routekit.test"


class ASGIBody:
    """A request body read from ``receive()``: the readable :class:`~routekit._wire.BodyReader`
    wraps (it keeps the limits), plus what the door needs around it.

    ``read()`` from a worker thread waits on the loop; on the loop thread it serves what was
    buffered (``prefetch``), since blocking there would stop the server.
    """

    def __init__(self, receive: Receive, loop: asyncio.AbstractEventLoop) -> None:
        self._receive = receive
        self._loop = loop
        self._thread = threading.get_ident()
        self._buffer = bytearray()
        self._more = True
        self._cut = False
        self._lock = asyncio.Lock()
        #: True once ``http.disconnect`` arrived.
        self.disconnected = False

    async def _pull(self) -> None:
        message = await self._receive()
        if message["type"] == "http.request":
            self._buffer += message.get("body", b"")
            self._more = bool(message.get("more_body", False))
        elif message["type"] == "http.disconnect":
            self._cut = self._more
            self._more = False
            self.disconnected = True

    def _take(self, size: int) -> bytes:
        if self._cut and not self._buffer:
            raise ConnectionResetError("the client closed the connection mid-body")
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
        else:
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
        return data

    async def aread(self, size: int = -1) -> bytes:
        """Up to *size* bytes (all when negative); ``b""`` at the end of the body."""
        async with self._lock:
            while self._more and (not self._buffer or size < 0):
                await self._pull()
            return self._take(size)

    async def prefetch(self, size: int | None) -> None:
        """Buffer up to *size* bytes (``None``: the whole body) without handing them out."""
        async with self._lock:
            while self._more and (size is None or len(self._buffer) < size):
                await self._pull()

    def read(self, size: int = -1, /) -> bytes:
        """The file-like read :class:`~routekit._wire.BodyReader` calls."""
        if size == 0:
            return b""
        if not self._more or (size > 0 and self._buffer):
            return self._take(size)
        if threading.get_ident() == self._thread:
            raise RuntimeError(
                "a request body was read synchronously on the event loop beyond what was "
                "buffered; read it with `await request.body()` in an async handler, or use a "
                "sync handler (it runs in the worker's thread pool)"
            )
        return asyncio.run_coroutine_threadsafe(self.aread(size), self._loop).result()

    async def watch(self, sink: ASGISink) -> None:
        """Mark *sink* gone when the client disconnects (the response is streaming)."""
        while not self.disconnected:
            async with self._lock:
                if len(self._buffer) > _WATCH_BUFFER:
                    return  # an unread upload: stop reading it rather than keep it all
                await self._pull()
        sink.gone()


def _encode(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    lines = []
    for name, value in headers:
        if is_hop_by_hop_header(name) and not (
            name.lower() == "connection" and value.lower() == "close"
        ):
            continue  # the server owns the connection (as PEP 3333 says for WSGI)
        lines.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    return lines


class ASGISink:
    """A :class:`~routekit._wire.Sink` over ``send()``.

    Called on the loop thread, ``start``/``write``/``finish`` queue the message for the
    sender task and return; the pipeline awaits :meth:`drain` after each streamed chunk.
    Called from a worker thread (a sync handler's ``res.write``), they wait until the
    message was sent: that is the backpressure.
    """

    def __init__(self, send: Send, body: ASGIBody, loop: asyncio.AbstractEventLoop) -> None:
        self._send = send
        self._body = body
        self._loop = loop
        self._thread = threading.get_ident()
        self._queue: collections.deque[tuple[Message, concurrent.futures.Future[None] | None]]
        self._queue = collections.deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._gone = False
        self._watcher: asyncio.Task[None] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._last = b""
        self.started = False
        self.finished = False

    @property
    def disconnected(self) -> bool:
        return self._gone

    def gone(self) -> None:
        """The client went away: writes raise ``ConnectionError`` from now on."""
        self._gone = True
        self._wake.set()

    def _push(self, message: Message) -> None:
        if self._gone:
            raise ConnectionError(_GONE)
        if threading.get_ident() == self._thread:
            self._enqueue(message, None)
            return
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._enqueue, message, done)
        done.result()

    def _enqueue(self, message: Message, done: concurrent.futures.Future[None] | None) -> None:
        self._queue.append((message, done))
        self._idle.clear()
        if self._pump is None and (done is not None or message["type"] != "http.response.start"):
            # Something streams: from now on a sender task sends (a head and a last message
            # alone are sent by complete(), without a task).
            self._pump = self._loop.create_task(self.pump())
        self._wake.set()

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        # ASGI has no reason phrase: the server writes the standard one for *status*.
        self.started = True
        self._push({"type": "http.response.start", "status": status, "headers": _encode(headers)})

    def write(self, data: bytes) -> None:
        if self._watcher is None and threading.get_ident() == self._thread:
            self._watcher = self._loop.create_task(self._body.watch(self))
        elif self._watcher is None:
            self._loop.call_soon_threadsafe(self._start_watcher)
        if data:
            self._push({"type": "http.response.body", "body": data, "more_body": True})
        elif self._gone:
            raise ConnectionError(_GONE)

    def _start_watcher(self) -> None:
        if self._watcher is None:
            self._watcher = self._loop.create_task(self._body.watch(self))

    def finish(self, data: bytes = b"") -> None:
        # Kept until the pipeline returns: a response it cut (``exchange.aborted``) must
        # never get its last message, so the client sees the cut.
        self.finished = True
        self._last = data

    async def complete(self, aborted: bool) -> None:
        """End the response once the pipeline returned: its last message, unless *aborted*
        (the client must see the cut), after everything queued."""
        last = {"type": "http.response.body", "body": self._last, "more_body": False}
        if self._pump is None:  # nothing streamed: send the head and the body here
            try:
                while self._queue:
                    await self._send(self._queue.popleft()[0])
                if not aborted and not self._gone:
                    await self._send(last)
            except OSError:
                self._gone = True
            return
        if not aborted:
            with contextlib.suppress(ConnectionError):
                self._push(last)
        await self.drain()
        if not aborted and not self._pump.done():
            await self._pump

    async def drain(self) -> None:
        """Wait until every queued message was sent (or the client went away)."""
        if self._queue:
            await self._idle.wait()

    async def pump(self) -> None:
        """The sender task: send queued messages in order until the last one."""
        while True:
            if not self._queue:
                self._idle.set()
                if self._gone:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            message, done = self._queue.popleft()
            error: BaseException | None = ConnectionError(_GONE) if self._gone else None
            if error is None:
                try:
                    await self._send(message)
                except OSError as exc:  # the transport is closed
                    self._gone = True
                    error = ConnectionError(f"{_GONE}: {exc}")
                except Exception as exc:  # the server refused the message
                    logger.error("The ASGI server refused a response message", exc_info=exc)
                    self._gone = True
                    error = exc
            if done is not None:
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)
            if message.get("more_body") is False:
                self._idle.set()
                return

    async def close(self) -> None:
        """Stop the watcher and the sender once the response is over."""
        for task in (self._watcher, self._pump):
            if task is not None and not task.done():
                task.cancel()


def _raw_path(scope: Scope) -> str:
    raw: bytes | None = scope.get("raw_path")
    if raw:
        path = raw.decode("latin-1").split("?", 1)[0]
        if not path.startswith("/") and "://" in path:  # absolute-form target (proxies)
            rest = path.split("://", 1)[1]
            path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path or "/"
    path_info = scope.get("root_path", "") + scope.get("path", "/")
    return quote(path_info.encode("utf-8"), safe=_PATH_SAFE) or "/"


def raw_request_from_scope(scope: Scope, body: t.Any = None) -> RawRequest:
    """Build a :class:`RawRequest` from an ASGI HTTP *scope* (header lines kept as sent:
    repeated lines stay apart, so the guard sees two ``Host`` or ``Content-Length``)."""
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope.get("headers", ())]
    length = encoding = host = None
    for name, value in headers:
        if name == "content-length" and length is None:
            length = value
        elif name == "transfer-encoding":
            encoding = value
        elif name == "host" and host is None:
            host = value
    server = scope.get("server") or None
    client = scope.get("client") or None
    if host is None:
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return RawRequest(
        method=scope["method"],
        path=_raw_path(scope),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
        content_length=get_content_length(length, encoding),
        scheme=scope.get("scheme", "http"),
        host=host,
        remote_addr=client[0] if client else "",
        server_port=int(server[1]) if server and server[1] is not None else None,
    )


class ASGIApp:
    """An :class:`~routekit.App` as an ASGI 3 application (``app.asgi``).

    :param app: the application whose pipeline answers.
    :param pool_size: the most sync handlers running at once.
    """

    def __init__(self, app: App, *, pool_size: int = POOL_SIZE) -> None:
        self.app = app
        self.pool_size = pool_size
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """The thread pool sync user functions run in (made on first use)."""
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                self.pool_size, thread_name_prefix="routekit-asgi"
            )
        return self._executor

    def shutdown(self) -> None:
        """Stop the thread pool (lifespan shutdown)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1000, "reason": "no websockets"})
        else:
            raise ValueError(f"routekit serves HTTP only; got an ASGI {kind!r} scope")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        body = ASGIBody(receive, loop)
        sink = ASGISink(send, body, loop)
        raw = raw_request_from_scope(scope, body)
        use_executor(self.executor)
        # The in-process test client asks for its mode and reads the exchange back.
        hook = scope.get("extensions", {}).get(TEST_HOOK)
        mode = None if hook is None else hook.get("mode")
        try:
            exchange = await self.app.handle_async(raw, sink, mode=mode)
            if hook is not None:
                hook["exchange"] = exchange
            await sink.complete(exchange.aborted)
        finally:
            await sink.close()
        if exchange.aborted:
            raise ResponseAbortedError(
                f"the response to {raw.method} {raw.url} was cut short: the handler raised "
                "after the head was sent, so the connection is closed without ending it"
            ) from exchange.exception
