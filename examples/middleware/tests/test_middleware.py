"""The root ``middleware.py`` through the pipeline: CORS, admin guard, redirect, rewrite."""

from __future__ import annotations

import logging
import typing as t

import pytest

from routekit import NextRequest, NextResponse
from routekit_pytest import assert_header, assert_json, assert_redirect, assert_status

if t.TYPE_CHECKING:
    from types import ModuleType

    from routekit_pytest import Client

pytestmark = pytest.mark.routekit(root="..")

TOKEN = "test-admin-token"  # conftest.TOKEN

ALLOWED = "http://localhost:5173"
PREFLIGHT = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}
EXPOSED = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
# The CVE-2025-29927 payload: Next.js < 15.2.3 skipped middleware for it.
SUBREQUEST = "middleware:middleware:middleware:middleware:middleware"


# --- CORS ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/hello", "/api/admin/stats", "/api/limited", "/api/nope"])
def test_preflight_allowed_origin_gets_204_and_cors_headers(client: Client, path: str) -> None:
    res = client.options(path, headers=PREFLIGHT)
    assert_status(res, 204)
    assert res.body == b""
    assert res.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert res.headers["Access-Control-Allow-Methods"] == "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    assert res.headers["Access-Control-Allow-Headers"] == "Content-Type, Authorization"
    assert res.headers["Access-Control-Max-Age"] == "86400"
    assert res.headers["Vary"] == "Origin"
    # Answered by the middleware: no route ran, no token was asked for.
    assert res.route is None


def test_preflight_denied_origin_gets_204_without_cors_headers(client: Client) -> None:
    res = client.options("/api/hello", headers={**PREFLIGHT, "Origin": "https://evil.test"})
    assert_status(res, 204)
    assert [n for n, _ in res.headers.items() if n.lower().startswith("access-control")] == []
    assert res.headers["Vary"] == "Origin"


def test_cors_allowed_origin_is_reflected_on_the_route_response(client: Client) -> None:
    res = client.get("/api/hello", headers={"Origin": ALLOWED})
    assert_status(res, 200)
    assert_json(res, {"message": "Hello from routekit"})
    assert res.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert res.headers["Access-Control-Expose-Headers"] == EXPOSED
    assert res.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.test"},
        {"Origin": "http://localhost:5173.evil.test"},  # no prefix matching
        {"Origin": "null"},
        {},
    ],
)
def test_cors_other_origins_get_no_allow_origin(client: Client, headers: dict[str, str]) -> None:
    res = client.get("/api/hello", headers=headers)
    assert_status(res, 200)
    assert "Access-Control-Allow-Origin" not in res.headers
    assert res.headers["Vary"] == "Origin"


@pytest.mark.routekit(env={"CORS_ALLOWED_ORIGINS": "https://one.test, https://two.test"})
def test_cors_origins_come_from_the_environment(client: Client) -> None:
    listed = client.get("/api/hello", headers={"Origin": "https://two.test"})
    unlisted = client.get("/api/hello", headers={"Origin": ALLOWED})
    assert listed.headers["Access-Control-Allow-Origin"] == "https://two.test"
    assert "Access-Control-Allow-Origin" not in unlisted.headers


def test_cors_headers_also_on_the_401_so_the_browser_can_read_it(client: Client) -> None:
    res = client.get("/api/admin/stats", headers={"Origin": ALLOWED})
    assert_status(res, 401)
    assert res.headers["Access-Control-Allow-Origin"] == ALLOWED


# --- per-route CORS: routekit.cors() in pages/api/public/quote.py -----------------------


def test_route_cors_preflight_answered_by_the_route(client: Client) -> None:
    res = client.options(
        "/api/public/quote",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-trace",
        },
    )
    assert_status(res, 204)
    assert res.route is not None
    assert res.route.file == "pages/api/public/quote.py"
    assert res.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert res.headers["Access-Control-Allow-Methods"] == "GET,HEAD"
    assert res.headers["Access-Control-Allow-Headers"] == "x-trace"
    assert res.headers["Access-Control-Max-Age"] == "600"
    assert res.headers["Vary"] == "Origin, Access-Control-Request-Headers"
    assert res.headers["Content-Length"] == "0"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://example.com", True),
        ("https://docs.example.com", True),
        ("https://a.b.example.com", True),
        ("http://example.com", False),  # HTTPS only
        ("https://example.com.evil.test", False),
        ("https://notexample.com", False),
        (ALLOWED, False),  # the root middleware's list does not apply here
    ],
)
def test_route_cors_origin_pattern(client: Client, origin: str, allowed: bool) -> None:
    res = client.get("/api/public/quote", headers={"Origin": origin})
    assert_status(res, 200)
    assert res.json_data()["by"] == "Alan Kay"
    assert res.headers.get("Access-Control-Allow-Origin") == (origin if allowed else None)
    assert res.headers["Vary"] == "Origin"


