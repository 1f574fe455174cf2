"""Passwords and JSON Web Tokens.

Tokens are HS256 JWTs signed with ``$JWT_SECRET_KEY``, valid for 24 hours, carrying the claims
``userId``, ``location`` and ``name``. routekit loads the project's ``.env`` into the
environment, so putting the key there is enough (see ``.env.example``).

Without a key, development falls back to a fixed, logged development-only secret so the
tutorial works out of the box. Production refuses: routekit will not start without the key
(``required_env`` in ``pyproject.toml``), and with ``ROUTEKIT_ENV=production``
:func:`require_secret` raises, so code that runs outside routekit can call it at start-up.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import typing as t

import bcrypt
import jwt

if t.TYPE_CHECKING:
    from .db import User

__all__ = [
    "TOKEN_LIFETIME",
    "UNKNOWN_USER_HASH",
    "Claims",
    "MissingSecretError",
    "check_password",
    "create_token",
    "hash_password",
    "require_secret",
    "verify_authorization",
    "verify_token",
]

#: How long a token stays valid.
TOKEN_LIFETIME = dt.timedelta(hours=24)

#: A hash of a random password nobody knows, at the seeded users' cost: checking a password
#: against it for an unknown username takes as long as for a real one.
UNKNOWN_USER_HASH = "$2b$04$CF/pLoE.vTHQLLmmd64bIOULqSDYPS.13un7l3.ABHjte3HEvF3ye"

_ALGORITHM = "HS256"
# 32 bytes or more: PyJWT warns about shorter HMAC keys.
_DEV_SECRET = "blog-example-development-only-secret-do-not-deploy"
# bcrypt reads at most 72 bytes of a password; bcrypt 5 raises ValueError beyond that.
_BCRYPT_MAX_BYTES = 72

logger = logging.getLogger(__name__)


class Claims(t.TypedDict):
    """What a valid token says about its bearer."""

    userId: int
    location: str
    name: str


class MissingSecretError(RuntimeError):
    """``JWT_SECRET_KEY`` is not set in production."""

    def __init__(self) -> None:
        super().__init__(
            "JWT_SECRET_KEY is not set. Set it in the environment or in the project's .env "
            "(see .env.example), e.g. to the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


def require_secret() -> str:
    """The signing key from ``JWT_SECRET_KEY``.

    Without it, development gets a fixed development-only key and a warning in the log;
    production (``ROUTEKIT_ENV=production``) raises :class:`MissingSecretError`.
    """
    secret = os.environ.get("JWT_SECRET_KEY")
    if secret:
        return secret
    if os.environ.get("ROUTEKIT_ENV") == "production":
        raise MissingSecretError
    _warn_dev_secret()
    return _DEV_SECRET


@functools.cache  # once per process is loud enough
def _warn_dev_secret() -> None:
    logger.warning(
        "JWT_SECRET_KEY is not set: signing tokens with an insecure development-only key. "
        "Set JWT_SECRET_KEY (see .env.example) before deploying."
    )


def create_token(user: User, *, now: dt.datetime | None = None) -> str:
    """A signed token for *user*, valid for :data:`TOKEN_LIFETIME` from *now*."""
    issued = now or dt.datetime.now(dt.timezone.utc)
    payload = {
        "userId": user["id"],
        "location": user["location"],
        "name": user["name"],
        "iat": issued,
        "exp": issued + TOKEN_LIFETIME,
    }
    return jwt.encode(payload, require_secret(), algorithm=_ALGORITHM)


def verify_token(token: str) -> Claims | None:
    """The claims of *token*, or ``None`` if it is malformed, tampered with, signed with
    another key or another algorithm (``none`` included), or expired."""
    try:
        payload = jwt.decode(
            token,
            require_secret(),
            # Pinned: never let the token's own header choose the algorithm.
            algorithms=[_ALGORITHM],
            options={"require": ["exp", "iat", "userId"]},
        )
    except jwt.InvalidTokenError:
        return None
    return {
        "userId": payload["userId"],
        "location": payload.get("location", ""),
        "name": payload.get("name", ""),
    }


def verify_authorization(header: str) -> Claims | None:
    """The claims of an ``Authorization`` header ``Bearer <token>``; ``None`` for another
    scheme or a token :func:`verify_token` refuses."""
    scheme, _, token = header.partition(" ")
    return verify_token(token.strip()) if scheme.lower() == "bearer" else None


def hash_password(password: str, *, rounds: int = 12) -> str:
    """A bcrypt hash of *password*, for storing.

    :raises ValueError: the password is longer than 72 bytes in UTF-8, which bcrypt would
        silently cut (bcrypt < 5) or refuse (bcrypt 5).
    """
    secret = password.encode()
    if len(secret) > _BCRYPT_MAX_BYTES:
        raise ValueError(
            f"the password is {len(secret)} bytes long in UTF-8; bcrypt reads at most "
            f"{_BCRYPT_MAX_BYTES}: choose a shorter one"
        )
    return bcrypt.hashpw(secret, bcrypt.gensalt(rounds=rounds)).decode()


def check_password(password: str, hashed: str) -> bool:
    """Whether *password* matches the bcrypt *hashed*; ``False`` for one over 72 bytes."""
    # surrogatepass: a JSON string may hold a lone surrogate ("\ud800"), which is no match.
    secret = password.encode("utf-8", "surrogatepass")
    if len(secret) > _BCRYPT_MAX_BYTES:
        # No stored hash can come from such a password (hash_password refuses them).
        return False
    return bcrypt.checkpw(secret, hashed.encode())
