"""``/api/comments/[[...ids]]``: the comments of a post, or of one user under a post; add one.

* ``GET /api/comments``: every comment.
* ``GET /api/comments/1``: the comments under post 1.
* ``GET /api/comments/1/2``: the comments user 2 wrote under post 1.
* More ids: 400.
* ``POST /api/comments`` with a token and ``{"postId": 1, "text": "..."}``: adds a comment by
  the token's user (never a field of the body); 201 with the comment.

The ids come from the path only: ``/api/comments?ids=1&ids=2`` is every comment.
"""

from __future__ import annotations

import typing as t

from lib import db, messages
from lib.http import json_body, json_error, method_not_allowed, path_segments, require_user
from lib.validate import parse_id, validate_text

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

ROUTE = "/api/comments"
MAX_TEXT_LENGTH = 2_000


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Dispatch on the method and the number of ids."""
    ids = path_segments(req, "ids", ROUTE)
    if req.method == "GET":
        _get_comments(res, ids)
    elif req.method == "POST" and not ids:
        _add_comment(req, res)
    else:
        method_not_allowed(res, ["GET"] if ids else ["GET", "POST"])


def _get_comments(res: ApiResponse, ids: list[str]) -> None:
    if len(ids) > 2:
        json_error(res, 400, messages.TOO_MANY_IDS)
        return
    numbers = [number for number in map(parse_id, ids) if number is not None]
    if len(numbers) != len(ids):
        json_error(res, 400, messages.INVALID_ID)
        return
    if not numbers:
        res.status(200).json(db.get_comments())
    else:  # the post's comments, or only those of the user given second
        res.status(200).json(db.get_post_comments(*numbers))


def _add_comment(req: ApiRequest, res: ApiResponse) -> None:
    claims = require_user(req, res)
    if claims is None:
        return
    body = json_body(req)
    if body is None:
        json_error(res, 400, messages.INVALID_BODY)
        return
    post_id = parse_id(body.get("postId"))
    if post_id is None:
        json_error(res, 400, messages.field_not_id("postId"))
        return
    error = validate_text(body.get("text"), "text", MAX_TEXT_LENGTH)
    if error:
        json_error(res, 400, error)
        return
    comment = db.add_comment(claims["userId"], post_id, body["text"])
    if comment is not None:
        res.status(201).json(comment)
    elif db.get_user(claims["userId"]) is None:  # a valid token for a user deleted since
        json_error(res, 401, messages.UNAUTHORIZED)
    else:
        json_error(res, 404, messages.POST_NOT_FOUND)
