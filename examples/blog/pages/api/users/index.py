"""``GET /api/users``: every user, for a signed-in client. Password hashes are blanked."""

from __future__ import annotations

import typing as t

from lib import db
from lib.http import method_not_allowed, require_user

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer the list of users; 401 without a valid ``Authorization: Bearer <token>``."""
    if req.method != "GET":
        method_not_allowed(res, ["GET"])
        return
    if require_user(req, res) is None:
        return
    res.status(200).json([{**user, "password": ""} for user in db.get_users()])
