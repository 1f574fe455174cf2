"""The in-process client: routing, bodies, cookies, redirects, errors, streams, async."""

from __future__ import annotations

import asyncio
import sys
import threading
import typing as t
from typing import TYPE_CHECKING

import pytest
from freezegun import freeze_time

from routekit.app import App
from routekit_pytest import AsyncClient, Client, ClientResponse, RedirectLoopError

if TYPE_CHECKING:
    from pathlib import Path


def test_client_get_json_and_route(web_client: Client) -> None:
    res = web_client.get("/api/hello", query={"name": "ann"})
    assert res.status_code == 200
    assert res.json_data() == {"hello": "ann"}
    assert res.route is not None
    assert (res.route.file, res.route.pattern, res.route.kind) == (
        "pages/api/hello.py",
        "/api/hello",
        "pages",
    )
    assert res.request.method == "GET"
    assert res.request.url == "/api/hello?name=ann"
    assert res.request.full_url == "http://localhost:3000/api/hello?name=ann"
    assert res.request.headers["host"] == "localhost:3000"
    assert res.exception is None
    assert res.history == []


def test_client_route_params(web_client: Client) -> None:
    res = web_client.post("/api/users/42", json={"a": 1})
    assert res.json_data() == {"id": "42", "method": "POST", "body": {"a": 1}}
    assert res.route is not None
    assert res.route.params == {"id": "42"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/nope", "<Response GET /api/nope → (no route) 404>"),
        ("/api/hello", "<Response GET /api/hello → pages/api/hello.py 200>"),
        ("/api/hello/", "<Response GET /api/hello/ → (no route) 308>"),
    ],
)
def test_client_response_repr(web_client: Client, url: str, expected: str) -> None:
    assert repr(web_client.get(url)) == expected


def test_client_bodies_reach_the_real_parser(web_client: Client) -> None:
    form = web_client.post("/api/echo", form={"a": "1", "b": ["2", "3"]}).json_data()
    assert form["body"] == {"a": "1", "b": ["2", "3"]}
    assert form["type"] == "application/x-www-form-urlencoded"
    data = web_client.post("/api/echo", data="hi", content_type="text/plain").json_data()
    assert (data["body"], data["type"]) == ("hi", "text/plain")


def test_client_invalid_json_is_nextjs_400(web_client: Client) -> None:
    res = web_client.post("/api/echo", data="{", content_type="application/json")
    assert (res.status_code, res.status_message, res.text) == (400, "Invalid JSON", "Invalid JSON")


def test_client_multipart_upload(web_client: Client) -> None:
    res = web_client.post("/api/upload", files={"f": ("a.bin", b"\x00" * 100)})
    data = res.json_data()
    assert data["type"].startswith("multipart/form-data; boundary=")
    assert data["size"] > 100


@pytest.mark.parametrize(
    ("auth", "header"),
    [("tok", "Bearer tok"), (("ann", "pw"), "Basic YW5uOnB3")],
)
def test_client_auth(web_client: Client, auth: str | tuple[str, str], header: str) -> None:
    assert web_client.get("/api/echo", auth=auth).json_data()["auth"] == header


def test_client_conflicting_keywords(web_client: Client) -> None:
    with pytest.raises(TypeError, match=r"^client\.post\(\) got json= and data="):
        web_client.post("/api/echo", json={}, data="x")


def test_client_app_route_and_methods(web_client: Client) -> None:
    assert web_client.get("/items").json_data() == {"items": []}
    created = web_client.post("/items")
    assert (created.status_code, created.route and created.route.kind) == (201, "app")
    assert web_client.delete("/items").status_code == 405


def test_client_async_pages_handler(web_client: Client) -> None:
    assert web_client.get("/api/async_hello").json_data() == {"async": True}


def test_client_text_response_is_not_json(web_client: Client) -> None:
    res = web_client.get("/api/text")
    assert res.text == "plain text"
    assert not res.is_json()
    with pytest.raises(ValueError, match="status 200, no Content-Type, body 'plain text'"):
        res.json_data()


def test_client_handler_exception_propagates(web_client: Client) -> None:
    with pytest.raises(ValueError, match="boom"):
        web_client.get("/api/boom")


def test_client_raise_errors_false_gives_the_500(web_client: Client) -> None:
    res = web_client.get("/api/boom", raise_errors=False)
    assert (res.status_code, res.text) == (500, "Internal Server Error")
    assert isinstance(res.exception, ValueError)


def test_client_redirects_not_followed_by_default(web_client: Client) -> None:
    res = web_client.post("/api/login")
    assert (res.status_code, res.redirect_url) == (303, "/api/me")


def test_client_follows_redirects_with_history_and_cookies(web_client: Client) -> None:
    res = web_client.post("/api/login", follow_redirects=True)
    assert res.json_data() == {"sid": "abc"}
    assert res.request.method == "GET"  # 303 turns POST into GET
    assert [r.status_code for r in res.history] == [303]
    assert res.history[0].route is not None
    assert res.history[0].route.file == "pages/api/login.py"


