"""``/api/comments/[[...ids]]``: read comments by id, or add one.

* ``GET /api/comments``: every comment.
* ``GET /api/comments/3``: comment 3 (404 if there is none).
* ``GET /api/comments/2/4``: the comments with ids 2 to 4, both included (those that exist).
* More ids: 400.
* ``POST /api/comments`` with a token and ``{"postId": 1, "body": "..."}``: adds a comment
  signed with the token user's name and email; 201 with the comment.
"""

from __future__ import annotations

import typing as t

from lib import db, messages
from lib.http import (
    json_body,
    json_error,
    method_not_allowed,
    parse_id,
    require_user,
    validate_text,
)

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

MAX_BODY_LENGTH = 2_000


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Dispatch on the method and the number of ids."""
    # With no id in the path the key is absent, and a query string's ?ids=1 would show
    # through as a str: only a list comes from the path.
    segments = req.query.get("ids")
    ids = segments if isinstance(segments, list) else []
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
        return
    if len(numbers) == 1:
        comment = db.get_comment(numbers[0])
        if comment is None:
            json_error(res, 404, messages.NOT_FOUND)
            return
        res.status(200).json(comment)
        return
    first, last = numbers
    if first > last:
        json_error(res, 400, messages.INVALID_RANGE)
        return
    res.status(200).json(db.get_comments_in_range(first, last))


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
    error = validate_text(body.get("body"), "body", MAX_BODY_LENGTH)
    if error:
        json_error(res, 400, error)
        return
    if db.get_post(post_id) is None:
        json_error(res, 404, messages.POST_NOT_FOUND)
        return
    author = db.get_user(claims["userId"])
    if author is None:  # a valid token for a user deleted since
        json_error(res, 401, messages.UNAUTHORIZED)
        return
    comment = db.add_comment(post_id, author["name"], author["email"], body["body"])
    res.status(201).json(comment)
