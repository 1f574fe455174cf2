"""create_mocks(): keywords, conflicts, the real body parser, and the mock response."""

from __future__ import annotations

import asyncio
import io
import typing as t

import pytest

from routekit.config import PagesConfig
from routekit.errors import RequestError
from routekit.pages.request import ApiRequest
from routekit.pages.response import ApiResponse
from routekit_pytest import (
    JSONBodyError,
    MockResponse,
    SetCookie,
    call_handler,
    create_mocks,
    create_request,
    create_response,
)


def test_create_mocks_builds_the_runtime_classes() -> None:
    req, res = create_mocks()
    assert isinstance(req, ApiRequest)
    assert isinstance(res, ApiResponse)
    assert isinstance(res, MockResponse)
    assert (req.method, req.url, req.body, req.query) == ("GET", "/", "", {})


def test_create_mocks_query_parsed_from_url() -> None:
    req, _ = create_mocks(url="/api/x?a=1&a=2&b=")
    assert req.query == {"a": ["1", "2"], "b": ""}


def test_create_mocks_query_keyword_fills_url() -> None:
    req, _ = create_mocks(url="/api/x", query={"q": "a b", "n": [1, 2]})
    assert req.url == "/api/x?q=a+b&n=1&n=2"
    assert req.query == {"q": "a b", "n": ["1", "2"]}


def test_create_mocks_params_override_query_as_the_router_does() -> None:
    req, _ = create_mocks(url="/api/post/abc?pid=xyz&x=1", params={"pid": "abc"})
    assert req.query == {"pid": "abc", "x": "1"}


def test_create_mocks_headers_and_cookies() -> None:
    req, _ = create_mocks(headers={"X-Token": "t"}, cookies={"sid": "a b"})
    assert req.headers["x-token"] == "t"
    assert req.cookies == {"sid": "a b"}


@pytest.mark.parametrize(
    ("auth", "header"),
    [("tok", "Bearer tok"), (("ann", "pw"), "Basic YW5uOnB3")],
)
def test_create_mocks_auth(auth: str | tuple[str, str], header: str) -> None:
    req, _ = create_mocks(auth=auth)
    assert req.headers["authorization"] == header


def test_create_mocks_json_goes_through_the_parser() -> None:
    req, _ = create_mocks(method="POST", json={"a": [1, None]})
    assert req.body == {"a": [1, None]}
    assert req.headers["content-type"] == "application/json"


def test_create_mocks_form_is_parsed() -> None:
    req, _ = create_mocks(method="POST", form={"a": "1", "b": ["x", "y"]})
    assert req.body == {"a": "1", "b": ["x", "y"]}


def test_create_mocks_data_without_type_is_text() -> None:
    req, _ = create_mocks(method="POST", data=b'{"a": 1}')
    assert req.body == '{"a": 1}'


def test_create_mocks_body_is_taken_as_is() -> None:
    payload = {"already": "parsed"}
    req, _ = create_mocks(method="POST", body=payload)
    assert req.body is payload


def test_create_mocks_invalid_json_raises_request_error() -> None:
    with pytest.raises(RequestError, match="400 Invalid JSON"):
        create_mocks(method="POST", data="{bad", content_type="application/json")


def test_create_mocks_body_parser_off_gives_the_stream() -> None:
    req, _ = create_mocks(method="POST", data=b"raw \xff", config={"api": {"bodyParser": False}})
    assert req.body is None
    assert req.stream.read() == b"raw \xff"


def test_create_mocks_files_are_multipart() -> None:
    req, _ = create_mocks(
        method="POST",
        form={"title": "x"},
        files={"avatar": ("me.png", b"\x89PNG", "image/png"), "notes": io.BytesIO(b"n")},
        config={"api": {"bodyParser": False}},
    )
    ctype = str(req.headers["content-type"])
    raw = req.stream.read()
    assert ctype.startswith("multipart/form-data; boundary=")
    assert b'name="avatar"; filename="me.png"' in raw
    assert b"Content-Type: image/png" in raw
    assert b'name="title"' in raw


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": 1, "form": {}}, r"got json= and form=, but a request has one body"),
        ({"body": {}, "json": 1}, r"got body= and json="),
        ({"data": "x", "files": {"f": b""}}, r"got data= and files="),
        ({"url": "/x?a=1", "query": {"b": 2}}, r"got query= and a query string in url='/x\?a=1'"),
        (
            {"content_type": "a/b", "headers": {"Content-Type": "c/d"}},
            "got content_type= and a Content-Type header",
        ),
        ({"auth": "t", "headers": {"authorization": "x"}}, "got auth= and an Authorization"),
    ],
)
def test_create_mocks_contradictions_raise_type_error(
    kwargs: dict[str, t.Any], message: str
) -> None:
    with pytest.raises(TypeError, match=r"^create_mocks\(\) " + message):
        create_mocks(**kwargs)