def test_client_post_redirect_get_to_the_same_url_is_not_a_loop(web_client: Client) -> None:
    res = web_client.post("/api/form", json={"a": 1}, follow_redirects=True)
    assert res.json_data() == {"method": "GET"}
    assert [r.status_code for r in res.history] == [303]


def test_client_redirect_loop_raises(web_client: Client) -> None:
    with pytest.raises(RedirectLoopError, match=r"/api/loop -> http://localhost:3000/api/loop"):
        web_client.get("/api/loop", follow_redirects=True)


def test_client_cookies_persist_within_a_client(web_client: Client) -> None:
    web_client.post("/api/login")
    assert web_client.get_cookie("sid") == "abc"
    assert web_client.get("/api/me").json_data() == {"sid": "abc"}


def test_client_cookies_do_not_leak_between_clients(app: App) -> None:
    first, second = Client(app), Client(app)
    first.post("/api/login")
    assert second.get("/api/me").json_data() == {"sid": None}


def test_client_per_request_cookies_are_not_stored(web_client: Client) -> None:
    assert web_client.get("/api/echo", cookies={"a": "1"}).json_data()["cookies"] == {"a": "1"}
    assert web_client.get("/api/echo").json_data()["cookies"] == {}


def test_client_cookie_expiry_follows_freezegun(web_client: Client) -> None:
    with freeze_time("2030-01-01 00:00:00") as frozen:
        web_client.post("/api/login")  # Max-Age=60
        frozen.tick(59)
        assert web_client.get("/api/me").json_data() == {"sid": "abc"}
        frozen.tick(2)
        assert web_client.get("/api/me").json_data() == {"sid": None}


def test_client_streams_an_endless_handler_and_closes_it(web_client: Client) -> None:
    with web_client.get("/api/sse", stream=True) as res:
        assert res.status_code == 200
        assert res.headers["content-type"] == "text/event-stream"
        chunks = res.iter_chunks()
        assert [next(chunks), next(chunks)] == [b"data: 0\n\n", b"data: 1\n\n"]
        assert not res.is_ended()
    assert res.is_ended()
    # The handler's next write failed; a client going away is not a handler error.
    assert res.exception is None
    assert res.warnings == []
    assert res.route is not None
    assert res.route.file == "pages/api/sse.py"
    assert not [t for t in threading.enumerate() if t.name.startswith("routekit-stream")]


def test_client_stream_reads_to_the_end(web_client: Client) -> None:
    res = web_client.get("/api/count", stream=True)
    assert list(res.iter_chunks()) == [b"0", b"1", b"2"]
    assert res.body == b"012"
    assert repr(res) == "<Response GET /api/count → pages/api/count.py 200>"


def test_client_close_closes_open_streams(web_client: Client) -> None:
    res = web_client.get("/api/sse", stream=True)
    web_client.close()
    assert res.is_ended()


def test_async_client_awaitable_methods(app: App) -> None:
    async def scenario() -> tuple[ClientResponse, ClientResponse]:
        async with AsyncClient(Client(app)) as client:
            await client.post("/api/login")
            return await client.get("/api/me"), await client.get("/api/async_hello")

    me, hello = asyncio.run(scenario())
    assert me.json_data() == {"sid": "abc"}
    assert hello.json_data() == {"async": True}


def test_async_client_streams(app: App) -> None:
    async def scenario() -> list[bytes]:
        async with AsyncClient(Client(app)) as client:
            res = await client.get("/api/sse", stream=True)
            got = []
            async with res:
                async for chunk in res.aiter_chunks():
                    got.append(chunk)
                    if len(got) == 2:
                        break
            return got

    assert asyncio.run(scenario()) == [b"data: 0\n\n", b"data: 1\n\n"]


def test_client_rejects_a_relative_base_url(app: App) -> None:
    with pytest.raises(ValueError, match="base_url must be an absolute http"):
        Client(app, base_url="localhost")


def test_client_base_url_sets_host(site: Path) -> None:
    client = Client(App(site, mode="test"), base_url="https://api.example.com")
    res = client.get("/api/hello")
    assert res.request.full_url == "https://api.example.com/api/hello"


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_client_method_helpers_send_their_method(web_client: Client, method: str) -> None:
    res = getattr(web_client, method)("/api/users/7")
    assert res.request.method == method.upper()
    assert res.json_data() == {"id": "7", "method": method.upper(), "body": ""}


def test_client_head_sends_head_and_gets_no_body(web_client: Client) -> None:
    res = web_client.head("/api/users/7")
    assert (res.request.method, res.status_code, res.body) == ("HEAD", 200, b"")
    assert res.headers["content-type"] == "application/json; charset=utf-8"


