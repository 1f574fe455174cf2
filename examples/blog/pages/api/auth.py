"""``POST /api/auth``: exchange a username and password for a token.

The tutorial's answers tell a client which usernames exist (404 ``User not found`` versus
401 ``Wrong password``). Set ``BLOG_HARDENED_AUTH=1`` to answer 401
``Invalid username or password`` in both cases, after the same bcrypt work.
"""

from __future__ import annotations

import os
import typing as t

from lib import auth, db, messages
from lib.http import json_body, json_error, method_not_allowed
from lib.validate import is_text

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer ``{"token": ...}`` for good credentials."""
    if req.method != "POST":
        method_not_allowed(res, ["POST"])
        return
    body = json_body(req) or {}
    username, password = body.get("username"), body.get("password")
    if not (is_text(username) and is_text(password)):
        json_error(res, 400, messages.CREDENTIALS_REQUIRED)
        return

    user = db.get_user_by_username(username)
    if os.environ.get("BLOG_HARDENED_AUTH") == "1":
        # Check a password even for an unknown user, so the time taken tells nothing either.
        hashed = user["password"] if user else auth.UNKNOWN_USER_HASH
        if not auth.check_password(password, hashed) or user is None:
            json_error(res, 401, messages.INVALID_CREDENTIALS)
            return
    elif user is None:
        json_error(res, 404, messages.USER_NOT_FOUND)
        return
    elif not auth.check_password(password, user["password"]):
        json_error(res, 401, messages.WRONG_PASSWORD)
        return

    res.status(200).json({"token": auth.create_token(user)})
