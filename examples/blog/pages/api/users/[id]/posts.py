"""``GET /api/users/<id>/posts``: the posts one user wrote."""

from __future__ import annotations

import typing as t

from lib import db, messages
from lib.http import json_error, method_not_allowed
from lib.validate import parse_id

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer the user's posts (maybe ``[]``); 400 for a bad id, 404 for an unknown user."""
    if req.method != "GET":
        method_not_allowed(res, ["GET"])
        return
    user_id = parse_id(req.query["id"])
    if user_id is None:
        json_error(res, 400, messages.INVALID_ID)
        return
    if db.get_user(user_id) is None:
        json_error(res, 404, messages.NOT_FOUND)
        return
    res.status(200).json(db.get_posts_by_user(user_id))
