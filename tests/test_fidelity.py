"""Issue 15: what a route and a middleware see, as ``next start`` 16.4.6 answered.

``tests/fixtures/fidelity`` is the Python twin of a Next.js 16.4.6 probe app (the same
middleware, a pages catch-all, an app-route catch-all and an edge catch-all that echo what
they read). The expected values below are that app's answers, recorded over a socket with
``Host: localhost:3456``; only ``x-forwarded-for`` differs (Node's dual-stack socket says
``::ffff:127.0.0.1``).
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from routekit import App
from routekit_pytest import Client

ROOT = Path(__file__).parent / "fixtures" / "fidelity"
HOST = "localhost:3456"
ORIGIN = f"http://{HOST}"
FORWARDED = {
    "x-forwarded-host": HOST,
    "x-forwarded-port": "3456",
    "x-forwarded-proto": "http",
    "x-forwarded-for": "127.0.0.1",
}
CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate"
SKIP = {"x-skip-mw": "1"}


@pytest.fixture(scope="module")
def client() -> t.Iterator[Client]:
    client = Client(App(ROOT, mode="production"), base_url=ORIGIN, raise_errors=False)
    yield client
    client.close()


def _mw_info(res: t.Any) -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", json.loads(res.headers["x-mw-info"]))


# --- 1. a rewrite keeps the URL the route reads -------------------------------------------


def test_pages_route_after_a_rewrite_reads_the_original_url(client: Client) -> None:
    res = client.get("/api/rw/a/b?x=a%20b&y=1+2")
    assert res.status_code == 200
    data = res.json_data()
    assert data["url"] == "/api/rw/a/b?x=a+b&y=1+2"
    assert data["query"] == {"x": "a b", "y": "1 2", "slug": ["a", "b"]}
    assert res.headers["x-middleware-rewrite"] == "/api/echo/a/b?x=a+b&y=1+2"


def test_pages_route_after_a_rewrite_reads_the_targets_query(client: Client) -> None:
    res = client.get("/api/rwq/x?q=a%20b")
    data = res.json_data()
    assert data["url"] == "/api/rwq/x?q=a+b"
    assert data["query"] == {"z": "9", "w": "a b", "slug": ["q"]}
    assert res.headers["x-middleware-rewrite"] == "/api/echo/q?z=9&w=a%20b"


@pytest.mark.parametrize(
    ("target", "url", "pathname", "search", "params"),
    [
        (
            "/api/rwapp/a/b?q=a%20b",
            f"{ORIGIN}/api/rwapp/a/b?q=a+b",
            "/api/rwapp/a/b",
            "?q=a+b",
            {"slug": ["a", "b"]},
        ),
        (
            "/api/rwqapp/x?q=a%20b",
            f"{ORIGIN}/api/rwqapp/x?q=a+b",
            "/api/rwqapp/x",
            "?q=a+b",
            {"slug": ["q"]},
        ),
    ],
)
def test_app_route_after_a_rewrite_reads_the_original_url(
    client: Client, target: str, url: str, pathname: str, search: str, params: dict[str, t.Any]
) -> None:
    data = client.get(target).json_data()
    assert (data["url"], data["pathname"], data["search"], data["params"]) == (
        url,
        pathname,
        search,
        params,
    )


@pytest.mark.parametrize(
    ("target", "url"),
    [
        ("/api/rwedge/a/b?q=a%20b", f"{ORIGIN}/api/rwedge/a/b?q=a+b&slug=a&slug=b"),
        # {...initQuery, ...query, ...params}: the request's, the rewrite's, the params
        ("/api/rwqedge/x?q=a%20b", f"{ORIGIN}/api/rwqedge/x?q=a+b&z=9&w=a+b&slug=q"),
    ],
)
def test_edge_route_after_a_rewrite_reads_the_original_path(
    client: Client, target: str, url: str
) -> None:
    data = client.get(target).json_data()
    assert data["url"] == url
    assert data["pathname"] == target.partition("?")[0]


# --- 3. dot segments are resolved before the middleware and the router --------------------


@pytest.mark.parametrize(
    ("target", "url", "slug"),
    [
        ("/api/echo/a/../b?q=1", "/api/echo/b?q=1", ["b"]),
        ("/api/echo/./a", "/api/echo/a", ["a"]),
        ("/api/echo/a/%2E/b", "/api/echo/a/b", ["a", "b"]),
        ("/api/echo/a/.%2e/b", "/api/echo/b", ["b"]),
    ],
)
def test_dot_segments_are_resolved_for_middleware_and_route(
    client: Client, target: str, url: str, slug: list[str]
) -> None:
    res = client.get(target)
    assert res.status_code == 200
    assert (res.json_data()["url"], res.json_data()["query"]["slug"]) == (url, slug)
    assert _mw_info(res)["url"] == ORIGIN + url


@pytest.mark.parametrize(
    "target", ["/api/../api/hello", "/api/mw/../hello", "/api/mw/%2e%2e/hello"]
)
def test_dot_segments_reach_the_resolved_route(client: Client, target: str) -> None:
    res = client.get(target)
    assert res.status_code == 200
    assert res.json_data()["url"] == "/api/hello"


def test_dot_segments_out_of_a_route_give_its_404(client: Client) -> None:
    res = client.get("/api/echo/%2e%2e/b")
    assert res.status_code == 404
    assert _mw_info(res)["pathname"] == "/api/b"


@pytest.mark.parametrize(
    ("target", "location"), [("/api/hello/..", "/api"), ("/api/hello/.", "/api/hello")]
)
def test_a_dot_segment_left_at_the_end_is_a_trailing_slash(
    client: Client, target: str, location: str
) -> None:
    res = client.get(target)
    assert (res.status_code, res.headers["location"], res.text) == (308, location, location)


def test_app_route_reads_the_resolved_url(client: Client) -> None:
    data = client.get("/api/app-echo/a/../b?q=a%20b", headers=SKIP).json_data()
    assert (data["url"], data["pathname"], data["params"]) == (
        f"{ORIGIN}/api/app-echo/b?q=a+b",
        "/api/app-echo/b",
        {"slug": ["b"]},
    )


# --- 4. x-forwarded-* ----------------------------------------------------------------------


def test_every_request_gets_x_forwarded_headers(client: Client) -> None:
    res = client.get("/api/hello", headers=SKIP)
    headers = res.json_data()["headers"]
    assert list(headers) == ["host", "x-skip-mw", *FORWARDED]
    assert {k: headers[k] for k in FORWARDED} == FORWARDED


def test_the_middleware_sees_x_forwarded_headers_too(client: Client) -> None:
    info = _mw_info(client.get("/api/hello"))
    assert dict(info["fwd"]) == {**FORWARDED, "host": HOST, "cookie": None}


def test_client_sent_x_forwarded_headers_are_kept(client: Client) -> None:
    sent = {
        "X-Forwarded-For": "1.2.3.4",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "8443",
    }
    res = client.get("/api/hello", headers=sent)
    headers = res.json_data()["headers"]
    assert {k: headers[k.lower()] for k in sent} == sent
    # Next.js reads the scheme from x-forwarded-proto.
    assert _mw_info(res)["url"] == "https://localhost:3456/api/hello"


def test_untrusted_x_forwarded_headers_are_replaced() -> None:
    client = Client(App(ROOT, mode="production", trust_proxy_headers=False), base_url=ORIGIN)
    sent = {"X-Forwarded-For": "1.2.3.4", "X-Forwarded-Proto": "https"}
    res = client.get("/api/hello", headers=sent)
    headers = res.json_data()["headers"]
    assert {k: headers[k] for k in FORWARDED} == FORWARDED
    assert _mw_info(res)["url"] == f"{ORIGIN}/api/hello"


# --- 5. the query is serialised again --------------------------------------------------------


QUERY = "q=a%20b&r=%7e&s=~&t&u=&v=%2B&w=caf%C3%A9&x=%zz"
WRITTEN = "q=a+b&r=%7E&s=%7E&t=&u=&v=%2B&w=caf%C3%A9&x=%25zz"


@pytest.mark.parametrize("headers", [{}, SKIP], ids=["middleware", "no-middleware"])
def test_pages_route_reads_the_query_serialised_again(
    client: Client, headers: dict[str, str]
) -> None:
    data = client.get(f"/api/echo/x?{QUERY}", headers=headers).json_data()
    assert data["url"] == f"/api/echo/x?{WRITTEN}"
    assert data["query"] == {
        "q": "a b",
        "r": "~",
        "s": "~",
        "t": "",
        "u": "",
        "v": "+",
        "w": "café",
        "x": "%zz",
        "slug": ["x"],
    }


def test_the_middleware_reads_the_query_serialised_again(client: Client) -> None:
    info = _mw_info(client.get(f"/api/echo/x?{QUERY}"))
    assert (info["url"], info["search"]) == (f"{ORIGIN}/api/echo/x?{WRITTEN}", f"?{WRITTEN}")


@pytest.mark.parametrize(
    ("target", "url"),
    [
        ("/api/echo/x?slug=x&a=1", "/api/echo/x?a=1"),
        ("/api/echo/x?slug=y&a=1", "/api/echo/x?a=1"),
        ("/api/echo/x?a=1&b=2&a=3", "/api/echo/x?a=1&a=3&b=2"),
        ("/api/echo/x?nxtPfoo=1&nxtP=2&a=%2", "/api/echo/x?nxtP=2&a=%252"),
        ("/api/hello?a=1&b=2&a=3&&c", "/api/hello?a=1&a=3&b=2&c="),
        ("/api/hello?", "/api/hello"),
    ],
)
def test_pages_req_url_as_normalize_cdn_url_writes_it(
    client: Client, target: str, url: str
) -> None:
    assert client.get(target, headers=SKIP).json_data()["url"] == url


def test_pages_param_key_in_the_query_gives_way_to_the_param(client: Client) -> None:
    assert client.get("/api/echo/x?slug=y&a=1", headers=SKIP).json_data()["query"] == {
        "slug": ["x"],
        "a": "1",
    }


@pytest.mark.parametrize(
    ("target", "url"),
    [
        ("/api/app-echo/x?slug=x&a=1&b=2&a=3", f"{ORIGIN}/api/app-echo/x?slug=x&a=1&a=3&b=2"),
        ("/api/edge-echo/x?slug=x&a=1&b=2&a=3", f"{ORIGIN}/api/edge-echo/x?slug=x&a=1&a=3&b=2"),
        ("/api/edge-echo/x?q=a%20b&t", f"{ORIGIN}/api/edge-echo/x?q=a+b&t=&slug=x"),
    ],
)
def test_web_routes_read_the_query_serialised_again(client: Client, target: str, url: str) -> None:
    assert client.get(target, headers=SKIP).json_data()["url"] == url


# --- 6. an exception in the middleware -------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_middleware_exception_is_the_html_500_page(client: Client, method: str) -> None:
    res = client.request(method, "/api/throw")
    assert (res.status_code, res.status_message) == (500, "Internal Server Error")
    assert res.headers["Cache-Control"] == CACHE_CONTROL
    assert res.headers["Content-Type"] == "text/html; charset=utf-8"
    assert isinstance(res.exception, RuntimeError)
    if method == "HEAD":
        assert res.body == b""
    else:
        assert "<title>500: Internal Server Error</title>" in res.text
        assert "<h2>Internal Server Error.</h2>" in res.text


# --- 7. two Cookie lines, res.redirect with a bad status -------------------------------------


def test_two_cookie_lines_are_joined_with_a_semicolon(client: Client) -> None:
    res = client.get("/api/hello", headers=[("Cookie", "a=1"), ("Cookie", "b=2")])
    data = res.json_data()
    assert data["cookies"] == {"a": "1", "b": "2"}
    assert data["headers"]["cookie"] == "a=1; b=2"
    assert dict(_mw_info(res)["fwd"])["cookie"] == "a=1; b=2"


@pytest.mark.parametrize("kind", ["nan", "big", "neg", "inf"])
def test_redirect_with_an_invalid_status_keeps_location_on_the_500(
    client: Client, kind: str
) -> None:
    res = client.get(f"/api/redir?s={kind}")
    assert (res.status_code, res.status_message, res.text) == (
        500,
        "Internal Server Error",
        "Internal Server Error",
    )
    assert res.headers["Location"] == "/api/hello"


@pytest.mark.parametrize(
    ("kind", "status", "location"), [("float", 301, "/api/hello"), ("str", 307, "abc")]
)
def test_redirect_status_is_a_js_number(
    client: Client, kind: str, status: int, location: str
) -> None:
    res = client.get(f"/api/redir?s={kind}")
    assert (res.status_code, res.headers["Location"], res.text) == (status, location, location)


def test_a_pages_handler_error_keeps_the_headers_it_set(client: Client) -> None:
    res = client.get("/api/throwhdr", headers=SKIP)
    assert (res.status_code, res.text) == (500, "Internal Server Error")
    assert res.headers["X-Before"] == "yes"
