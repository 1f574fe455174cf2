"""``/api/posts``: ``GET`` lists posts (``?limit=N`` for the first N), ``POST`` writes one.

Writing needs a token; the post's author is the token's user, never a field of the body.
"""

from __future__ import annotations

from blog import db, messages
from blog.validate import parse_int, validate_text
from lib.http import json_error, read_body, require_user

from routekit import NextRequest, NextResponse, Response

MAX_TEXT_LENGTH = 10_000


def GET(request: NextRequest) -> Response:
    """The posts, or the first ``?limit=`` of them."""
    limit = None
    values = request.next_url.search_params.get_all("limit")
    if values:
        # A repeated ?limit= is refused, as the pages version sees a list there.
        limit = parse_int(values[0]) if len(values) == 1 else None
        if limit is None:
            return json_error(400, messages.INVALID_LIMIT)
    return NextResponse.json(db.get_posts(limit))


async def POST(request: NextRequest) -> Response:
    """Write a post as the token's user; 201 with the post."""
    claims = require_user(request)
    if isinstance(claims, Response):
        return claims
    body = await read_body(request)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return json_error(400, messages.INVALID_BODY)
    error = validate_text(body.get("text"), "text", MAX_TEXT_LENGTH)
    if error:
        return json_error(400, error)
    post = db.create_post(claims["userId"], body["text"])
    if post is None:  # a valid token for a user deleted since
        return json_error(401, messages.UNAUTHORIZED)
    return NextResponse.json(post, status=201)
