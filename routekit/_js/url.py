"""A request target as Next.js reads it: the WHATWG path, and the query it serialises again.

Next.js 16 parses every ``req.url`` with ``new URL(url, "http://n")`` before routing, the
middleware and the route see it (``parseUrl``, ``parseReqUrl``), so:

* :func:`resolve_path` is the WHATWG path parser: ``.`` and ``..`` segments (``%2e`` forms
  too) are resolved, code points outside the path percent-encode set are encoded, and
  escapes already there are kept as sent (``%6D`` stays ``%6D``);
* :func:`normalise_query` is what becomes of the query: read as ``URLSearchParams``,
  grouped by key (a ``ParsedUrlQuery`` object), Next.js' internal ``nxtP``/``nxtI`` keys
  dropped, and written again by ``URLSearchParams`` (``a%20b`` -> ``a+b``, ``~`` -> ``%7E``,
  ``t`` -> ``t=``);
* :func:`redirect_query` is the query of a trailing-slash redirect's ``Location``
  (``querystring.stringify`` with ``encodeURIComponent``: ``a%20b`` stays ``a%20b``).

``urllib`` and werkzeug resolve neither ``%2e`` segments nor encode by WHATWG's sets, so
this is our own code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote

from .strings import encode_uri_component

__all__ = [
    "PATH_SAFE",
    "group_query",
    "normalise_query",
    "redirect_query",
    "resolve_path",
    "search_params_string",
]

# The WHATWG path percent-encode set, inverted (C0 controls and non-ASCII are always
# encoded by quote()); "%" is kept, so existing escapes stay as sent.
PATH_SAFE = "!$%&'()*+,-./:;=@[]\\^_|~"
_SINGLE_DOTS = frozenset({".", "%2e"})
_DOUBLE_DOTS = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
# Next.js' internal query prefixes (normalizeNextQueryParam): "nxtPid", "nxtIid"; the bare
# prefixes themselves are ordinary keys.
_INTERNAL_PREFIXES = ("nxtP", "nxtI")
_FORM_KEPT = re.compile(r"[A-Za-z0-9*\-._]*\Z")
# A query URLSearchParams would write back unchanged (if no key repeats): name=value pairs
# of the characters its serializer keeps, "+" for a space.
_CANONICAL = re.compile(
    r"[A-Za-z0-9*\-._+]+=[A-Za-z0-9*\-._+]*(?:&[A-Za-z0-9*\-._+]+=[A-Za-z0-9*\-._+]*)*\Z"
)


def resolve_path(path: str) -> str:
    """*path* as a WHATWG URL parser leaves it: dot segments resolved, the rest encoded.

    ``/a/./b/../c`` -> ``/a/c``; ``/a/%2E%2e/c`` -> ``/c``; a final dot segment leaves a
    trailing slash (``/a/b/..`` -> ``/a/``); nothing climbs above the root.
    """
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    out: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        lower = segment.lower() if len(segment) <= 6 else segment
        if lower in _DOUBLE_DOTS:
            if out:
                out.pop()
            if index == last:
                out.append("")
        elif lower in _SINGLE_DOTS:
            if index == last:
                out.append("")
        else:
            out.append(quote(segment, safe=PATH_SAFE))
    return "/" + "/".join(out)


def _form(text: str) -> str:
    # The application/x-www-form-urlencoded byte serializer keeps only alphanumerics and
    # *-._ ; Python's quote always keeps "~".
    if _FORM_KEPT.match(text):
        return text
    return quote_plus(text, safe="*").replace("~", "%7E")


def search_params_string(pairs: Iterable[tuple[str, str]]) -> str:
    """``URLSearchParams.toString()`` of *pairs*: ``a=1&b=x+y``, without a leading ``?``."""
    return "&".join(f"{_form(key)}={_form(value)}" for key, value in pairs)


def _decode(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="replace") if "%" in text else text


def _pairs(query_string: str) -> list[tuple[str, str]]:
    # search_param_pairs (parse_qsl) without its cost for pieces that need no decoding; a
    # property test holds the two equal.
    pairs = []
    for piece in query_string.split("&"):
        if piece:
            key, _, value = piece.partition("=")
            pairs.append((_decode(key), _decode(value)))
    return pairs


def group_query(
    query_string: str, drop: Iterable[str] = (), *, internal: bool = False
) -> dict[str, list[str]]:
    """The query as Next.js holds it (``ParsedUrlQuery``): values grouped under their key,
    keys in first-seen order, the keys in *drop* left out, and Next.js' internal ``nxtP``/
    ``nxtI`` keys too unless *internal*."""
    skip = set(drop)
    grouped: dict[str, list[str]] = {}
    for key, value in _pairs(query_string):
        if key in skip or (
            not internal and key[:4] in _INTERNAL_PREFIXES and key not in _INTERNAL_PREFIXES
        ):
            continue
        bucket = grouped.get(key)
        if bucket is None:
            grouped[key] = [value]
        else:
            bucket.append(value)
    return grouped


def normalise_query(query_string: str, drop: Iterable[str] = ()) -> str:
    """*query_string* as Next.js hands it on: parsed, grouped by key, serialised again.

    ``b=2&a=1&b=3`` -> ``b=2&b=3&a=1``; ``q=a%20b&t`` -> ``q=a+b&t=``; ``x=%zz`` ->
    ``x=%25zz``. ``nxtP``/``nxtI``-prefixed keys and the keys in *drop* (a dynamic pages
    route's params, in ``req.url``) are left out.
    """
    if not query_string:
        return ""
    if not drop and _CANONICAL.match(query_string):
        keys = [pair.partition("=")[0] for pair in query_string.split("&")]
        if len(set(keys)) == len(keys) and not any(k[:4] in _INTERNAL_PREFIXES for k in keys):
            return query_string  # each pair written as URLSearchParams writes it, no key twice
    grouped = group_query(query_string, drop)
    return search_params_string((key, value) for key, values in grouped.items() for value in values)


def redirect_query(query_string: str) -> str:
    """The query of a redirect Next.js builds from the request (``stringifyQuery``).

    Grouped by key like :func:`normalise_query`, but written with ``encodeURIComponent``:
    ``q=a+b&c=%7E`` -> ``q=a%20b&c=~``.
    """
    if not query_string:
        return ""
    grouped = group_query(query_string, internal=True)
    return "&".join(
        f"{encode_uri_component(key)}={encode_uri_component(value)}"
        for key, values in grouped.items()
        for value in values
    )