def test_create_mocks_form_with_files_is_allowed() -> None:
    req, _ = create_mocks(method="POST", form={"a": "1"}, files={"f": b"x"})
    assert str(req.headers["content-type"]).startswith("multipart/form-data")


def test_create_request_and_create_response_link_up() -> None:
    req = create_request(method="PUT", url="/api/x")
    res = create_response(req)
    res.json({"ok": True})
    assert res.exchange.raw is req.raw
    assert res.json_data() == {"ok": True}


def test_create_response_without_request_answers_get_root_with_config_limit() -> None:
    res = create_response(config={"api": {"responseLimit": "1b"}})
    assert (res.exchange.raw.method, res.exchange.raw.url) == ("GET", "/")
    res.send("too big")
    assert [n.code for n in res.warnings] == ["response-limit"]


def test_mock_response_accessors_after_json() -> None:
    _, res = create_mocks()
    res.status(201).json({"created": 1})
    assert res.status_code == 201
    assert res.status_message == "Created"
    assert res.headers["CONTENT-type"] == "application/json; charset=utf-8"
    assert res.is_json()
    assert res.is_ended()
    assert res.json_data() == {"created": 1}
    assert res.text == '{"created":1}'
    assert res.body == b'{"created":1}'
    assert res.chunks == [b'{"created":1}']


def test_mock_response_headers_are_the_ones_sent() -> None:
    _, res = create_mocks()
    res.set_header("X-A", ["1", "2"])
    res.set_header("X-Count", 5)
    assert not res.is_ended()
    res.end()
    assert res.headers.getlist("x-a") == ["1", "2"]
    assert res.headers["x-count"] == "5"
    assert res.headers["content-length"] == "0"


def test_mock_response_chunks_keep_each_write() -> None:
    _, res = create_mocks()
    res.write("a")
    res.write(b"b")
    res.end("c")
    assert res.chunks == [b"a", b"b", b"c"]
    assert res.text == "abc"


def test_mock_response_json_data_names_status_type_and_body() -> None:
    _, res = create_mocks()
    res.status(404).send("x" * 300)
    with pytest.raises(JSONBodyError) as info:
        res.json_data()
    message = str(info.value)
    assert message.startswith(
        "the response body is not JSON (the Content-Type is not JSON): status 404, "
        "no Content-Type, body 'xxx"
    )
    assert "(+100 bytes)" in message


def test_mock_response_json_data_on_empty_json_body() -> None:
    _, res = create_mocks()
    res.set_header("Content-Type", "application/json")
    res.end()
    with pytest.raises(JSONBodyError, match=r"\(the body is empty\): status 200"):
        res.json_data()


def test_mock_response_redirect_url() -> None:
    _, res = create_mocks()
    res.redirect("/login")
    assert (res.status_code, res.redirect_url, res.text) == (307, "/login", "/login")


def test_mock_response_cookies_are_parsed_with_attributes() -> None:
    _, res = create_mocks()
    res.set_cookie("sid", "a b", path="/", http_only=True, secure=True, same_site="lax", max_age=9)
    res.end()
    assert res.cookies == {
        "sid": SetCookie(
            name="sid",
            value="a b",
            raw_value="a%20b",
            path="/",
            max_age=9,
            secure=True,
            http_only=True,
            same_site="Lax",
        )
    }


def test_mock_response_revalidated_and_warnings() -> None:
    req, res = create_mocks(url="/api/r")

    def handler(req: ApiRequest, res: MockResponse) -> str:
        res.revalidate("/blog/1")
        res.json({})
        return "oops"

    assert call_handler(handler, req, res) == "oops"
    assert res.revalidated == ["/blog/1"]
    assert res.warnings == []  # notices are raised by the dispatcher, not by a direct call


def test_call_handler_runs_async_handlers() -> None:
    async def handler(req: ApiRequest, res: MockResponse) -> None:
        await asyncio.sleep(0)
        res.json({"async": True})

    req, res = create_mocks()
    call_handler(handler, req, res)
    assert res.json_data() == {"async": True}


def test_async_handler_can_be_awaited_directly() -> None:
    async def handler(req: ApiRequest, res: MockResponse) -> None:
        res.json({"n": req.query["n"]})

    req, res = create_mocks(query={"n": "1"})
    asyncio.run(handler(req, res))
    assert res.json_data() == {"n": "1"}


def test_mock_response_warnings_record_exchange_notices() -> None:
    _, res = create_mocks(url="/api/x")
    res.status(204).send("ignored body")
    assert [n.code for n in res.warnings] == ["body-ignored"]
    assert res.warnings[0].message.startswith(
        "A body was attempted to be set with a 204 statusCode for /api/x"
    )


def test_create_mocks_takes_a_pages_config_as_is() -> None:
    config = PagesConfig(body_parser=False, response_limit=None)
    req, res = create_mocks(method="POST", data=b"raw bytes", config=config)
    assert req.body is None
    assert req.stream.read() == b"raw bytes"
    res.end(b"x" * 5_000_000)  # no response limit: no warning
    assert res.warnings == []
