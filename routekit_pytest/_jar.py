"""The test client's cookie jar: browser rules for Domain, Path, expiry and Secure.

Written here rather than on ``http.cookiejar`` because that needs ``urllib`` request and
response objects and treats ``localhost`` differently from browsers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cookies import SetCookie

__all__ = ["CookieJar"]

_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass(slots=True)
class _Stored:
    name: str
    value: str
    domain: str
    host_only: bool
    path: str
    expires_at: float | None
    secure: bool

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def _hostname(host: str) -> str:
    if host.startswith("["):  # IPv6 literal with a port
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def _domain_match(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _default_path(request_path: str) -> str:
    # RFC 6265 5.1.4: the directory of the request path.
    if not request_path.startswith("/") or request_path.count("/") == 1:
        return "/"
    return request_path.rsplit("/", 1)[0]


def _path_match(request_path: str, cookie_path: str) -> bool:
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def _secure_context(scheme: str, hostname: str) -> bool:
    # Browsers treat localhost as a secure context, so Secure cookies go to it over http.
    return scheme == "https" or hostname in _LOOPBACK or hostname.endswith(".localhost")


class CookieJar:
    """Cookies a :class:`~routekit_pytest.Client` keeps between its requests.

    Expiry is checked against ``time.time()`` at each request, so freezegun applies.
    """

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str, str], _Stored] = {}

    def __len__(self) -> int:
        now = time.time()
        return sum(not c.expired(now) for c in self._cookies.values())

    def store(self, cookie: SetCookie, host: str, request_path: str) -> None:
        """Store (or delete) *cookie*, received in answer to a request to *host*/*request_path*."""
        hostname = _hostname(host)
        if cookie.domain:
            if not _domain_match(hostname, cookie.domain):
                return  # a browser rejects a Domain the host does not belong to
            domain, host_only = cookie.domain, False
        else:
            domain, host_only = hostname, True
        path = cookie.path if cookie.path and cookie.path.startswith("/") else None
        path = path or _default_path(request_path)
        now = time.time()
        expires_at: float | None = None
        if cookie.max_age is not None:  # Max-Age wins over Expires (RFC 6265 5.3)
            expires_at = now + cookie.max_age
        elif cookie.expires is not None:
            expires_at = cookie.expires.timestamp()
        key = (domain, path, cookie.name)
        if expires_at is not None and expires_at <= now:
            self._cookies.pop(key, None)
            return
        self._cookies[key] = _Stored(
            cookie.name, cookie.raw_value, domain, host_only, path, expires_at, cookie.secure
        )

    def header_for(self, scheme: str, host: str, path: str) -> str | None:
        """The ``Cookie`` header a browser would send to ``scheme://host/path``, or ``None``."""
        hostname = _hostname(host)
        now = time.time()
        secure_ok = _secure_context(scheme, hostname)
        chosen: list[_Stored] = []
        for key, stored in list(self._cookies.items()):
            if stored.expired(now):
                del self._cookies[key]
                continue
            if stored.host_only and hostname != stored.domain:
                continue
            if not stored.host_only and not _domain_match(hostname, stored.domain):
                continue
            if not _path_match(path, stored.path) or (stored.secure and not secure_ok):
                continue
            chosen.append(stored)
        if not chosen:
            return None
        chosen.sort(key=lambda c: len(c.path), reverse=True)  # longer paths first, as browsers
        return "; ".join(f"{c.name}={c.value}" for c in chosen)

    def set(self, name: str, value: str, *, domain: str, path: str = "/") -> None:
        """Store a session cookie for *domain* (host-only) and *path*."""
        domain = _hostname(domain)
        self._cookies[(domain, path, name)] = _Stored(name, value, domain, True, path, None, False)

    def get(self, name: str) -> str | None:
        """The value of the unexpired cookie *name* (any domain and path), or ``None``."""
        now = time.time()
        for stored in self._cookies.values():
            if stored.name == name and not stored.expired(now):
                return stored.value
        return None

    def delete(self, name: str) -> None:
        """Forget every cookie called *name*."""
        for key in [k for k in self._cookies if k[2] == name]:
            del self._cookies[key]

    def clear(self) -> None:
        """Forget every cookie."""
        self._cookies.clear()

    def as_dict(self) -> dict[str, str]:
        """Unexpired cookies as ``{name: value}`` (the last one wins when names repeat)."""
        now = time.time()
        return {c.name: c.value for c in self._cookies.values() if not c.expired(now)}
