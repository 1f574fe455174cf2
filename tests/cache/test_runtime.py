"""App-route caching through the test client: what ``next start`` answers, case by case.

Sources read (Next.js 16): ``packages/next/src/server/lib/cache-control.ts``
(``getCacheControlHeader``), ``build/templates/app-route.ts`` (``x-nextjs-cache``, the cache
key, a handler's own ``Cache-Control`` kept, errors not cached),
``server/route-modules/app-route/module.ts`` (force-static stubs, ``dynamic = "error"``,
``hasNonStaticMethods``), ``app-route/helpers/is-static-gen-enabled.ts`` (what opts in),
``server/web/spec-extension/revalidate.ts`` (``revalidatePath``/``revalidateTag``) and
``config-shared.ts`` (``expireTime: 31536000``). Ported cases:
``test/e2e/app-dir/app-routes/app-custom-routes.test.ts`` ("works with generateStaticParams
correctly": ``/static/[slug]/data.json``, ``/revalidate-1/[slug]/data.json``).
"""

from __future__ import annotations

import typing as t

import pytest

from routekit.errors import RoutekitError, StaticGenerationError

COUNTER = """
import itertools
from routekit import Response
_n = itertools.count()
{exports}
def GET(request):
    return Response(f"n={{next(_n)}}")
"""


def counter(exports: str) -> str:
    return COUNTER.format(exports=exports)


@pytest.mark.parametrize(
    ("exports", "cache_control"),
    [
        ("revalidate = 60", "s-maxage=60, stale-while-revalidate=31535940"),
        ("revalidate = 1", "s-maxage=1, stale-while-revalidate=31535999"),
        ('dynamic = "force-static"', "s-maxage=31536000, stale-while-revalidate"),
        ("revalidate = False", "s-maxage=31536000, stale-while-revalidate"),
        ('dynamic = "error"', "s-maxage=31536000, stale-while-revalidate"),
        (
            'dynamic = "force-static"\nrevalidate = 30',
            "s-maxage=30, stale-while-revalidate=31535970",
        ),
    ],
)
def test_cache_control_of_a_cached_route(
    make_client: t.Any, exports: str, cache_control: str
) -> None:
    client = make_client({"app/api/t/route.py": counter(exports)})
    first = client.get("/api/t")
    assert (first.cache, first.text, first.headers["cache-control"]) == (
        "MISS",
        "n=0",
        cache_control,
    )
    second = client.get("/api/t")
    assert (second.cache, second.text, second.headers["cache-control"]) == (
        "HIT",
        "n=0",
        cache_control,
    )


def test_cache_control_when_revalidate_reaches_expire_time(make_client: t.Any) -> None:
    # getCacheControlHeader: revalidate >= expire leaves an empty stale-while-revalidate.
    client = make_client({"app/api/t/route.py": counter("revalidate = 100")}, expire_time=100)
    assert client.get("/api/t").headers["cache-control"] == "s-maxage=100, "


def test_cache_control_follows_expire_time(make_client: t.Any) -> None:
    client = make_client({"app/api/t/route.py": counter("revalidate = 60")}, expireTime=3600)
    assert (
        client.get("/api/t").headers["cache-control"] == "s-maxage=60, stale-while-revalidate=3540"
    )


def test_a_handlers_own_cache_control_is_kept(make_client: t.Any) -> None:
    source = """
    from routekit import Response
    revalidate = 60
    def GET():
        return Response("x", headers={"Cache-Control": "public, max-age=5"})
    """
    client = make_client({"app/api/t/route.py": source})
    assert client.get("/api/t").headers["cache-control"] == "public, max-age=5"
    hit = client.get("/api/t")
    assert (hit.cache, hit.headers["cache-control"]) == ("HIT", "public, max-age=5")


@pytest.mark.parametrize(
    "exports",
    [
        "",  # Next.js 15+: GET route handlers are not cached by default
        "revalidate = 0",
        'dynamic = "force-dynamic"',
        'dynamic = "force-dynamic"\nrevalidate = 60',
        "revalidate = 60\ndef POST(request):\n    return Response('p')",  # hasNonStaticMethods
    ],
)
def test_uncached_routes_render_every_time(make_client: t.Any, exports: str) -> None:
    client = make_client({"app/api/t/route.py": counter(exports)})
    first, second = client.get("/api/t"), client.get("/api/t")
    assert (first.text, second.text) == ("n=0", "n=1")
    assert (first.cache, second.cache) == (None, None)
    assert "cache-control" not in second.headers


