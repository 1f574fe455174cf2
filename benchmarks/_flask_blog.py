"""The Flask peer of ``examples/blog``'s two benchmarked routes, for gunicorn.

``gunicorn benchmarks._flask_blog:app`` serves ``GET /api/hello`` and
``GET /api/users/<id>`` running the blog's own ``lib`` code (id parsing, SQLite lookup,
messages), so the two servers differ only in the framework.
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

from flask import Flask, jsonify

BLOG_ROOT = Path(__file__).resolve().parent.parent / "examples" / "blog"
if str(BLOG_ROOT) not in sys.path:
    sys.path.insert(0, str(BLOG_ROOT))

from lib import db, messages  # type: ignore[import-not-found]  # noqa: E402 - blog on sys.path first
from lib.validate import parse_id  # type: ignore[import-not-found]  # noqa: E402

__all__ = ["app"]

app = Flask("blog")


@app.route("/api/hello", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def hello() -> t.Any:
    """As ``pages/api/hello.py``: any method, ``{"name": "John Doe"}``."""
    return jsonify({"name": "John Doe"})


@app.route("/api/users/<user_id>", methods=["GET"])
def user(user_id: str) -> t.Any:
    """As ``pages/api/users/[id]/index.py``: 400 for a bad id, 404 for an unknown one."""
    number = parse_id(user_id)
    if number is None:
        return jsonify({"error": messages.INVALID_ID}), 400
    found = db.get_user(number)
    if found is None:
        return jsonify({"error": messages.NOT_FOUND}), 404
    return jsonify({**found, "password": ""})
