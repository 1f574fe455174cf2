"""The request target as Next.js reads it, before the middleware and the router see it.

``next start`` parses ``req.url`` with the WHATWG URL parser first, so dot segments
(``/api/admin/../users``, ``%2e%2e`` too) are resolved and the query is written again
(``a%20b`` -> ``a+b``). :func:`normalise_target` does the same to a
:class:`~routekit._wire.RawRequest` once, in :meth:`App.handle <routekit.App.handle>`, so
the middleware's matcher, ``request.next_url``, the router and every handler read one and
the same path -- a guard on the path cannot be walked around with a dot segment.

:func:`repeated_slash_destination` and :func:`trailing_slash_destination` say where Next.js'
308s go: for ``//`` and ``\\`` (read on the target as sent, before resolving) and for a
trailing slash (read on the resolved path).
"""

from __future__ import annotations

import re
import typing as t

from ._js.url import normalise_query, redirect_query, resolve_path

if t.TYPE_CHECKING:
    from ._wire import RawRequest

__all__ = ["normalise_target", "repeated_slash_destination", "trailing_slash_destination"]

# A segment a WHATWG parser would resolve: ".", "..", and their %2e spellings.
_DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)
# Path characters a WHATWG parser leaves as they are (escapes included).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/!$%&'()*+,\-.:;=@\[\]\\^_|~]*\Z")
#: Next.js: any ``\`` or ``//`` in the path (before ``?``) is a 308 to the normalised path.
_BAD_SLASHES = re.compile(r"\\|//")
_SLASH_RUNS = re.compile(r"/{2,}")


def normalise_target(raw: RawRequest) -> None:
    """Resolve *raw*'s path and serialise its query again, in place, as Next.js does.

    Call it after :func:`repeated_slash_destination` (which reads the path as sent).
    """
    path = raw.path
    if not _PLAIN_PATH.match(path) or (("." in path or "%2" in path) and _DOT_SEGMENT.search(path)):
        raw.path = resolve_path(path)
    if raw.query_string:
        raw.query_string = normalise_query(raw.query_string)


def repeated_slash_destination(raw: RawRequest) -> str | None:
    """Where a path holding ``//`` or ``\\`` is redirected (308), or ``None``.

    Next.js' ``normalizeRepeatedSlashes``: backslashes become slashes, runs of slashes
    collapse, the query is kept as sent.
    """
    path = raw.path
    if not _BAD_SLASHES.search(path):
        return None
    clean = _SLASH_RUNS.sub("/", path.replace("\\", "/"))
    return f"{clean}?{raw.query_string}" if raw.query_string else clean


def trailing_slash_destination(raw: RawRequest) -> str | None:
    """Where a path ending in ``/`` is redirected (308), or ``None`` (Next.js'
    ``/:path+/`` redirect, on the resolved path; the query as ``stringifyQuery`` writes it).
    """
    path = raw.path
    if len(path) < 2 or not path.endswith("/"):
        return None
    clean = path.rstrip("/") or "/"
    query = redirect_query(raw.query_string)
    return f"{clean}?{query}" if query else clean