def test_stale_is_served_while_regenerated_in_the_background(
    make_client: t.Any, clock: t.Any
) -> None:
    client = make_client({"app/api/t/route.py": counter("revalidate = 60")})
    app = client.app
    assert client.get("/api/t").cache == "MISS"
    clock.now += 59.9
    assert (client.get("/api/t").cache, client.get("/api/t").text) == ("HIT", "n=0")
    clock.now += 0.2
    stale = client.get("/api/t")
    assert (stale.cache, stale.text) == ("STALE", "n=0")
    assert app.cache.wait()
    fresh = client.get("/api/t")
    assert (fresh.cache, fresh.text) == ("HIT", "n=1")


def test_one_regeneration_per_key_at_a_time(make_client: t.Any, clock: t.Any) -> None:
    source = """
    import itertools, threading
    from routekit import Response
    revalidate = 10
    gate = threading.Event()
    _n = itertools.count()
    def GET():
        n = next(_n)
        if n:
            gate.wait(5)
        return Response(f"n={n}")
    """
    client = make_client({"app/api/t/route.py": source})
    assert client.get("/api/t").cache == "MISS"
    clock.now += 11
    states = [client.get("/api/t").cache for _ in range(5)]
    assert states == ["STALE"] * 5
    module = client.app.loader.load(client.app.routes.match("/api/t").route).module
    module.gate.set()
    assert client.app.cache.wait()
    assert client.get("/api/t").text == "n=1"  # one regeneration ran, not five


def test_past_expire_time_is_a_miss(make_client: t.Any, clock: t.Any) -> None:
    client = make_client({"app/api/t/route.py": counter("revalidate = 60")}, expire_time=120)
    client.get("/api/t")
    clock.now += 121
    miss = client.get("/api/t")
    assert (miss.cache, miss.text) == ("MISS", "n=1")


def test_head_is_answered_from_the_get_entry(make_client: t.Any) -> None:
    client = make_client({"app/api/t/route.py": counter("revalidate = 60")})
    head = client.head("/api/t")
    assert (head.status_code, head.cache, head.body) == (200, "MISS", b"")
    get = client.get("/api/t")
    assert (get.cache, get.text) == ("HIT", "n=0")
    assert client.head("/api/t").cache == "HIT"


def test_query_is_not_part_of_the_key(make_client: t.Any) -> None:
    client = make_client({"app/api/t/route.py": counter('dynamic = "force-static"')})
    assert client.get("/api/t?a=1").cache == "MISS"
    hit = client.get("/api/t?a=2")
    assert (hit.cache, hit.text) == ("HIT", "n=0")


def test_force_static_request_stubs(make_client: t.Any) -> None:
    # forceStaticRequestHandlers: empty headers and cookies, no search params, clean url.
    source = """
    from routekit import Response, headers, cookies
    dynamic = "force-static"
    def GET(request):
        return Response.json({
            "url": request.url,
            "search": request.next_url.search,
            "params": list(request.next_url.search_params),
            "headers": list(request.headers),
            "cookies": request.cookies.get_all(),
            "scope_headers": list(headers()),
            "scope_cookies": [c.name for c in cookies().get_all()],
            "path": request.next_url.pathname,
        })
    """
    client = make_client({"app/api/t/route.py": source})
    res = client.get("/api/t?q=1", headers={"x-secret": "1"}, cookies={"sid": "abc"})
    assert res.json_data() == {
        "url": "http://localhost:3000/api/t",
        "search": "",
        "params": [],
        "headers": [],
        "cookies": [],
        "scope_headers": [],
        "scope_cookies": [],
        "path": "/api/t",
    }
    assert res.cache == "MISS"


def test_force_static_headers_are_sealed(make_client: t.Any) -> None:
    source = """
    from routekit import Response
    dynamic = "force-static"
    def GET(request):
        request.headers.set("x", "1")
        return Response("unreachable")
    """
    client = make_client({"app/api/t/route.py": source})
    with pytest.raises(Exception, match="force-static"):
        client.get("/api/t")


