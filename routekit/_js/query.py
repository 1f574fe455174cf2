"""Query-string grammars as Node sees them: WHATWG ``URLSearchParams`` and ``querystring``.

``req.query`` follows ``URLSearchParams`` (Next.js 15.4+ parses ``req.url`` with ``new
URL()``); a form-encoded body follows Node's ``querystring.decode`` (what Next.js' body
parser calls). The two agree on every ordinary input; they differ in the 1000-key cap and
in how a value with a broken escape is decoded.

Both return ``dict[str, str | list[str]]``: a repeated key becomes a list in order, and
there are never nested objects (``a[b]=1`` is the key ``"a[b]"``).
"""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qsl, unquote_to_bytes

from .strings import decode_uri_component

__all__ = ["QueryDict", "parse_querystring", "parse_search_params", "search_param_pairs"]

QueryDict: t.TypeAlias = dict[str, str | list[str]]

#: Node's ``querystring.decode`` default ``maxKeys``.
MAX_KEYS = 1000


def _add(result: QueryDict, key: str, value: str) -> None:
    existing = result.get(key)
    if existing is None:
        result[key] = value
    elif isinstance(existing, list):
        existing.append(value)
    else:
        result[key] = [existing, value]


def parse_search_params(query_string: str) -> QueryDict:
    """Parse *query_string* (without ``?``) with WHATWG ``URLSearchParams`` semantics.

    Empty pairs are skipped, ``c`` gives ``""``, ``=x`` gives the key ``""``, ``+`` is a
    space, a broken escape such as ``%zz`` stays literal and invalid UTF-8 becomes U+FFFD.
    There is no cap on the number of keys.
    """
    if not query_string:
        return {}
    result: QueryDict = {}
    for key, value in search_param_pairs(query_string):
        _add(result, key, value)
    return result


def search_param_pairs(query_string: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of *query_string* as ``URLSearchParams`` reads them, in order.

    ``parse_qsl`` with blank values kept and U+FFFD for invalid UTF-8 is the WHATWG
    ``application/x-www-form-urlencoded`` parser (a hypothesis test holds the two equal).
    """
    return parse_qsl(query_string, keep_blank_values=True, errors="replace")


def _qs_unescape(text: str) -> str:
    # Node's querystring.unescape: decodeURIComponent, else its byte-level fallback
    # (unescapeBuffer), which keeps broken escapes, truncates each UTF-16 unit to a byte
    # and decodes the bytes as UTF-8 with U+FFFD for invalid sequences.
    try:
        return decode_uri_component(text)
    except ValueError:
        raw = bytes(ord(char) & 0xFF for char in text)
        return unquote_to_bytes(raw).decode("utf-8", "replace")


def parse_querystring(text: str, max_keys: int = MAX_KEYS) -> QueryDict:
    """Parse *text* as Node's ``querystring.decode`` does (``&`` and ``=``, ``maxKeys``).

    A repeated key becomes a list, ``+`` is a space, a key without ``=`` gets ``""``, and
    only the first *max_keys* pieces between ``&`` are looked at (empty pieces count, as in
    Node). A value whose escapes are broken is decoded byte by byte, not rejected.
    """
    result: QueryDict = {}
    if not text:
        return result
    pieces = text.split("&")
    if max_keys > 0:
        pieces = pieces[:max_keys]
    for piece in pieces:
        if not piece:
            continue
        key, _, value = piece.partition("=")
        if "+" in key:
            key = key.replace("+", " ")
        if "+" in value:
            value = value.replace("+", " ")
        _add(result, _qs_unescape(key), _qs_unescape(value))
    return result
