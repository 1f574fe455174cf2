from __future__ import annotations

import asyncio
import logging
import re
import typing as t

import pytest

from routekit.connect import cors, create_router, run_middleware
from routekit_pytest.mocks import create_mocks


def _mocks(method: str = "GET", **headers: str) -> tuple[t.Any, t.Any]:
    req, res = create_mocks(
        method=method, url="/api/x", headers={k.replace("_", "-"): v for k, v in headers.items()}
    )
    return req, res


def _headers(res: t.Any) -> dict[str, str]:
    if res.is_ended():
        return {name.lower(): value for name, value in res.headers.items()}
    return {k: v[-1] if isinstance(v, list) else v for k, v in res.get_headers().items()}


# --- run_middleware ---


def test_run_middleware_returns_true_when_next_is_called() -> None:
    req, res = _mocks()

    def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        res.set_header("X-Seen", "1")
        next()

    assert run_middleware(req, res, mw) is True
    assert _headers(res)["x-seen"] == "1"


def test_run_middleware_returns_false_when_the_middleware_answered() -> None:
    req, res = _mocks()

    def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        res.status(401).end("no")

    assert run_middleware(req, res, mw) is False
    assert (res.status_code, res.text) == (401, "no")


def test_run_middleware_raises_the_error_passed_to_next() -> None:
    req, res = _mocks()

    def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        next(PermissionError("denied"))

    with pytest.raises(PermissionError, match="denied"):
        run_middleware(req, res, mw)


def test_run_middleware_non_error_value_to_next_continues() -> None:
    req, res = _mocks()
    assert run_middleware(req, res, lambda req, res, next: next("route")) is True


def test_run_middleware_runs_async_middleware() -> None:
    req, res = _mocks()

    async def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        await asyncio.sleep(0)
        res.set_header("X-Async", "yes")
        next()

    assert run_middleware(req, res, mw) is True
    assert _headers(res)["x-async"] == "yes"


# --- cors ---


def test_cors_default_allows_any_origin_and_continues() -> None:
    req, res = _mocks("GET", origin="https://a.example")
    assert run_middleware(req, res, cors()) is True
    assert _headers(res) == {"access-control-allow-origin": "*"}


def test_cors_default_preflight_answers_204() -> None:
    req, res = _mocks(
        "OPTIONS",
        origin="https://a.example",
        access_control_request_headers="x-token, content-type",
    )
    assert run_middleware(req, res, cors()) is False
    assert res.status_code == 204
    assert res.is_ended()
    assert _headers(res) == {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
        "vary": "Access-Control-Request-Headers",
        "access-control-allow-headers": "x-token, content-type",
        "content-length": "0",
    }


def test_cors_list_reflects_a_matching_origin() -> None:
    mw = cors(origins=["https://a.example", re.compile(r"\.trusted\.dev$")])
    for origin in ("https://a.example", "https://x.trusted.dev"):
        req, res = _mocks("GET", origin=origin)
        run_middleware(req, res, mw)
        assert _headers(res) == {"access-control-allow-origin": origin, "vary": "Origin"}


def test_cors_list_omits_the_header_for_other_origins_but_varies() -> None:
    req, res = _mocks("GET", origin="https://evil.example")
    assert run_middleware(req, res, cors(origins=["https://a.example"])) is True
    assert _headers(res) == {"vary": "Origin"}


def test_cors_fixed_origin_is_always_sent() -> None:
    req, res = _mocks("GET", origin="https://other.example")
    run_middleware(req, res, cors(origins="https://a.example"))
    assert _headers(res) == {"access-control-allow-origin": "https://a.example", "vary": "Origin"}


def test_cors_false_disables_it() -> None:
    req, res = _mocks("OPTIONS", origin="https://a.example")
    assert run_middleware(req, res, cors(origins=False)) is True
    assert _headers(res) == {}


def test_cors_callable_decides_per_origin() -> None:
    mw = cors(origins=lambda origin: origin == "https://ok.example")
    req, res = _mocks("GET", origin="https://ok.example")
    run_middleware(req, res, mw)
    assert _headers(res)["access-control-allow-origin"] == "https://ok.example"
    req, res = _mocks("GET", origin="https://no.example")
    run_middleware(req, res, mw)
    assert _headers(res) == {}


def test_cors_preflight_with_every_option() -> None:
    mw = cors(
        origins=["https://a.example"],
        methods=["GET", "POST"],
        allowed_headers=["Content-Type", "Authorization"],
        exposed_headers=["X-Total"],
        credentials=True,
        max_age=600,
        options_success_status=200,
    )
    req, res = _mocks("options", origin="https://a.example")
    assert run_middleware(req, res, mw) is False
    assert res.status_code == 200
    assert _headers(res) == {
        "access-control-allow-origin": "https://a.example",
        "vary": "Origin",
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "Content-Type,Authorization",
        "access-control-max-age": "600",
        "access-control-expose-headers": "X-Total",
        "content-length": "0",
    }


