"""``fetch()`` inside handlers, through the whole pipeline: Next.js' own examples, ported.

Upstreams are mocked with respx; requests go through the in-process client, which runs
``App.handle`` exactly as the WSGI door does.
"""

from __future__ import annotations

import asyncio
import gzip
import textwrap
import threading
import tracemalloc
import typing as t

import httpx
import pytest
import respx

from routekit._wire import RawRequest
from routekit.app import App
from routekit.web import FetchError, _fetchstream
from routekit_pytest import Client

if t.TYPE_CHECKING:
    from pathlib import Path

BACKEND = "https://backend-api.com/api/protected"

# Next.js' Edge API Routes docs, "Forwarding Headers", ported line by line.
FORWARDING_HEADERS = """
    from routekit.web import fetch

    config = {"runtime": "edge"}


    async def handler(req):
        authorization = req.cookies.get("authorization")
        return await fetch(
            "https://backend-api.com/api/protected",
            method=req.method,
            headers={"authorization": authorization.value if authorization else ""},
            redirect="manual",
        )
"""

# "Masking the URL of an external service": the client never sees the upstream or its key.
MASKING = """
    import os

    from routekit.web import fetch


    async def GET(request):
        city = request.next_url.search_params.get("city") or ""
        return await fetch(
            f"https://weather.example/v1/now?city={city}&key={os.environ['RK_WEATHER_KEY']}",
            headers={"accept": "application/json"},
        )
"""


def _client(tmp_path: Path, files: dict[str, str]) -> Client:
    for rel, source in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return Client(App(tmp_path, mode="test"))


def test_forwarding_headers_example(tmp_path: Path, respx_mock: respx.MockRouter) -> None:
    backend = respx_mock.route(url=BACKEND).mock(
        return_value=httpx.Response(200, json={"secret": 42}, headers={"x-backend": "1"})
    )
    client = _client(tmp_path, {"pages/api/proxy.py": FORWARDING_HEADERS})
    res = client.post("/api/proxy", cookies={"authorization": "Bearer abc"})
    assert (res.status_code, res.json_data()) == (200, {"secret": 42})
    assert res.headers["x-backend"] == "1"
    sent = backend.calls.last.request
    assert (sent.method, sent.headers["authorization"]) == ("POST", "Bearer abc")


