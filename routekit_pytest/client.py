"""The in-process test client: ``App.handle`` called directly, no socket, no WSGI environ.

Requests go through the whole pipeline (slash redirects, middleware, routing, dispatch by
kind, error pages), so a test sees exactly what ``routekit serve`` would answer. Because no
socket or HTTP library is involved, outbound-HTTP mocks (responses, respx) never
intercept it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import Headers

from routekit import _aio
from routekit._wire import NOTICE_UNENDED, BufferSink, Exchange, Mode, RawRequest, Sink
from routekit.errors import RedirectLoopError, RoutekitError

from . import _integrity
from ._asgidoor import handle_via_asgi
from ._jar import CookieJar
from ._reqspec import RequestSpec, SpecKeywords, split_url
from ._stream import QueueSink
from .cookies import parse_set_cookie
from .response import ClientResponse, SentRequest, _Stream

if t.TYPE_CHECKING:
    from typing_extensions import Unpack

    from routekit.app import App

    from ._reqspec import HeadersArg

__all__ = ["AsyncClient", "Client", "RequestKeywords"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 20


class RequestKeywords(SpecKeywords, total=False):
    """The keywords every client method takes (see :meth:`Client.request`): the request's
    own (:class:`~routekit_pytest._reqspec.SpecKeywords`) and the client's options."""

    follow_redirects: bool | None
    raise_errors: bool | None
    stream: bool
    timeout: float | None


ResponseObserver = t.Callable[[ClientResponse], None]
#: The keywords of :class:`RequestKeywords` that are the client's, not the request's.
_OPTIONS = ("follow_redirects", "raise_errors", "stream", "timeout")


