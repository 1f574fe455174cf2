"""``RequestCookies`` and ``ResponseCookies``: Next.js' ``@edge-runtime/cookies``.

Our own code rather than werkzeug's cookie helpers: Next.js parses ``Cookie`` with
``decodeURIComponent`` (undecodable pairs dropped, last duplicate wins), serialises
``Set-Cookie`` in a fixed attribute order with ``Path=/`` by default, and keys response
cookies by name only.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import time
import typing as t
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timezone

from werkzeug.http import http_date, parse_date

from .._js.cookies import check_cookie_domain, check_cookie_name, check_cookie_path
from .._js.strings import decode_uri_component, encode_uri_component

if t.TYPE_CHECKING:
    from .headers import Headers

__all__ = [
    "RequestCookie",
    "RequestCookies",
    "ResponseCookie",
    "ResponseCookies",
    "parse_cookie_header",
    "parse_set_cookie",
    "split_cookies_string",
    "stringify_cookie",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SAME_SITE = ("strict", "lax", "none")
_PRIORITY = ("low", "medium", "high")
_CAMEL = {"maxAge": "max_age", "httpOnly": "http_only", "sameSite": "same_site"}


@dataclass(frozen=True, slots=True)
class RequestCookie:
    """A cookie the client sent: ``request.cookies.get("theme")``."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class ResponseCookie:
    """A cookie to send with ``Set-Cookie``, with its attributes.

    ``expires`` is an aware ``datetime``; a number is read as seconds since the epoch.
    """

    name: str
    value: str
    path: str | None = None
    expires: datetime | None = None
    max_age: int | float | None = None
    domain: str | None = None
    secure: bool | None = None
    http_only: bool | None = None
    same_site: str | bool | None = None
    partitioned: bool | None = None
    priority: str | None = None


_OPTION_NAMES = tuple(f.name for f in fields(ResponseCookie) if f.name not in ("name", "value"))


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header as Next.js does (§4.1).

    Pairs split on ``;`` plus spaces; a pair without ``=`` has the value ``"true"``; names are
    kept verbatim; a value that fails to decode drops the pair; later duplicates win.
    """
    cookies: dict[str, str] = {}
    for pair in re.split(r"; *", header):
        if not pair:
            continue
        name, eq, value = pair.partition("=")
        if not eq:
            cookies[pair] = "true"
            continue
        try:
            cookies[name] = decode_uri_component(value)
        except ValueError:
            continue
    return cookies


def _js_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def stringify_cookie(cookie: ResponseCookie) -> str:
    """Serialise *cookie* for ``Set-Cookie`` in Next.js' fixed attribute order."""
    attrs: list[str] = []
    if cookie.path:
        attrs.append(f"Path={cookie.path}")
    if cookie.expires is not None:
        attrs.append(f"Expires={http_date(cookie.expires)}")
    if cookie.max_age is not None:
        attrs.append(f"Max-Age={_js_number(cookie.max_age)}")
    if cookie.domain:
        attrs.append(f"Domain={cookie.domain}")
    if cookie.secure:
        attrs.append("Secure")
    if cookie.http_only:
        attrs.append("HttpOnly")
    if cookie.same_site:
        same_site = cookie.same_site
        attrs.append(f"SameSite={str(same_site).lower() if same_site is True else same_site}")
    if cookie.partitioned:
        attrs.append("Partitioned")
    if cookie.priority:
        attrs.append(f"Priority={cookie.priority}")
    text = f"{cookie.name}={encode_uri_component(cookie.value or '')}"
    return "; ".join([text, *attrs])


def parse_set_cookie(header: str) -> ResponseCookie | None:
    """Parse one ``Set-Cookie`` value (``parseSetCookie``); ``None`` when there is no pair."""
    pairs = parse_cookie_header(header)
    if not pairs:
        return None
    items = iter(pairs.items())
    name, value = next(items)
    attrs = {key.lower().replace("-", ""): val for key, val in items}
    with contextlib.suppress(ValueError):
        value = decode_uri_component(value)  # Next.js decodes the value a second time
    expires = None
    if attrs.get("expires"):
        expires = parse_date(attrs["expires"])
    max_age: int | float | None = None
    if "maxage" in attrs:
        text = attrs["maxage"].strip()
        try:
            number = float(text) if text else 0.0  # JavaScript's Number("") is 0
            max_age = int(number) if number.is_integer() else number
        except ValueError:
            max_age = None  # Next.js keeps NaN (and sends Max-Age=NaN); we drop it
    same_site = attrs.get("samesite", "").lower() or None
    priority = attrs.get("priority", "").lower() or None
    return ResponseCookie(
        name=name,
        value=value,
        path=attrs.get("path"),
        expires=expires,
        max_age=max_age,
        domain=attrs.get("domain"),
        secure=True if attrs.get("secure") else None,
        http_only=True if attrs.get("httponly") else None,
        same_site=same_site if same_site in _SAME_SITE else None,
        partitioned=True if attrs.get("partitioned") else None,
        priority=priority if priority in _PRIORITY else None,
    )


