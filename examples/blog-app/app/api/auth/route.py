"""``POST /api/auth``: exchange a username and password for a token.

The tutorial's answers tell a client which usernames exist (404 ``User not found`` versus
401 ``Wrong password``). Set ``BLOG_HARDENED_AUTH=1`` to answer 401
``Invalid username or password`` in both cases, after the same bcrypt work.
"""

from __future__ import annotations

import os

from blog import auth, db, messages
from blog.validate import is_text
from lib.http import json_error, read_body

from routekit import NextResponse, Request, Response


async def POST(request: Request) -> Response:
    """Answer ``{"token": ...}`` for good credentials."""
    body = await read_body(request)
    if isinstance(body, Response):
        return body
    fields = body if isinstance(body, dict) else {}
    username, password = fields.get("username"), fields.get("password")
    if not (is_text(username) and is_text(password)):
        return json_error(400, messages.CREDENTIALS_REQUIRED)

    user = db.get_user_by_username(username)
    if os.environ.get("BLOG_HARDENED_AUTH") == "1":
        # Check a password even for an unknown user, so the time taken tells nothing either.
        hashed = user["password"] if user else auth.UNKNOWN_USER_HASH
        if not auth.check_password(password, hashed) or user is None:
            return json_error(401, messages.INVALID_CREDENTIALS)
    elif user is None:
        return json_error(404, messages.USER_NOT_FOUND)
    elif not auth.check_password(password, user["password"]):
        return json_error(401, messages.WRONG_PASSWORD)

    return NextResponse.json({"token": auth.create_token(user)})
