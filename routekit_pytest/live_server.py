"""``live_server``: the project served on a real socket for the whole test session.

For clients that need a URL (Playwright, ``requests``, ``urllib``, another process): the
route tree runs in production mode on ``127.0.0.1`` and a free port, on a thread of this
process, so ``monkeypatch`` still reaches the route modules. Under pytest-xdist each
worker has its own server. A handler exception is answered with the production 500 *and*
reported in the test during which it happened: attached to the test's failure, or failing
its teardown when the test passed anyway.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import traceback
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

from routekit.errors import LiveServerError, RoutekitError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator
    from types import TracebackType

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from routekit.app import App

__all__ = ["LiveServer", "LiveServerError", "ServerError", "production_app", "serve_for_session"]

_LOGGER = "routekit"  # where App.handle reports the exceptions it answers with a 500
_SECTION = "routekit live server"
_PACKAGES = tuple(
    str(Path(__file__).resolve().parent.with_name(name)) + os.sep
    for name in ("routekit", "routekit_pytest")
)


@dataclass(frozen=True, slots=True)
class ServerError:
    """An exception the live server answered with a 500.

    :param method: the request method.
    :param url: the request target (path and query).
    :param exception: the exception the handler (or the pipeline) raised.
    :param detail: where it was raised, as the runtime logged it.
    """

    method: str
    url: str
    exception: BaseException
    detail: str = ""

    def __str__(self) -> str:
        exc = self.exception
        return f"{self.method} {self.url}: {type(exc).__name__}: {exc}"

    def format(self) -> str:
        """The request, the runtime's note and the traceback from the route's own frames."""
        report = traceback.TracebackException.from_exception(self.exception)
        own = [frame for frame in report.stack if not frame.filename.startswith(_PACKAGES)]
        if own:  # the runtime's frames are noise next to the route's; keep them when alone
            report.stack = traceback.StackSummary.from_list(own)
        head = f"{self.method} {self.url}" + (f" -- {self.detail}" if self.detail else "")
        return head + "\n" + "".join(report.format()).rstrip()


class _Serving(t.NamedTuple):
    server: LiveServer
    method: str
    url: str


#: Set on the server's request thread while the app answers; read by the log handler.
_CURRENT: contextvars.ContextVar[_Serving | None] = contextvars.ContextVar(
    "routekit_live_server", default=None
)


class _Running(t.NamedTuple):
    port: int
    stop: Callable[[], None]


def _serve_wsgi(app: WSGIApplication, host: str, port: int) -> _Running:
    """Serve *app* on *host*:*port* (0: a free one) from a daemon thread, quietly.

    The one place that knows which server runs: werkzeug's threaded WSGI server for now.
    """
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass  # no access log in the test output

    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"routekit-live-server:{server.port}",
        daemon=True,
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return _Running(server.port, stop)


class _ErrorLog(logging.Handler):
    """Keeps the exceptions the runtime logs while one of the live server's requests runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        serving = _CURRENT.get()
        if serving is None or record.exc_info is None or record.exc_info[1] is None:
            return
        serving.server._record(
            ServerError(serving.method, serving.url, record.exc_info[1], record.getMessage())
        )


class LiveServer:
    """An :class:`~routekit.App` served on a real socket from a thread of this process.

    ``with LiveServer(App(root, mode="production")) as server:`` starts it, ``server.url``
    is its base URL; leaving the block stops it. The ``live_server`` fixture is one of
    these, started once per session (per xdist worker).

    :param app: the application to serve.
    :param host: the interface to bind (loopback by default).
    :param port: the port; ``0`` picks a free one.
    """

    def __init__(self, app: App, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._running: _Running | None = None
        self._url: str | None = None
        self._errors: list[ServerError] = []
        self._lock = threading.Lock()
        self._log = _ErrorLog()

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._url is None:
            raise RuntimeError("the live server was never started; call start() first.")
        return self._url

    def start(self) -> LiveServer:
        """Bind and start serving; returns the server itself."""
        if self._running is None:
            logging.getLogger(_LOGGER).addHandler(self._log)
            self._running = _serve_wsgi(self._wsgi, self.host, self.port)
            self.port = self._running.port
            self._url = f"http://{self.host}:{self.port}"
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        running, self._running = self._running, None
        if running is not None:
            running.stop()
            logging.getLogger(_LOGGER).removeHandler(self._log)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def errors(self) -> list[ServerError]:
        """The errors recorded and not yet taken, oldest first."""
        with self._lock:
            return list(self._errors)

    def take_errors(self) -> list[ServerError]:
        """Return the recorded errors and forget them, so the test is not failed for them."""
        with self._lock:
            errors, self._errors = self._errors, []
        return errors

    def _record(self, error: ServerError) -> None:
        with self._lock:
            self._errors.append(error)

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        target = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        token = _CURRENT.set(_Serving(self, method, target))
        try:
            return self.app(environ, start_response)
        except Exception as exc:  # the pipeline itself broke: werkzeug answers a 500
            self._record(ServerError(method, target, exc, "raised by the routekit pipeline"))
            raise
        finally:
            _CURRENT.reset(token)

    def __repr__(self) -> str:
        state = self.url if self._running is not None else "stopped"
        return f"<routekit_pytest.LiveServer {state} app={self.app.root}>"


class _ErrorReporter:
    """Puts the live server's errors in the report of the test during which they happened."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.when == "call" and report.failed:
            errors = self.server.take_errors()
            if errors:
                report.sections.append((_SECTION, "\n\n".join(e.format() for e in errors)))
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, None, None]:
        __tracebackhide__ = True
        yield  # the fixtures' own teardown first: their requests count too
        errors = self.server.take_errors()
        if errors:
            raise LiveServerError(self.server.url, errors)


def serve_for_session(config: pytest.Config, app: App) -> Iterator[LiveServer]:
    """Start *app*'s server and its error reporter; yield it; stop both (the fixture)."""
    server = LiveServer(app).start()
    reporter = _ErrorReporter(server)
    config.pluginmanager.register(reporter, f"routekit-live-server-{id(server)}")
    try:
        yield server
    finally:
        server.stop()
        config.pluginmanager.unregister(reporter)


def production_app(config: pytest.Config) -> App:
    """The configured project in production mode (the ``live_server_app`` fixture)."""
    from routekit.app import App

    from .plugin import _NO_ROOT, _session_root

    root = _session_root(config)
    if root is None:
        pytest.fail(_NO_ROOT, pytrace=False)
    try:
        return App(root, mode="production")
    except RoutekitError as exc:
        pytest.fail(f"routekit: the live server cannot serve {root}:\n{exc}", pytrace=False)
