"""``fetch()``/``fetch_sync()`` against upstreams mocked with respx (no network)."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import re
import typing as t
from collections.abc import Iterator

import httpx
import pytest
import respx

from routekit.errors import MalformedURLError
from routekit.web import FetchError, FetchResponse, Request, URLSearchParams, fetch, fetch_sync

API = "https://api.example.com"


def _echo(request: httpx.Request) -> httpx.Response:
    """An upstream that answers with what it received."""
    return httpx.Response(
        200,
        json={
            "method": request.method,
            "url": str(request.url),
            "headers": [[k.decode().lower(), v.decode("latin-1")] for k, v in request.headers.raw],
            "body": request.read().decode("latin-1"),
        },
    )


def _sent(respx_mock: respx.MockRouter, **kwargs: t.Any) -> dict[str, t.Any]:
    """fetch_sync(API/echo, **kwargs) and what the upstream received."""
    respx_mock.route(url__startswith=f"{API}/echo").mock(side_effect=_echo)
    seen: dict[str, t.Any] = fetch_sync(f"{API}/echo", **kwargs).json_sync()
    seen["header"] = dict(seen["headers"])
    return seen


# -- the response -------------------------------------------------------------------------


def test_fetch_returns_a_routekit_response(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/user").mock(
        return_value=httpx.Response(201, json={"id": 1}, headers={"x-up": "1"})
    )
    response = asyncio.run(fetch(f"{API}/user"))
    assert isinstance(response, FetchResponse)
    assert (response.status, response.status_text, response.ok) == (201, "Created", True)
    assert response.headers.get("x-up") == "1"
    assert response.headers.get("content-type") == "application/json"
    assert (response.url, response.redirected) == (f"{API}/user", False)
    assert asyncio.run(response.json()) == {"id": 1}
    assert repr(response) == f"<FetchResponse 201 {API}/user>"


def test_fetch_sync_reads_with_the_sync_twins(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(200, text="héllo"))
    assert fetch_sync(f"{API}/t").text_sync() == "héllo"


def test_fetch_status_text_is_the_servers(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(
        return_value=httpx.Response(299, extensions={"reason_phrase": b"Fine Thanks"})
    )
    response = fetch_sync(f"{API}/t")
    assert (response.status, response.status_text) == (299, "Fine Thanks")


def test_fetch_response_url_has_no_fragment(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(200))
    assert fetch_sync(f"{API}/t#part").url == f"{API}/t"


@pytest.mark.parametrize("status", [204, 205, 304])
def test_fetch_null_body_status_has_no_body(respx_mock: respx.MockRouter, status: int) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(status))
    response = fetch_sync(f"{API}/t")
    assert response._body is None
    assert response.body_sync() == b""


def test_fetch_head_has_no_body_but_keeps_the_length(respx_mock: respx.MockRouter) -> None:
    respx_mock.head(f"{API}/t").mock(
        return_value=httpx.Response(200, headers={"content-length": "42"})
    )
    response = fetch_sync(f"{API}/t", method="HEAD")
    assert response._body is None
    assert response.headers.get("content-length") == "42"


def test_fetch_drops_hop_by_hop_response_headers(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(
        return_value=httpx.Response(
            200,
            content=b"ok",
            headers=[
                ("Connection", "keep-alive, X-Trace"),
                ("Keep-Alive", "timeout=5"),
                ("Transfer-Encoding", "chunked"),
                ("X-Trace", "hop"),
                ("Upgrade", "h2c"),
                ("X-Kept", "yes"),
            ],
        )
    )
    response = fetch_sync(f"{API}/t")
    assert [name for name, _ in response.headers] == ["content-length", "x-kept"]


def test_fetch_drops_a_header_value_fetch_cannot_hold(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(
        return_value=httpx.Response(200, headers=[("x-bad", "a\x00b"), ("x-good", "1")])
    )
    response = fetch_sync(f"{API}/t")
    assert (response.headers.has("x-bad"), response.headers.get("x-good")) == (False, "1")


def test_fetch_body_closed_before_reading_yields_nothing(respx_mock: respx.MockRouter) -> None:
    # What send_web_response does when the client left before the first chunk.
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(200, text="never read"))
    body = fetch_sync(f"{API}/t")._take_body()
    assert isinstance(body, Iterator)
    t.cast("t.Any", body).close()
    t.cast("t.Any", body).close()  # closing twice is harmless
    assert list(body) == []


def test_fetch_keeps_every_set_cookie(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(
        return_value=httpx.Response(200, headers=[("set-cookie", "a=1"), ("set-cookie", "b=2")])
    )
    assert fetch_sync(f"{API}/t").headers.get_set_cookie() == ["a=1", "b=2"]


def test_fetch_decodes_gzip_and_drops_its_framing_headers(respx_mock: respx.MockRouter) -> None:
    # undici decodes too but keeps the headers; `next start` then drops both before sending.
    payload = json.dumps({"pad": "x" * 5000}).encode()
    respx_mock.get(f"{API}/gz").mock(
        return_value=httpx.Response(
            200,
            content=gzip.compress(payload),
            headers={"content-encoding": "gzip", "content-type": "application/json"},
        )
    )
    response = fetch_sync(f"{API}/gz")
    assert not response.headers.has("content-encoding")
    assert not response.headers.has("content-length")
    assert response.body_sync() == payload


def test_fetch_passes_an_unknown_encoding_through_raw(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/x").mock(
        return_value=httpx.Response(200, content=b"\x01\x02", headers={"content-encoding": "x-rk"})
    )
    response = fetch_sync(f"{API}/x")
    assert response.headers.get("content-encoding") == "x-rk"
    assert response.headers.get("content-length") == "2"
    assert response.body_sync() == b"\x01\x02"


def test_fetch_body_is_read_once(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(200, text="x"))
    response = fetch_sync(f"{API}/t")
    assert response.text_sync() == "x"
    with pytest.raises(TypeError, match="Body is unusable"):
        response.text_sync()


def test_fetch_iter_body_and_aiter_body(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(200, content=b"abc"))
    assert b"".join(fetch_sync(f"{API}/t").iter_body()) == b"abc"
    assert b"".join(asyncio.run(fetch(f"{API}/t")).iter_body()) == b"abc"

    async def collect(response: FetchResponse) -> bytes:
        return b"".join([chunk async for chunk in response.aiter_body()])

    assert asyncio.run(collect(fetch_sync(f"{API}/t"))) == b"abc"

    async def fetch_and_collect() -> bytes:
        return await collect(await fetch(f"{API}/t"))

    assert asyncio.run(fetch_and_collect()) == b"abc"


def test_fetch_iter_body_of_a_bodiless_response(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/t").mock(return_value=httpx.Response(204))
    assert list(fetch_sync(f"{API}/t").iter_body()) == []

    async def collect() -> list[bytes]:
        return [chunk async for chunk in (await fetch(f"{API}/t")).aiter_body()]

    assert asyncio.run(collect()) == []


def test_fetch_never_keeps_cookies_between_requests(respx_mock: respx.MockRouter) -> None:
    # One shared client serves every user: a Set-Cookie must not ride on the next request.
    respx_mock.get(f"{API}/login").mock(
        return_value=httpx.Response(200, headers={"set-cookie": "sid=secret; Path=/"})
    )
    fetch_sync(f"{API}/login").body_sync()
    assert "cookie" not in _sent(respx_mock)["header"]


# -- the request ------------------------------------------------------------------------


def test_fetch_sends_undici_like_default_headers(respx_mock: respx.MockRouter) -> None:
    header = _sent(respx_mock)["header"]
    assert header["accept"] == "*/*"
    assert header["accept-language"] == "*"
    assert header["sec-fetch-mode"] == "cors"
    assert header["user-agent"] == "routekit"
    assert "gzip" in header["accept-encoding"]


def test_fetch_caller_headers_win(respx_mock: respx.MockRouter) -> None:
    header = _sent(respx_mock, headers={"User-Agent": "me", "Accept": "text/csv"})["header"]
    assert (header["user-agent"], header["accept"]) == ("me", "text/csv")


def test_fetch_latin1_header_value(respx_mock: respx.MockRouter) -> None:
    assert _sent(respx_mock, headers={"x-name": "café"})["header"]["x-name"] == "café"


def test_fetch_drops_hop_by_hop_request_headers(respx_mock: respx.MockRouter) -> None:
    forwarded = {
        "connection": "close",
        "keep-alive": "timeout=1",
        "transfer-encoding": "chunked",
        "upgrade": "websocket",
        "expect": "100-continue",
        "content-length": "99",
        "x-kept": "1",
    }
    seen = _sent(respx_mock, method="POST", headers=forwarded, body=b"abc")
    assert seen["header"]["content-length"] == "3"
    assert seen["header"]["x-kept"] == "1"
    assert seen["header"]["connection"] == "keep-alive"  # httpx's own
    for name in ("keep-alive", "transfer-encoding", "upgrade", "expect"):
        assert name not in seen["header"]


@pytest.mark.parametrize(
    ("body", "content_type", "sent"),
    [
        ("héllo", "text/plain;charset=UTF-8", "hÃ©llo"),
        (b"\x00\xff", None, "\x00\xff"),
        (URLSearchParams({"a": "1 2"}), "application/x-www-form-urlencoded;charset=UTF-8", "a=1+2"),
    ],
)
def test_fetch_body_kinds(
    respx_mock: respx.MockRouter, body: t.Any, content_type: str | None, sent: str
) -> None:
    seen = _sent(respx_mock, method="POST", body=body)
    assert seen["body"] == sent
    assert seen["header"].get("content-type") == content_type


def test_fetch_explicit_content_type_wins(respx_mock: respx.MockRouter) -> None:
    seen = _sent(respx_mock, method="PUT", body="{}", headers={"content-type": "application/json"})
    assert seen["header"]["content-type"] == "application/json"


def _chunks() -> t.Iterator[bytes]:
    yield b"a"
    yield b""
    yield b"bc"


async def _achunks() -> t.AsyncIterator[bytes]:
    yield b"a"
    yield b"bc"


@pytest.mark.parametrize("make", [_chunks, _achunks, lambda: io.BytesIO(b"abc")])
def test_fetch_streams_a_request_body(
    respx_mock: respx.MockRouter, make: t.Callable[[], t.Any]
) -> None:
    seen = _sent(respx_mock, method="POST", body=make(), headers={"content-length": "3"})
    assert seen["body"] == "abc"
    assert seen["header"]["content-length"] == "3"  # kept for a streamed body


def test_fetch_streamed_body_without_length_is_chunked(respx_mock: respx.MockRouter) -> None:
    seen = _sent(respx_mock, method="POST", body=_chunks())
    assert (seen["body"], seen["header"]["transfer-encoding"]) == ("abc", "chunked")


def test_fetch_from_a_request(respx_mock: respx.MockRouter) -> None:
    request = Request(f"{API}/echo", method="patch", headers={"x-a": "1"}, body=b"data")
    respx_mock.route(url__startswith=f"{API}/echo").mock(side_effect=_echo)
    seen = fetch_sync(request).json_sync()
    # Fetch would send "patch" as written; httpx upper-cases every method.
    assert (seen["method"], seen["body"]) == ("PATCH", "data")
    assert ["x-a", "1"] in seen["headers"]
    assert request.body_used


def test_fetch_keywords_override_a_request(respx_mock: respx.MockRouter) -> None:
    request = Request(f"{API}/echo", method="POST", headers={"x-a": "1"}, body=b"data")
    respx_mock.route(url__startswith=f"{API}/echo").mock(side_effect=_echo)
    seen = fetch_sync(request, method="PUT", headers={"x-b": "2"}, body=b"other").json_sync()
    assert (seen["method"], seen["body"]) == ("PUT", "other")
    assert ["x-b", "2"] in seen["headers"]
    assert ["x-a", "1"] not in seen["headers"]


@pytest.mark.parametrize(
    ("cache", "added"),
    [
        ("no-store", {"pragma": "no-cache", "cache-control": "no-cache"}),
        ("reload", {"pragma": "no-cache", "cache-control": "no-cache"}),
        ("no-cache", {"cache-control": "max-age=0"}),
        ("force-cache", {}),
        ("only-if-cached", {}),
        (None, {}),
    ],
)
def test_fetch_cache_modes_add_fetchs_headers(
    respx_mock: respx.MockRouter, cache: str | None, added: dict[str, str]
) -> None:
    header = _sent(respx_mock, cache=cache)["header"]
    assert {k: header[k] for k in ("pragma", "cache-control") if k in header} == added


@pytest.mark.parametrize("cache", ["no-store", "no-cache"])
def test_fetch_cache_mode_keeps_callers_cache_control(
    respx_mock: respx.MockRouter, cache: str
) -> None:
    mine = {"cache-control": "max-age=5", "pragma": "mine"}
    header = _sent(respx_mock, cache=cache, headers=mine)["header"]
    assert (header["cache-control"], header["pragma"]) == ("max-age=5", "mine")


def test_fetch_accepts_nextjs_options(respx_mock: respx.MockRouter) -> None:
    seen = _sent(respx_mock, next={"revalidate": 60, "tags": ["a"]}, duplex="half")
    assert seen["method"] == "GET"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"input": "/api/x"}, MalformedURLError, 'URL is malformed "/api/x"'),
        ({"input": "ftp://x.example/f"}, TypeError, "only http: and https: URLs"),
        ({"input": "https://u:p@x.example/"}, TypeError, "the URL includes credentials"),
        ({"body": b"x"}, TypeError, "Request with GET/HEAD method cannot have body."),
        ({"method": "HEAD", "body": "x"}, TypeError, "cannot have body"),
        ({"method": "CONNECT"}, TypeError, "the CONNECT method is not allowed"),
        ({"redirect": "never"}, TypeError, "redirect must be 'follow', 'manual' or 'error'"),
        ({"cache": "always"}, TypeError, "cache must be one of 'default'"),
        ({"timeout": 0}, TypeError, "timeout must be a number of seconds > 0, got 0"),
        ({"timeout": True}, TypeError, "timeout must be a number"),
        ({"headers": {"bad name": "x"}}, TypeError, "invalid header name"),
        ({"method": "POST", "body": 3}, TypeError, "Request body must be bytes"),
    ],
)
def test_fetch_rejects_bad_arguments_before_any_io(
    respx_mock: respx.MockRouter, kwargs: dict[str, t.Any], error: type[Exception], message: str
) -> None:
    kwargs.setdefault("input", f"{API}/x")
    with pytest.raises(error, match=re.escape(message)):
        fetch_sync(**kwargs)
    with pytest.raises(error, match=re.escape(message)):
        asyncio.run(fetch(**kwargs))
    assert not respx_mock.calls


# -- redirects --------------------------------------------------------------------------


def _hops(respx_mock: respx.MockRouter, count: int, status: int = 302) -> None:
    for hop in range(count):
        respx_mock.route(url=f"{API}/hop/{hop}").mock(
            return_value=httpx.Response(status, headers={"location": f"{API}/hop/{hop + 1}"})
        )
    respx_mock.route(url=f"{API}/hop/{count}").mock(side_effect=_echo)


def test_fetch_follows_redirects_by_default(respx_mock: respx.MockRouter) -> None:
    _hops(respx_mock, 2)
    response = fetch_sync(f"{API}/hop/0")
    assert (response.status, response.redirected, response.url) == (200, True, f"{API}/hop/2")


def test_fetch_follows_twenty_redirects_not_twenty_one(respx_mock: respx.MockRouter) -> None:
    _hops(respx_mock, 21)
    assert fetch_sync(f"{API}/hop/1").url == f"{API}/hop/21"
    with pytest.raises(FetchError, match="redirect count exceeded") as info:
        fetch_sync(f"{API}/hop/0")
    assert isinstance(info.value.__cause__, httpx.TooManyRedirects)


def test_fetch_303_turns_a_post_into_a_get(respx_mock: respx.MockRouter) -> None:
    _hops(respx_mock, 1, status=303)
    seen = fetch_sync(f"{API}/hop/0", method="POST", body=b"x").json_sync()
    assert (seen["method"], seen["body"]) == ("GET", "")


def test_fetch_cross_origin_redirect_drops_authorization(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/go").mock(
        return_value=httpx.Response(302, headers={"location": "https://other.example/echo"})
    )
    respx_mock.get("https://other.example/echo").mock(side_effect=_echo)
    seen = fetch_sync(f"{API}/go", headers={"authorization": "Bearer t"}).json_sync()
    assert "authorization" not in dict(seen["headers"])


def test_fetch_manual_returns_the_redirect(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/old").mock(
        return_value=httpx.Response(307, headers={"location": "/new"}, text="moved")
    )
    response = fetch_sync(f"{API}/old", redirect="manual")
    assert (response.status, response.headers.get("location")) == (307, "/new")
    assert (response.redirected, response.url) == (False, f"{API}/old")
    assert response.text_sync() == "moved"


def test_fetch_error_mode_raises_on_a_redirect(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/old").mock(
        return_value=httpx.Response(301, headers={"location": f"{API}/new"})
    )
    with pytest.raises(FetchError) as info:
        fetch_sync(f"{API}/old", redirect="error")
    assert str(info.value) == (
        f"fetch failed: GET {API}/old: unexpected redirect (301 to '{API}/new'; redirect='error')"
    )


def test_fetch_error_mode_allows_a_3xx_without_location(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/x").mock(return_value=httpx.Response(300, text="choices"))
    assert fetch_sync(f"{API}/x", redirect="error").status == 300


# -- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "reason"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "ConnectError: [Errno 111]"),
        (httpx.ConnectTimeout("connect"), "timed out connecting (connect)"),
        (httpx.ReadTimeout("read"), "timed out (ReadTimeout: read)"),
        (httpx.PoolTimeout("pool"), "timed out waiting for a free connection"),
        (httpx.RemoteProtocolError(""), "RemoteProtocolError: RemoteProtocolError"),
    ],
)
def test_fetch_failure_is_a_type_error_naming_the_url(
    respx_mock: respx.MockRouter, raised: Exception, reason: str
) -> None:
    respx_mock.get(f"{API}/down").mock(side_effect=raised)
    with pytest.raises(FetchError) as info:
        fetch_sync(f"{API}/down")
    error = info.value
    assert isinstance(error, TypeError)
    assert str(error).startswith(f"fetch failed: GET {API}/down: {reason}")
    assert (error.message, error.method, error.url) == ("fetch failed", "GET", f"{API}/down")
    assert error.__cause__ is raised
    with pytest.raises(FetchError, match=re.escape(reason)):
        asyncio.run(fetch(f"{API}/down"))


def test_fetch_timeout_applies_to_the_request(respx_mock: respx.MockRouter) -> None:
    seen: list[t.Any] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200)

    respx_mock.get(f"{API}/t").mock(side_effect=record)
    fetch_sync(f"{API}/t", timeout=2.5)
    fetch_sync(f"{API}/t")
    assert seen[0] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    assert seen[1] == {"connect": 10.0, "read": 300.0, "write": 300.0, "pool": 30.0}


def test_fetch_body_cut_off_is_terminated(respx_mock: respx.MockRouter) -> None:
    async def cut() -> t.AsyncIterator[bytes]:
        yield b"first"
        raise httpx.ReadError("peer closed")

    respx_mock.get(f"{API}/cut").mock(return_value=httpx.Response(200, content=cut()))
    response = fetch_sync(f"{API}/cut")
    chunks = response.iter_body()
    assert next(chunks) == b"first"
    with pytest.raises(FetchError, match=r"^terminated: GET \S+/cut: ReadError: peer closed$"):
        next(chunks)
