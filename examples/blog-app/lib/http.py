"""Small helpers the route handlers share: error responses, authentication, input checks.

The app-router spelling of ``examples/blog/lib/http.py``: a helper that fails returns the
``Response`` to send, and the handler returns it::

    claims = require_user(request)
    if isinstance(claims, Response):
        return claims
"""

from __future__ import annotations

import json
import re
import typing as t
from urllib.parse import parse_qs

from werkzeug.http import parse_options_header

from lib import auth, messages
from routekit import NextResponse, Response

if t.TYPE_CHECKING:
    from lib.auth import Claims
    from routekit import Request

__all__ = [
    "is_text",
    "json_error",
    "parse_id",
    "parse_int",
    "read_body",
    "require_user",
    "validate_text",
]

#: SQLite's largest INTEGER: anything above cannot be an id (and would not fit a query).
_MAX_INT = 2**63 - 1
# ASCII digits only: int() would also take " 7", "+7", "7_000" and "٧".
_DIGITS = re.compile(r"[0-9]{1,19}")
_JSON_TYPES = ("application/json", "application/ld+json")


def json_error(status: int, message: str) -> Response:
    """``{"error": message}`` with *status*."""
    return NextResponse.json({"error": message}, status=status)


def require_user(request: Request) -> Claims | Response:
    """The claims of the request's ``Authorization: Bearer <token>``, or the 401 to return."""
    header = request.headers.get("authorization")
    if not header:
        return json_error(401, messages.AUTH_HEADER_REQUIRED)
    scheme, _, token = header.partition(" ")
    claims = auth.verify_token(token.strip()) if scheme.lower() == "bearer" else None
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


def is_text(value: object) -> t.TypeGuard[str]:
    """Whether *value* is a non-empty string that UTF-8 can encode.

    JSON can carry lone surrogates (``"\\ud800"``) that neither SQLite nor a response can hold.
    """
    if not isinstance(value, str) or not value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def validate_text(value: object, field: str, max_length: int) -> str | None:
    """The error message for *value* as the required text *field*, or ``None`` if it is valid."""
    if not isinstance(value, str) or not value.strip():
        return messages.field_required(field)
    if not is_text(value):
        return messages.field_not_text(field)
    if len(value) > max_length:
        return messages.field_too_long(field, max_length)
    return None


def parse_int(value: object, *, minimum: int = 0, maximum: int = _MAX_INT) -> int | None:
    """*value* as an ``int`` if it is a string of ASCII digits from *minimum* to *maximum*."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """*value* as a positive integer id: a path segment (``"3"``) or a JSON number (``3``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= _MAX_INT else None
    return parse_int(value, minimum=1)
