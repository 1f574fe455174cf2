"""The pages router's side of the handlers: error answers, the signed-in user, the JSON body.

``json_error``, ``method_not_allowed`` and ``require_user`` (when it fails) answer the request,
and the handler then returns. The App-Router blog (``examples/blog-app``) has its own
``lib/http.py`` with the same helpers returning a ``Response``; everything else in ``lib/`` is
shared by both.
"""

from __future__ import annotations

import typing as t

from . import auth, messages

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from routekit import ApiRequest, ApiResponse

    from .auth import Claims

__all__ = ["json_body", "json_error", "method_not_allowed", "path_segments", "require_user"]


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
    claims = auth.verify_authorization(header)
    if claims is None:
        json_error(res, 401, messages.UNAUTHORIZED)
    return claims


def path_segments(req: ApiRequest, name: str, route: str) -> list[str]:
    """The segments the optional catch-all ``[[...name]]`` of *route* matched (maybe none).

    ``req.query`` puts the route's params over the query string, and a catch-all that matched
    nothing has no key, so ``/api/comments?ids=5&ids=1`` would show ``["5", "1"]`` there. A
    query value must never stand in for a path segment: only a path longer than *route* has
    segments (and then the route's list is the one in ``req.query``).
    """
    if req.url.partition("?")[0] == route:
        return []
    segments = req.query.get(name)
    return list(segments) if isinstance(segments, list) else []


def json_body(req: ApiRequest) -> dict[str, t.Any] | None:
    """The request body if it is a JSON object, else ``None``.

    routekit parses ``application/json`` bodies and URL-encoded forms (as Next.js does); any
    other content type leaves a string.
    """
    return req.body if isinstance(req.body, dict) else None