class Client:
    """Send requests to an :class:`~routekit.App` in-process.

    :param app: the application (the ``routekit_app`` fixture in tests).
    :param base_url: scheme and host of the requests (``Host`` header, cookie domain).
    :param headers: headers sent with every request.
    :param follow_redirects: default for :meth:`request`; off, as in httpx.
    :param raise_errors: default for :meth:`request`: re-raise a handler's exception in
        the test once the (500) response completed.
    :param stream_timeout: seconds a streamed response waits for its head and each chunk.
    :param observer: called with every response (the route-coverage report uses it).
    :param door: ``"direct"`` calls ``App.handle``; ``"asgi"`` goes through the ASGI door
        (``app.asgi``: scope, ``receive``, ``send``, sync handlers in its thread pool), so a
        suite can prove both doors answer the same.
    """

    def __init__(
        self,
        app: App,
        *,
        base_url: str = "http://localhost:3000",
        headers: HeadersArg = None,
        follow_redirects: bool = False,
        raise_errors: bool = True,
        stream_timeout: float = 10.0,
        observer: ResponseObserver | None = None,
        door: t.Literal["direct", "asgi"] = "direct",
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"base_url must be an absolute http(s) URL like 'http://localhost:3000'; "
                f"got {base_url!r}."
            )
        if door not in ("direct", "asgi"):
            raise ValueError(f"door must be 'direct' or 'asgi'; got {door!r}.")
        self.app = app
        self.door = door
        self.base_url = f"{parts.scheme}://{parts.netloc}"
        self._scheme = parts.scheme
        self._host = parts.netloc
        self.headers = Headers(
            list(headers.items()) if isinstance(headers, t.Mapping) else headers or []
        )
        self.follow_redirects = follow_redirects
        self.raise_errors = raise_errors
        self.stream_timeout = stream_timeout
        self.observer = observer
        #: The cookies kept between requests (browser rules for Domain, Path, expiry, Secure).
        self.cookie_jar = CookieJar()
        self._streams: list[ClientResponse] = []

    def close(self) -> None:
        """Close every streamed response still open (the fixture does it after each test)."""
        streams, self._streams = self._streams, []
        for response in streams:
            response.close()

    # -- cookies -------------------------------------------------------------------------

    def set_cookie(
        self, name: str, value: str, *, domain: str | None = None, path: str = "/"
    ) -> None:
        """Put a cookie in the jar, as if a response had set it (default: the base host)."""
        self.cookie_jar.set(name, value, domain=domain or self._host, path=path)

    def get_cookie(self, name: str) -> str | None:
        """The value of cookie *name* in the jar, or ``None``."""
        return self.cookie_jar.get(name)

    def delete_cookie(self, name: str) -> None:
        """Remove cookie *name* from the jar."""
        self.cookie_jar.delete(name)

    # -- requests ------------------------------------------------------------------------

    def request(self, method: str, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send one request through the app and return its response.

        :param method: the method, sent as given.
        :param url: a path with an optional query (``/api/x?a=1``) or an absolute URL.
        :param query: query parameters (a mapping, pairs or a string); not with ``?`` in url.
        :param headers: extra headers (a mapping or pairs).
        :param cookies: cookies for this request only, on top of the jar.
        :param json: a value sent as JSON (``application/json``).
        :param form: fields sent URL-encoded, or as multipart fields alongside ``files``.
        :param data: raw body bytes or text (add ``content_type=`` to label them).
        :param files: ``{"field": content | (filename, content[, content_type])}``, multipart.
        :param content_type: the ``Content-Type`` of the body.
        :param auth: a bearer token, or a ``(user, password)`` pair for Basic auth.
        :param follow_redirects: follow 301/302/303/307/308 (kept in ``res.history``).
        :param raise_errors: re-raise a handler's exception after the response completed.
        :param stream: run the pipeline on a worker thread; read with ``res.iter_chunks()``
            and ``close()`` the response (or use it as a context manager).
        :param timeout: for ``stream=True``: seconds to wait for the head and each chunk.

        A ``Host``, ``Content-Length`` or ``Transfer-Encoding`` header in *headers* is sent
        as given and read as a server would: a forged ``Host`` is answered 400, a body shorter
        than its declared length ``400 Invalid body``.

        :raises ValueError: *url* is an absolute URL that cannot be parsed.
        :raises TypeError: contradictory keywords (two bodies, ``auth=`` and an
            ``Authorization`` header...).
        """
        follow = spec.get("follow_redirects")
        follow = self.follow_redirects if follow is None else follow
        raise_errors = spec.get("raise_errors")
        raise_errors = self.raise_errors if raise_errors is None else raise_errors
        stream = bool(spec.get("stream", False))
        timeout = spec.get("timeout")
        keywords = {k: v for k, v in spec.items() if k not in _OPTIONS} if spec else spec
        request = RequestSpec.build(
            f"client.{method.lower()}",
            method,
            url,
            t.cast("SpecKeywords", keywords),
            default_headers=self.headers.items() if self.headers else (),
        )
        response = self._send(request, raise_errors, stream, timeout)
        history: list[ClientResponse] = []
        if not follow or response.status_code not in _REDIRECTS:
            response.history = history
            return response
        # A loop is the same method on the same URL again: POST /form -> 303 -> GET /form is not.
        seen = {(method.upper(), response.request.full_url)}
        while response.status_code in _REDIRECTS and response.redirect_url:
            target = urljoin(response.request.full_url, response.redirect_url)
            if urlsplit(target).netloc != urlsplit(response.request.full_url).netloc:
                break  # another site: not served by this app, so not followed
            request = request.redirected(response.status_code, target)
            if (request.method.upper(), target) in seen or len(history) >= _MAX_REDIRECTS:
                chain = " -> ".join([*(r.request.url for r in history), response.request.url])
                raise RedirectLoopError(
                    f"redirect loop or more than {_MAX_REDIRECTS} redirects: {chain} -> {target}"
                )
            seen.add((request.method.upper(), target))
            response.close()
            history.append(response)
            response = self._send(request, raise_errors, stream, timeout)
        response.history = history
        return response

    def _send(
        self, request: RequestSpec, raise_errors: bool, stream: bool, timeout: float | None
    ) -> ClientResponse:
        jar_cookie: str | None = None
        if self.cookie_jar:  # an empty jar has nothing to send: no URL split, no clock
            scheme, host, path, _ = split_url(request.url, self._scheme, self._host)
            jar_cookie = self.cookie_jar.header_for(scheme, host, path or "/")
        raw = request.to_raw(base_scheme=self._scheme, base_host=self._host, jar_cookie=jar_cookie)
        sent = SentRequest(
            raw.method, raw.url, raw.headers, request.body.content or b"", raw.scheme, raw.host
        )
        if stream:
            response = self._start_stream(raw, sent, raise_errors, timeout)
        else:
            sink = BufferSink()
            exchange = self._handle(raw, sink, mode="test")
            response = ClientResponse(sent, exchange, sink, raise_errors=raise_errors)
            self._check(exchange)
        self._store_cookies(response, raw)
        if self.observer is not None and not stream:
            self.observer(response)
        if not stream and response.exception is not None and raise_errors:
            raise _annotated(response.exception, response)
        return response

    def _handle(self, raw: RawRequest, sink: Sink, *, mode: Mode) -> Exchange:
        if self.door == "asgi":
            return handle_via_asgi(self.app, raw, sink, mode=mode)
        return self.app.handle(raw, sink, mode=mode)

    def _check(self, exchange: Exchange) -> None:
        """Note the route for the running test; warn when it sent nothing (strict: fail)."""
        match = exchange.match
        tracker = _integrity.current()
        if tracker is not None and match is not None:
            # It was just served, so it imports; a route that vanished meanwhile is no news.
            with contextlib.suppress(RoutekitError):
                tracker.route_ran(self.app.loader.load(match.route).module)
        for notice in exchange.notices:
            if notice.code == NOTICE_UNENDED:
                route = match.route.relfile if match is not None else "no route"
                raw = exchange.raw
                warning = _integrity.unsent_by_route(raw.method, raw.url, route, notice.message)
                _integrity.warn_in_test(warning)

    def _start_stream(
        self, raw: RawRequest, sent: SentRequest, raise_errors: bool, timeout: float | None
    ) -> ClientResponse:
        sink = QueueSink()
        wait = self.stream_timeout if timeout is None else timeout
        state: _Stream

        def run() -> None:
            try:
                state.box["exchange"] = self._handle(raw, sink, mode="test")
            except BaseException as exc:  # the pipeline itself broke: re-raised in the test
                state.box["error"] = exc
                sink.finish()
            finally:
                _aio.close_thread_loop()
                sink.head_ready.set()
                if self.observer is not None and "exchange" in state.box:
                    self.observer(response)

        thread = threading.Thread(target=run, name=f"routekit-stream {raw.url}", daemon=True)
        state = _Stream(sink, thread, wait)
        response = ClientResponse(sent, None, sink, stream=state, raise_errors=raise_errors)
        self._streams.append(response)
        thread.start()
        if not sink.head_ready.wait(wait):
            state.close()
            raise TimeoutError(
                f"{raw.method} {raw.url} sent no status line within {wait} s; pass timeout=... "
                "to wait longer."
            )
        if "error" in state.box and not sink.started:
            # Only when no head came: once it did, the error follows the chunks (at the end).
            raise state.box["error"]
        return response

    def _store_cookies(self, response: ClientResponse, raw: RawRequest) -> None:
        # Most responses set no cookie: a length test first spares a lower() per line.
        for name, value in response._sink.headers:
            if len(name) == 10 and name.lower() == "set-cookie":
                cookie = parse_set_cookie(value)
                if cookie is not None:
                    self.cookie_jar.store(cookie, raw.host, raw.path)

    def get(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a GET request; keywords as in :meth:`request`."""
        return self.request("GET", url, **spec)

    def post(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a POST request; keywords as in :meth:`request`."""
        return self.request("POST", url, **spec)

    def put(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a PUT request; keywords as in :meth:`request`."""
        return self.request("PUT", url, **spec)

    def patch(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a PATCH request; keywords as in :meth:`request`."""
        return self.request("PATCH", url, **spec)

    def delete(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a DELETE request; keywords as in :meth:`request`."""
        return self.request("DELETE", url, **spec)

    def head(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a HEAD request; keywords as in :meth:`request`."""
        return self.request("HEAD", url, **spec)

    def options(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send an OPTIONS request; keywords as in :meth:`request`."""
        return self.request("OPTIONS", url, **spec)

    def __repr__(self) -> str:
        return f"<routekit_pytest.Client {self.base_url} app={self.app.root}>"


def _annotated(exc: BaseException, response: ClientResponse) -> BaseException:
    note = (
        f"routekit: raised while answering {response.request.method} {response.request.url} "
        f"({response.route.file if response.route else 'no route'}); the client got a "
        f"{response.status_code}. Pass raise_errors=False to get the response instead."
    )
    add_note = getattr(exc, "add_note", None)  # Python 3.11+
    if add_note is not None and note not in getattr(exc, "__notes__", ()):
        add_note(note)
    return exc


class AsyncClient:
    """:class:`Client` for ``async def`` tests: the same methods, awaitable.

    Requests run the (synchronous) pipeline on one worker thread owned by this client, so
    the app's event loop never clashes with the test's and async handlers keep one loop
    across requests. ``close()`` (or ``async with``) ends the thread; the ``async_client``
    fixture does it for you.
    """

    def __init__(self, client: Client) -> None:
        self.sync = client
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="routekit-async-client")

    @property
    def cookie_jar(self) -> CookieJar:
        """The jar of the underlying :class:`Client`."""
        return self.sync.cookie_jar

    def set_cookie(
        self, name: str, value: str, *, domain: str | None = None, path: str = "/"
    ) -> None:
        """Put a cookie in the jar (see :meth:`Client.set_cookie`)."""
        self.sync.set_cookie(name, value, domain=domain, path=path)

    def get_cookie(self, name: str) -> str | None:
        """The value of cookie *name* in the jar, or ``None``."""
        return self.sync.get_cookie(name)

    def close(self) -> None:
        """Close open streams and end the worker thread (closing its event loop)."""
        self.sync.close()
        self._executor.submit(_aio.close_thread_loop).result()
        self._executor.shutdown(wait=True)

    async def aclose(self) -> None:
        """:meth:`close`, awaitable."""
        await asyncio.to_thread(self.close)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def request(
        self, method: str, url: str, **spec: Unpack[RequestKeywords]
    ) -> ClientResponse:
        """Send one request (see :meth:`Client.request`)."""
        call = functools.partial(self.sync.request, method, url, **spec)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def get(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a GET request."""
        return await self.request("GET", url, **spec)

    async def post(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a POST request."""
        return await self.request("POST", url, **spec)

    async def put(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a PUT request."""
        return await self.request("PUT", url, **spec)

    async def patch(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a PATCH request."""
        return await self.request("PATCH", url, **spec)

    async def delete(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a DELETE request."""
        return await self.request("DELETE", url, **spec)

    async def head(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send a HEAD request."""
        return await self.request("HEAD", url, **spec)

    async def options(self, url: str, **spec: Unpack[RequestKeywords]) -> ClientResponse:
        """Send an OPTIONS request."""
        return await self.request("OPTIONS", url, **spec)

    def __repr__(self) -> str:
        return f"<routekit_pytest.AsyncClient {self.sync.base_url} app={self.sync.app.root}>"
