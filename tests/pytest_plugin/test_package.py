"""The public surface of routekit_pytest and the Web response reader."""

from __future__ import annotations

import pytest

import routekit_pytest
from routekit.web.response import Response
from routekit_pytest import create_web_request, read_web_response


def test_all_is_sorted_and_importable() -> None:
    assert routekit_pytest.__all__ == sorted(routekit_pytest.__all__)
    for name in routekit_pytest.__all__:
        assert getattr(routekit_pytest, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = routekit_pytest.nope


def test_no_underscore_public_accessors() -> None:
    public = [n for n in dir(routekit_pytest.ClientResponse) if not n.startswith("__")]
    accessors = {
        "body",
        "chunks",
        "cookies",
        "exception",
        "headers",
        "history",
        "is_ended",
        "is_json",
        "json_data",
        "redirect_url",
        "request",
        "revalidated",
        "route",
        "status_code",
        "status_message",
        "text",
        "warnings",
        "iter_chunks",
        "aiter_chunks",
        "close",
        "aclose",
    }
    assert accessors <= set(public)


def test_create_web_request_and_read_web_response() -> None:
    request = create_web_request(method="POST", url="/api/items?x=1", json={"a": 1})
    assert request.url == "http://localhost:3000/api/items?x=1"
    assert request.json_sync() == {"a": 1}
    view = read_web_response(Response.json({"ok": True}, status=201))
    assert (view.status_code, view.json_data(), view.is_json()) == (201, {"ok": True}, True)


def test_read_web_response_rejects_other_objects() -> None:
    with pytest.raises(TypeError, match=r"takes the routekit\.web Response"):
        read_web_response("nope")  # type: ignore[arg-type]