def split_cookies_string(header: str) -> list[str]:
    """Split a comma-joined ``Set-Cookie`` string, keeping the commas inside ``Expires``."""
    out: list[str] = []
    start = 0
    pos = 0
    while pos < len(header):
        if header[pos] == ",":
            # A comma starts a new cookie only when "name=" follows before any ";" or ",".
            rest = header[pos + 1 :]
            match = re.match(r"\s*[^=;,\s]+=", rest)
            if match:
                out.append(header[start:pos].strip())
                start = pos + 1
        pos += 1
    last = header[start:].strip()
    if last:
        out.append(last)
    return [c for c in out if c]


_V = t.TypeVar("_V")


class _CookieMap(t.Generic[_V]):
    """What both cookie collections are: a name-keyed map over one header's cookies."""

    __slots__ = ()
    _parsed: dict[str, _V]

    def to_string(self) -> str:
        raise NotImplementedError

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._parsed

    def __len__(self) -> int:
        return len(self._parsed)

    def __str__(self) -> str:
        return self.to_string()


class RequestCookies(_CookieMap[str]):
    """The cookies a request carries: ``request.cookies`` (§4.2).

    Reads the ``Cookie`` header of *headers*; ``set``/``delete`` rewrite that header.
    Iteration yields ``(name, RequestCookie)`` pairs, like Next.js' iterator.
    """

    __slots__ = ("_headers", "_parsed")

    def __init__(self, headers: Headers) -> None:
        self._headers = headers
        self._parsed = parse_cookie_header(headers.get("cookie") or "")

    def get(self, name: str | RequestCookie) -> RequestCookie | None:
        """The cookie named *name*, or ``None``."""
        key = name if isinstance(name, str) else name.name
        value = self._parsed.get(key)
        return None if value is None else RequestCookie(key, value)

    def get_all(self, name: str | None = None) -> list[RequestCookie]:
        """Every cookie, or those named *name*."""
        return [RequestCookie(k, v) for k, v in self._parsed.items() if name in (None, k)]

    def has(self, name: str) -> bool:
        """Whether a cookie named *name* was sent."""
        return name in self._parsed

    @property
    def size(self) -> int:
        """The number of cookies."""
        return len(self._parsed)

    def set(self, name: str | RequestCookie, value: str | None = None) -> RequestCookies:
        """Set a cookie on the request (rewrites its ``Cookie`` header)."""
        if isinstance(name, RequestCookie):
            key, value = name.name, name.value
        else:
            key = name
        self._parsed[check_cookie_name(key)] = _check_value("" if value is None else str(value))
        self._write()
        return self

    @t.overload
    def delete(self, names: str) -> bool: ...
    @t.overload
    def delete(self, names: list[str]) -> list[bool]: ...
    def delete(self, names: str | list[str]) -> bool | list[bool]:
        """Remove cookies; ``True`` for each one that existed."""
        keys = [names] if isinstance(names, str) else list(names)
        result = [self._parsed.pop(k, None) is not None for k in keys]
        self._write()
        return result[0] if isinstance(names, str) else result

    def clear(self) -> RequestCookies:
        """Remove every cookie (and the ``Cookie`` header)."""
        self._parsed.clear()
        self._headers.delete("cookie")
        return self

    def to_string(self) -> str:
        """``a=1; b=2``, values URI-encoded."""
        return "; ".join(f"{k}={encode_uri_component(v)}" for k, v in self._parsed.items())

    def _write(self) -> None:
        self._headers.set("cookie", self.to_string())

    def __iter__(self) -> Iterator[tuple[str, RequestCookie]]:
        return iter([(k, RequestCookie(k, v)) for k, v in self._parsed.items()])

    def __repr__(self) -> str:
        return f"RequestCookies({self._parsed!r})"


def _expires_from(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    raise TypeError(f"cookie expires= must be a datetime or seconds since the epoch, got {value!r}")


def _normalise_options(options: Mapping[str, object]) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {}
    for key, value in options.items():
        name = _CAMEL.get(key, key)
        if name not in _OPTION_NAMES:
            near = difflib.get_close_matches(name, [*_OPTION_NAMES, *_CAMEL], n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise TypeError(f"unknown cookie option {key!r}{hint}")
        out[name] = value
    return out


def _check_value(value: str) -> str:
    try:
        encode_uri_component(value)
    except UnicodeError:  # encodeURIComponent throws "URI malformed" on a lone surrogate
        raise TypeError(
            f"argument val is invalid: {value!r} (text must be valid Unicode, without lone "
            "surrogates)"
        ) from None
    return value


def _check_attributes(opts: dict[str, t.Any]) -> None:
    """The checks ``res.set_cookie`` makes: nothing a value can turn into a new attribute.

    Next.js' ``@edge-runtime/cookies`` writes these as given; routekit validates them as
    the npm ``cookie`` package does for the pages router.
    """
    domain, path = opts.get("domain"), opts.get("path")
    if domain:
        check_cookie_domain(domain)
    if path:
        check_cookie_path(path)
    max_age = opts.get("max_age")
    if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, (int, float))):
        raise TypeError(f"option maxAge is invalid: {max_age!r} (expected a number of seconds)")
    same_site = opts.get("same_site")
    if not (same_site is None or isinstance(same_site, bool)) and (
        not isinstance(same_site, str) or same_site.lower() not in _SAME_SITE
    ):
        raise TypeError(f"option sameSite is invalid: {same_site!r} (expected one of {_SAME_SITE})")
    priority = opts.get("priority")
    if priority is not None and (
        not isinstance(priority, str) or priority.lower() not in _PRIORITY
    ):
        raise TypeError(f"option priority is invalid: {priority!r} (expected one of {_PRIORITY})")


