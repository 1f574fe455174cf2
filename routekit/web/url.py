"""``NextURL`` and ``URLSearchParams``: ``request.next_url`` and its query string.

Our own code rather than ``urllib``/werkzeug where WHATWG URL semantics differ: query strings
serialise with ``+`` for spaces and ``%7E`` for ``~``, dot segments resolve, default ports
drop, and Next.js rewrites ``127.0.0.1``/``[::1]`` hosts to ``localhost``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, quote_plus, urljoin

from .._js.query import search_param_pairs
from ..errors import MalformedURLError

__all__ = ["NextURL", "URLSearchParams", "validate_url"]

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
# Next.js' REGEX_LOCALHOST_HOSTNAME, applied to the first match in the whole URL string.
_LOCALHOST = re.compile(
    r"(?!^https?://)(127(?:\.(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)){3}|\[::1\]|localhost)"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# WHATWG percent-encode sets, minus C0/non-ASCII which quote() always encodes.
_PATH_SAFE = "!$%&'()*+,-./:;=@[]\\^_|~"
_QUERY_SAFE = "!$%&()*+,-./:;=?@[]\\^_`{|}~"
_FRAGMENT_SAFE = "!#$%&'()*+,-./:;=?@[]\\^_{|}~"


class URLSearchParams:
    """An ordered list of query ``(name, value)`` pairs with the WHATWG API.

    :param init: a query string (leading ``?`` ignored), a mapping (list values repeat the
        key), ``(name, value)`` pairs, or another ``URLSearchParams``.
    """

    __slots__ = ("_on_change", "_pairs")

    def __init__(
        self,
        init: str | Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        self._on_change: Callable[[], None] | None = None
        self._pairs: list[tuple[str, str]] = []
        if init is None:
            return
        if isinstance(init, str):
            self._pairs = search_param_pairs(init[1:] if init.startswith("?") else init)
        elif isinstance(init, URLSearchParams):
            self._pairs = list(init._pairs)
        elif isinstance(init, Mapping):
            for key, value in init.items():
                if isinstance(value, str):
                    self._pairs.append((str(key), value))
                else:
                    self._pairs.extend((str(key), str(v)) for v in value)
        else:
            self._pairs = [(str(k), str(v)) for k, v in init]

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def get(self, name: str) -> str | None:
        """The first value of *name*, or ``None``."""
        return next((v for k, v in self._pairs if k == name), None)

    def get_all(self, name: str) -> list[str]:
        """Every value of *name*, in order."""
        return [v for k, v in self._pairs if k == name]

    def has(self, name: str, value: str | None = None) -> bool:
        """Whether *name* (with *value*, if given) is present."""
        return any(k == name and (value is None or v == value) for k, v in self._pairs)

    def append(self, name: str, value: str) -> None:
        """Add a pair at the end."""
        self._pairs.append((str(name), str(value)))
        self._changed()

    def set(self, name: str, value: str) -> None:
        """Replace every value of *name* with *value*, at the first occurrence's position."""
        out: list[tuple[str, str]] = []
        placed = False
        for k, v in self._pairs:
            if k != name:
                out.append((k, v))
            elif not placed:
                out.append((k, str(value)))
                placed = True
        if not placed:
            out.append((str(name), str(value)))
        self._pairs = out
        self._changed()

    def delete(self, name: str, value: str | None = None) -> None:
        """Remove every pair named *name* (only those equal to *value*, if given)."""
        self._pairs = [
            (k, v) for k, v in self._pairs if not (k == name and (value is None or v == value))
        ]
        self._changed()

    def sort(self) -> None:
        """Sort pairs by name, stably."""
        self._pairs.sort(key=lambda pair: pair[0])
        self._changed()

    def keys(self) -> list[str]:
        """Every name, repeated as often as it occurs."""
        return [k for k, _ in self._pairs]

    def values(self) -> list[str]:
        """Every value, in order."""
        return [v for _, v in self._pairs]

    def items(self) -> list[tuple[str, str]]:
        """Every ``(name, value)`` pair, in order."""
        return list(self._pairs)

    def to_string(self) -> str:
        """The ``application/x-www-form-urlencoded`` form, without a leading ``?``."""
        return "&".join(f"{_encode_form(k)}={_encode_form(v)}" for k, v in self._pairs)

    @property
    def size(self) -> int:
        """The number of pairs."""
        return len(self._pairs)

    def _replace_pairs(self, query: str) -> None:
        self._pairs = search_param_pairs(query)

    def __str__(self) -> str:
        return self.to_string()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._pairs))

    def __len__(self) -> int:
        return len(self._pairs)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.has(name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, URLSearchParams):
            return self._pairs == other._pairs
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"URLSearchParams({self._pairs!r})"


def _encode_form(text: str) -> str:
    # WHATWG keeps only alphanumerics and *-._ ; Python's quote always keeps "~".
    return quote_plus(text, safe="*").replace("~", "%7E")


@dataclass(slots=True)
class _Parts:
    scheme: str
    username: str
    password: str
    hostname: str
    port: str
    path: str
    query: str | None
    fragment: str | None

    @property
    def special(self) -> bool:
        return self.scheme in _DEFAULT_PORTS or self.scheme == "file"

    @property
    def host(self) -> str:
        return f"{self.hostname}:{self.port}" if self.port else self.hostname

    @property
    def href(self) -> str:
        out = f"{self.scheme}:"
        if self.hostname or self.special:
            out += "//"
            if self.username or self.password:
                out += self.username + (f":{self.password}" if self.password else "") + "@"
            out += self.host
        out += self.path
        if self.query is not None:
            out += "?" + self.query
        if self.fragment is not None:
            out += "#" + self.fragment
        return out


