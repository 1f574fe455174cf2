from __future__ import annotations

import json
import logging
import os
import sys
import textwrap
import threading
import time
import types
import typing as t

import pytest

from routekit import _env
from routekit._wire import BufferSink, Exchange, RawRequest
from routekit.app import App
from routekit.errors import RouteDefinitionError, SettingsError
from routekit.loader import importer as loader_importer
from routekit.loader import registry as loader_registry
from routekit.routing.discovery import discover

if t.TYPE_CHECKING:
    from pathlib import Path

PREFIX = "RKAPP_"
_PROJECT_TOPS = ("pages", "app", "api", "lib", "middleware", "proxy")
CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate"

HELLO = """
    def handler(req, res):
        res.send("hello")
"""
BOOM = """
    def handler(req, res):
        raise ValueError("boom")
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[types.ModuleType]:
    """Fresh loader registries, sys.modules/sys.path restored, no RKAPP_ or ROUTEKIT_ENV.

    The ``rk_app_probe`` module records every execution of a route file (``probe.runs``).
    """
    monkeypatch.setattr(loader_registry, "_loaders", {})
    monkeypatch.setattr(loader_importer, "_roots", set())
    monkeypatch.setattr(loader_importer, "_stashes", {})
    monkeypatch.setattr(_env, "_loaded", {})
    monkeypatch.delenv("ROUTEKIT_ENV", raising=False)
    for key in [key for key in os.environ if key.startswith(PREFIX)]:
        monkeypatch.delenv(key)
    modules = dict(sys.modules)
    path = list(sys.path)
    for name in list(sys.modules):
        if name.partition(".")[0] in _PROJECT_TOPS:
            del sys.modules[name]
    probe = types.ModuleType("rk_app_probe")
    probe.runs = []  # type: ignore[attr-defined]
    sys.modules["rk_app_probe"] = probe
    yield probe
    sys.modules.clear()
    sys.modules.update(modules)
    sys.path[:] = path
    for key in [key for key in os.environ if key.startswith(PREFIX)]:
        del os.environ[key]


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _later(root: Path, files: dict[str, str]) -> None:
    """Write *files* once the file-system clock moved on (Linux stamps with a coarse clock)."""
    time.sleep(0.03)
    _write(root, files)


def _send(
    app: App,
    path: str,
    method: str = "GET",
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    mode: t.Any = None,
) -> tuple[BufferSink, Exchange]:
    sink = BufferSink()
    exchange = app.handle(RawRequest(method, path, query, headers or []), sink, mode=mode)
    assert sink.finished
    return sink, exchange


# -- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "env", "mode"),
    [
        ({}, None, "production"),
        ({"dev": True}, None, "development"),
        ({"dev": False}, "development", "production"),
        ({}, "development", "development"),
        ({}, "test", "test"),
        ({"mode": "test"}, None, "test"),
        ({"mode": "production", "dev": True}, "development", "production"),
    ],
)
def test_app_mode(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kwargs: dict[str, t.Any],
    env: str | None,
    mode: str,
) -> None:
    if env is not None:
        monkeypatch.setenv("ROUTEKIT_ENV", env)
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    app = App(tmp_path, **kwargs)
    assert app.mode == mode
    assert repr(app) == f"<routekit.App {str(tmp_path.resolve())!r} mode={mode} routes=1>"


def test_app_rejects_unknown_mode(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^App: mode must be one of .*; got 'staging'\.$"):
        App(tmp_path, mode="staging")  # type: ignore[arg-type]


def test_app_rejects_unknown_routekit_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTEKIT_ENV", "dev")
    with pytest.raises(SettingsError, match=r"^ROUTEKIT_ENV environment variable: must be one"):
        App(tmp_path)


def test_app_rejects_a_root_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"the project root '.*missing' is not a folder"):
        App(tmp_path / "missing")
    (tmp_path / "file.py").write_text("")
    with pytest.raises(SettingsError, match="is not a folder"):
        App(tmp_path / "file.py")


def test_app_rejects_an_invalid_tree_at_construction(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/users/[id].py": HELLO, "pages/api/users/[userId]/x.py": HELLO})
    with pytest.raises(RouteDefinitionError, match=r"different slug names .*'id' !== 'userId'"):
        App(tmp_path)


def test_app_required_env_missing_in_production(tmp_path: Path) -> None:
    _write(tmp_path, {"routekit.toml": 'required_env = ["RKAPP_SECRET", "RKAPP_DB"]\n'})
    with pytest.raises(SettingsError) as info:
        App(tmp_path)
    assert str(info.value).startswith(
        "required_env: production needs the environment variable(s) RKAPP_SECRET, RKAPP_DB;"
    )


def test_app_required_env_only_checked_in_production(tmp_path: Path) -> None:
    _write(tmp_path, {"routekit.toml": 'required_env = ["RKAPP_SECRET"]\n'})
    assert App(tmp_path, dev=True).mode == "development"
    assert App(tmp_path, mode="test").mode == "test"


def test_app_required_env_satisfied_by_env_file(tmp_path: Path) -> None:
    _write(tmp_path, {".env": "RKAPP_SECRET=s3cret\n"})
    App(tmp_path, required_env=["RKAPP_SECRET"])
    assert os.environ["RKAPP_SECRET"] == "s3cret"


def test_app_loads_env_files_for_handlers(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".env": "RKAPP_GREETING=hello\nRKAPP_NAME=env\n",
            ".env.production": "RKAPP_NAME=prod\n",
            "pages/api/greet.py": """
                import os

                def handler(req, res):
                    res.send(os.environ["RKAPP_GREETING"] + " " + os.environ["RKAPP_NAME"])
            """,
        },
    )
    sink, _ = _send(App(tmp_path), "/api/greet")
    assert sink.body == b"hello prod"


# -- path normalisation: Next.js' 308s ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "query", "location"),
    [
        ("GET", "/api/hello/", "", "/api/hello"),
        ("POST", "/api/hello/", "", "/api/hello"),
        ("GET", "/api/hello/", "a=1&b=%20", "/api/hello?a=1&b=%20"),
        # recorded from next start 16.4.6: `//` collapses, the trailing slash goes next time
        ("GET", "/api/hello///", "", "/api/hello/"),
        ("GET", "/api/hello//", "a=%20b", "/api/hello/?a=%20b"),
        # the trailing slash is read on the resolved path; the query as stringifyQuery writes it
        (
            "GET",
            "/api/hello/",
            "q=a%20b&t&a=1&b=2&a=3&c=%7E~",
            "/api/hello?q=a%20b&t=&a=1&a=3&b=2&c=~~",
        ),
        ("GET", "/api/hello/..", "q=a+b", "/api?q=a%20b"),
        ("GET", "/api/hello/.", "", "/api/hello"),
        ("GET", "/api/hello/%2E", "", "/api/hello"),
        ("GET", "//api/hello", "", "/api/hello"),
        ("GET", "/api//hello", "x=1", "/api/hello?x=1"),
        ("DELETE", "/api\\hello", "", "/api/hello"),
        ("GET", "\\api\\\\hello", "", "/api/hello"),
        ("GET", "/nope/", "", "/nope"),
        ("GET", "//", "", "/"),
    ],
)
def test_app_slash_redirect(
    tmp_path: Path, method: str, path: str, query: str, location: str
) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    sink, exchange = _send(App(tmp_path), path, method, query)
    assert (sink.status, sink.reason) == (308, "Permanent Redirect")
    assert sink.headers == [
        ("Location", location),
        ("Refresh", f"0;url={location}"),
        ("Content-Length", str(len(location))),
    ]
    assert sink.body == location.encode()
    assert exchange.match is None


def test_app_slash_redirect_head_has_no_body(tmp_path: Path) -> None:
    sink, _ = _send(App(tmp_path), "/api/x/", "HEAD")
    assert sink.status == 308
    assert ("Content-Length", "6") in sink.headers
    assert sink.body == b""


def test_app_root_path_is_not_redirected(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/index.py": HELLO, "pages/api/hello.py": HELLO})
    sink, _ = _send(App(tmp_path), "/")
    assert sink.status == 404  # pages/index.py is a page, not an API route


# -- 404 and 400 pages -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/API/hello", "/api/hello/extra", "/x"])
def test_app_unknown_path_is_the_404_page(tmp_path: Path, path: str) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    sink, exchange = _send(App(tmp_path), path, "POST")
    assert (sink.status, sink.reason) == (404, "Not Found")
    assert sink.headers[:2] == [
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
    ]
    assert ("Content-Length", str(len(sink.body))) in sink.headers
    assert "<title>404: This page could not be found</title>" in sink.body.decode()
    assert "<h2>This page could not be found.</h2>" in sink.body.decode()
    assert exchange.match is None


def test_app_404_page_head_sends_headers_only(tmp_path: Path) -> None:
    sink, _ = _send(App(tmp_path), "/api/nope", "HEAD")
    assert sink.status == 404
    assert int(dict(sink.headers)["Content-Length"]) > 0
    assert sink.body == b""


@pytest.mark.parametrize("segment", ["%FF", "%E0%A4%A", "a%zz", "%"])
def test_app_malformed_escape_in_dynamic_segment_is_the_400_page(
    tmp_path: Path, segment: str
) -> None:
    _write(tmp_path, {"pages/api/users/[id].py": HELLO})
    sink, _ = _send(App(tmp_path), f"/api/users/{segment}")
    assert (sink.status, sink.reason) == (400, "Bad Request")
    assert sink.headers[:2] == [
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
    ]
    assert "<title>400: Bad Request</title>" in sink.body.decode()


def test_app_malformed_escape_in_static_path_is_a_404(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    sink, _ = _send(App(tmp_path), "/api/%FF")
    assert sink.status == 404


# -- handler errors ----------------------------------------------------------------------------


def test_app_production_500_is_plain_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _write(tmp_path, {"pages/api/boom.py": BOOM})
    with caplog.at_level(logging.ERROR, logger="routekit"):
        sink, exchange = _send(App(tmp_path), "/api/boom", query="q=1")
    assert (sink.status, sink.reason) == (500, "Internal Server Error")
    assert sink.headers == [("Content-Length", "21")]
    assert sink.body == b"Internal Server Error"
    assert isinstance(exchange.exception, ValueError)
    assert caplog.records[-1].getMessage() == (
        "Error while handling GET /api/boom?q=1 (pages/api/boom.py)"
    )
    assert caplog.records[-1].exc_info is not None


@pytest.mark.parametrize("mode", ["production", "test"])
def test_app_500_head_has_no_body(tmp_path: Path, mode: str) -> None:
    _write(tmp_path, {"pages/api/boom.py": BOOM})
    sink, _ = _send(App(tmp_path, mode=mode), "/api/boom", "HEAD")  # type: ignore[arg-type]
    # sendError's res.end(message): Node gives a HEAD response no implicit Content-Length.
    assert (sink.status, sink.headers, sink.body) == (500, [], b"")


def test_app_development_error_page(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/users/[id].py": BOOM})
    sink, exchange = _send(App(tmp_path, dev=True), "/api/users/7", query="a=<b>&c=1")
    assert (sink.status, sink.reason) == (500, "Internal Server Error")
    assert sink.headers[:2] == [
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Type", "text/html; charset=utf-8"),
    ]
    page = sink.body.decode()
    assert "<title>500: ValueError: boom</title>" in page
    assert "in <strong>/api/users/[id]</strong> (pages/api/users/[id].py)" in page
    # The URL as Next.js hands it on (the query serialised again), HTML-escaped.
    assert "<code>GET /api/users/7?a=%3Cb%3E&amp;c=1</code>" in page
    assert "Traceback (most recent call last):" in page
    assert "raise ValueError(&quot;boom&quot;)" in page
    # Static: nothing on the page can run code (no debugger console).
    assert "<script" not in page
    assert "<form" not in page
    assert isinstance(exchange.exception, ValueError)


def test_app_handle_mode_overrides_the_app_mode(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/boom.py": BOOM})
    sink, exchange = _send(App(tmp_path), "/api/boom", mode="development")
    assert exchange.mode == "development"
    assert "<title>500: ValueError: boom</title>" in sink.body.decode()


def test_app_exception_after_the_head_just_ends_the_response(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pages/api/partial.py": """
                def handler(req, res):
                    res.write("partial")
                    raise RuntimeError("late")
            """
        },
    )
    for dev in (False, True):
        sink, exchange = _send(App(tmp_path, dev=dev), "/api/partial")
        assert sink.status == 200
        assert sink.body == b"partial"
        assert isinstance(exchange.exception, RuntimeError)


def test_app_failed_import_is_a_500_and_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = "import rk_app_missing_module\n" + textwrap.dedent(HELLO)
    _write(tmp_path, {"pages/api/flaky.py": broken})
    app = App(tmp_path)
    with caplog.at_level(logging.ERROR, logger="routekit"):
        sink, exchange = _send(app, "/api/flaky")
    assert (sink.status, sink.body) == (500, b"Internal Server Error")
    assert str(exchange.exception) == (
        "pages/api/flaky.py failed to import: ModuleNotFoundError: "
        "No module named 'rk_app_missing_module'"
    )
    logged = caplog.records[-1]
    assert logged.getMessage() == "Error while handling GET /api/flaky (pages/api/flaky.py)"
    assert logged.exc_info is not None
    assert "pages/api/flaky.py failed to import" in str(logged.exc_info[1])
    _later(tmp_path, {"pages/api/flaky.py": HELLO})  # fixed between requests
    sink, exchange = _send(app, "/api/flaky")
    assert (sink.status, sink.body, exchange.exception) == (200, b"hello", None)


def test_app_bad_route_module_is_a_500(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/nohandler.py": "def handle(req, res):\n    pass\n"})
    sink, exchange = _send(App(tmp_path), "/api/nohandler")
    assert sink.status == 500
    assert "did you mean 'handler'?" in str(exchange.exception)


# -- development reload ------------------------------------------------------------------------


def test_app_development_picks_up_added_removed_and_renamed_routes(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    app = App(tmp_path, dev=True)
    assert _send(app, "/api/hello")[0].status == 200
    assert _send(app, "/api/new")[0].status == 404
    _later(tmp_path, {"pages/api/new.py": 'def handler(req, res):\n    res.send("new")\n'})
    assert _send(app, "/api/new")[0].body == b"new"
    time.sleep(0.03)
    (tmp_path / "pages/api/new.py").unlink()
    assert _send(app, "/api/new")[0].status == 404
    time.sleep(0.03)
    (tmp_path / "pages/api/hello.py").rename(tmp_path / "pages/api/renamed.py")
    assert _send(app, "/api/hello")[0].status == 404
    assert _send(app, "/api/renamed")[0].body == b"hello"
    _later(tmp_path, {"pages/api/deep/er/route.py": HELLO})
    assert _send(app, "/api/deep/er/route")[0].body == b"hello"


def test_app_development_reloads_an_edited_route_file(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/hello.py": 'def handler(req, res):\n    res.send("v1")\n'})
    app = App(tmp_path, dev=True)
    assert _send(app, "/api/hello")[0].body == b"v1"
    # Same size, edited in place: the folder's mtime does not change.
    _later(tmp_path, {"pages/api/hello.py": 'def handler(req, res):\n    res.send("v2")\n'})
    assert _send(app, "/api/hello")[0].body == b"v2"


def test_app_production_keeps_the_imported_module(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/hello.py": 'def handler(req, res):\n    res.send("v1")\n'})
    app = App(tmp_path)
    assert _send(app, "/api/hello")[0].body == b"v1"
    _later(tmp_path, {"pages/api/hello.py": 'def handler(req, res):\n    res.send("v2")\n'})
    _later(tmp_path, {"pages/api/new.py": HELLO})
    assert _send(app, "/api/hello")[0].body == b"v1"
    assert _send(app, "/api/new")[0].status == 404


def test_app_development_reloads_an_edited_env_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".env": "RKAPP_COLOUR=red\n",
            "pages/api/colour.py": """
                import os

                def handler(req, res):
                    res.send(os.environ.get("RKAPP_COLOUR", "unset"))
            """,
        },
    )
    app = App(tmp_path, dev=True)
    assert _send(app, "/api/colour")[0].body == b"red"
    _later(tmp_path, {".env": "RKAPP_COLOUR=blue\n"})
    assert _send(app, "/api/colour")[0].body == b"blue"
    _later(tmp_path, {".env.development.local": "RKAPP_COLOUR=green\n"})
    assert _send(app, "/api/colour")[0].body == b"green"


def test_app_development_invalid_tree_after_an_edit_is_a_500_until_fixed(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/users/[id].py": HELLO})
    app = App(tmp_path, dev=True)
    _later(tmp_path, {"pages/api/users/[[name]].py": HELLO})
    sink, exchange = _send(app, "/api/users/1")
    assert sink.status == 500
    assert isinstance(exchange.exception, RouteDefinitionError)
    assert "<title>500: RouteDefinitionError: Optional route parameters" in sink.body.decode()
    time.sleep(0.03)
    (tmp_path / "pages/api/users/[[name]].py").unlink()
    assert _send(app, "/api/users/1")[0].body == b"hello"


# -- handlers ----------------------------------------------------------------------------------


def test_app_revalidate_hook(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pages/api/revalidate.py": """
                def handler(req, res):
                    res.revalidate("/blog/" + req.query["slug"])
                    res.json({"revalidated": True})
            """
        },
    )
    calls: list[str] = []
    sink, exchange = _send(
        App(tmp_path, revalidate=calls.append), "/api/revalidate", query="slug=first"
    )
    assert (sink.status, sink.body) == (200, b'{"revalidated":true}')
    assert calls == ["/blog/first"]
    assert exchange.revalidated == ["/blog/first"]


def test_app_revalidate_hook_failure_is_a_500(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"pages/api/revalidate.py": 'def handler(req, res):\n    res.revalidate("/x")\n'},
    )

    def hook(path: str) -> None:
        raise OSError("cache unreachable")

    sink, exchange = _send(App(tmp_path, revalidate=hook), "/api/revalidate")
    assert sink.status == 500
    assert str(exchange.exception) == "Failed to revalidate /x: cache unreachable"


def test_app_async_handlers_share_one_event_loop_per_thread(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pages/api/event.py": """
                import asyncio

                # Bound to the loop of the first request that waits on it.
                event = asyncio.Event()

                async def handler(req, res):
                    asyncio.get_running_loop().call_soon(event.set)
                    await event.wait()
                    event.clear()
                    res.send("ok")
            """
        },
    )
    app = App(tmp_path)
    for _ in range(3):
        sink, exchange = _send(app, "/api/event")
        assert exchange.exception is None
        assert (sink.status, sink.body) == (200, b"ok")


def test_app_racing_first_requests_import_once(tmp_path: Path, isolated: types.ModuleType) -> None:
    _write(
        tmp_path,
        {
            "pages/api/slow.py": """
                import time

                import rk_app_probe

                rk_app_probe.runs.append(__name__)
                time.sleep(0.05)  # widen the window in which the others arrive

                def handler(req, res):
                    res.send("ok")
            """
        },
    )
    app = App(tmp_path)
    barrier = threading.Barrier(50)
    results: list[tuple[int, bytes, BaseException | None]] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait(timeout=10)
        sink, exchange = _send(app, "/api/slow")
        with lock:
            results.append((sink.status, sink.body, exchange.exception))

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert results == [(200, b"ok", None)] * 50
    assert isolated.runs == ["pages.api.slow"]


def test_app_serves_app_routes_and_edge_handlers(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/api/items/route.py": """
                from routekit import Response

                def GET(request):
                    return Response("items")
            """,
            "pages/api/edge.py": """
                from routekit import Response

                config = {"runtime": "edge"}

                def handler(request):
                    return Response("edge " + request.method)
            """,
        },
    )
    app = App(tmp_path)
    items, exchange = _send(app, "/api/items")
    assert (items.status, items.body) == (200, b"items")
    assert exchange.match is not None
    assert exchange.match.route.relfile == "app/api/items/route.py"
    assert _send(app, "/api/items", "POST")[0].status == 405
    assert _send(app, "/api/edge", "PUT")[0].body == b"edge PUT"


# -- middleware --------------------------------------------------------------------------------

MIDDLEWARE = """
    from routekit import NextResponse

    def middleware(request):
        path = request.next_url.pathname
        if path == "/api/old":
            return NextResponse.redirect("http://localhost/api/hello", 308)
        if path == "/api/alias":
            return NextResponse.rewrite("http://localhost/api/headers")
        response = NextResponse.next()
        response.headers.set("x-from-middleware", "yes")
        return response
