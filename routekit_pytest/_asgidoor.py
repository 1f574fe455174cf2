"""Driving an app through its ASGI door in-process: ``Client(app, door="asgi")``.

The request becomes an ASGI HTTP scope, its body ``http.request`` messages, and what the
app sends back goes to the client's sink, as a server would pass it on: the status with
its standard reason phrase (ASGI carries none), header names lower-cased.
"""

from __future__ import annotations

import asyncio
import typing as t
from http import HTTPStatus
from urllib.parse import unquote

from routekit import _aio
from routekit._asgi import TEST_HOOK
from routekit.errors import ResponseAbortedError

if t.TYPE_CHECKING:
    from routekit._wire import Exchange, Mode, RawRequest, Sink
    from routekit.app import App

__all__ = ["TEST_HOOK", "handle_via_asgi", "scope_from_raw"]

_CHUNK = 64 * 1024


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def scope_from_raw(raw: RawRequest, hook: dict[str, t.Any]) -> dict[str, t.Any]:
    """The ASGI HTTP scope a server would build for *raw*."""
    host, _, port = raw.host.rpartition(":") if ":" in raw.host else (raw.host, "", "")
    default = 443 if raw.scheme == "https" else 80
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": raw.method,
        "scheme": raw.scheme,
        "path": unquote(raw.path, errors="surrogateescape"),
        "raw_path": raw.path.encode("latin-1", "replace"),
        "query_string": raw.query_string.encode("latin-1", "replace"),
        "root_path": "",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
            for name, value in raw.headers
        ],
        "client": (raw.remote_addr, 50000),
        "server": (host or "localhost", int(port) if port.isdigit() else default),
        "extensions": {TEST_HOOK: hook},
    }


async def _serve(app: App, raw: RawRequest, sink: Sink, hook: dict[str, t.Any]) -> None:
    body = raw.body
    done = asyncio.Event()

    async def receive() -> dict[str, t.Any]:
        nonlocal body
        if body is not None:
            data = body.read(_CHUNK)
            if data:
                return {"type": "http.request", "body": data, "more_body": True}
            body = None
            return {"type": "http.request", "body": b"", "more_body": False}
        while not done.is_set() and not sink.disconnected:
            await asyncio.sleep(0.01)  # the client's stream is polled: it has no callback
        return {"type": "http.disconnect"}

    async def send(message: t.MutableMapping[str, t.Any]) -> None:
        if message["type"] == "http.response.start":
            lines = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message["headers"]]
            sink.start(message["status"], _reason(message["status"]), lines)
        elif message.get("more_body"):
            sink.write(message.get("body", b""))
        else:
            sink.finish(message.get("body", b""))

    try:
        await app.asgi(scope_from_raw(raw, hook), receive, send)
    finally:
        done.set()


def handle_via_asgi(app: App, raw: RawRequest, sink: Sink, *, mode: Mode | None = None) -> Exchange:
    """Answer *raw* through ``app.asgi`` into *sink*; returns the exchange, as ``App.handle``."""
    hook: dict[str, t.Any] = {"mode": mode}
    try:
        _aio.run_coroutine(_serve(app, raw, sink, hook))
    except ResponseAbortedError:
        if not getattr(sink, "finished", False):
            sink.finish()  # a server would cut the connection here: the stream ends
    return t.cast("Exchange", hook["exchange"])