def test_cors_preflight_reflection_appends_to_vary() -> None:
    req, res = _mocks("OPTIONS", origin="https://a.example", access_control_request_headers="x-a")
    res.set_header("Vary", "Accept-Encoding")
    run_middleware(req, res, cors(origins=["https://a.example"]))
    assert _headers(res)["vary"] == "Accept-Encoding, Origin, Access-Control-Request-Headers"


def test_cors_vary_is_not_repeated() -> None:
    req, res = _mocks("GET", origin="https://a.example")
    res.set_header("Vary", "origin")
    run_middleware(req, res, cors(origins=["https://a.example"]))
    assert _headers(res)["vary"] == "origin"


def test_cors_preflight_continue_passes_on() -> None:
    req, res = _mocks("OPTIONS", origin="https://a.example")
    assert run_middleware(req, res, cors(preflight_continue=True)) is True
    assert not res.is_ended()
    assert _headers(res)["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"


def test_cors_actual_request_sends_credentials_and_exposed_headers() -> None:
    req, res = _mocks("POST", origin="https://a.example")
    run_middleware(req, res, cors(credentials=True, exposed_headers="X-A,X-B", max_age=5))
    assert _headers(res) == {
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-A,X-B",
    }


# --- create_router ---


def test_router_dispatches_by_method() -> None:
    router = (
        create_router()
        .get(lambda req, res: res.status(200).end("got"))
        .post(lambda req, res: res.status(201).end("made"))
    )
    handler = router.handler()
    req, res = _mocks("GET")
    handler(req, res)
    assert (res.status_code, res.text) == (200, "got")
    req, res = _mocks("POST")
    handler(req, res)
    assert (res.status_code, res.text) == (201, "made")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_router_unrouted_method_is_405_with_allow(method: str) -> None:
    calls: list[str] = []

    def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        calls.append("mw")
        next()

    handler = create_router().use(mw).get(lambda req, res: None).post(lambda req, res: None)
    req, res = _mocks(method)
    handler.handler()(req, res)
    assert res.status_code == 405
    assert _headers(res)["allow"] == "GET, HEAD, POST"
    assert res.text == f"Method {method} Not Allowed"
    assert calls == []


def test_router_head_uses_get_handlers() -> None:
    handler = create_router().get(lambda req, res: res.status(200).end("x")).handler()
    req, res = _mocks("HEAD")
    handler(req, res)
    assert res.status_code == 200


def test_router_every_method_helper() -> None:
    router = create_router()

    def answer(name: str) -> t.Callable[[t.Any, t.Any], None]:
        return lambda req, res: res.set_header("X-Handler", name).end()

    for name in ("put", "patch", "delete", "head", "options"):
        getattr(router, name)(answer(name))
    for name in ("put", "patch", "delete", "head", "options"):
        req, res = _mocks(name.upper())
        router.handler()(req, res)
        assert _headers(res)["x-handler"] == name
    assert router.allowed_methods() == ["DELETE", "HEAD", "OPTIONS", "PATCH", "PUT"]


def test_router_all_matches_any_method() -> None:
    handler = create_router().all(lambda req, res: res.end(req.method)).handler()
    req, res = _mocks("PROPFIND")
    handler(req, res)
    assert res.text == "PROPFIND"


def test_router_middleware_runs_in_order_onion_style() -> None:
    trace: list[str] = []

    def outer(req: t.Any, res: t.Any, next: t.Any) -> None:
        trace.append("outer in")
        next()
        trace.append("outer out")

    def inner(req: t.Any, res: t.Any, next: t.Any) -> None:
        trace.append("inner")
        next()

    def get(req: t.Any, res: t.Any) -> None:
        trace.append("handler")
        res.end("ok")

    create_router().use(outer).use(inner).get(get).handler()(*_mocks())
    assert trace == ["outer in", "inner", "handler", "outer out"]


def test_router_middleware_can_stop_the_chain() -> None:
    def auth(req: t.Any, res: t.Any, next: t.Any) -> None:
        if "authorization" not in req.headers:
            res.status(401).json({"error": "unauthorized"})
            return
        next()

    handler = create_router().use(auth).get(lambda req, res: res.end("secret")).handler()
    req, res = _mocks()
    handler(req, res)
    assert (res.status_code, res.text) == (401, '{"error":"unauthorized"}')
    req, res = _mocks(authorization="Bearer x")
    handler(req, res)
    assert res.text == "secret"


def test_router_async_middleware_and_handlers() -> None:
    trace: list[str] = []

    loops: list[asyncio.AbstractEventLoop] = []

    async def timing(req: t.Any, res: t.Any, next: t.Any) -> None:
        loops.append(asyncio.get_running_loop())
        trace.append("before")
        await next()
        trace.append("after")

    def sync_mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        trace.append("sync")
        next()

    async def get(req: t.Any, res: t.Any) -> None:
        await asyncio.sleep(0)
        loops.append(asyncio.get_running_loop())
        trace.append("handler")
        res.end("ok")

    req, res = _mocks()
    create_router().use(timing, sync_mw).get(get).handler()(req, res)
    assert trace == ["before", "sync", "handler", "after"]
    assert res.text == "ok"
    assert loops[0] is loops[1]  # the sync middleware in between did not start a second loop


def test_router_async_next_not_awaited_still_runs() -> None:
    async def mw(req: t.Any, res: t.Any, next: t.Any) -> None:
        next()

    req, res = _mocks()
    create_router().use(mw).get(lambda req, res: res.end("ran")).handler()(req, res)
    assert res.text == "ran"


def test_router_handler_error_is_a_500_by_default(caplog: pytest.LogCaptureFixture) -> None:
    def boom(req: t.Any, res: t.Any) -> None:
        raise ValueError("broken")

    req, res = _mocks()
    with caplog.at_level(logging.ERROR, logger="routekit"):
        create_router().get(boom).handler()(req, res)
    assert (res.status_code, res.text) == (500, "Internal Server Error")
    assert "broken" in caplog.text


def test_router_default_error_reraises_once_headers_are_sent() -> None:
    def late(req: t.Any, res: t.Any) -> None:
        res.end("partial")
        raise ValueError("late")

    with pytest.raises(ValueError, match="late"):
        create_router().get(late).handler()(*_mocks())


def test_router_on_error_and_on_no_match() -> None:
    def on_error(err: BaseException, req: t.Any, res: t.Any) -> None:
        res.status(418).end(f"handled {err}")

    async def on_no_match(req: t.Any, res: t.Any) -> None:
        res.status(404).end(f"Route {req.method} {req.url} not found")

    def fails(req: t.Any, res: t.Any, next: t.Any) -> None:
        next(RuntimeError("via next"))

    handler = create_router().use(fails).get(lambda req, res: None).handler(on_error, on_no_match)
    req, res = _mocks("GET")
    handler(req, res)
    assert (res.status_code, res.text) == (418, "handled via next")
    req, res = _mocks("DELETE")
    handler(req, res)
    assert (res.status_code, res.text) == (404, "Route DELETE /api/x not found")


def test_router_rejects_path_patterns() -> None:
    with pytest.raises(TypeError, match="path patterns are not supported"):
        create_router().get("/users/:id", lambda req, res: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"use\(\) needs at least one function"):
        create_router().use()


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        (["Accept", "Cookie"], "Accept, Cookie, Origin"),
        ("*", "*"),
        ("Accept, *", "*"),
        ("", "Origin"),
    ],
)
def test_cors_vary_follows_the_vary_package(vary: str | list[str], expected: str) -> None:
    req, res = _mocks("GET", origin="https://a.example")
    res.set_header("Vary", vary)
    run_middleware(req, res, cors(origins=["https://a.example"]))
    assert _headers(res)["vary"] == expected


