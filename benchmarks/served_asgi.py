"""Group served_asgi, the ASGI door served: requests per second over HTTP on 127.0.0.1.

routekit (`app.asgi`: an `async def GET` app route), Starlette and FastAPI (an `async def`
endpoint each) under the same uvicorn settings: one worker, httptools, uvloop, no access
log. Route: `GET /api/posts?kb=N`, a JSON list of posts at the sizes of
`benchmarks/_payloads.py` (built once per process, serialised per request:
`Response.json()`, Starlette's `JSONResponse`, FastAPI's idiomatic `return data`). Next.js
(`next start`, set up as the served group does, reported as not measured when it cannot be)
is compared on `GET /api/hello`, the small body its benchmark app has (an `async def` pages
handler in routekit, an ETag on both). Load: `wrk -t1 -c8` on the same
two cores; an unmeasured warm-up per server and route, then rounds rotating the server
order; the median requests/s is reported.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import typing as t
from pathlib import Path

from ._harness import Config, NotMeasured, Row, Target, median_ratio
from ._payloads import SIZES_KB, posts, size_label
from ._servers import REPO, free_port, get, running
from .served import NEXT_DIR, ensure_nextjs, ensure_wrk, wrk

__all__ = ["fastapi_app", "routekit_app", "run", "starlette_app"]

GROUP = "served_asgi"
HELLO = {"name": "John Doe"}
_ROOT_VARIABLE = "ROUTEKIT_BENCH_ASGI_ROOT"
_POSTS_ROUTE = """\
from benchmarks._payloads import posts
from routekit.web import Response

_DATA = {}


async def GET(request):
    kb = float(request.next_url.search_params.get("kb") or "0.1")
    data = _DATA.get(kb)
    if data is None:
        data = _DATA[kb] = posts(kb)
    return Response.json(data)
"""
_HELLO_HANDLER = """\
async def handler(req, res):
    res.status(200).json({"name": "John Doe"})
"""

_cache: dict[float, list[dict[str, t.Any]]] = {}


def _data(kb: float) -> list[dict[str, t.Any]]:
    if kb not in _cache:
        _cache[kb] = posts(kb)
    return _cache[kb]


def routekit_app() -> t.Any:
    """The routekit peer: the project uvicorn's factory finds in ``$ROUTEKIT_BENCH_ASGI_ROOT``."""
    from routekit import App

    return App(os.environ[_ROOT_VARIABLE], mode="production").asgi


def starlette_app() -> t.Any:
    """The Starlette peer: the same two routes, ``async def`` endpoints."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def posts_endpoint(request: Request) -> JSONResponse:
        return JSONResponse(_data(float(request.query_params.get("kb", "0.1"))))

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse(HELLO)

    return Starlette(routes=[Route("/api/posts", posts_endpoint), Route("/api/hello", hello)])


def fastapi_app() -> t.Any:
    """The FastAPI peer: the same two routes, as FastAPI's tutorial writes them."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/api/posts")
    async def posts_endpoint(kb: float = 0.1) -> t.Any:
        return _data(kb)

    @app.get("/api/hello")
    async def hello() -> t.Any:
        return HELLO

    return app


