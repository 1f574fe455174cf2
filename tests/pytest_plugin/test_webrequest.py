from __future__ import annotations

import asyncio

import pytest

from routekit.web.request import NextRequest
from routekit.web.response import NextResponse
from routekit_pytest import create_web_request


def test_create_web_request_builds_a_real_nextrequest():
    request = create_web_request(
        "POST",
        "/api/items/1?q=x",
        json={"a": 1},
        cookies={"theme": "dark mode"},
        headers={"X-A": "1"},
    )
    assert isinstance(request, NextRequest)
    assert request.url == "http://localhost:3000/api/items/1?q=x"
    assert request.headers.get("content-type") == "application/json"
    assert request.headers.get("x-a") == "1"
    assert request.cookies.get("theme").value == "dark mode"
    assert request.next_url.search_params.get("q") == "x"
    assert request.json_sync() == {"a": 1}


def test_create_web_request_query_form_and_files():
    request = create_web_request("GET", "/s", query={"q": ["a", "b"]})
    assert request.next_url.search_params.get_all("q") == ["a", "b"]
    request = create_web_request(
        "POST", "/u", form={"n": "v"}, files={"f": ("a.txt", b"hi", "text/plain")}
    )
    form = request.form_data_sync()
    assert form["n"] == "v"
    assert form["f"].read() == b"hi"
    assert create_web_request("PUT", "/x", form={"a": "1"}).form_data_sync()["a"] == "1"


def test_create_web_request_json_none_sends_null():
    assert create_web_request("POST", "/x", json=None).text_sync() == "null"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": 1, "data": b"x"}, "got json= and data="),
        ({"form": {"a": 1}, "data": "x"}, "got form= and data="),
        ({"query": {"a": 1}, "url": "/x?b=2"}, "got query= and a query string"),
    ],
)
def test_create_web_request_contradictory_keywords_name_the_one_to_drop(kwargs, message):
    with pytest.raises(TypeError, match=message):
        create_web_request("POST", **kwargs)


def test_create_web_request_get_with_body_is_a_typeerror():
    with pytest.raises(TypeError, match=r"got json= with method='GET'.*drop json="):
        create_web_request("GET", "/x", json={})


def test_create_web_request_drives_a_handler_directly():
    async def post(request, ctx):
        return NextResponse.json(await request.json(), status=201)

    response = asyncio.run(post(create_web_request("POST", "/x", json=[1]), None))
    assert (response.status, response.json_sync()) == (201, [1])
