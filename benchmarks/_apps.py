"""The same three endpoints written for routekit and for each peer.

* ``GET /api/hello``: a one-line JSON answer;
* ``GET /api/users/<id>``: a dynamic segment echoed back;
* ``POST /api/echo``: the JSON body parsed and sent back.

Every app answers byte-for-byte the same JSON, which :func:`check_same` verifies before
anything is timed, so no peer is measured doing less work.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

__all__ = [
    "ECHO_BODY",
    "EXPECTED",
    "flask_app",
    "starlette_app",
    "write_routekit_project",
    "wsgi_app",
]

ECHO_BODY: dict[str, object] = {"name": "Ada", "tags": [1, 2, 3], "admin": False}

#: (label, method, path, expected JSON) of the three endpoints.
EXPECTED: list[tuple[str, str, str, object]] = [
    ("GET /api/hello", "GET", "/api/hello", {"hello": "world"}),
    ("GET /api/users/[id]", "GET", "/api/users/42", {"id": "42"}),
    ("POST /api/echo (JSON)", "POST", "/api/echo", ECHO_BODY),
]

_ROUTEKIT_FILES = {
    "pages/api/hello.py": (
        "def handler(req, res):\n"
        "    res.status(200).json({'hello': 'world'})\n"
    ),
    "pages/api/users/[id].py": (
        "def handler(req, res):\n"
        "    res.status(200).json({'id': req.query['id']})\n"
    ),
    "pages/api/echo.py": (
        "def handler(req, res):\n"
        "    res.status(200).json(req.body)\n"
    ),
}


def write_routekit_project(root: Path) -> Path:
    """Write the three routes as a routekit project under *root* and return *root*."""
    for rel, source in _ROUTEKIT_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def flask_app() -> t.Any:
    """The endpoints as a Flask app (Flask's ``jsonify`` via returned dicts)."""
    from flask import Flask, request

    app = Flask("bench")

    @app.get("/api/hello")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/api/users/<id>")
    def user(id: str) -> dict[str, str]:
        return {"id": id}

    @app.post("/api/echo")
    def echo() -> t.Any:
        return request.get_json()

    return app


def wsgi_app() -> t.Callable[..., t.Any]:
    """The endpoints as a plain WSGI callable: the floor any WSGI framework builds on."""

    def send(start_response: t.Callable[..., t.Any], payload: object) -> list[bytes]:
        body = json.dumps(payload, separators=(",", ":")).encode()
        start_response(
            "200 OK",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/api/hello":
            return send(start_response, {"hello": "world"})
        if path.startswith("/api/users/"):
            return send(start_response, {"id": path.rsplit("/", 1)[1]})
        if path == "/api/echo" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            return send(start_response, json.loads(environ["wsgi.input"].read(size)))
        start_response("404 Not Found", [("Content-Length", "0")])
        return []

    return app


def starlette_app() -> t.Any:
    """The endpoints as a Starlette app (``JSONResponse``, ``await request.json()``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"hello": "world"})

    async def user(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["id"]})

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse(await request.json())

    return Starlette(
        routes=[
            Route("/api/hello", hello),
            Route("/api/users/{id}", user),
            Route("/api/echo", echo, methods=["POST"]),
        ]
    )
