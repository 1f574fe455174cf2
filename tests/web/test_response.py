from __future__ import annotations

import asyncio

import pytest

from routekit.errors import BodyUsedError, InvalidStatusError, MalformedURLError
from routekit.web.response import NextResponse, Response
from routekit.web.search_params import URLSearchParams
from routekit.web.url import NextURL


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("text", "text/plain;charset=UTF-8"),
        (b"bytes", None),
        (URLSearchParams({"a": "1"}), "application/x-www-form-urlencoded;charset=UTF-8"),
        (iter([b"a"]), None),
        (None, None),
    ],
)
def test_response_fetch_default_content_types(body, content_type):
    assert Response(body).headers.get("content-type") == content_type


def test_response_explicit_content_type_wins():
    response = Response("x", headers={"Content-Type": "text/html"})
    assert response.headers.get("content-type") == "text/html"


def test_response_json_is_compact_and_has_no_charset():
    response = Response.json({"a": [1, 2.0, None], "é": True}, status=201, headers={"x": "1"})
    assert response.status == 201
    assert response.headers.items() == [("content-type", "application/json"), ("x", "1")]
    assert response.body_sync() == '{"a":[1,2,null],"é":true}'.encode()


def test_response_json_keeps_an_explicit_content_type():
    response = Response.json([], headers={"content-type": "application/vnd.x+json"})
    assert response.headers.get("content-type") == "application/vnd.x+json"


def test_response_instance_json_reads_the_body():
    assert asyncio.run(Response.json({"a": 1}).json()) == {"a": 1}
    assert NextResponse.json({"a": 1}).json_sync() == {"a": 1}


@pytest.mark.parametrize("status", [199, 600, 0])
def test_response_status_outside_200_599_is_rejected(status):
    with pytest.raises(InvalidStatusError, match=r'init\["status"\] must be in the range'):
        Response(None, status)


@pytest.mark.parametrize("status", [204, 205, 304])
def test_response_null_body_status_with_body_is_rejected(status):
    with pytest.raises(TypeError, match=f"Invalid response status code {status}"):
        Response("x", status)
    assert Response(None, status).status == status


def test_response_rejects_a_dict_body_with_a_hint():
    with pytest.raises(TypeError, match=r"use Response.json\(data\)"):
        Response({"a": 1})  # type: ignore[arg-type]


def test_response_iterators_sync_and_async_are_collected():
    async def agen():
        yield "a"
        yield b"b"

    assert Response(["x", b"y"]).text_sync() == "xy"
    assert Response(agen()).text_sync() == "ab"


def test_response_redirect_fetch_defaults_to_302_and_needs_absolute_url():
    response = Response.redirect("https://example.com/a b")
    assert response.status == 302
    assert response.headers.get("location") == "https://example.com/a%20b"
    with pytest.raises(InvalidStatusError, match="Invalid status code 200"):
        Response.redirect("https://example.com", 200)
    with pytest.raises(MalformedURLError):
        Response.redirect("/relative")


def test_nextresponse_redirect_defaults_to_307():
    response = NextResponse.redirect(NextURL("http://127.0.0.1:3000/login"))
    assert isinstance(response, NextResponse)
    assert response.status == 307
    assert response.headers.get("location") == "http://localhost:3000/login"
    assert NextResponse.redirect("https://x.com", 308).status == 308


@pytest.mark.parametrize("status", [200, 300, 304, 399])
def test_nextresponse_redirect_rejects_non_redirect_statuses_with_nextjs_text(status):
    with pytest.raises(InvalidStatusError) as info:
        NextResponse.redirect("https://x.com", status)
    assert str(info.value).startswith(
        'Failed to execute "redirect" on "response": Invalid status code'
    )


def test_nextresponse_redirect_relative_url_is_malformed():
    with pytest.raises(MalformedURLError, match="Please use only absolute URLs"):
        NextResponse.redirect("/login")


def test_nextresponse_next_and_rewrite_set_middleware_headers():
    response = NextResponse.next(request_headers={"X-User": "1", "Accept": "a"})
    assert response.headers.items() == [
        ("x-middleware-next", "1"),
        ("x-middleware-override-headers", "accept,x-user"),
        ("x-middleware-request-accept", "a"),
        ("x-middleware-request-x-user", "1"),
    ]
    rewrite = NextResponse.rewrite("http://localhost:3000/other?x=1")
    assert rewrite.headers.get("x-middleware-rewrite") == "http://localhost:3000/other?x=1"
    assert rewrite.body_sync() == b""


def test_nextresponse_cookies_are_bound_to_its_headers():
    response = NextResponse.json({})
    response.cookies.set("seen", "1", http_only=True)
    assert response.headers.get_set_cookie() == ["seen=1; Path=/; HttpOnly"]
    assert response.headers.get("x-middleware-set-cookie") == "seen=1; Path=/; HttpOnly"
    assert response.cookies.get("seen").value == "1"


@pytest.mark.parametrize(("status", "ok"), [(200, True), (299, True), (300, False), (404, False)])
def test_response_ok_is_2xx(status, ok):
    assert Response(None, status).ok is ok


def test_response_body_is_read_once():
    response = Response("x")
    assert response.body_used is False
    assert response.text_sync() == "x"
    assert response.body_used is True
    with pytest.raises(BodyUsedError, match="Body has already been read"):
        response.body_sync()
    with pytest.raises(BodyUsedError):
        asyncio.run(response.text())


def test_response_async_readers_collect_every_body_kind():
    async def agen():
        yield "a"
        yield b"b"

    async def read_all():
        return (
            await Response(agen()).body(),
            await Response(["x", b"y"]).array_buffer(),
            await Response(None).body(),
            await Response("\ufeffbom").text(),
        )

    # Fetch decodes text() as UTF-8 and drops a BOM.
    assert asyncio.run(read_all()) == (b"ab", b"xy", b"", "bom")


def test_response_text_drops_a_utf8_bom_and_replaces_bad_bytes():
    assert Response(b"\xef\xbb\xbfok\xff").text_sync() == "ok\ufffd"


def test_response_repr_names_class_and_status():
    assert repr(Response(None, 201)) == "<Response 201>"
    assert repr(NextResponse.json({}, status=404)) == "<NextResponse 404>"
