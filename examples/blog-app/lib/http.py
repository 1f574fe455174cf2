"""The App Router's side of the handlers: error responses, the signed-in user, the body.

The app-router spelling of ``examples/blog/lib/http.py``: a helper that fails returns the
``Response`` to send, and the handler returns it::

    claims = require_user(request)
    if isinstance(claims, Response):
        return claims
"""

from __future__ import annotations

import json
import typing as t
from urllib.parse import parse_qs

from blog import auth, messages
from werkzeug.http import parse_options_header

from routekit import NextResponse, Response

if t.TYPE_CHECKING:
    from blog.auth import Claims

    from routekit import Request

__all__ = ["json_error", "read_body", "require_user"]

_JSON_TYPES = ("application/json", "application/ld+json")


def json_error(status: int, message: str) -> Response:
    """``{"error": message}`` with *status*."""
    return NextResponse.json({"error": message}, status=status)


def require_user(request: Request) -> Claims | Response:
    """The claims of the request's ``Authorization: Bearer <token>``, or the 401 to return."""
    header = request.headers.get("authorization")
    if not header:
        return json_error(401, messages.AUTH_HEADER_REQUIRED)
    claims = auth.verify_authorization(header)
    if claims is None:
        return json_error(401, messages.UNAUTHORIZED)
    return claims


async def read_body(request: Request) -> object:
    """The body as the pages router's parser would give it, or the 400 to return.

    JSON for ``application/json`` (``{}`` when empty), a dict for a URL-encoded form, the
    text for anything else; malformed JSON gives ``400 {"error": "Invalid JSON"}``.
    """
    # Fetch's request.json() ignores the Content-Type; the pages router does not, and both
    # versions of the blog answer the same.
    mimetype, _ = parse_options_header(request.headers.get("content-type"))
    text = await request.text()
    if mimetype in _JSON_TYPES:
        if not text:
            return {}
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError:
            return json_error(400, messages.INVALID_JSON)
    if mimetype == "application/x-www-form-urlencoded":
        fields = parse_qs(text, keep_blank_values=True)
        return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
    return text


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not JSON")  # JSON.parse has no NaN or Infinity
