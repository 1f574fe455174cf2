"""read_web_response(): a returned Web Response with the mock response's accessors."""

from __future__ import annotations

from routekit.web.response import Response
from routekit_pytest import read_web_response


def test_web_response_view_reads_the_response_once() -> None:
    response = Response("body", status=202, status_text="Accepted for later")
    view = read_web_response(response)
    assert view.response is response
    assert (view.status_code, view.status_message, view.text) == (
        202,
        "Accepted for later",
        "body",
    )
    assert view.chunks == [b"body"]
    assert view.is_ended()
    assert (view.warnings, view.revalidated) == ([], [])
    assert repr(view) == "<WebResponseView 202>"


def test_web_response_view_of_an_empty_body() -> None:
    view = read_web_response(Response(None, status=204))
    assert (view.body, view.chunks, view.text) == (b"", [], "")
