"""The WHATWG URL parser, the part of it Next.js' URLs need: parse, resolve, serialise.

Our own code rather than ``urllib``/werkzeug where WHATWG semantics differ: special schemes
skip any number of slashes, dot segments resolve (``%2e`` too), default ports drop, and each
component is percent-encoded with its own WHATWG set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from .._js.url import resolve_path as normalise_path
from ..errors import MalformedURLError

__all__ = [
    "DEFAULT_PORTS",
    "FRAGMENT_SAFE",
    "QUERY_SAFE",
    "URLParts",
    "normalise_path",
    "parse_url",
    "validate_url",
]

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# WHATWG percent-encode sets, minus C0/non-ASCII which quote() always encodes (the path's
# is in routekit._js.url, whose resolve_path the pipeline uses too).
QUERY_SAFE = "!$%&()*+,-./:;=?@[]\\^_`{|}~"
FRAGMENT_SAFE = "!#$%&'()*+,-./:;=?@[]\\^_{|}~"


@dataclass(slots=True)
class URLParts:
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
        return self.scheme in DEFAULT_PORTS or self.scheme == "file"

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


def parse_url(url: str, base: str | None = None) -> URLParts:
    text = url.strip(" \t\r\n\x00")
    if not _SCHEME.match(text):
        if base is None:
            raise MalformedURLError(url)
        text = urljoin(parse_url(base).href, text)
    scheme, _, rest = text.partition(":")
    scheme = scheme.lower()
    parts = URLParts(scheme, "", "", "", "", "", None, None)
    rest, hash_sep, fragment = rest.partition("#")
    rest, query_sep, query = rest.partition("?")
    if hash_sep:
        parts.fragment = quote(fragment, safe=FRAGMENT_SAFE)
    if query_sep:
        parts.query = quote(query, safe=QUERY_SAFE if parts.special else QUERY_SAFE + "'")
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
    parts.path = normalise_path(rest) if parts.special or rest.startswith("/") else rest
    return parts


def _set_authority(parts: URLParts, authority: str, url: str) -> None:
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
    parts.port = "" if port == DEFAULT_PORTS.get(parts.scheme) else port


def validate_url(url: object) -> str:
    """Parse an absolute URL (a ``str``, or a ``NextURL``) and return it serialised, as
    Next.js' ``validateURL`` does.

    :raises MalformedURLError: *url* is relative or cannot be parsed.
    """
    return parse_url(str(url)).href
