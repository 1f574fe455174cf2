"""Parsed ``Set-Cookie`` headers: what a test reads from ``res.cookies``.

:class:`SetCookie` is one header as a client received it (the value as sent beside the
decoded one, whether it deletes the cookie): another concept than the cookie a handler
sets, ``routekit.web.ResponseCookie``, hence its own name.
"""

from __future__ import annotations

import contextlib
import time
import typing as t
from dataclasses import dataclass
from urllib.parse import unquote

from werkzeug.http import parse_date

if t.TYPE_CHECKING:
    from datetime import datetime

__all__ = ["SetCookie", "parse_set_cookie"]


@dataclass(frozen=True, slots=True)
class SetCookie:
    """One ``Set-Cookie`` header of a response as the client received it, with its attributes.

    :param name: the cookie name.
    :param value: the value, percent-decoded as the ``cookie`` package's ``parse`` does
        (left as sent when it is not valid UTF-8 percent-encoding).
    :param raw_value: the value exactly as sent.
    :param path: the ``Path`` attribute, if any.
    :param domain: the ``Domain`` attribute, if any (leading dot removed).
    :param expires: the ``Expires`` attribute as an aware UTC datetime, if any and valid.
    :param max_age: the ``Max-Age`` attribute in seconds, if any and valid.
    :param secure: whether ``Secure`` was set.
    :param http_only: whether ``HttpOnly`` was set.
    :param same_site: the ``SameSite`` attribute as sent (``Lax``, ``Strict``, ``None``).
    :param partitioned: whether ``Partitioned`` was set.
    """

    name: str
    value: str
    raw_value: str = ""
    path: str | None = None
    domain: str | None = None
    expires: datetime | None = None
    max_age: int | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    partitioned: bool = False

    @property
    def deleted(self) -> bool:
        """True when the header removes the cookie (``Max-Age<=0``, or ``Expires`` is past)."""
        if self.max_age is not None:
            return self.max_age <= 0
        if self.expires is not None:
            return self.expires.timestamp() <= _now()
        return False


def _now() -> float:
    # `time.time` is looked up at call time so freezegun's patched clock applies.
    return time.time()


def _decode(raw: str) -> str:
    # The `cookie` package: strip one pair of quotes, then decodeURIComponent, else keep raw.
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    if "%" not in raw:
        return raw
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return raw


def parse_set_cookie(header: str) -> SetCookie | None:
    """Parse one ``Set-Cookie`` header value; ``None`` when it has no ``name=value`` pair.

    Written here because werkzeug parses only request ``Cookie`` headers publicly.
    """
    pair, *attrs = header.split(";")
    if "=" not in pair:
        return None
    name, raw = pair.split("=", 1)
    name = name.strip()
    if not name:
        return None
    raw = raw.strip()
    fields: dict[str, t.Any] = {}
    for attr in attrs:
        key, _, value = attr.partition("=")
        key = key.strip().lower()
        value = value.strip()
        if key == "path":
            fields["path"] = value or None
        elif key == "domain":
            fields["domain"] = value.lstrip(".").lower() or None
        elif key == "expires":
            fields["expires"] = parse_date(value)
        elif key == "max-age":
            with contextlib.suppress(ValueError):
                fields["max_age"] = int(value)
        elif key == "secure":
            fields["secure"] = True
        elif key == "httponly":
            fields["http_only"] = True
        elif key == "samesite":
            fields["same_site"] = value or None
        elif key == "partitioned":
            fields["partitioned"] = True
    return SetCookie(name=name, value=_decode(raw), raw_value=raw, **fields)
