"""``GET /api/users/<id>``: one user. The password hash is blanked."""

from __future__ import annotations

from blog import db, messages
from blog.validate import parse_id
from lib.http import json_error

from routekit import NextResponse, Request, Response
from routekit.web import RouteContext


def GET(request: Request, ctx: RouteContext) -> Response:
    """Answer the user; 400 for an id that is not a positive integer, 404 for an unknown one."""
    user_id = parse_id(ctx.params["id"])
    if user_id is None:
        return json_error(400, messages.INVALID_ID)
    user = db.get_user(user_id)
    if user is None:
        return json_error(404, messages.NOT_FOUND)
    return NextResponse.json({**user, "password": ""})
