"""The HTTP grammars untrusted text is checked against, shared by the pipeline, pages/ and web/.

One definition each, so a header, a cookie or a ``Host`` is accepted or refused the same way
whether it comes from a client, a pages handler or an app route:

* header names are RFC 9110 tokens; header values hold no control character but HTAB
  (Node's ``checkInvalidHeaderChar``, also what ``res.set_header`` enforces);
* a ``Host`` is an RFC 3986 host -- a reg-name or IPv4 address, or a bracketed IPv6 address --
  with an optional port 1-65535;
* cookie names, values, domains and paths follow the npm ``cookie`` package (1.x).
"""

from __future__ import annotations

import functools
import ipaddress
import re

__all__ = [
    "BAD_HEADER_VALUE",
    "COOKIE_DOMAIN",
    "COOKIE_NAME",
    "COOKIE_PATH",
    "COOKIE_VALUE",
    "TOKEN",
    "is_token",
    "parse_host",
]

#: An RFC 9110 ``token`` (header names, methods).
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
#: A character no header value may hold: the C0 controls but HTAB, and DEL.
BAD_HEADER_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")

# RFC 3986 reg-name (unreserved / sub-delims), which IPv4 addresses also match. Percent
# escapes are refused: no client sends them, and a URL parser would decode them into
# characters a host cannot hold ("x%2fy" is "x/y").
_REG_NAME = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=]+\Z")
_PORT = re.compile(r"[0-9]{0,5}\Z")

# cookie 1.x: name = any VCHAR but ";" and "="; value = any VCHAR but ";".
COOKIE_NAME = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+\Z")
COOKIE_VALUE = re.compile(r"[\x21-\x3a\x3c-\x7e]*\Z")
COOKIE_DOMAIN = re.compile(
    r"[.]?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:[.][a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\Z",
    re.IGNORECASE,
)
COOKIE_PATH = re.compile(r"[\x20-\x3a\x3d-\x7e]*\Z")


def is_token(text: object) -> bool:
    """Whether *text* is an RFC 9110 token (a valid header name)."""
    return isinstance(text, str) and TOKEN.match(text) is not None


@functools.lru_cache(maxsize=256)  # a server sees the same few hosts over and over
def parse_host(value: str) -> tuple[str, str] | None:
    """Split a ``Host`` value into ``(host, port)``, or ``None`` when it is not a valid host.

    *host* is a reg-name, an IPv4 address or a bracketed IPv6 address (``[::1]``, no zone
    id); *port* is ``""`` or a number 1-65535 as written. Nothing is repaired.
    """
    if value.startswith("["):
        end = value.find("]")
        if end == -1:
            return None
        host, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        inner = host[1:-1]
        if "%" in inner or not inner:
            return None
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            return None
        port = rest[1:]
    else:
        host, _, port = value.partition(":")
        if not _REG_NAME.match(host):
            return None
    if not _PORT.match(port) or (port and not 0 < int(port) < 65536):
        return None
    return host, port
