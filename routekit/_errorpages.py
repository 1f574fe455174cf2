"""The framework's own responses: redirects, the HTML 404/400/500 pages, 500s, the dev error page.

Each function writes one complete response through a :class:`~routekit._wire.Sink`, with the
status codes, reason phrases and headers Next.js (``next start``) uses.
"""

from __future__ import annotations

import html
import traceback

from ._wire import Sink

__all__ = [
    "send_bad_request_page",
    "send_dev_error_page",
    "send_internal_error",
    "send_internal_error_page",
    "send_not_found_page",
    "send_plain_error",
    "send_slash_redirect",
]

# The connection must not carry another request (WSGI servers drop it and decide themselves).
_CLOSE = ("Connection", "close")
#: Next.js 15+/16 sends this on its error pages (v14 had no ``private``).
_ERROR_PAGE_CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate"

_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" \
content="width=device-width"><title>{code}: {text}</title><style>body{{margin:0;color:#000;\
background:#fff;font-family:system-ui,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;height:100vh;\
display:flex;flex-direction:column;align-items:center;justify-content:center}}h1{{display:inline-block;\
margin:0 20px 0 0;padding:0 23px 0 0;font-size:24px;font-weight:500;vertical-align:top;\
line-height:49px;border-right:1px solid rgba(0,0,0,.3)}}h2{{font-size:14px;font-weight:400;\
line-height:49px;margin:0}}</style></head><body><div><h1>{code}</h1>\
<div style="display:inline-block">\
<h2>{text}.</h2></div></div></body></html>"""


def _send_page(
    sink: Sink, method: str, code: int, reason: str, text: str, close: bool = False
) -> None:
    body = _PAGE.format(code=code, text=text).encode()
    headers = [
        ("Cache-Control", _ERROR_PAGE_CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    if close:
        headers.append(_CLOSE)
    sink.start(code, reason, headers)
    sink.finish(b"" if method == "HEAD" else body)


def send_not_found_page(sink: Sink, method: str) -> None:
    """The default Next.js 404 page: an unmatched path, ``/api/*`` included (never JSON)."""
    _send_page(sink, method, 404, "Not Found", "This page could not be found")


def send_bad_request_page(sink: Sink, method: str, *, close: bool = False) -> None:
    """The 400 page Next.js renders when a dynamic param fails ``decodeURIComponent``.

    routekit also sends it for a request refused before routing (a bad ``Host``...).

    :param close: add ``Connection: close`` (the rest of the connection cannot be trusted).
    """
    _send_page(sink, method, 400, "Bad Request", "Bad Request", close)


def send_internal_error_page(sink: Sink, method: str) -> None:
    """The 500 page Next.js renders for an error outside any route: a middleware that
    raises (or returns something that is not a ``Response``)."""
    _send_page(sink, method, 500, "Internal Server Error", "Internal Server Error")


def send_plain_error(
    sink: Sink, method: str, status: int, message: str, *, close: bool = False
) -> None:
    """Next.js' ``sendError``: the message as reason phrase and body, and no Content-Type.

    :param close: add ``Connection: close`` (a body left unread or cut short).
    """
    body = message.encode()
    headers = [("Content-Length", str(len(body)))]
    if close:
        headers.append(_CLOSE)
    sink.start(status, message, headers)
    sink.finish(b"" if method == "HEAD" else body)


def send_internal_error(sink: Sink, method: str) -> None:
    """The production 500: ``Internal Server Error`` as plain text with no Content-Type."""
    send_plain_error(sink, method, 500, "Internal Server Error")


def send_slash_redirect(sink: Sink, method: str, destination: str) -> None:
    """Next.js' 308 for a trailing slash, ``//`` or ``\\``: Location, Refresh, body = target."""
    body = destination.encode()
    headers = [
        ("Location", destination),
        ("Refresh", f"0;url={destination}"),
        ("Content-Length", str(len(body))),
    ]
    sink.start(308, "Permanent Redirect", headers)
    sink.finish(b"" if method == "HEAD" else body)


_DEV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>500: {title}</title>\
<style>body{{font-family:ui-monospace,Menlo,Consolas,monospace;margin:2rem;color:#111}}\
h1{{font-size:1.2rem;color:#b00020}}.file{{color:#555}}pre{{background:#f6f6f6;padding:1rem;\
overflow:auto;border-left:4px solid #b00020}}</style></head><body>\
<h1>Unhandled {title}</h1><p class="file">in <strong>{route}</strong> ({file}) \
while handling <code>{method} {url}</code></p><pre>{tb}</pre>\
<p>This page is shown in development only; production answers \
<code>500 Internal Server Error</code>.</p></body></html>"""


def send_dev_error_page(
    sink: Sink,
    method: str,
    url: str,
    exc: BaseException,
    route: str | None,
    file: str | None,
) -> None:
    """The static development error page: the exception, its traceback and the route file.

    Never an interactive debugger: nothing on the page can run code.
    """
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    page = _DEV_PAGE.format(
        title=html.escape(f"{type(exc).__name__}: {exc}"),
        route=html.escape(route or "(no route)"),
        file=html.escape(file or "-"),
        method=html.escape(method),
        url=html.escape(url),
        tb=html.escape(tb),
    )
    body = page.encode()
    headers = [
        ("Cache-Control", _ERROR_PAGE_CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    sink.start(500, "Internal Server Error", headers)
    sink.finish(b"" if method == "HEAD" else body)