def _normalise(name: str, value: str, options: Mapping[str, object]) -> ResponseCookie:
    """``normalizeCookie``: a truthy max-age also sets ``Expires``; ``Path`` defaults to ``/``.

    :raises TypeError: a name, value or attribute that ``res.set_cookie`` would refuse.
    """
    opts = _normalise_options(options)
    check_cookie_name(name)
    _check_value(value)
    _check_attributes(opts)
    opts["expires"] = _expires_from(opts.get("expires"))
    if opts.get("max_age"):
        opts["expires"] = datetime.fromtimestamp(time.time() + opts["max_age"], tz=timezone.utc)
    if opts.get("path") is None:
        opts["path"] = "/"
    return ResponseCookie(name=name, value=value, **opts)


class ResponseCookies(_CookieMap[ResponseCookie]):
    """The ``Set-Cookie`` headers of a response as a name-keyed map (§4.3).

    Every ``set``/``delete`` re-writes all of *headers*' ``Set-Cookie`` lines. Options are
    keywords in snake_case or Next.js' camelCase (``max_age=60`` or ``maxAge=60``).
    """

    __slots__ = ("_headers", "_listener", "_parsed")

    def __init__(self, headers: Headers) -> None:
        self._headers = headers
        self._parsed: dict[str, ResponseCookie] = {}
        #: Called with the cookie name after each ``set``/``delete``.
        self._listener: Callable[[str], None] | None = None
        for line in headers.get_set_cookie():
            for text in split_cookies_string(line):
                cookie = parse_set_cookie(text)
                if cookie is not None:
                    self._parsed[cookie.name] = cookie

    def get(self, name: str | ResponseCookie) -> ResponseCookie | None:
        """The cookie named *name*, or ``None``."""
        return self._parsed.get(name if isinstance(name, str) else name.name)

    def get_all(self, name: str | None = None) -> list[ResponseCookie]:
        """Every cookie, or the one named *name* (as a list)."""
        return [c for c in self._parsed.values() if name in (None, c.name)]

    def has(self, name: str) -> bool:
        """Whether a cookie named *name* is set."""
        return name in self._parsed

    def set(
        self,
        name: str | ResponseCookie | Mapping[str, t.Any],
        value: str | None = None,
        /,
        **options: t.Any,
    ) -> ResponseCookies:
        """Set a cookie: ``set("a", "1", http_only=True)`` or ``set({"name": ..., ...})``.

        :raises TypeError: a name, value, ``path``, ``domain``, ``max_age``, ``same_site`` or
            ``priority`` that ``res.set_cookie`` would refuse (nothing a value holds can
            become another attribute).
        """
        if isinstance(name, ResponseCookie):
            fields_ = {f: getattr(name, f) for f in _OPTION_NAMES}
            base = {k: v for k, v in fields_.items() if v is not None}
            cookie_name, cookie_value = name.name, name.value
            options = {**base, **options}
        elif isinstance(name, Mapping):
            data = dict(name)
            cookie_name = str(data.pop("name"))
            cookie_value = str(data.pop("value", ""))
            options = {**data, **options}
        else:
            cookie_name, cookie_value = name, "" if value is None else str(value)
        self._parsed[cookie_name] = _normalise(cookie_name, cookie_value, options)
        self._write()
        if self._listener is not None:
            self._listener(cookie_name)
        return self

    def delete(self, name: str | Mapping[str, t.Any], /, **options: t.Any) -> ResponseCookies:
        """Expire a cookie: value ``""`` and ``Expires=Thu, 01 Jan 1970 00:00:00 GMT``."""
        if isinstance(name, Mapping):
            data = dict(name)
            cookie_name = str(data.pop("name"))
            options = {**data, **options}
        else:
            cookie_name = name
        options.pop("value", None)
        return self.set(cookie_name, "", **{**options, "expires": _EPOCH})

    def to_string(self) -> str:
        """Every cookie serialised, joined with ``"; "``."""
        return "; ".join(stringify_cookie(c) for c in self._parsed.values())

    def _write(self) -> None:
        self._headers.delete("set-cookie")
        for cookie in self._parsed.values():
            self._headers.append("set-cookie", stringify_cookie(cookie))

    def __iter__(self) -> Iterator[tuple[str, ResponseCookie]]:
        return iter(list(self._parsed.items()))

    def __repr__(self) -> str:
        return f"ResponseCookies({list(self._parsed.values())!r})"