def _uvicorn(factory: str, port: int) -> list[str]:
    """uvicorn with the settings every ASGI server here shares."""
    return [
        sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
        "--port", str(port), "--workers", "1", "--http", "httptools", "--loop", "uvloop",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


def _paths() -> list[str]:
    # The small bodies first: a 1 MB run leaves the server busy for a moment after wrk stops.
    return ["/api/hello"] + [f"/api/posts?kb={kb:g}" for kb in SIZES_KB]


def run(config: Config) -> list[Row]:
    """Rows per size: routekit / Starlette (≥ 1×), routekit / FastAPI (context); and
    routekit / Next.js on the small hello body (≥ 2×)."""
    seconds = 1.0 if config.quick else 5.0
    rounds = 1 if config.quick else 3
    peers = {"Starlette": Target(">=", 1.0), "FastAPI": None}
    try:
        ensure_wrk()
        import fastapi  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except (NotMeasured, ImportError) as exc:
        reason = str(exc) if isinstance(exc, NotMeasured) else f"{exc.name} is not installed"
        rows = [
            Row(
                GROUP,
                f"GET /api/posts {size_label(kb)}: routekit / {p} req/s",
                None,
                tg,
                note=reason,
            )
            for kb in SIZES_KB
            for p, tg in peers.items()
        ]
        return [
            *rows,
            Row(
                GROUP,
                "GET /api/hello: routekit / Next.js req/s",
                None,
                Target(">=", 2.0),
                note=reason,
            ),
        ]
    next_reason = ""
    try:
        ensure_nextjs()
    except NotMeasured as exc:
        next_reason = str(exc)
    paths = _paths()
    with (
        tempfile.TemporaryDirectory(prefix="routekit-bench-asgi-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        root = Path(tmp)
        (root / "pages" / "api").mkdir(parents=True)
        (root / "app" / "api" / "posts").mkdir(parents=True)
        (root / "app" / "api" / "posts" / "route.py").write_text(_POSTS_ROUTE)
        (root / "pages" / "api" / "hello.py").write_text(_HELLO_HANDLER)
        env = {
            _ROOT_VARIABLE: str(root),
            "ROUTEKIT_ENV": "production",
            "NEXT_TELEMETRY_DISABLED": "1",
        }
        servers = {
            "routekit": "benchmarks.served_asgi:routekit_app",
            "Starlette": "benchmarks.served_asgi:starlette_app",
            "FastAPI": "benchmarks.served_asgi:fastapi_app",
        }
        ports: dict[str, int] = {}
        for name, factory in servers.items():
            port = free_port()
            stack.enter_context(
                running(_uvicorn(factory, port), port, cwd=REPO, env=env, ready_path="/api/hello")
            )
            for path in paths:
                status, body = get(port, path)
                if status != 200 or not body.startswith((b"[", b"{")):
                    raise RuntimeError(f"{name} answered {status} {body[:100]!r} for {path}")
            ports[name] = port
        if not next_reason:
            port = free_port()
            next_bin = str(NEXT_DIR / "node_modules" / "next" / "dist" / "bin" / "next")
            command = ["node", next_bin, "start", "-p", str(port), "-H", "127.0.0.1"]
            try:
                stack.enter_context(
                    running(command, port, cwd=NEXT_DIR, env=env, ready_path="/api/hello")
                )
                ports["Next.js"] = port
            except RuntimeError as exc:
                next_reason = f"next start failed: {exc}"
        routes = {name: paths if name != "Next.js" else ["/api/hello"] for name in ports}
        samples: dict[tuple[str, str], list[float]] = {
            (name, path): [] for name in ports for path in routes[name]
        }
        for name, port in ports.items():  # warm-up, unmeasured
            for path in routes[name]:
                wrk(port, path, 1.0 if config.quick else 2.0)
        order = list(ports)
        for index in range(rounds):
            shift = index % len(order)
            for name in order[shift:] + order[:shift]:
                for path in routes[name]:
                    samples[name, path].append(wrk(ports[name], path, seconds))
    return _rows(samples, peers, next_reason, seconds, rounds)


def _row(
    samples: dict[tuple[str, str], list[float]],
    title: str,
    path: str,
    peer: str,
    target: Target | None,
    seconds: float,
    rounds: int,
) -> Row:
    ours, theirs = samples["routekit", path], samples[peer, path]
    return Row(
        GROUP,
        title,
        median_ratio(ours, theirs),
        target,
        context=f"routekit {statistics.median(ours):,.0f} req/s, {peer} "
        f"{statistics.median(theirs):,.0f} req/s (uvicorn, wrk -t1 -c8, {seconds:g} s × {rounds})",
    )


def _rows(
    samples: dict[tuple[str, str], list[float]],
    peers: dict[str, Target | None],
    next_reason: str,
    seconds: float,
    rounds: int,
) -> list[Row]:
    rows = []
    for kb in SIZES_KB:
        path = f"/api/posts?kb={kb:g}"
        for peer, target in peers.items():
            title = f"GET /api/posts {size_label(kb)}: routekit / {peer} req/s"
            rows.append(_row(samples, title, path, peer, target, seconds, rounds))
    title = "GET /api/hello: routekit / Next.js req/s"
    if ("Next.js", "/api/hello") in samples:
        rows.append(
            _row(samples, title, "/api/hello", "Next.js", Target(">=", 2.0), seconds, rounds)
        )
    else:
        rows.append(Row(GROUP, title, None, Target(">=", 2.0), note=next_reason))
    return rows