@pytest.mark.parametrize(
    ("read", "expression"),
    [
        ("request.headers.get('x')", "request.headers"),
        ("request.cookies.get('x')", "request.cookies"),
        ("request.url", "request.url"),
        ("request.next_url.search_params.get('q')", "next_url.search_params"),
        ("headers().get('x')", "request.headers"),
    ],
)
def test_dynamic_error_refuses_dynamic_reads(
    make_client: t.Any, read: str, expression: str
) -> None:
    source = f"""
    from routekit import Response, headers
    dynamic = "error"
    def GET(request):
        {read}
        return Response("x")
    """
    client = make_client({"app/api/t/route.py": source})
    with pytest.raises(StaticGenerationError) as info:
        client.get("/api/t")
    assert str(info.value) == (
        f'Route /api/t with `dynamic = "error"` couldn\'t be rendered statically because it '
        f"used `{expression}`."
    )


def test_dynamic_error_allows_the_pathname(make_client: t.Any) -> None:
    source = """
    from routekit import Response
    dynamic = "error"
    def GET(request):
        return Response(request.next_url.pathname)
    """
    client = make_client({"app/api/t/route.py": source})
    assert (client.get("/api/t").text, client.get("/api/t").cache) == ("/api/t", "HIT")


def test_a_dynamic_read_in_auto_mode_is_not_cached(make_client: t.Any) -> None:
    # proxyNextRequest tracks the read; the build then marks the route dynamic.
    source = """
    from routekit import Response
    revalidate = 60
    def GET(request):
        return Response(request.headers.get("x-who") or "nobody")
    """
    client = make_client({"app/api/t/route.py": source})
    first = client.get("/api/t", headers={"x-who": "ann"})
    second = client.get("/api/t", headers={"x-who": "bob"})
    assert (first.text, second.text, second.cache) == ("ann", "bob", None)


def test_an_error_is_not_cached(make_client: t.Any) -> None:
    source = """
    import itertools
    from routekit import Response
    revalidate = 60
    _n = itertools.count()
    def GET():
        if next(_n) == 0:
            raise RuntimeError("boom")
        return Response("ok")
    """
    client = make_client({"app/api/t/route.py": source})
    failed = client.get("/api/t", raise_errors=False)
    assert (failed.status_code, failed.cache) == (500, None)
    assert isinstance(failed.exception, RuntimeError)
    assert (client.get("/api/t").cache, client.get("/api/t").cache) == ("MISS", "HIT")


STATIC_PARAMS = """
import itertools
from routekit import Response
_n = itertools.count()
{exports}
def generate_static_params():
    return [{{"slug": "first"}}, {{"slug": "second"}}]
def GET(request, ctx):
    return Response.json({{"params": ctx.params, "n": next(_n)}})
"""


@pytest.mark.parametrize("path", ["/static/first/data.json", "/static/three/data.json"])
def test_generate_static_params_caches_listed_and_other_params(
    make_client: t.Any, path: str
) -> None:
    client = make_client({"app/static/[slug]/data.json/route.py": STATIC_PARAMS.format(exports="")})
    first = client.get(path)
    assert first.json_data() == {"params": {"slug": path.split("/")[2]}, "n": 0}
    assert (first.cache, first.headers["cache-control"]) == (
        "MISS",
        "s-maxage=31536000, stale-while-revalidate",
    )
    assert client.get(path).cache == "HIT"


def test_revalidate_1_with_static_params_renders_again(make_client: t.Any, clock: t.Any) -> None:
    # "revalidates correctly on /revalidate-1/first/data.json"
    client = make_client(
        {
            "app/revalidate-1/[slug]/data.json/route.py": STATIC_PARAMS.format(
                exports="revalidate = 1"
            )
        }
    )
    data = client.get("/revalidate-1/first/data.json").json_data()
    clock.now += 2
    assert client.get("/revalidate-1/first/data.json").cache == "STALE"
    assert client.app.cache.wait()
    assert client.get("/revalidate-1/first/data.json").json_data() != data


