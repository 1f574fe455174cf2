"""``GET /api/users/<id>/posts``: the posts one user wrote."""

from __future__ import annotations

from blog import db, messages
from blog.validate import parse_id
from lib.http import json_error

from routekit import NextResponse, Request, Response
from routekit.web import RouteContext


def GET(request: Request, ctx: RouteContext) -> Response:
    """Answer the user's posts (maybe ``[]``); 400 for a bad id, 404 for an unknown user."""
    user_id = parse_id(ctx.params["id"])
    if user_id is None:
        return json_error(400, messages.INVALID_ID)
    if db.get_user(user_id) is None:
        return json_error(404, messages.NOT_FOUND)
    return NextResponse.json(db.get_posts_by_user(user_id))
