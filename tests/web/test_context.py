from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from routekit.errors import (
    NotFoundSignal,
    ReadonlyHeadersError,
    RedirectSignal,
    RequestScopeError,
    RoutekitError,
)
from routekit.web.context import (
    cookies,
    current_scope,
    draft_mode,
    headers,
    not_found,
    permanent_redirect,
    redirect,
    request_scope,
)
from routekit.web.request import NextRequest
from routekit.web.response import Response


def _request(**headers):
    return NextRequest("http://localhost:3000/x", headers=headers)


@pytest.mark.parametrize(
    ("helper", "name"), [(headers, "headers"), (cookies, "cookies"), (draft_mode, "draftMode")]
)
def test_helpers_outside_a_request_scope_raise_nextjs_error(helper, name):
    with pytest.raises(RequestScopeError) as info:
        helper()
    assert str(info.value).startswith(
        f"`{name}` was called outside a request scope. Read more: "
        "https://nextjs.org/docs/messages/next-dynamic-api-wrong-context"
    )
    assert isinstance(info.value, RoutekitError)


def test_request_scope_nests_and_resets():
    with request_scope(_request(x_id="outer")) as outer:
        assert current_scope() is outer
        with request_scope(_request(x_id="inner")):
            assert headers().get("x_id") == "inner"
        assert headers().get("x_id") == "outer"
    assert current_scope() is None


def test_headers_is_read_only_with_nextjs_message():
    with request_scope(_request(a="1")), pytest.raises(ReadonlyHeadersError) as info:
        headers().append("b", "2")
    assert str(info.value) == (
        "Headers cannot be modified. Read more: "
        "https://nextjs.org/docs/app/api-reference/functions/headers"
    )


def test_cookies_prefilled_with_path_and_get_after_set():
    request = _request(cookie="theme=dark")
    with request_scope(request) as scope:
        assert cookies().get("theme").path == "/"
        cookies().set("theme", "light")
        assert cookies().get("theme").value == "light"
        cookies().delete("gone")
        assert [c.name for c in scope.modified_cookies()] == ["theme", "gone"]
    assert request.cookies.get("theme").value == "dark"


def test_cookies_include_middleware_set_cookies():
    request = _request(cookie="a=1", **{"x-middleware-set-cookie": "b=2; Path=/,a=3"})
    with request_scope(request):
        assert cookies().get("a").value == "3"
        assert cookies().get("b").value == "2"


def test_apply_cookies_merges_mutations_response_cookie_wins():
    with request_scope(_request()) as scope:
        cookies().set("a", "from-cookies")
        cookies().set("b", "2", http_only=True)
        response = Response("body", 201, [("set-cookie", "a=from-response")])
        merged = scope.apply_cookies(response)
    assert merged.status == 201
    assert merged.headers.get_set_cookie() == ["a=from-response; Path=/", "b=2; Path=/; HttpOnly"]
    assert merged.text_sync() == "body"
    assert response.headers.get_set_cookie() == ["a=from-response"]


def test_apply_cookies_without_mutation_returns_the_same_response():
    with request_scope(_request(cookie="a=1")) as scope:
        cookies().get("a")
        response = Response(None)
        assert scope.apply_cookies(response) is response


def test_draft_mode_enable_disable_and_is_enabled():
    with request_scope(_request()) as scope:
        assert not draft_mode().is_enabled
        draft_mode().enable()
        (enabled,) = scope.modified_cookies()
    assert enabled.secure is True
    assert enabled.same_site == "none"
    assert enabled.http_only is True
    with request_scope(_request(cookie=f"__prerender_bypass={enabled.value}")) as scope:
        assert draft_mode().is_enabled
        draft_mode().disable()
        (disabled,) = scope.modified_cookies()
    assert disabled.value == ""
    assert disabled.expires is not None
    assert disabled.expires.timestamp() == 0


def test_draft_mode_development_accepts_any_value_and_uses_lax():
    with request_scope(_request(cookie="__prerender_bypass=whatever"), mode="development") as s:
        assert draft_mode().is_enabled
        draft_mode().enable()
        (cookie,) = s.modified_cookies()
    assert (cookie.value, cookie.same_site, cookie.secure) == ("development-id", "lax", False)
    with request_scope(_request(cookie="__prerender_bypass=whatever")):
        assert not draft_mode().is_enabled


@pytest.mark.parametrize(
    ("call", "status"), [(lambda: redirect("/a"), 307), (lambda: permanent_redirect("/a"), 308)]
)
def test_redirect_helpers_raise_signals(call, status):
    with pytest.raises(RedirectSignal) as info:
        call()
    assert (info.value.url, info.value.status) == ("/a", status)
    with pytest.raises(NotFoundSignal):
        not_found()


def test_scope_is_private_to_each_of_100_threads():
    barrier = threading.Barrier(100)

    def work(index):
        with request_scope(_request(x_id=str(index))):
            barrier.wait(timeout=10)  # every thread is inside its scope at once
            cookies().set("i", str(index))
            return headers().get("x_id"), cookies().get("i").value

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(work, range(100)))
    assert results == [(str(i), str(i)) for i in range(100)]


def test_scope_is_private_to_each_of_100_asyncio_tasks():
    async def work(index, started):
        with request_scope(_request(x_id=str(index))):
            started.append(index)
            while len(started) < 100:  # interleave: all tasks are inside their scopes
                await asyncio.sleep(0)
            return headers().get("x_id")

    async def main():
        started: list[int] = []
        return await asyncio.gather(*(work(i, started) for i in range(100)))

    assert asyncio.run(main()) == [str(i) for i in range(100)]
