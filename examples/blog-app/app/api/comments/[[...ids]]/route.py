"""``/api/comments/[[...ids]]``: read comments by id, or add one.

* ``GET /api/comments``: every comment.
* ``GET /api/comments/3``: comment 3 (404 if there is none).
* ``GET /api/comments/2/4``: the comments with ids 2 to 4, both included (those that exist).
* More ids: 400.
* ``POST /api/comments`` with a token and ``{"postId": 1, "body": "..."}``: adds a comment
  signed with the token user's name and email; 201 with the comment.
"""

from __future__ import annotations

from lib import db, messages
from lib.http import json_error, parse_id, read_body, require_user, validate_text

from routekit import NextResponse, Request, Response
from routekit.web import RouteContext

MAX_BODY_LENGTH = 2_000


def _ids(ctx: RouteContext) -> list[str]:
    # An optional catch-all that matched nothing has no key.
    ids = ctx.params.get("ids", [])
    return ids if isinstance(ids, list) else [ids]


def GET(request: Request, ctx: RouteContext) -> Response:
    """Every comment, one comment, or a range, by the number of ids."""
    ids = _ids(ctx)
    if len(ids) > 2:
        return json_error(400, messages.TOO_MANY_IDS)
    numbers = [number for number in map(parse_id, ids) if number is not None]
    if len(numbers) != len(ids):
        return json_error(400, messages.INVALID_ID)

    if not numbers:
        return NextResponse.json(db.get_comments())
    if len(numbers) == 1:
        comment = db.get_comment(numbers[0])
        if comment is None:
            return json_error(404, messages.NOT_FOUND)
        return NextResponse.json(comment)
    first, last = numbers
    if first > last:
        return json_error(400, messages.INVALID_RANGE)
    return NextResponse.json(db.get_comments_in_range(first, last))


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
    error = validate_text(body.get("body"), "body", MAX_BODY_LENGTH)
    if error:
        return json_error(400, error)
    if db.get_post(post_id) is None:
        return json_error(404, messages.POST_NOT_FOUND)
    author = db.get_user(claims["userId"])
    if author is None:  # a valid token for a user deleted since
        return json_error(401, messages.UNAUTHORIZED)
    comment = db.add_comment(post_id, author["name"], author["email"], body["body"])
    return NextResponse.json(comment, status=201)
