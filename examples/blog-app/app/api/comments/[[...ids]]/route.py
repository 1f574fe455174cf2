"""``/api/comments/[[...ids]]``: the comments of a post, or of one user under a post; add one.

* ``GET /api/comments``: every comment.
* ``GET /api/comments/1``: the comments under post 1.
* ``GET /api/comments/1/2``: the comments user 2 wrote under post 1.
* More ids: 400.
* ``POST /api/comments`` with a token and ``{"postId": 1, "text": "..."}``: adds a comment by
  the token's user (never a field of the body); 201 with the comment.

``ctx.params`` holds the path's segments only, so ``/api/comments?ids=1&ids=2`` is every
comment.
"""

from __future__ import annotations

from blog import db, messages
from blog.validate import parse_id, validate_text
from lib.http import json_error, read_body, require_user

from routekit import NextResponse, Request, Response
from routekit.web import RouteContext

MAX_TEXT_LENGTH = 2_000


def _ids(ctx: RouteContext) -> list[str]:
    # An optional catch-all that matched nothing has no key.
    ids = ctx.params.get("ids", [])
    return ids if isinstance(ids, list) else [ids]


def GET(request: Request, ctx: RouteContext) -> Response:
    """Every comment, a post's, or one user's under a post, by the number of ids."""
    ids = _ids(ctx)
    if len(ids) > 2:
        return json_error(400, messages.TOO_MANY_IDS)
    numbers = [number for number in map(parse_id, ids) if number is not None]
    if len(numbers) != len(ids):
        return json_error(400, messages.INVALID_ID)
    if not numbers:
        return NextResponse.json(db.get_comments())
    # The post's comments, or only those of the user given second.
    return NextResponse.json(db.get_post_comments(*numbers))


async def POST(request: Request, ctx: RouteContext) -> Response:
    """Add a comment as the token's user; 201 with the comment."""
    if _ids(ctx):
        # Only /api/comments takes a POST: answer as Next.js does for a method not exported.
        return Response(None, 405)
    claims = require_user(request)
    if isinstance(claims, Response):
        return claims
    body = await read_body(request)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return json_error(400, messages.INVALID_BODY)
    post_id = parse_id(body.get("postId"))
    if post_id is None:
        return json_error(400, messages.field_not_id("postId"))
    error = validate_text(body.get("text"), "text", MAX_TEXT_LENGTH)
    if error:
        return json_error(400, error)
    comment = db.add_comment(claims["userId"], post_id, body["text"])
    if comment is not None:
        return NextResponse.json(comment, status=201)
    if db.get_user(claims["userId"]) is None:  # a valid token for a user deleted since
        return json_error(401, messages.UNAUTHORIZED)
    return json_error(404, messages.POST_NOT_FOUND)
