"""``NextURL``: ``request.next_url``, an absolute URL with Next.js' extras.

Parsing and serialising is the WHATWG parser of :mod:`routekit.web._whatwg`; the query is a
live :class:`~routekit.web.search_params.URLSearchParams`. On top, Next.js rewrites
``127.0.0.1``/``[::1]`` hosts to ``localhost``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote

from ._whatwg import DEFAULT_PORTS, FRAGMENT_SAFE, QUERY_SAFE, normalise_path, parse_url
from .search_params import URLSearchParams

__all__ = ["NextURL"]

# Next.js' REGEX_LOCALHOST_HOSTNAME, applied to the first match in the whole URL string.
_LOCALHOST = re.compile(
    r"(?!^https?://)(127(?:\.(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)){3}|\[::1\]|localhost)"
)


def _localhost(url: str) -> str:
    return _LOCALHOST.sub("localhost", url, count=1)


class NextURL:
    """An absolute URL with Next.js' extras, as ``request.next_url`` exposes it.

    The first ``127.x.x.x``, ``[::1]`` or ``localhost`` in the URL reads ``localhost``
    (Next.js' host normalisation). Every accessor has a setter, and ``search_params`` is live:
    changing it changes ``search`` and ``href``.

    :param url: an absolute URL, or a relative one with *base*.
    :param base: the base for a relative *url*.
    :raises MalformedURLError: the URL is relative without *base*, or cannot be parsed.
    """

    __slots__ = ("_params", "_parts")

    def __init__(self, url: str | NextURL, base: str | NextURL | None = None) -> None:
        self._parts = parse_url(_localhost(str(url)), _localhost(str(base)) if base else None)
        self._params = URLSearchParams(self._parts.query or "")
        self._params._on_change = self._params_changed

    def _params_changed(self) -> None:
        query = self._params.to_string()
        self._parts.query = query or None

    @property
    def href(self) -> str:
        """The whole URL."""
        return self._parts.href

    @href.setter
    def href(self, value: str) -> None:
        self._parts = parse_url(_localhost(value))
        self._params._replace_pairs(self._parts.query or "")

    @property
    def origin(self) -> str:
        """``protocol//host`` (``"null"`` for non-special schemes)."""
        if self._parts.special and self._parts.scheme != "file":
            return f"{self._parts.scheme}://{self._parts.host}"
        return "null"

    @property
    def protocol(self) -> str:
        """The scheme with its colon: ``https:``."""
        return self._parts.scheme + ":"

    @protocol.setter
    def protocol(self, value: str) -> None:
        self._parts.scheme = value.removesuffix(":").lower()
        if self._parts.port == DEFAULT_PORTS.get(self._parts.scheme):
            self._parts.port = ""

    @property
    def host(self) -> str:
        """``hostname[:port]``; default ports are omitted."""
        return self._parts.host

    @host.setter
    def host(self, value: str) -> None:
        probe = parse_url(f"{self._parts.scheme}://{value}/")
        self._parts.hostname, self._parts.port = probe.hostname, probe.port

    @property
    def hostname(self) -> str:
        """The host without the port (IPv6 addresses keep their brackets)."""
        return self._parts.hostname

    @hostname.setter
    def hostname(self, value: str) -> None:
        self._parts.hostname = parse_url(f"{self._parts.scheme}://{value}/").hostname

    @property
    def port(self) -> str:
        """The port as a string, ``""`` when absent or the scheme's default."""
        return self._parts.port

    @port.setter
    def port(self, value: str | int) -> None:
        text = str(value)
        self._parts.port = parse_url(f"{self._parts.scheme}://h:{text}/").port if text else ""

    @property
    def pathname(self) -> str:
        """The path, percent-encoded, dot segments resolved."""
        return self._parts.path

    @pathname.setter
    def pathname(self, value: str) -> None:
        text = value.replace("?", "%3F").replace("#", "%23")
        hierarchical = self._parts.special or text.startswith("/")
        self._parts.path = normalise_path(text) if hierarchical else text

    @property
    def search(self) -> str:
        """``?query``, or ``""`` when the query is empty."""
        return f"?{self._parts.query}" if self._parts.query else ""

    @search.setter
    def search(self, value: str) -> None:
        query = value.removeprefix("?")
        self._parts.query = quote(query, safe=QUERY_SAFE) if query else None
        self._params._replace_pairs(query)

    @property
    def search_params(self) -> URLSearchParams:
        """The query as live :class:`URLSearchParams`."""
        return self._params

    @property
    def hash(self) -> str:
        """``#fragment``, or ``""``."""
        return f"#{self._parts.fragment}" if self._parts.fragment else ""

    @hash.setter
    def hash(self, value: str) -> None:
        fragment = value.removeprefix("#")
        self._parts.fragment = quote(fragment, safe=FRAGMENT_SAFE) if fragment else None

    @property
    def username(self) -> str:
        """The user name of the userinfo, ``""`` if none."""
        return self._parts.username

    @property
    def password(self) -> str:
        """The password of the userinfo, ``""`` if none."""
        return self._parts.password

    @property
    def base_path(self) -> str:
        """Always ``""``: route handlers see paths with any base path already stripped."""
        return ""

    @property
    def locale(self) -> str:
        """Always ``""``: routekit has no i18n routing."""
        return ""

    def clone(self) -> NextURL:
        """An independent copy, to modify for a redirect or rewrite."""
        copy = NextURL.__new__(NextURL)
        copy._parts = replace(self._parts)
        copy._params = URLSearchParams(self._params)
        copy._params._on_change = copy._params_changed
        return copy

    def to_string(self) -> str:
        """The whole URL (same as :attr:`href`)."""
        return self.href

    def to_json(self) -> str:
        """The whole URL (same as :attr:`href`)."""
        return self.href

    def __str__(self) -> str:
        return self.href

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NextURL):
            return self.href == other.href
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NextURL({self.href!r})"