"""

HEADERS = """
    def handler(req, res):
        res.json(sorted(name for name in req.headers if name.startswith("x-")))
"""


def test_app_runs_root_middleware(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"middleware.py": MIDDLEWARE, "pages/api/hello.py": HELLO, "pages/api/headers.py": HEADERS},
    )
    app = App(tmp_path)
    redirect, _ = _send(app, "/api/old")
    assert (redirect.status, dict(redirect.headers)["location"]) == (308, "/api/hello")
    rewritten, exchange = _send(app, "/api/alias")
    assert rewritten.status == 200
    assert exchange.match is not None
    assert exchange.match.route.pattern == "/api/headers"
    hello, _ = _send(app, "/api/hello")
    assert hello.body == b"hello"
    assert ("x-from-middleware", "yes") in hello.headers


@pytest.mark.parametrize("name", ["middleware.py", "proxy.py"])
def test_app_development_reloads_an_edited_middleware_file(tmp_path: Path, name: str) -> None:
    """An in-place edit of proxy.py took no effect: only middleware.py was watched (issue 13)."""
    function = name.removesuffix(".py")
    source = """
        from routekit import NextResponse

        def {function}(request):
            response = NextResponse.next()
            response.headers.set("x-version", "{version}")
            return response
    """
    files = {name: source.format(function=function, version="1"), "pages/api/hello.py": HELLO}
    _write(tmp_path, files)
    app = App(tmp_path, dev=True)
    assert ("x-version", "1") in _send(app, "/api/hello")[0].headers
    # Same size, edited in place: the root folder's mtime does not change.
    _later(tmp_path, {name: source.format(function=function, version="2")})
    assert ("x-version", "2") in _send(app, "/api/hello")[0].headers


def test_app_middleware_setting_off_skips_it(tmp_path: Path) -> None:
    _write(tmp_path, {"middleware.py": MIDDLEWARE, "pages/api/hello.py": HELLO})
    app = App(tmp_path, middleware=False)
    assert app.middleware is None
    assert _send(app, "/api/old")[0].status == 404


@pytest.mark.parametrize("with_middleware", [False, True])
def test_app_strips_internal_headers(tmp_path: Path, with_middleware: bool) -> None:
    files = {"pages/api/headers.py": HEADERS}
    if with_middleware:
        files["middleware.py"] = MIDDLEWARE
    _write(tmp_path, files)
    sent = [
        ("x-middleware-subrequest", "middleware"),
        ("X-Matched-Path", "/api/admin"),
        ("x-custom", "kept"),
    ]
    sink, _ = _send(App(tmp_path), "/api/headers", headers=sent)
    # Next.js copies a middleware's response headers onto the request too, and adds its
    # x-forwarded-* headers to every request.
    forwarded = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto"]
    expected = ["x-custom", *forwarded] + (["x-from-middleware"] if with_middleware else [])
    assert sink.body == json.dumps(expected, separators=(",", ":")).encode()


def test_app_handle_fills_the_callers_exchange(tmp_path: Path) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    app = App(tmp_path)
    raw = RawRequest("GET", "/api/hello")
    mine = Exchange(raw, "test")
    sink = BufferSink()
    assert app.handle(raw, sink, exchange=mine) is mine
    assert mine.match is not None
    assert mine.match.route.pattern == "/api/hello"
    assert sink.body == b"hello"


class _GoneSink(BufferSink):
    """A client that goes away after the head: writes raise, as a closed socket would."""

    def write(self, data: bytes) -> None:
        raise ConnectionResetError("client went away")

    @property
    def disconnected(self) -> bool:
        return self.started


def test_app_client_gone_mid_stream_is_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(
        tmp_path,
        {
            "pages/api/stream.py": """
                def handler(req, res):
                    while True:
                        res.write("tick")
            """
        },
    )
    sink = _GoneSink()
    with caplog.at_level(logging.ERROR, logger="routekit"):
        exchange = App(tmp_path).handle(RawRequest("GET", "/api/stream"), sink)
    assert sink.status == 200
    assert exchange.exception is None
    assert caplog.records == []


def test_app_connection_error_of_the_handler_is_a_500(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"pages/api/db.py": 'def handler(req, res):\n    raise ConnectionError("db down")\n'},
    )
    sink, exchange = _send(App(tmp_path), "/api/db")
    assert (sink.status, sink.body) == (500, b"Internal Server Error")
    assert isinstance(exchange.exception, ConnectionError)


def test_app_concurrent_reloads_rescan_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"pages/api/hello.py": HELLO})
    app = App(tmp_path, dev=True)
    _later(tmp_path, {"pages/api/new.py": HELLO})
    scans: list[int] = []
    real_discover = discover

    def counting_discover(*args: t.Any) -> t.Any:
        scans.append(1)
        return real_discover(*args)

    monkeypatch.setattr("routekit.app.discover", counting_discover)
    with app._lock:  # a reload in progress elsewhere
        thread = threading.Thread(target=app._reload_if_changed)
        thread.start()
        time.sleep(0.05)  # the thread now waits for the lock with the new signature
        app._tree_signature = app._signature()  # ... which the other reload recorded
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert scans == []
