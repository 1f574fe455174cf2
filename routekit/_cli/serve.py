"""``routekit serve``: bind first, print one banner and the route table, serve with werkzeug.

werkzeug's server and reloader do the work; what is ours is the order (the port is bound
before anything is printed, so a busy port is one line and exit 1, never a banner and then a
traceback), the output (one banner instead of werkzeug's development-server warning and
``* Restarting with stat``) and the access log (method, path, status, duration, route file).
The reloader's child process serves the socket the parent bound: its descriptor is passed in
``WERKZEUG_SERVER_FD``, as ``werkzeug.serving.run_simple`` does.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import signal
import socket
import sys
import time
import typing as t
from pathlib import Path

# run_simple's own reloader entry point; werkzeug.serving has no public name for it.
from werkzeug._reloader import run_with_reloader
from werkzeug.serving import (
    LISTEN_QUEUE,
    get_sockaddr,
    is_running_from_reloader,
    make_server,
    select_address_family,
)

from .._env import env_files
from .._wsgi import RequestHandler
from ..app import App
from .style import Style

if t.TYPE_CHECKING:
    from .._wire import Exchange, RawRequest, Sink

__all__ = ["EXCHANGE_KEY", "ServedApp", "bind", "bind_error", "serve"]

#: Where :class:`ServedApp` leaves each request's :class:`~routekit._wire.Exchange`.
EXCHANGE_KEY = "routekit.exchange"
_FD_VARIABLE = "WERKZEUG_SERVER_FD"  # werkzeug's name: run_simple's reloader child reads it
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
_CHANGED = re.compile(r" \* Detected change in '(?P<file>.*)', reloading")

access_log = logging.getLogger("routekit.access")


class ServedApp(App):
    """The :class:`~routekit.App` ``routekit serve`` runs: it leaves each request's exchange
    in the WSGI environ, where the access log finds the route that answered."""

    def handle(self, raw: RawRequest, sink: Sink, **options: t.Any) -> Exchange:
        exchange = super().handle(raw, sink, **options)
        if raw.environ is not None:
            raw.environ[EXCHANGE_KEY] = exchange
        return exchange


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on *host*:*port* (port 0 picks a free one).

    :raises OSError: the address is in use, not this machine's, or not allowed.
    """
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As werkzeug's server does: a restarted server may reuse a port left in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(LISTEN_QUEUE)
    except BaseException:
        sock.close()
        raise
    return sock


def bind_error(host: str, port: int, exc: OSError) -> str:
    """The one-line message for a failed :func:`bind`."""
    where = f"{_bracket(host)}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {where}: the port is in use by another program; stop it, or "
            "choose another port with --port N (or PORT=N)."
        )
    reason = exc.strerror or str(exc)
    return f"cannot listen on {where}: {reason}."


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _escape(text: str) -> str:
    # A request target may hold control characters (an escape sequence for the terminal).
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f}s"
    ms = seconds * 1000
    return f"{ms:.1f}ms" if ms < 10 else f"{ms:.0f}ms"


class _RequestHandler(RequestHandler):
    """routekit's werkzeug handler (strict framing) with the access log: one line once the
    response is sent."""

    style = Style(False)
    _in_app = False
    _status: int | str = "-"

    def run_wsgi(self) -> None:
        self._in_app, self._status = True, "-"
        self.environ = {}  # werkzeug fills it in; never the previous request's
        start = time.perf_counter()
        try:
            super().run_wsgi()
        finally:
            self._in_app = False
            self._log_access(self._status, time.perf_counter() - start)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self._in_app:
            self._status = code  # logged by run_wsgi once the body is sent
        else:
            # Answered by http.server itself (a malformed request line): log it now.
            self._log_access(code, None)

    def _log_access(self, code: int | str, seconds: float | None) -> None:
        style = self.style
        if seconds is None:
            target = getattr(self, "requestline", "") or "-"
        else:
            target = f"{self.command} {self.path}"
        status = str(getattr(code, "value", code))
        parts = [self.address_string(), style(_escape(target), "bold")]
        parts.append(style.status(int(status)) if status.isdigit() else status)
        if seconds is not None:
            parts.append(style(_duration(seconds), "dim"))
            exchange: Exchange | None = self.environ.get(EXCHANGE_KEY)
            if exchange is not None and exchange.match is not None:
                parts.append(style(exchange.match.route.relfile, "dim"))
        access_log.info(" ".join(parts))


class _ReloaderMessages(logging.Filter):
    """Drop werkzeug's ``* Restarting with stat`` and word its change notice as ours."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(" * Restarting with"):
            return False
        changed = _CHANGED.match(message)
        if changed:
            file = Path(changed["file"])
            shown = file.relative_to(self.root) if file.is_relative_to(self.root) else file
            record.msg, record.args = f"routekit: {shown} changed, restarting", ()
        return True


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # serve_forever closes the socket and returns


def _watched(app: App) -> list[str]:
    """Files that restart the development server besides imported modules: settings, .env."""
    files = [app.root / "pyproject.toml", app.root / "routekit.toml"]
    return [str(path) for path in [*files, *env_files(app.root, app.mode)]]


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    return f"http://{_bracket(host)}:{port}"


def banner(app: App, url: str, *, reload: bool, style: Style) -> str:
    """The start-up line: root, mode, URL, route count."""
    count = len(app.routes.routes)
    details = [f"{count} route" + ("" if count == 1 else "s")]
    if reload:
        details.append("reload on change")
    mode = style(f"{app.mode} mode", "green" if app.mode == "development" else "yellow")
    return (
        f"{style('routekit:', 'bold')} serving {app.root} in {mode} on "
        f"{style(url, 'cyan')} ({', '.join(details)})"
    )


def serve(root: str, *, host: str, port: int, prod: bool, reload: bool) -> int:
    """Run ``routekit serve``; returns the exit status (errors in the tree raise)."""
    from .table import format_table, inspect

    child = reload and is_running_from_reloader()
    app = ServedApp(root, dev=not prod)
    if child:
        fd = int(os.environ[_FD_VARIABLE])
    else:
        try:
            sock = bind(host, port)
        except OSError as exc:
            print(f"error: {bind_error(host, port, exc)}", file=sys.stderr)
            return 1
        out = Style.for_stream(sys.stdout)
        print(banner(app, _url(sock, host), reload=reload, style=out), flush=True)
        inspection = inspect(app)
        if inspection.rows:
            print(format_table(inspection.rows, out), flush=True)
        err = Style.for_stream(sys.stderr)
        for hint in inspection.hints:
            print(f"{err('warning:', 'yellow', 'bold')} {hint.message}", file=sys.stderr)
        fd = sock.fileno()
    _setup_logging(app.root)
    _RequestHandler.style = Style.for_stream(sys.stderr)
    if reload and not child:
        # The parent only watches over the child, which serves the inherited socket.
        sock.set_inheritable(True)
        os.environ[_FD_VARIABLE] = str(fd)
        run_with_reloader(lambda: None, extra_files=_watched(app), reloader_type="stat")
        return 0
    server = make_server(host, port, app, threaded=True, request_handler=_RequestHandler, fd=fd)
    if not child:
        sock.close()  # the server holds its own duplicate
    if reload:
        run_with_reloader(server.serve_forever, extra_files=_watched(app), reloader_type="stat")
        return 0
    signal.signal(signal.SIGTERM, _stop)  # stop cleanly when asked, SIGINT ignored or not
    server.serve_forever()
    return 0


def _setup_logging(root: Path) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").addFilter(_ReloaderMessages(root))
