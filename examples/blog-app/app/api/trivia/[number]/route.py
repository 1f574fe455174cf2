"""``GET /api/trivia/<number>``: a fact about a number, from the Numbers API.

The service is called through :func:`lib.trivia.fetch_trivia`, which tests replace.
"""

from __future__ import annotations

import logging

from blog import messages, trivia
from blog.validate import parse_int
from lib.http import json_error

from routekit import NextResponse, Request, Response
from routekit.web import RouteContext

logger = logging.getLogger(__name__)


def GET(request: Request, ctx: RouteContext) -> Response:
    """Answer the service's JSON; 400 for a bad number, 502 when the service fails."""
    number = parse_int(ctx.params["number"])
    if number is None:
        return json_error(400, messages.INVALID_NUMBER)
    try:
        fact = trivia.fetch_trivia(number)
    except trivia.TriviaUnavailable as exc:
        logger.warning("trivia for %d failed: %s", number, exc)
        return json_error(502, messages.TRIVIA_UNAVAILABLE)
    return NextResponse.json(fact)
