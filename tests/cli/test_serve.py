from __future__ import annotations

import errno
import logging
import socket
import typing as t

import pytest

from routekit._cli.serve import (
    _duration,
    _escape,
    _ReloaderMessages,
    _watched,
    banner,
    bind,
    bind_error,
)
from routekit._cli.style import Style
from routekit.app import App

if t.TYPE_CHECKING:
    from pathlib import Path


def test_bind_listens_on_a_free_port() -> None:
    with bind("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        assert port > 0
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass


def test_bind_a_busy_port_raises_and_closes_its_socket() -> None:
    with bind("127.0.0.1", 0) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(OSError, match="in use") as info:
            bind("127.0.0.1", port)
    assert bind_error("127.0.0.1", port, info.value) == (
        f"cannot listen on 127.0.0.1:{port}: the port is in use by another program; stop it, "
        "or choose another port with --port N (or PORT=N)."
    )


def test_bind_error_other_reasons() -> None:
    denied = OSError(errno.EACCES, "Permission denied")
    assert bind_error("::", 80, denied) == "cannot listen on [::]:80: Permission denied."
    assert bind_error("nowhere", 1, OSError("odd")) == "cannot listen on nowhere:1: odd."


def test_bind_an_address_of_another_machine() -> None:
    with pytest.raises(OSError, match=r"\S") as info:
        bind("192.0.2.1", 0)  # TEST-NET-1: never this machine's; binding sends nothing
    message = bind_error("192.0.2.1", 0, info.value)
    assert message == f"cannot listen on 192.0.2.1:0: {info.value.strerror}."


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.0004, "0.4ms"), (0.0123, "12ms"), (0.999, "999ms"), (1.5, "1.50s")],
)
def test_duration(seconds: float, shown: str) -> None:
    assert _duration(seconds) == shown


def test_escape_keeps_the_terminal_safe() -> None:
    assert _escape("GET /a\x1b[31m\x7f/é") == "GET /a\\x1b[31m\\x7f/\\xe9"


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, (), None)


def test_reloader_messages(tmp_path: Path) -> None:
    quiet = _ReloaderMessages(tmp_path)
    assert quiet.filter(_record(" * Restarting with stat")) is False
    changed = _record(f" * Detected change in '{tmp_path / 'lib' / 'db.py'}', reloading")
    assert quiet.filter(changed) is True
    assert changed.getMessage() == "routekit: lib/db.py changed, restarting"
    outside = _record(" * Detected change in '/elsewhere/x.py', reloading")
    assert quiet.filter(outside) is True
    assert outside.getMessage() == "routekit: /elsewhere/x.py changed, restarting"
    other = _record("127.0.0.1 - - something else")
    assert quiet.filter(other) is True
    assert other.getMessage() == "127.0.0.1 - - something else"


def test_banner(tmp_path: Path) -> None:
    (tmp_path / "pages" / "api").mkdir(parents=True)
    (tmp_path / "pages" / "api" / "a.py").write_text("def handler(req, res): pass\n")
    app = App(tmp_path, dev=True)
    assert banner(app, "http://127.0.0.1:3000", reload=True, style=Style(False)) == (
        f"routekit: serving {app.root} in development mode on http://127.0.0.1:3000 "
        "(1 route, reload on change)"
    )
    coloured = banner(App(tmp_path, dev=False), "http://x:1", reload=False, style=Style(True))
    assert "\x1b[33mproduction mode\x1b[0m" in coloured
    assert coloured.endswith("(1 route)")


def test_watched_files_restart_on_settings_and_env(tmp_path: Path) -> None:
    watched = _watched(App(tmp_path, dev=True))
    names = [name.rpartition("/")[2] for name in watched]
    assert names[:2] == ["pyproject.toml", "routekit.toml"]
    assert ".env" in names
    assert ".env.development" in names
