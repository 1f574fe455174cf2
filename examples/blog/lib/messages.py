"""Every message the blog API sends to clients, in one place so tests can pin them.

Each error response is ``{"error": <message>}`` (see :func:`lib.http.json_error`). The first
group is the tutorial's, verbatim: ``"User not found "`` and ``"There cannot be more than two
parameters "`` end with a space there too, so a client written against it sees the same strings.
The others answer where the blog is stricter than the tutorial (see the README).
"""

from __future__ import annotations

# The tutorial's messages.
METHOD_NOT_ALLOWED = "Method not allowed"
NOT_FOUND = "Not found"
AUTH_HEADER_REQUIRED = "The authorization header is required"
UNAUTHORIZED = "Unauthorized"
CREDENTIALS_REQUIRED = "Username and password are required"
USER_NOT_FOUND = "User not found "
WRONG_PASSWORD = "Wrong password"
TOO_MANY_IDS = "There cannot be more than two parameters "

#: The hardened login (``BLOG_HARDENED_AUTH=1``) answers this for an unknown user too.
INVALID_CREDENTIALS = "Invalid username or password"
INVALID_BODY = "The request body must be a JSON object"
#: The pages router's body parser answers this itself (as plain text); app routes parse their
#: own body and answer ``{"error": "Invalid JSON"}``.
INVALID_JSON = "Invalid JSON"

# Path and query parameters
INVALID_ID = "The id must be a positive integer"
INVALID_NUMBER = "The number must be a non-negative integer"
INVALID_LIMIT = "The limit must be a non-negative integer"

# Posts and comments
POST_NOT_FOUND = "Post not found"

# Trivia
TRIVIA_UNAVAILABLE = "Trivia service unavailable"


def field_required(field: str) -> str:
    """The error for a missing, empty or non-string *field*."""
    return f"{field} must be a non-empty string"


def field_not_text(field: str) -> str:
    """The error for a *field* holding a lone surrogate or NUL, which no database stores."""
    return f"{field} must be valid Unicode text without NUL characters"


def field_too_long(field: str, maximum: int) -> str:
    """The error for a *field* longer than *maximum* characters."""
    return f"{field} must be at most {maximum} characters"


def field_not_id(field: str) -> str:
    """The error for a *field* that should hold a positive integer id."""
    return f"{field} must be a positive integer"