def test_forwarding_headers_example_hands_back_redirects(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    respx_mock.route(url=BACKEND).mock(
        return_value=httpx.Response(302, headers={"location": "https://login.example/"})
    )
    client = _client(tmp_path, {"pages/api/proxy.py": FORWARDING_HEADERS})
    res = client.get("/api/proxy")
    assert (res.status_code, res.headers["location"]) == (302, "https://login.example/")
    assert len(respx_mock.calls) == 1  # redirect: "manual" did not follow it


def test_masking_an_external_url(
    tmp_path: Path, respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_WEATHER_KEY", "k-123")
    upstream = respx_mock.get("https://weather.example/v1/now").mock(
        return_value=httpx.Response(
            200,
            json={"temp": 21},
            headers={"server": "weather/1.0", "set-cookie": "w=1; Path=/"},
        )
    )
    client = _client(tmp_path, {"app/api/weather/route.py": MASKING})
    res = client.get("/api/weather?city=Oslo")
    assert (res.status_code, res.json_data()) == (200, {"temp": 21})
    assert upstream.calls.last.request.url.params["key"] == "k-123"
    seen = repr(res.headers) + res.text
    assert "weather.example" not in seen
    assert "k-123" not in seen


def test_fetch_returned_from_a_sync_app_route(tmp_path: Path, respx_mock: respx.MockRouter) -> None:
    # A plain `def` may return fetch(...) itself: the pipeline awaits what a handler returns.
    respx_mock.get("https://up.example/").mock(return_value=httpx.Response(200, text="up"))
    route = """
        from routekit.web import fetch

        def GET(request):
            return fetch("https://up.example/")
    """
    res = _client(tmp_path, {"app/api/up/route.py": route}).get("/api/up")
    assert (res.status_code, res.text) == (200, "up")


def test_fetch_sync_returned_from_a_sync_edge_handler(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("https://up.example/").mock(
        return_value=httpx.Response(200, content=_chunks(b"one ", b"two"))
    )
    handler = """
        from routekit.web import fetch_sync

        config = {"runtime": "edge"}

        def handler(request):
            return fetch_sync("https://up.example/")
    """
    res = _client(tmp_path, {"pages/api/p.py": handler}).get("/api/p")
    assert (res.status_code, res.body) == (200, b"one two")


def test_fetch_sync_in_a_pages_handler(tmp_path: Path, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://up.example/items").mock(
        return_value=httpx.Response(200, json=[1, 2], headers={"x-total": "2"})
    )
    handler = """
        from routekit.web import fetch_sync

        def handler(req, res):
            upstream = fetch_sync("https://up.example/items")
            res.set_header("x-total", upstream.headers.get("x-total"))
            res.status(upstream.status).json(upstream.json_sync())
    """
    res = _client(tmp_path, {"pages/api/items.py": handler}).get("/api/items")
    assert (res.status_code, res.json_data(), res.headers["x-total"]) == (200, [1, 2], "2")


def test_fetch_sync_streamed_through_a_pages_response(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("https://up.example/csv").mock(
        return_value=httpx.Response(200, content=_chunks(b"a,b\n", b"1,2\n"))
    )
    handler = """
        from routekit.web import fetch_sync

        def handler(req, res):
            upstream = fetch_sync("https://up.example/csv")
            res.set_header("content-type", "text/csv")
            for chunk in upstream.iter_body():
                res.write(chunk)
            res.end()
    """
    res = _client(tmp_path, {"pages/api/csv.py": handler}).get("/api/csv")
    assert res.text == "a,b\n1,2\n"


async def _chunks(*parts: bytes) -> t.AsyncIterator[bytes]:
    for part in parts:
        yield part


PROXY = """
    from routekit.web import fetch

    config = {"runtime": "edge"}

    async def handler(request):
        return await fetch("https://up.example/stream")
"""


def test_gzip_upstream_reaches_the_client_decoded_without_its_framing(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    # `next start` 16.5 sends the decoded body without content-encoding/content-length.
    body = b"x" * 10_000
    respx_mock.get("https://up.example/stream").mock(
        return_value=httpx.Response(
            200, content=gzip.compress(body), headers={"content-encoding": "gzip"}
        )
    )
    res = _client(tmp_path, {"pages/api/p.py": PROXY}).get("/api/p")
    assert res.body == body
    assert "content-encoding" not in res.headers
    assert "content-length" not in res.headers


def test_chunks_reach_the_client_before_the_upstream_finished(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    release = threading.Event()
    finished = threading.Event()

    async def upstream() -> t.AsyncIterator[bytes]:
        yield b"first"
        for _ in range(1000):  # at most 10 s, so a broken test cannot hang
            if release.is_set():
                break
            await asyncio.sleep(0.01)
        yield b"second"
        finished.set()

    respx_mock.get("https://up.example/stream").mock(
        return_value=httpx.Response(200, content=upstream())
    )
    client = _client(tmp_path, {"pages/api/p.py": PROXY})
    with client.get("/api/p", stream=True) as res:
        chunks = res.iter_chunks(timeout=10)
        assert next(chunks) == b"first"
        assert not finished.is_set()  # the upstream is still producing
        release.set()
        assert next(chunks) == b"second"
        assert list(chunks) == []
    assert finished.is_set()


class _CountingSink:
    """A sink that counts the bytes and drops them, as a socket would (the test client keeps
    every chunk for ``res.body``, so it cannot show that nothing else does)."""

    disconnected = False

    def __init__(self) -> None:
        self.started = False
        self.received = 0
        self.largest = 0

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        self.started = True

    def write(self, data: bytes) -> None:
        self.received += len(data)
        self.largest = max(self.largest, len(data))

    def finish(self, data: bytes = b"") -> None:
        self.write(data)


def test_a_large_body_streams_in_flat_memory(tmp_path: Path, respx_mock: respx.MockRouter) -> None:
    chunk, count = 64 * 1024, 256  # 16 MiB in all

    async def upstream() -> t.AsyncIterator[bytes]:
        for _ in range(count):
            yield bytes(chunk)  # a fresh object each time: buffering would keep them all

    respx_mock.get("https://up.example/stream").mock(
        return_value=httpx.Response(200, content=upstream())
    )
    app = _client(tmp_path, {"pages/api/p.py": PROXY}).app
    sink = _CountingSink()
    tracemalloc.start()
    try:
        exchange = app.handle(RawRequest("GET", "/api/p", host="localhost:3000"), sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exchange.exception is None
    assert (sink.received, sink.largest) == (chunk * count, chunk)
    # Generous (a few chunks in flight, httpx's buffers); buffering would need 16 MiB.
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a 16 MiB body"


def test_client_going_away_stops_and_closes_the_upstream(
    tmp_path: Path, respx_mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulled: list[int] = []
    closed: list[bool] = []
    done = threading.Event()
    original = _fetchstream.Upstream.close

    async def spy(self: _fetchstream.Upstream) -> None:
        await original(self)
        closed.append(self.response.is_closed)
        done.set()

    monkeypatch.setattr(_fetchstream.Upstream, "close", spy)

    async def endless() -> t.AsyncIterator[bytes]:
        while True:
            pulled.append(1)
            yield b"tick\n"
            await asyncio.sleep(0)

    respx_mock.get("https://up.example/stream").mock(
        return_value=httpx.Response(200, content=endless())
    )
    client = _client(tmp_path, {"pages/api/p.py": PROXY})
    res = client.get("/api/p", stream=True)
    assert next(res.iter_chunks(timeout=10)) == b"tick\n"
    res.close()
    assert done.wait(10), "the upstream was not closed after the client left"
    assert closed == [True]
    before = len(pulled)
    threading.Event().wait(0.05)
    assert len(pulled) == before  # nothing pulls from the upstream any more


def test_upstream_failure_is_a_500_recording_the_fetch_error(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("https://up.example/stream").mock(side_effect=httpx.ConnectError("refused"))
    client = Client(_client(tmp_path, {"pages/api/p.py": PROXY}).app, raise_errors=False)
    res = client.get("/api/p")
    assert res.status_code == 500
    assert isinstance(res.exception, FetchError)
    assert str(res.exception) == (
        "fetch failed: GET https://up.example/stream: ConnectError: refused"
    )


def test_upstream_failure_mid_body_ends_the_response(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    async def cut() -> t.AsyncIterator[bytes]:
        yield b"partial"
        raise httpx.ReadError("connection reset")

    respx_mock.get("https://up.example/stream").mock(
        return_value=httpx.Response(200, content=cut())
    )
    client = Client(_client(tmp_path, {"pages/api/p.py": PROXY}).app, raise_errors=False)
    res = client.get("/api/p")
    assert (res.status_code, res.body) == (200, b"partial")
    assert isinstance(res.exception, FetchError)
    assert res.exception.message == "terminated"


def test_fetch_in_an_app_route_handler_can_catch_the_error(
    tmp_path: Path, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("https://up.example/slow").mock(side_effect=httpx.ReadTimeout("slow"))
    route = """
        from routekit import NextResponse
        from routekit.web import fetch

        async def GET(request):
            try:
                return await fetch("https://up.example/slow", timeout=1)
            except TypeError as error:  # what Next.js code catches
                return NextResponse.json({"error": str(error)}, status=504)
    """
    res = _client(tmp_path, {"app/api/slow/route.py": route}).get("/api/slow")
    assert res.status_code == 504
    assert res.json_data() == {
        "error": "fetch failed: GET https://up.example/slow: timed out (ReadTimeout: slow)"
    }
