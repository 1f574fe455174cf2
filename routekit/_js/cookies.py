"""Cookies the way the npm ``cookie`` package does them: ``Cookie`` parsing and ``Set-Cookie``.

* :func:`parse_cookie_header` is ``req.cookies``: Next.js' ``getCookieParser`` runs
  ``cookie.parse`` (0.4 rules) on the ``Cookie`` header.
* :func:`serialize_cookie` is ``cookie.serialize`` from the current ``cookie`` package
  (1.x), what a Next.js user calls for ``res.setHeader("Set-Cookie", ...)``, and what
  ``res.set_cookie`` uses.

werkzeug's ``parse_cookie``/``dump_cookie`` quote and decode differently (RFC 2068 octal
escapes, last occurrence wins, ``"`` quoting), so both directions are our own code.
"""

from __future__ import annotations

import difflib
import typing as t
from datetime import date, datetime

from werkzeug.http import http_date

from .._syntax import COOKIE_DOMAIN, COOKIE_NAME, COOKIE_PATH, COOKIE_VALUE
from .strings import JS_WHITESPACE, decode_uri_component, encode_uri_component

__all__ = [
    "check_cookie_domain",
    "check_cookie_name",
    "check_cookie_path",
    "parse_cookie_header",
    "serialize_cookie",
]


def parse_cookie_header(value: str) -> dict[str, str]:
    """Parse a ``Cookie`` header value into ``{name: value}`` as ``cookie.parse`` (0.4) does.

    Pairs are split on ``;``; a pair without ``=`` is skipped; name and value are trimmed;
    a value starting with ``"`` loses its first and last character; the value is
    ``decodeURIComponent``-decoded, or kept raw when that fails; the **first** occurrence
    of a name wins.
    """
    cookies: dict[str, str] = {}
    if not value:
        return cookies
    for pair in value.split(";"):
        name, eq, raw = pair.partition("=")
        if not eq:
            continue
        name = name.strip(JS_WHITESPACE)
        if name in cookies:
            continue
        raw = raw.strip(JS_WHITESPACE)
        if raw[:1] == '"':
            # cookie@0.4 slices unconditionally: '"abc' becomes 'ab'.
            raw = raw[1:-1]
        try:
            cookies[name] = decode_uri_component(raw)
        except ValueError:
            cookies[name] = raw
    return cookies


_PRIORITY = {"low": "Low", "medium": "Medium", "high": "High"}
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}

# Both spellings are accepted; each maps to the snake_case name used below.
_OPTION_NAMES = {
    "max_age": "max_age",
    "maxAge": "max_age",
    "expires": "expires",
    "domain": "domain",
    "path": "path",
    "http_only": "http_only",
    "httpOnly": "http_only",
    "secure": "secure",
    "partitioned": "partitioned",
    "priority": "priority",
    "same_site": "same_site",
    "sameSite": "same_site",
    "encode": "encode",
}


def _normalise_options(options: dict[str, object]) -> dict[str, object]:
    normalised: dict[str, object] = {}
    for key, value in options.items():
        canonical = _OPTION_NAMES.get(key)
        if canonical is None:
            close = difflib.get_close_matches(key, _OPTION_NAMES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"serialize_cookie() got an unknown option {key!r}{hint} "
                f"(known: {', '.join(sorted(set(_OPTION_NAMES.values())))})"
            )
        if canonical in normalised:
            raise TypeError(
                f"serialize_cookie() got the option {canonical!r} twice "
                "(snake_case and camelCase spellings); pass only one"
            )
        normalised[canonical] = value
    return normalised


def _max_age(value: object) -> str:
    # Number.isInteger: 3 and 3.0 pass, 3.5, "3", True and NaN do not.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"option maxAge is invalid: {value!r} (expected an integer of seconds)")
    if isinstance(value, float):
        if not value.is_integer():
            raise TypeError(f"option maxAge is invalid: {value!r} (expected an integer of seconds)")
        value = int(value)
    return str(value)


def _expires(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (datetime, date, int, float)):
        raise TypeError(
            f"option expires is invalid: {value!r} (expected a datetime or a POSIX timestamp)"
        )
    try:
        return http_date(value)
    except (OverflowError, ValueError, OSError) as exc:
        raise TypeError(f"option expires is invalid: {value!r} ({exc})") from exc


