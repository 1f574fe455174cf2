"""``GET /api/trivia/<number>``: a fact about a number, from the Numbers API.

The service is called through :func:`lib.trivia.fetch_trivia`, which tests replace.
"""

from __future__ import annotations

import logging
import typing as t

from lib import messages, trivia
from lib.http import json_error, method_not_allowed
from lib.validate import parse_int

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

logger = logging.getLogger(__name__)


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer the service's JSON; 400 for a bad number, 502 when the service fails."""
    if req.method != "GET":
        method_not_allowed(res, ["GET"])
        return
    number = parse_int(req.query["number"])
    if number is None:
        json_error(res, 400, messages.INVALID_NUMBER)
        return
    try:
        fact = trivia.fetch_trivia(number)
    except trivia.TriviaUnavailable as exc:
        logger.warning("trivia for %d failed: %s", number, exc)
        json_error(res, 502, messages.TRIVIA_UNAVAILABLE)
        return
    res.status(200).json(fact)
