"""What the pipeline refuses before routing: requests two parsers could read two ways.

:func:`request_problem` runs first in :meth:`App.handle <routekit.App.handle>`, so every
door (gunicorn, ``routekit serve``, the test client) gets the same answer -- Next.js' 400
page -- for:

* a ``Host`` that is not an RFC 3986 host with an optional port 1-65535 (or more than one
  ``Host``): it would otherwise be pasted into the URL middleware and app routes see;
* a request target with a control character, a space or ``#`` (dot segments are not
  refused: :mod:`routekit._target` resolves them, as Next.js does, before the middleware
  and the router read the path);
* a header name that is not a token, or a value with a control character;
* a body length two parsers could read differently: two ``Content-Length`` lines, one that
  is not a plain number, ``Content-Length`` with ``Transfer-Encoding``, or a transfer coding
  other than ``chunked`` (request smuggling). These also close the connection.

Nothing is repaired: a request is served as sent, or refused.
"""

from __future__ import annotations

import re
import typing as t

from ._syntax import BAD_HEADER_VALUE, TOKEN, parse_host

if t.TYPE_CHECKING:
    from ._wire import RawRequest

__all__ = ["Problem", "framing_problem", "request_problem"]

# Bytes a request target may not hold (RFC 9112 request-target, fragment included).
_BAD_TARGET = re.compile(r"[\x00-\x20\x7f#]")
# Header names joined with ":" (never in a token): one match checks them all.
_TOKENS = re.compile(r"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?::[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*)?\Z")
_DIGITS = re.compile(r"[0-9]+\Z")


class Problem(t.NamedTuple):
    """Why a request is refused, and whether the connection must close after the 400."""

    reason: str
    close: bool = False


def framing_problem(headers: t.Iterable[tuple[str, str]]) -> Problem | None:
    """The problem with the body framing of these header lines, if any (RFC 9112 §6)."""
    lengths: list[str] = []
    codings: list[str] = []
    for name, value in headers:
        if len(name) == 14 and name.lower() == "content-length":
            lengths.append(value)
        elif len(name) == 17 and name.lower() == "transfer-encoding":
            codings.append(value)
    if not lengths and not codings:
        return None
    if len(lengths) > 1:
        return Problem(f"{len(lengths)} Content-Length headers ({', '.join(lengths)})", True)
    if lengths and not _DIGITS.match(lengths[0].strip(" \t")):
        return Problem(f"Content-Length {lengths[0]!r} is not a number of bytes", True)
    if codings:
        if lengths:
            return Problem("both Content-Length and Transfer-Encoding", True)
        if len(codings) > 1 or codings[0].strip(" \t").lower() != "chunked":
            return Problem(f"Transfer-Encoding {', '.join(codings)!r} is not 'chunked'", True)
    return None


def request_problem(raw: RawRequest) -> Problem | None:
    """Why *raw* must be answered 400 before routing, or ``None`` when it may go on."""
    if parse_host(raw.host) is None:
        return Problem(f"Host {raw.host!r} is not a valid host")
    path = raw.path
    if _BAD_TARGET.search(path):
        return Problem(f"the request target {path!r} holds a control character, space or '#'")
    headers = raw.headers
    # Every request passes here: check all names at once, all values at once.
    names = ":".join([name for name, _ in headers])
    if not _TOKENS.match(names) or BAD_HEADER_VALUE.search("".join([v for _, v in headers])):
        return _header_problem(headers)
    lowered = names.lower().split(":")
    if lowered.count("host") > 1:
        return Problem("more than one Host header")
    if "content-length" in lowered or "transfer-encoding" in lowered:
        return framing_problem(headers)
    return None


def _header_problem(headers: t.Iterable[tuple[str, str]]) -> Problem:
    for name, value in headers:
        if not TOKEN.match(name):
            return Problem(f"the header name {name!r} is not a token")
        if BAD_HEADER_VALUE.search(value):
            break
    return Problem(f"the {name} header holds a control character")