def test_router_passes_next_only_to_functions_that_take_three_arguments() -> None:
    seen: list[str] = []

    def star(*args: t.Any) -> None:
        seen.append(f"star:{len(args)}")
        args[2]()

    def keyword_only(req: t.Any, res: t.Any, *, next: t.Any = None) -> None:
        seen.append(f"keyword_only:{next}")
        res.end("done")

    class NoSignature:
        __signature__ = "not a signature"  # inspect.signature raises TypeError

        def __call__(self, *args: t.Any) -> None:
            seen.append(f"no_signature:{len(args)}")
            args[2]()

    req, res = _mocks()
    create_router().use(NoSignature(), star).get(keyword_only).handler()(req, res)
    assert seen == ["no_signature:3", "star:3", "keyword_only:None"]
    assert res.text == "done"


def test_router_next_after_the_last_function_does_nothing() -> None:
    trace: list[str] = []

    def sync_last(req: t.Any, res: t.Any, next: t.Any) -> None:
        assert next() is None
        trace.append("sync")

    async def async_last(req: t.Any, res: t.Any, next: t.Any) -> None:
        assert await next() is None
        trace.append("async")

    create_router().get(sync_last).handler()(*_mocks())
    create_router().get(async_last).handler()(*_mocks())
    assert trace == ["sync", "async"]


def test_router_next_error_from_async_and_mixed_chains_reaches_on_error() -> None:
    errors: list[str] = []

    def on_error(err: BaseException, req: t.Any, res: t.Any) -> None:
        errors.append(f"{type(err).__name__}: {err}")
        res.status(400).end()

    async def async_fails(req: t.Any, res: t.Any, next: t.Any) -> None:
        await next(PermissionError("async"))

    async def async_passes(req: t.Any, res: t.Any, next: t.Any) -> None:
        await next()

    def sync_fails(req: t.Any, res: t.Any, next: t.Any) -> None:
        next(LookupError("sync after async"))

    def never(req: t.Any, res: t.Any) -> None:
        errors.append("handler ran")

    req, res = _mocks()
    create_router().use(async_fails).get(never).handler(on_error)(req, res)
    assert res.status_code == 400
    req, res = _mocks()
    create_router().use(async_passes, sync_fails).get(never).handler(on_error)(req, res)
    assert res.status_code == 400
    assert errors == ["PermissionError: async", "LookupError: sync after async"]


def test_router_repr_lists_methods_and_middleware_count() -> None:
    router = create_router().use(lambda req, res, next: next()).get(lambda req, res: None)
    router.post(lambda req, res: None)
    assert repr(router) == "<Router ['GET', 'HEAD', 'POST'] middleware=1>"
