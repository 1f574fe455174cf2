"""The route handlers called directly with ``create_mocks``: no middleware, no routing."""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_json, assert_status

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from routekit_pytest import CreateMocks

RouteLoader = t.Callable[[str], "ModuleType"]


@pytest.fixture
def call(route: RouteLoader, create_mocks: CreateMocks) -> Callable[..., t.Any]:
    """``call("pages/api/x.py", method=..., headers=...)``: run the handler, return ``res``."""

    def run(relfile: str, **spec: t.Any) -> t.Any:
        req, res = create_mocks(**spec)
        route(relfile).handler(req, res)
        return res

    return run


def test_hello_answers_get(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/hello.py")
    assert_status(res, 200)
    assert_json(res, {"message": "Hello from routekit"})


def test_hello_refuses_other_methods(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/hello.py", method="DELETE")
    assert_status(res, 405)
    assert res.headers["Allow"] == "GET, HEAD"
    assert_json(res, {"error": "Method not allowed"})


def test_docs_lists_endpoints_and_echoes_the_url(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/docs.py", url="/api/docs?v=2")
    assert_status(res, 200)
    data = res.json_data()
    assert data["url"] == "/api/docs?v=2"
    assert sorted(data["endpoints"]) == [
        "/api/admin/stats",
        "/api/hello",
        "/api/limited",
        "/api/public/quote",
    ]


def test_stats_takes_the_user_from_the_token(call: Callable[..., t.Any], token: str) -> None:
    res = call("pages/api/admin/stats.py", auth=token)
    assert_status(res, 200)
    data = res.json_data()
    assert data["user"] == "admin"
    assert isinstance(data["uptime"], int)
    assert data["uptime"] >= 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-user": "admin"}, {"x-user": "admin", "Authorization": "Bearer wrong"}],
)
def test_stats_never_trusts_a_client_sent_x_user(
    call: Callable[..., t.Any], headers: dict[str, str]
) -> None:
    res = call("pages/api/admin/stats.py", headers=headers)
    assert_status(res, 401)
    assert_json(res, {"error": "Authentication required"})
    assert res.headers["WWW-Authenticate"] == 'Bearer realm="admin"'


def test_stats_refuses_other_methods(call: Callable[..., t.Any], token: str) -> None:
    res = call("pages/api/admin/stats.py", method="POST", auth=token)
    assert_status(res, 405)
    assert res.headers["Allow"] == "GET, HEAD"


def test_headers_route_masks_the_token(call: Callable[..., t.Any], token: str) -> None:
    res = call("pages/api/admin/headers.py", auth=token, headers={"X-User": "admin"})
    assert_status(res, 200)
    assert res.json_data() == {
        "headers": {"authorization": "<masked>", "host": "localhost:3000", "x-user": "admin"}
    }
    assert token not in res.text


def test_headers_route_needs_the_token_too(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/admin/headers.py", headers={"X-User": "admin"})
    assert_status(res, 401)


def test_quote_preflight_answered_by_cors(call: Callable[..., t.Any]) -> None:
    res = call(
        "pages/api/public/quote.py",
        method="OPTIONS",
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert_status(res, 204)
    assert res.is_ended()
    assert res.body == b""
    assert res.headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert res.headers["Access-Control-Allow-Methods"] == "GET,HEAD"


def test_quote_get_with_denied_origin_has_no_allow_origin(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/public/quote.py", headers={"Origin": "https://evil.test"})
    assert_status(res, 200)
    assert res.json_data()["by"] == "Alan Kay"
    assert "Access-Control-Allow-Origin" not in res.headers


def test_quote_refuses_other_methods(call: Callable[..., t.Any]) -> None:
    res = call("pages/api/public/quote.py", method="PUT")
    assert_status(res, 405)
    assert res.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_limited_handler_runs_the_limiter_then_the_route(call: Callable[..., t.Any]) -> None:
    statuses = [call("pages/api/limited.py").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]


def test_limited_limiter_clock_is_injectable(
    route: RouteLoader, create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = route("pages/api/limited.py").limiter
    now = [100.0]
    monkeypatch.setattr(limiter, "clock", lambda: now[0])
    handler = route("pages/api/limited.py").handler
    for _ in range(5):
        handler(*create_mocks())
    req, res = create_mocks()
    handler(req, res)
    assert_status(res, 429)
    now[0] += 10
    req, res = create_mocks()
    handler(req, res)
    assert_status(res, 200)