# --- the admin guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "error", "challenge"),
    [
        ({}, "Authentication required", 'Bearer realm="admin"'),
        ({"Authorization": "Bearer"}, "Authentication required", 'Bearer realm="admin"'),
        ({"Authorization": f"Basic {TOKEN}"}, "Authentication required", 'Bearer realm="admin"'),
        (
            {"Authorization": "Bearer wrong-token"},
            "Invalid token",
            'Bearer realm="admin", error="invalid_token"',
        ),
        (
            {"Authorization": f"Bearer {TOKEN}x"},
            "Invalid token",
            'Bearer realm="admin", error="invalid_token"',
        ),
    ],
)
def test_admin_without_valid_token_is_401_json(
    client: Client, headers: dict[str, str], error: str, challenge: str
) -> None:
    res = client.get("/api/admin/stats", headers=headers)
    assert_status(res, 401)
    assert_json(res, {"error": error})
    assert res.headers["Content-Type"] == "application/json"
    assert res.headers["WWW-Authenticate"] == challenge
    assert res.route is None  # the short-circuit: the route never ran


@pytest.mark.parametrize("path", ["/api/admin", "/api/admin/stats", "/api/admin/a/b"])
def test_admin_guard_covers_every_admin_path(client: Client, path: str) -> None:
    assert_status(client.get(path), 401)


@pytest.mark.parametrize("path", ["/api/administrator", "/api/hello"])
def test_admin_guard_leaves_other_paths_alone(client: Client, path: str) -> None:
    assert client.get(path).status_code != 401


def test_admin_valid_token_reaches_the_route_with_x_user(client: Client) -> None:
    res = client.get("/api/admin/stats", auth=TOKEN)
    assert_status(res, 200)
    assert res.json_data()["user"] == "admin"
    assert res.route is not None
    assert res.route.file == "pages/api/admin/stats.py"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_admin_bearer_scheme_is_case_insensitive(client: Client, scheme: str) -> None:
    res = client.get("/api/admin/stats", headers={"Authorization": f"{scheme} {TOKEN}"})
    assert_status(res, 200)


def test_admin_client_sent_x_user_is_overwritten(client: Client) -> None:
    res = client.get("/api/admin/stats", auth=TOKEN, headers={"x-user": "mallory"})
    assert res.json_data()["user"] == "admin"


@pytest.mark.parametrize("value", [SUBREQUEST, "middleware", "src/middleware", "pages/_middleware"])
def test_admin_client_sent_x_middleware_subrequest_cannot_bypass_auth(
    client: Client, value: str
) -> None:
    res = client.get(
        "/api/admin/stats", headers={"x-middleware-subrequest": value, "x-user": "admin"}
    )
    assert_status(res, 401)
    assert_json(res, {"error": "Authentication required"})


def test_admin_route_sees_x_user_and_no_client_internal_headers(client: Client) -> None:
    res = client.get(
        "/api/admin/headers",
        auth=TOKEN,
        headers={
            "x-middleware-subrequest": SUBREQUEST,
            "x-middleware-override-headers": "x-user",
            "x-middleware-request-x-user": "mallory",
            "x-user": "mallory",
            "x-trace": "1",
        },
    )
    assert_status(res, 200)
    assert res.json_data()["headers"] == {
        "authorization": "<masked>",
        "host": "localhost:3000",
        "vary": "Origin",  # Next.js also hands next()'s response headers to the route
        "x-forwarded-for": "127.0.0.1",  # Next.js adds x-forwarded-* to every request
        "x-forwarded-host": "localhost:3000",
        "x-forwarded-port": "3000",
        "x-forwarded-proto": "http",
        "x-trace": "1",
        "x-user": "admin",
    }