def test_client_default_headers_merge_with_request_headers(app: App) -> None:
    client = Client(app, headers={"x-tenant": "acme", "accept": "text/html"})
    as_mapping = client.get("/api/headers", headers={"x-trace": "1"}).json_data()
    as_pairs = client.get("/api/headers", headers=[("x-trace", "2")]).json_data()
    assert (as_mapping["x-tenant"], as_mapping["x-trace"]) == ("acme", "1")
    assert (as_pairs["x-tenant"], as_pairs["x-trace"]) == ("acme", "2")
    assert client.get("/api/headers").json_data()["accept"] == "text/html"
    assert Client(app, headers=[("x-a", "1")]).get("/api/headers").json_data()["x-a"] == "1"


def test_client_set_get_delete_cookie(web_client: Client) -> None:
    web_client.set_cookie("sid", "manual")
    assert web_client.get_cookie("sid") == "manual"
    assert web_client.get("/api/me").json_data() == {"sid": "manual"}
    web_client.delete_cookie("sid")
    assert web_client.get_cookie("sid") is None
    assert web_client.get("/api/me").json_data() == {"sid": None}


def test_client_set_cookie_honours_path_and_domain(web_client: Client) -> None:
    web_client.set_cookie("a", "1", path="/api/users")
    web_client.set_cookie("b", "2", domain="other.test")
    assert web_client.get("/api/users/1").request.headers["cookie"] == "a=1"
    assert "cookie" not in web_client.get("/api/me").request.headers


def test_client_ignores_a_set_cookie_without_a_pair(web_client: Client) -> None:
    res = web_client.get("/api/bad_cookie")
    assert res.headers.getlist("set-cookie") == ["no-pair-here; Path=/", "ok=1; Path=/"]
    assert web_client.cookie_jar.as_dict() == {"ok": "1"}


def test_client_does_not_follow_a_redirect_to_another_site(web_client: Client) -> None:
    res = web_client.get("/api/away", follow_redirects=True)
    assert (res.status_code, res.redirect_url) == (307, "https://example.com/elsewhere")
    assert res.history == []


def test_client_follow_redirects_default_comes_from_the_client(app: App) -> None:
    res = Client(app, follow_redirects=True).post("/api/login")
    assert res.json_data() == {"sid": "abc"}
    assert res.request.headers["cookie"] == "sid=abc"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes are Python 3.11+")
def test_client_handler_error_note_names_the_route_once(web_client: Client) -> None:
    note = (
        "routekit: raised while answering GET /api/shared_error (pages/api/shared_error.py); "
        "the client got a 500. Pass raise_errors=False to get the response instead."
    )
    for _ in range(2):  # the handler raises the same object again: one note, not two
        with pytest.raises(LookupError) as info:
            web_client.get("/api/shared_error")
        assert getattr(info.value, "__notes__", None) == [note]


def test_client_raise_errors_default_comes_from_the_client(app: App) -> None:
    res = Client(app, raise_errors=False).get("/api/boom")
    assert res.status_code == 500
    assert isinstance(res.exception, ValueError)


def test_client_repr(web_client: Client, app: App) -> None:
    assert repr(web_client) == f"<routekit_pytest.Client http://localhost:3000 app={app.root}>"
    assert repr(AsyncClient(web_client)) == (
        f"<routekit_pytest.AsyncClient http://localhost:3000 app={app.root}>"
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete", "head", "options"])
def test_async_client_method_helpers_send_their_method(app: App, method: str) -> None:
    async def scenario() -> ClientResponse:
        async with AsyncClient(Client(app)) as client:
            return t.cast("ClientResponse", await getattr(client, method)("/api/users/7"))

    res = asyncio.run(scenario())
    assert (res.request.method, res.status_code) == (method.upper(), 200)


def test_async_client_cookies_are_the_sync_clients(app: App) -> None:
    async def scenario() -> tuple[str | None, object]:
        async with AsyncClient(Client(app)) as client:
            client.set_cookie("sid", "set-by-test")
            assert client.get_cookie("sid") == "set-by-test"
            assert client.cookie_jar is client.sync.cookie_jar
            return client.get_cookie("sid"), (await client.get("/api/me")).json_data()

    assert asyncio.run(scenario()) == ("set-by-test", {"sid": "set-by-test"})


def test_async_client_keeps_one_event_loop_across_requests(app: App) -> None:
    async def scenario() -> tuple[int, int, int]:
        async with AsyncClient(Client(app)) as client:
            first = (await client.get("/api/loop_id")).json_data()["loop"]
            second = (await client.get("/api/loop_id")).json_data()["loop"]
            return first, second, id(asyncio.get_running_loop())

    first, second, test_loop = asyncio.run(scenario())
    assert first == second  # async handlers keep their loop (and what is bound to it)
    assert first != test_loop  # never the test's own loop
