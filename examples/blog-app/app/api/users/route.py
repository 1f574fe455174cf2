"""``GET /api/users``: every user, for a signed-in client. Password hashes are blanked."""

from __future__ import annotations

from blog import db
from lib.http import require_user

from routekit import NextResponse, Request, Response


def GET(request: Request) -> Response:
    """Answer the list of users; 401 without a valid ``Authorization: Bearer <token>``."""
    claims = require_user(request)
    if isinstance(claims, Response):
        return claims
    return NextResponse.json([{**user, "password": ""} for user in db.get_users()])
