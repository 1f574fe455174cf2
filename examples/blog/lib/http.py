"""Small helpers the route handlers share: error responses, authentication, input checks.

The ``parse_*`` and ``validate_*`` helpers only look; ``json_error``, ``method_not_allowed``
and ``require_user`` (when it fails) answer the request, and the handler then returns.
"""

from __future__ import annotations

import re
import typing as t

from lib import auth, messages

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from lib.auth import Claims
    from routekit import ApiRequest, ApiResponse

__all__ = [
    "is_text",
    "json_body",
    "json_error",
    "method_not_allowed",
    "parse_id",
    "parse_int",
    "require_user",
    "validate_text",
]

#: SQLite's largest INTEGER: anything above cannot be an id (and would not fit a query).
_MAX_INT = 2**63 - 1
# ASCII digits only: int() would also take " 7", "+7", "7_000" and "٧".
_DIGITS = re.compile(r"[0-9]{1,19}")


def json_error(res: ApiResponse, status: int, message: str) -> None:
    """Answer ``{"error": message}`` with *status*."""
    res.status(status).json({"error": message})


def method_not_allowed(res: ApiResponse, allowed: Iterable[str]) -> None:
    """Answer 405 ``{"error": "Method not allowed"}`` with an ``Allow`` header."""
    res.set_header("Allow", ", ".join(allowed))
    json_error(res, 405, messages.METHOD_NOT_ALLOWED)


def require_user(req: ApiRequest, res: ApiResponse) -> Claims | None:
    """The claims of the request's ``Authorization: Bearer <token>``.

    Answers 401 and returns ``None`` when the header is missing or the token is not valid.
    """
    header = req.headers.get("authorization")  # a str: like Node, routekit keeps the first
    if not isinstance(header, str) or not header:
        json_error(res, 401, messages.AUTH_HEADER_REQUIRED)
        return None
    scheme, _, token = header.partition(" ")
    claims = auth.verify_token(token.strip()) if scheme.lower() == "bearer" else None
    if claims is None:
        json_error(res, 401, messages.UNAUTHORIZED)
    return claims


def parse_int(value: object, *, minimum: int = 0, maximum: int = _MAX_INT) -> int | None:
    """*value* as an ``int`` if it is a string of ASCII digits from *minimum* to *maximum*;
    ``None`` otherwise (including for a list, which a repeated query key gives)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """*value* as a positive integer id, or ``None`` (the handler then answers 400).

    Takes a path segment (``"3"``) or a JSON number (``3``, but not ``true`` or ``3.0``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= _MAX_INT else None
    return parse_int(value, minimum=1)


def json_body(req: ApiRequest) -> dict[str, t.Any] | None:
    """The request body if it is a JSON object, else ``None``.

    routekit parses ``application/json`` bodies and URL-encoded forms (as Next.js does); any
    other content type leaves a string.
    """
    return req.body if isinstance(req.body, dict) else None


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
