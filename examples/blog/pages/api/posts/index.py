"""``/api/posts``: ``GET`` lists posts (``?limit=N`` for the first N), ``POST`` writes one.

Writing needs a token; the post's author is the token's user, never a field of the body.
"""

from __future__ import annotations

import typing as t

from lib import db, messages
from lib.http import json_body, json_error, method_not_allowed, require_user
from lib.validate import parse_int, validate_text

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

MAX_TEXT_LENGTH = 10_000

# A post is at most 10,000 characters: refuse bodies far bigger than that (413) unread.
config = {"api": {"bodyParser": {"sizeLimit": "64kb"}}}


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Dispatch on the method."""
    if req.method == "GET":
        _list_posts(req, res)
    elif req.method == "POST":
        _create_post(req, res)
    else:
        method_not_allowed(res, ["GET", "POST"])


def _list_posts(req: ApiRequest, res: ApiResponse) -> None:
    limit = None
    if "limit" in req.query:
        limit = parse_int(req.query["limit"])
        if limit is None:
            json_error(res, 400, messages.INVALID_LIMIT)
            return
    res.status(200).json(db.get_posts(limit))


def _create_post(req: ApiRequest, res: ApiResponse) -> None:
    claims = require_user(req, res)
    if claims is None:
        return
    body = json_body(req)
    if body is None:
        json_error(res, 400, messages.INVALID_BODY)
        return
    error = validate_text(body.get("text"), "text", MAX_TEXT_LENGTH)
    if error:
        json_error(res, 400, error)
        return
    post = db.create_post(claims["userId"], body["text"])
    if post is None:  # a valid token for a user deleted since
        json_error(res, 401, messages.UNAUTHORIZED)
        return
    res.status(201).json(post)