def _choice(option: str, value: object, table: dict[str, str]) -> str:
    key = value.lower() if isinstance(value, str) else value
    if option == "sameSite" and key is True:
        key = "strict"
    if isinstance(key, str) and key in table:
        return table[key]
    choices = ", ".join(repr(choice) for choice in table)
    raise TypeError(f"option {option} is invalid: {value!r} (expected one of {choices})")


def check_cookie_name(name: object) -> str:
    """*name* if the ``cookie`` package accepts it as a cookie name, else its ``TypeError``."""
    if not isinstance(name, str) or not COOKIE_NAME.match(name):
        raise TypeError(
            f"argument name is invalid: {name!r} (a cookie name is 1+ visible ASCII "
            "characters other than ';' and '=')"
        )
    return name


def check_cookie_domain(domain: object) -> str:
    """*domain* if the ``cookie`` package accepts it as a ``Domain``, else its ``TypeError``."""
    if not isinstance(domain, str) or not COOKIE_DOMAIN.match(domain):
        raise TypeError(f"option domain is invalid: {domain!r} (expected a host name)")
    return domain


def check_cookie_path(path: object) -> str:
    """*path* if the ``cookie`` package accepts it as a ``Path``, else its ``TypeError``."""
    if not isinstance(path, str) or not COOKIE_PATH.match(path):
        raise TypeError(
            f"option path is invalid: {path!r} (printable ASCII other than ';' expected)"
        )
    return path


def serialize_cookie(name: str, value: str | None, **options: t.Any) -> str:
    """Build a ``Set-Cookie`` header value exactly as the npm ``cookie`` package's ``serialize``.

    The value is ``encodeURIComponent``-encoded unless ``encode=`` gives another function.
    Attributes come in the package's order: ``Max-Age``, ``Domain``, ``Path``, ``Expires``,
    ``HttpOnly``, ``Secure``, ``Partitioned``, ``Priority``, ``SameSite``. Options accept
    snake_case or camelCase: ``max_age``/``maxAge`` (integer seconds), ``expires`` (a
    ``datetime`` or a timestamp), ``domain``, ``path``, ``http_only``/``httpOnly``,
    ``secure``, ``partitioned``, ``priority`` (``low``/``medium``/``high``) and
    ``same_site``/``sameSite`` (``True`` = ``Strict``, ``"lax"``, ``"strict"``, ``"none"``).
    Falsy ``domain``/``path``/``expires``/flags are left out, as in JavaScript.

    :raises TypeError: with the package's message (``argument name is invalid: ...``) for
        a name, value or option the header grammar does not allow.
    """
    opts = _normalise_options(options)
    encode = opts.get("encode") or encode_uri_component
    if not callable(encode):
        raise TypeError(f"option encode is invalid: {encode!r} (expected a function)")
    check_cookie_name(name)
    raw = "" if value is None else value if isinstance(value, str) else str(value)
    try:
        encoded = "" if value is None else encode(raw)
    except UnicodeError:  # a lone surrogate: encodeURIComponent throws "URI malformed"
        encoded = None
    if not isinstance(encoded, str) or not COOKIE_VALUE.match(encoded):
        raise TypeError(
            f"argument val is invalid: {raw!r} (after encoding it must be visible ASCII "
            "characters other than ';'; text must be valid Unicode, without lone surrogates)"
        )
    parts = [f"{name}={encoded}"]
    max_age = opts.get("max_age")
    if max_age is not None:
        parts.append(f"Max-Age={_max_age(max_age)}")
    domain = opts.get("domain")
    if domain:
        parts.append(f"Domain={check_cookie_domain(domain)}")
    path = opts.get("path")
    if path:
        parts.append(f"Path={check_cookie_path(path)}")
    expires = opts.get("expires")
    if expires is not None and expires is not False:
        parts.append(f"Expires={_expires(expires)}")
    if opts.get("http_only"):
        parts.append("HttpOnly")
    if opts.get("secure"):
        parts.append("Secure")
    if opts.get("partitioned"):
        parts.append("Partitioned")
    priority = opts.get("priority")
    if priority:
        parts.append(f"Priority={_choice('priority', priority, _PRIORITY)}")
    same_site = opts.get("same_site")
    if same_site:
        parts.append(f"SameSite={_choice('sameSite', same_site, _SAME_SITE)}")
    return "; ".join(parts)
