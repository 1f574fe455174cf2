"""Blitz's own API-route examples, ported literally, served with ``blitz_app_api = true``."""

from __future__ import annotations

import textwrap
import typing as t

import pytest

from routekit.app import App
from routekit.errors import RouteDefinitionError
from routekit_pytest import Client

if t.TYPE_CHECKING:
    from pathlib import Path

# Blitz's docs, "API Routes": `app/api/hello.js` and `app/projects/api/webhook.ts`.
HELLO = """
    import json

    def handler(req, res):
        res.status_code = 200
        res.set_header("Content-Type", "application/json")
        res.end(json.dumps({"name": "John Doe"}))
"""
WEBHOOK = """
    def handler(req, res):
        res.status(200).json({"received": req.method})
"""


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "routekit.toml").write_text("blitz_app_api = true\n", encoding="utf-8")
    return root


def test_blitz_first_api_route_is_served(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/api/hello.py": HELLO, "app/projects/api/webhook.py": WEBHOOK})
    client = Client(App(root, mode="test"))
    hello = client.get("/api/hello")
    assert (hello.status_code, hello.json_data()) == (200, {"name": "John Doe"})
    assert hello.headers["content-type"] == "application/json"
    webhook = client.post("/api/webhook")
    assert (webhook.status_code, webhook.json_data()) == (200, {"received": "POST"})


def test_blitz_two_files_for_one_url_name_both(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/api/hello.py": HELLO, "app/projects/api/hello.py": HELLO})
    with pytest.raises(RouteDefinitionError) as info:
        App(root, mode="test")
    assert str(info.value).startswith(
        "Duplicate page detected. app/api/hello.py and app/projects/api/hello.py both "
        "resolve to /api/hello.\n"
    )
