"""A small route tree shared by the plugin's tests, written with ``tmp_path``."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

import pytest

from routekit.app import App
from routekit_pytest import Client

#: relative path -> source; every test site has these routes.
SITE: dict[str, str] = {
    "pages/api/hello.py": """
        def handler(req, res):
            res.status(200).json({"hello": req.query.get("name", "world")})
    """,
    "pages/api/users/[id].py": """
        def handler(req, res):
            res.json({"id": req.query["id"], "method": req.method, "body": req.body})
    """,
    "pages/api/echo.py": """
        def handler(req, res):
            res.json({
                "body": req.body,
                "query": req.query,
                "cookies": req.cookies,
                "auth": req.headers.get("authorization"),
                "type": req.headers.get("content-type"),
            })
    """,
    "pages/api/login.py": """
        def handler(req, res):
            res.set_cookie("sid", "abc", path="/", http_only=True, max_age=60)
            res.redirect(303, "/api/me")
    """,
    "pages/api/me.py": """
        def handler(req, res):
            res.json({"sid": req.cookies.get("sid")})
    """,
    "pages/api/form.py": """
        def handler(req, res):
            if req.method == "POST":
                return res.redirect(303, "/api/form")
            res.json({"method": req.method})
    """,
    "pages/api/loop.py": """
        def handler(req, res):
            res.redirect("/api/loop")
    """,
    "pages/api/boom.py": """
        def handler(req, res):
            raise ValueError("boom")
    """,
    "pages/api/text.py": """
        def handler(req, res):
            res.send("plain text")
    """,
    "pages/api/sse.py": """
        import itertools

        def handler(req, res):
            res.set_header("Content-Type", "text/event-stream")
            for i in itertools.count():
                res.write(f"data: {i}\\n\\n")
    """,
    "pages/api/count.py": """
        def handler(req, res):
            for i in range(3):
                res.write(str(i))
            res.end()
    """,
    "pages/api/upload.py": """
        config = {"api": {"bodyParser": False}}

        def handler(req, res):
            res.json({"type": req.headers["content-type"], "size": len(req.stream.read())})
    """,
    "pages/api/async_hello.py": """
        import asyncio

        async def handler(req, res):
            await asyncio.sleep(0)
            res.json({"async": True})
    """,
    "pages/api/headers.py": """
        def handler(req, res):
            res.json(dict(req.headers))
    """,
    "pages/api/away.py": """
        def handler(req, res):
            res.redirect("https://example.com/elsewhere")
    """,
    "pages/api/shared_error.py": """
        SHARED = LookupError("the same object every time")

        def handler(req, res):
            raise SHARED
    """,
    "pages/api/bad_cookie.py": """
        def handler(req, res):
            res.set_header("Set-Cookie", ["no-pair-here; Path=/", "ok=1; Path=/"])
            res.end()
    """,
    "pages/api/slow_head.py": """
        import time

        def handler(req, res):
            while not res.closed:  # no head until the test gives up and closes
                time.sleep(0.01)
    """,
    "pages/api/pause.py": """
        import time

        def handler(req, res):
            res.write("a")
            while not res.closed:  # the next chunk comes once the test closes
                time.sleep(0.01)
            res.end("b")
    """,
    "pages/api/fail_mid.py": """
        def handler(req, res):
            res.write("a")
            raise ValueError("broke mid-stream")
    """,
    "pages/api/exit.py": """
        import sys

        def handler(req, res):
            if "after_head" in req.query:
                res.write("a")  # the head is out: the exit must come after this chunk
            sys.exit(3)
    """,
    "pages/api/loop_id.py": """
        import asyncio

        SEEN = []  # keeps each loop alive, so no two loops share an id()

        async def handler(req, res):
            SEEN.append(asyncio.get_running_loop())
            res.json({"loop": id(SEEN[-1])})
    """,
    "app/items/route.py": """
        from routekit.web.response import Response

        def GET(request):
            return Response.json({"items": []})

        def POST(request):
            return Response.json({"created": True}, status=201)
    """,
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write *files* (relative path -> dedented source) under *root*."""
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A project root holding :data:`SITE`."""
    return write_tree(tmp_path / "site", SITE)


@pytest.fixture
def app(site: Path) -> App:
    """The test-mode app for :func:`site`."""
    return App(site, mode="test")


@pytest.fixture
def web_client(app: App) -> Client:
    """A client for :func:`app` (``client`` is the plugin's own fixture)."""
    return Client(app)


@pytest.fixture
def site_files() -> dict[str, str]:
    """The sources of :data:`SITE`, for trees written with ``pytester``."""
    return {rel: textwrap.dedent(source).lstrip() for rel, source in SITE.items()}


def plain_pytest(cwd: Path, *args: str) -> pytest.RunResult:
    """``pytest`` run in *cwd* as a user types it: the console script in a subprocess, with no
    ``PYTHONPATH`` help (``pytester.run`` adds the current folder to it, ``python -m pytest``
    puts it on ``sys.path``), so an import that only works that way fails here."""
    script = Path(sysconfig.get_path("scripts")) / "pytest"
    if not script.exists():  # pragma: no cover - a venv always has its console script
        script = Path(sys.executable).with_name("pytest")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PYTEST_")}
    start = time.time()
    proc = subprocess.run(
        [str(script), "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return pytest.RunResult(
        proc.returncode, proc.stdout.splitlines(), proc.stderr.splitlines(), time.time() - start
    )
