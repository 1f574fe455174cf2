"""Every message the blog API sends to clients, in one place so tests can pin them.

Each error response is ``{"error": <message>}`` (see :func:`lib.http.json_error`).
"""

from __future__ import annotations

METHOD_NOT_ALLOWED = "Method not allowed"
NOT_FOUND = "Not found"
INVALID_BODY = "The request body must be a JSON object"
#: The pages router's body parser answers this itself (as plain text); app routes parse their
#: own body and answer ``{"error": "Invalid JSON"}``.
INVALID_JSON = "Invalid JSON"

# Authentication
AUTH_HEADER_REQUIRED = "The authorization header is required"
UNAUTHORIZED = "Unauthorized"
CREDENTIALS_REQUIRED = "Username and password are required"
USER_NOT_FOUND = "User not found"
WRONG_PASSWORD = "Wrong password"
#: The hardened login (``BLOG_HARDENED_AUTH=1``) answers this for an unknown user too.
INVALID_CREDENTIALS = "Invalid username or password"

# Path and query parameters
INVALID_ID = "The id must be a positive integer"
INVALID_NUMBER = "The number must be a non-negative integer"
TOO_MANY_IDS = "Give at most two comment ids: /api/comments/<id> or /api/comments/<first>/<last>"
INVALID_RANGE = "The first comment id must not be greater than the last"

# Posts and comments
POST_NOT_FOUND = "Post not found"

# Trivia
TRIVIA_UNAVAILABLE = "Trivia service unavailable"


def invalid_limit(maximum: int) -> str:
    """The error for a bad ``?limit=``."""
    return f"The limit must be an integer from 1 to {maximum}"


def field_required(field: str) -> str:
    """The error for a missing, empty or non-string *field*."""
    return f"{field} must be a non-empty string"


def field_not_text(field: str) -> str:
    """The error for a *field* holding something UTF-8 cannot encode (a lone surrogate)."""
    return f"{field} must be valid Unicode text"


def field_too_long(field: str, maximum: int) -> str:
    """The error for a *field* longer than *maximum* characters."""
    return f"{field} must be at most {maximum} characters"


def field_not_id(field: str) -> str:
    """The error for a *field* that should hold a positive integer id."""
    return f"{field} must be a positive integer"
