"""``GET /api/users/<id>``: one user. The password hash is blanked."""

from __future__ import annotations

import typing as t

from lib import db, messages
from lib.http import json_error, method_not_allowed
from lib.validate import parse_id

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer the user; 400 for an id that is not a positive integer, 404 for an unknown one."""
    if req.method != "GET":
        method_not_allowed(res, ["GET"])
        return
    user_id = parse_id(req.query["id"])
    if user_id is None:
        json_error(res, 400, messages.INVALID_ID)
        return
    user = db.get_user(user_id)
    if user is None:
        json_error(res, 404, messages.NOT_FOUND)
        return
    res.status(200).json({**user, "password": ""})
