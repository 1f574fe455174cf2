"""The admin API's static bearer token.

The token comes from ``$ADMIN_TOKEN`` (routekit loads the project's ``.env``, see
``.env.example``). Without it, development accepts a fixed development-only token and says
so in the log; production refuses to start (``required_env`` in ``pyproject.toml``), and
with ``ROUTEKIT_ENV=production`` :func:`admin_token` raises.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os

__all__ = [
    "ADMIN_USER",
    "DEV_ADMIN_TOKEN",
    "MissingTokenError",
    "admin_token",
    "admin_user",
    "bearer_token",
    "is_admin",
]

#: Who the admin token stands for.
ADMIN_USER = "admin"
#: Accepted in development when ``ADMIN_TOKEN`` is not set. Never deploy it.
DEV_ADMIN_TOKEN = "dev-admin-token"

logger = logging.getLogger(__name__)


class MissingTokenError(RuntimeError):
    """``ADMIN_TOKEN`` is not set in production."""

    def __init__(self) -> None:
        super().__init__(
            "ADMIN_TOKEN is not set. Set it in the environment or in the project's .env "
            "(see .env.example), e.g. to the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
        )


def admin_token() -> str:
    """The token from ``ADMIN_TOKEN``; the logged development token when it is unset.

    :raises MissingTokenError: it is unset and ``ROUTEKIT_ENV`` is ``production``.
    """
    token = os.environ.get("ADMIN_TOKEN")
    if token:
        return token
    if os.environ.get("ROUTEKIT_ENV") == "production":
        raise MissingTokenError
    _warn_dev_token()
    return DEV_ADMIN_TOKEN


@functools.cache  # once per process is loud enough
def _warn_dev_token() -> None:
    logger.warning(
        "ADMIN_TOKEN is not set: the admin API accepts the development-only token %r. "
        "Set ADMIN_TOKEN (see .env.example) before deploying.",
        DEV_ADMIN_TOKEN,
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value, else ``None``.

    The scheme is case-insensitive (RFC 7235); an empty token is no token.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def is_admin(authorization: str | None) -> bool:
    """Whether the ``Authorization`` value carries the admin token."""
    token = bearer_token(authorization)
    # compare_digest: the time taken does not tell how much of the token was right.
    return token is not None and hmac.compare_digest(token.encode(), admin_token().encode())


def admin_user(authorization: str | None) -> str | None:
    """The user the ``Authorization`` value proves to be (:data:`ADMIN_USER`), else ``None``.

    Routes call this themselves instead of trusting a request header set by the middleware:
    a client can send any header, and a guard in front of a route is one layer, not the
    only one.
    """
    return ADMIN_USER if is_admin(authorization) else None