def _parse(url: str, base: str | None = None) -> _Parts:
    text = url.strip(" \t\r\n\x00")
    if not _SCHEME.match(text):
        if base is None:
            raise MalformedURLError(url)
        text = urljoin(_parse(base).href, text)
    scheme, _, rest = text.partition(":")
    scheme = scheme.lower()
    parts = _Parts(scheme, "", "", "", "", "", None, None)
    rest, hash_sep, fragment = rest.partition("#")
    rest, query_sep, query = rest.partition("?")
    if hash_sep:
        parts.fragment = quote(fragment, safe=_FRAGMENT_SAFE)
    if query_sep:
        parts.query = quote(query, safe=_QUERY_SAFE if parts.special else _QUERY_SAFE + "'")
    if parts.special:
        rest = rest.replace("\\", "/")
    if parts.special and scheme != "file":
        # WHATWG skips any number of slashes here: http:x.com and http:///x.com are http://x.com/.
        authority, slash, path = rest.lstrip("/").partition("/")
        _set_authority(parts, authority, url)
        if not parts.hostname:
            raise MalformedURLError(url)
        rest = slash + path
    elif rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        _set_authority(parts, authority, url)
        rest = slash + path
    # A path that starts with "/" is hierarchical in every scheme; only opaque ones stay as is.
    parts.path = _normalise_path(rest) if parts.special or rest.startswith("/") else rest
    return parts


def _set_authority(parts: _Parts, authority: str, url: str) -> None:
    userinfo, at, hostport = authority.rpartition("@")
    if at:
        user, _, password = userinfo.partition(":")
        parts.username, parts.password = user, password
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            raise MalformedURLError(url)
        hostname, port = hostport[: end + 1], hostport[end + 1 :].removeprefix(":")
    else:
        hostname, _, port = hostport.partition(":")
    if port and (not port.isdigit() or int(port) > 65535):
        raise MalformedURLError(url)
    # Only special schemes have domain hosts; other schemes keep the host as written.
    parts.hostname = hostname.lower() if parts.special else hostname
    if port:
        port = str(int(port))
    parts.port = "" if port == _DEFAULT_PORTS.get(parts.scheme) else port


def _normalise_path(path: str) -> str:
    """Percent-encode and resolve ``.``/``..`` segments as a WHATWG URL parser does."""
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    out: list[str] = []
    for index, segment in enumerate(segments):
        lower = segment.lower()
        last = index == len(segments) - 1
        if lower in ("..", ".%2e", "%2e.", "%2e%2e"):
            if out:
                out.pop()
            if last:
                out.append("")
        elif lower in (".", "%2e"):
            if last:
                out.append("")
        else:
            out.append(quote(segment, safe=_PATH_SAFE))
    return "/" + "/".join(out)


def validate_url(url: str | NextURL) -> str:
    """Parse an absolute URL and return it serialised, as Next.js' ``validateURL`` does.

    :raises MalformedURLError: *url* is relative or cannot be parsed.
    """
    return _parse(str(url)).href


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
        self._parts = _parse(_localhost(str(url)), _localhost(str(base)) if base else None)
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
        self._parts = _parse(_localhost(value))
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
        if self._parts.port == _DEFAULT_PORTS.get(self._parts.scheme):
            self._parts.port = ""

    @property
    def host(self) -> str:
        """``hostname[:port]``; default ports are omitted."""
        return self._parts.host

    @host.setter
    def host(self, value: str) -> None:
        probe = _parse(f"{self._parts.scheme}://{value}/")
        self._parts.hostname, self._parts.port = probe.hostname, probe.port

    @property
    def hostname(self) -> str:
        """The host without the port (IPv6 addresses keep their brackets)."""
        return self._parts.hostname

    @hostname.setter
    def hostname(self, value: str) -> None:
        self._parts.hostname = _parse(f"{self._parts.scheme}://{value}/").hostname

    @property
    def port(self) -> str:
        """The port as a string, ``""`` when absent or the scheme's default."""
        return self._parts.port

    @port.setter
    def port(self, value: str | int) -> None:
        text = str(value)
        self._parts.port = _parse(f"{self._parts.scheme}://h:{text}/").port if text else ""

    @property
    def pathname(self) -> str:
        """The path, percent-encoded, dot segments resolved."""
        return self._parts.path

    @pathname.setter
    def pathname(self, value: str) -> None:
        text = value.replace("?", "%3F").replace("#", "%23")
        hierarchical = self._parts.special or text.startswith("/")
        self._parts.path = _normalise_path(text) if hierarchical else text

    @property
    def search(self) -> str:
        """``?query``, or ``""`` when the query is empty."""
        return f"?{self._parts.query}" if self._parts.query else ""

    @search.setter
    def search(self, value: str) -> None:
        query = value.removeprefix("?")
        self._parts.query = quote(query, safe=_QUERY_SAFE) if query else None
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
        self._parts.fragment = quote(fragment, safe=_FRAGMENT_SAFE) if fragment else None

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