@pytest.mark.routekit(env={"ADMIN_TOKEN": None})
def test_admin_dev_token_accepted_and_logged_without_admin_token(
    client: Client, mw: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    mw.auth._warn_dev_token.cache_clear()
    with caplog.at_level(logging.WARNING, logger="lib.auth"):
        assert_status(client.get("/api/admin/stats", auth=TOKEN), 401)
        assert_status(client.get("/api/admin/stats", auth="dev-admin-token"), 200)
    assert [r.getMessage() for r in caplog.records if r.name == "lib.auth"] == [
        "ADMIN_TOKEN is not set: the admin API accepts the development-only token "
        "'dev-admin-token'. Set ADMIN_TOKEN (see .env.example) before deploying."
    ]


@pytest.mark.routekit(env={"ADMIN_TOKEN": None, "ROUTEKIT_ENV": "production"})
def test_admin_without_admin_token_in_production_is_500(client: Client) -> None:
    res = client.get("/api/admin/stats", auth="dev-admin-token", raise_errors=False)
    assert_status(res, 500)
    assert type(res.exception).__name__ == "MissingTokenError"


# --- redirect and rewrite ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "location"),
    [("/old-docs", "/api/docs"), ("/old-docs?v=2", "/api/docs?v=2")],
)
def test_old_docs_redirects_permanently(client: Client, url: str, location: str) -> None:
    res = client.get(url)
    assert_redirect(res, location, status=308)
    assert res.headers["Refresh"] == f"0;url={location}"
    assert res.text == location


def test_old_docs_redirect_has_content_length(client: Client) -> None:
    res = client.get("/old-docs")
    assert res.headers.get("Content-Length") == str(len(b"/api/docs"))


def test_old_docs_redirect_followed_lands_on_the_docs(client: Client) -> None:
    res = client.get("/old-docs", follow_redirects=True)
    assert_status(res, 200)
    assert [r.status_code for r in res.history] == [308]
    assert res.json_data()["url"] == "/api/docs"


def test_docs_rewrite_serves_api_docs_under_the_same_url(client: Client) -> None:
    res = client.get("/docs?v=2")
    assert_status(res, 200)
    assert res.request.url == "/docs?v=2"
    assert res.route is not None
    assert res.route.file == "pages/api/docs.py"
    # As in Next.js the route still sees the URL the client asked for; the header says
    # where it went.
    assert res.json_data()["url"] == "/docs?v=2"
    assert_header(res, "x-middleware-rewrite", "/api/docs?v=2")


def test_paths_outside_the_matcher_skip_the_middleware(client: Client) -> None:
    res = client.get("/docs/extra")
    assert_status(res, 404)
    assert "Vary" not in res.headers


@pytest.mark.routekit(middleware=False)
def test_without_middleware_the_admin_route_still_checks_the_token(client: Client) -> None:
    res = client.get("/api/admin/stats", headers={"x-user": "admin"})
    assert_status(res, 401)
    assert_json(res, {"error": "Authentication required"})
    assert res.route is not None
    assert_status(client.get("/api/admin/stats", auth=TOKEN), 200)


@pytest.mark.parametrize("host", ["x?", "x#", "x/y", "evil.com/a", "x:99999"])
def test_admin_guard_cannot_be_walked_around_with_a_forged_host(client: Client, host: str) -> None:
    # A Host pasted into the URL used to move /api/admin/... out of request.next_url.pathname.
    res = client.get("/api/admin/stats", headers={"Host": host, "x-user": "admin"})
    assert_status(res, 400)


@pytest.mark.parametrize(
    "path", ["/api/x/../admin/stats", "/api/%2e%2e/api/admin/stats", "/api/./admin/stats"]
)
def test_admin_guard_cannot_be_walked_around_with_dot_segments(client: Client, path: str) -> None:
    # Resolved before the middleware runs (as next start does): the guard sees /api/admin.
    res = client.get(path, headers={"x-user": "admin"})
    assert_status(res, 401)
    assert_json(res, {"error": "Authentication required"})


# --- the middleware function on its own ------------------------------------------------


def _request(path: str, method: str = "GET", **headers: str) -> NextRequest:
    return NextRequest(f"http://localhost:3000{path}", method=method, headers=headers)


def test_middleware_returns_next_with_injected_request_header(
    mw: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_TOKEN", TOKEN)
    response = mw.middleware(
        _request("/api/admin/stats", authorization=f"Bearer {TOKEN}", accept="text/plain")
    )
    assert isinstance(response, NextResponse)
    assert response.headers.get("x-middleware-next") == "1"
    assert response.headers.get("x-middleware-request-x-user") == "admin"
    # The other request headers are kept: next(request_headers=...) replaces them all.
    assert response.headers.get("x-middleware-request-accept") == "text/plain"
    listed = (response.headers.get("x-middleware-override-headers") or "").split(",")
    assert sorted(listed) == ["accept", "authorization", "x-user"]


def test_middleware_skips_public_routes(mw: ModuleType) -> None:
    assert mw.middleware(_request("/api/public/quote", "OPTIONS", origin=ALLOWED)) is None


def test_middleware_redirect_is_absolute_before_the_runtime_relativises_it(
    mw: ModuleType,
) -> None:
    response = mw.middleware(_request("/old-docs?v=2"))
    assert response.status == 308
    assert response.headers.get("location") == "http://localhost:3000/api/docs?v=2"
