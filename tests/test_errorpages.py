from __future__ import annotations

import pytest

from routekit._errorpages import (
    send_bad_request_page,
    send_dev_error_page,
    send_internal_error,
    send_not_found_page,
    send_plain_error,
    send_slash_redirect,
)
from routekit._wire import BufferSink

CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate"


def _raise(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


@pytest.mark.parametrize(
    ("send", "status", "reason", "title", "text"),
    [
        (
            send_not_found_page,
            404,
            "Not Found",
            "404: This page could not be found",
            "This page could not be found.",
        ),
        (send_bad_request_page, 400, "Bad Request", "400: Bad Request", "Bad Request."),
    ],
)
def test_error_page(send: object, status: int, reason: str, title: str, text: str) -> None:
    sink = BufferSink()
    send(sink, "GET")  # type: ignore[operator]
    body = sink.body.decode()
    assert (sink.status, sink.reason) == (status, reason)
    assert sink.headers == [
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(sink.body))),
    ]
    assert body.startswith("<!DOCTYPE html>")
    assert f"<title>{title}</title>" in body
    assert f"<h1>{status}</h1>" in body
    assert f"<h2>{text}</h2>" in body
    assert sink.finished


@pytest.mark.parametrize("send", [send_not_found_page, send_bad_request_page])
def test_error_page_head_keeps_content_length(send: object) -> None:
    get, head = BufferSink(), BufferSink()
    send(get, "GET")  # type: ignore[operator]
    send(head, "HEAD")  # type: ignore[operator]
    assert head.headers == get.headers
    assert head.body == b""


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "Invalid JSON"), (413, "Body exceeded 1mb limit"), (500, "Internal Server Error")],
)
def test_plain_error_is_next_send_error(status: int, message: str) -> None:
    sink = BufferSink()
    send_plain_error(sink, "POST", status, message)
    assert (sink.status, sink.reason, sink.body) == (status, message, message.encode())
    assert sink.headers == [("Content-Length", str(len(message)))]  # no Content-Type


def test_internal_error() -> None:
    sink, head = BufferSink(), BufferSink()
    send_internal_error(sink, "GET")
    send_internal_error(head, "HEAD")
    assert (sink.status, sink.reason, sink.body) == (
        500,
        "Internal Server Error",
        b"Internal Server Error",
    )
    assert sink.headers == head.headers == [("Content-Length", "21")]
    assert head.body == b""


@pytest.mark.parametrize("destination", ["/api/x", "/api/x?a=1&b=2", "/", "/api/caf%C3%A9?q=%20"])
def test_slash_redirect(destination: str) -> None:
    sink = BufferSink()
    send_slash_redirect(sink, "PUT", destination)
    assert (sink.status, sink.reason) == (308, "Permanent Redirect")
    assert sink.headers == [
        ("Location", destination),
        ("Refresh", f"0;url={destination}"),
        ("Content-Length", str(len(destination))),
    ]
    assert sink.body == destination.encode()


def test_slash_redirect_head() -> None:
    sink = BufferSink()
    send_slash_redirect(sink, "HEAD", "/api/x")
    assert (sink.status, sink.body) == (308, b"")
    assert ("Content-Length", "6") in sink.headers


def test_dev_error_page_shows_exception_route_and_traceback() -> None:
    sink = BufferSink()
    exc = _raise(KeyError("<id>"))
    send_dev_error_page(
        sink, "GET", "/api/users/1?x=<y>", exc, "/api/users/[id]", "pages/api/users/[id].py"
    )
    page = sink.body.decode()
    assert (sink.status, sink.reason) == (500, "Internal Server Error")
    assert sink.headers == [
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(sink.body))),
    ]
    assert "<title>500: KeyError: &#x27;&lt;id&gt;&#x27;</title>" in page
    assert "<h1>Unhandled KeyError: &#x27;&lt;id&gt;&#x27;</h1>" in page
    assert "in <strong>/api/users/[id]</strong> (pages/api/users/[id].py)" in page
    assert "<code>GET /api/users/1?x=&lt;y&gt;</code>" in page
    assert "Traceback (most recent call last):" in page
    assert "in _raise" in page
    assert "<y>" not in page  # everything user-controlled is escaped
    assert "<script" not in page
    assert "production answers <code>500 Internal Server Error</code>" in page


def test_dev_error_page_without_route_and_head() -> None:
    sink = BufferSink()
    send_dev_error_page(sink, "GET", "/api/x", RuntimeError("tree"), None, None)
    assert "in <strong>(no route)</strong> (-)" in sink.body.decode()
    head = BufferSink()
    send_dev_error_page(head, "HEAD", "/api/x", RuntimeError("tree"), None, None)
    assert (head.status, head.body) == (500, b"")
    assert head.headers[:2] == sink.headers[:2]
    assert int(dict(head.headers)["Content-Length"]) > 0