def test_dynamic_params_false_is_a_404_for_other_params(make_client: t.Any) -> None:
    source = STATIC_PARAMS.format(exports="dynamic_params = False")
    client = make_client({"app/static/[slug]/route.py": source})
    assert client.get("/static/first").status_code == 200
    missing = client.get("/static/three")
    assert (missing.status_code, missing.cache) == (404, None)


def test_a_dynamic_route_without_static_params_is_not_cached(make_client: t.Any) -> None:
    source = """
    import itertools
    from routekit import Response
    revalidate = 60
    _n = itertools.count()
    def GET(request, ctx):
        return Response(str(next(_n)))
    """
    client = make_client({"app/api/[id]/route.py": source})
    assert [client.get("/api/1").text, client.get("/api/1").text] == ["0", "1"]


REVALIDATOR = """
from routekit import Response
from routekit.cache import revalidate_path, revalidate_tag
def POST(request):
    what = request.next_url.search_params
    if what.get("path"):
        revalidate_path(what.get("path"), what.get("type"))
    if what.get("tag"):
        revalidate_tag(what.get("tag"), what.get("profile"))
    return Response("done")
"""
TAGGED = """
import itertools
from routekit import Response
from routekit.cache import cache_tag
revalidate = 3600
_n = itertools.count()
def GET():
    cache_tag("posts")
    return Response(f"n={next(_n)}")
"""


def _tagged(make_client: t.Any) -> t.Any:
    return make_client(
        {
            "app/api/posts/route.py": TAGGED,
            "app/api/other/route.py": counter("revalidate = 3600"),
            "app/api/revalidate/route.py": REVALIDATOR,
        }
    )


def test_revalidate_path_expires_that_path(make_client: t.Any) -> None:
    client = _tagged(make_client)
    client.get("/api/posts"), client.get("/api/other")
    client.post("/api/revalidate?path=/api/posts")
    miss = client.get("/api/posts")
    assert (miss.cache, miss.text) == ("MISS", "n=1")
    assert client.get("/api/other").cache == "HIT"


def test_revalidate_path_layout_expires_everything_below(make_client: t.Any) -> None:
    client = _tagged(make_client)
    client.get("/api/posts"), client.get("/api/other")
    client.post("/api/revalidate?path=/api&type=layout")
    assert (client.get("/api/posts").cache, client.get("/api/other").cache) == ("MISS", "MISS")


def test_revalidate_tag_without_profile_expires(make_client: t.Any) -> None:
    client = _tagged(make_client)
    client.get("/api/posts"), client.get("/api/other")
    client.post("/api/revalidate?tag=posts")
    assert (client.get("/api/posts").cache, client.get("/api/other").cache) == ("MISS", "HIT")


def test_revalidate_tag_max_serves_stale_then_fresh(make_client: t.Any) -> None:
    client = _tagged(make_client)
    client.get("/api/posts")
    client.post("/api/revalidate?tag=posts&profile=max")
    stale = client.get("/api/posts")
    assert (stale.cache, stale.text) == ("STALE", "n=0")
    assert client.app.cache.wait()
    fresh = client.get("/api/posts")
    assert (fresh.cache, fresh.text) == ("HIT", "n=1")


def test_pages_res_revalidate_expires_the_app_route(make_client: t.Any) -> None:
    client = make_client(
        {
            "app/api/posts/route.py": TAGGED,
            "pages/api/revalidate.py": """
            def handler(req, res):
                res.revalidate("/api/posts")
                res.json({"revalidated": True})
            """,
        }
    )
    client.get("/api/posts")
    assert client.get("/api/revalidate").json_data() == {"revalidated": True}
    assert client.get("/api/posts").cache == "MISS"


def test_revalidate_outside_a_handler_says_where_to_call_it() -> None:
    from routekit.cache import revalidate_path

    with pytest.raises(RoutekitError, match=r"revalidate_path\(\) was called outside an app route"):
        revalidate_path("/x")


def test_development_mode_never_caches(tmp_path: t.Any) -> None:
    from routekit import App
    from routekit_pytest import Client

    from .conftest import write_routes

    root = write_routes(tmp_path, {"app/api/t/route.py": counter("revalidate = 60")})
    client = Client(App(root, mode="development"))
    assert [client.get("/api/t").cache, client.get("/api/t").text] == [None, "n=1"]
