"""Next.js' API-route ETag and the ``fresh`` check that turns a send into a 304.

Next.js (``server/lib/etag.ts``) hashes the *JavaScript string* it is about to send:
64-bit FNV-1a over UTF-16 code units, folded to 52 bits, then ``"`` + base36(hash) +
base36(length in code units) + ``"``. werkzeug's ETags are MD5-based, so we keep our own
to produce byte-identical headers. :func:`is_fresh` is ``fresh@0.5.2`` as Next.js calls it
(``sendEtagResponse``): with only an ETag on the response side.
"""

from __future__ import annotations

import re
import sys
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["EtagHasher", "generate_etag", "is_fresh"]

_BASIS = 0xCBF29CE484222325
_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
_MASK52 = (1 << 52) - 1
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_PAIRS36 = [a + b for a in _DIGITS36 for b in _DIGITS36]
#: Below this many code units the plain loop beats the unrolled one (measured).
_UNROLL_MIN = 64

# Identical small bodies are common (health checks, empty lists, errors) and hashing is the
# costliest step of res.send(), so the ETags of recent small texts are kept.
_MEMO_TEXT = 512
_MEMO_SIZE = 512
_recent: dict[str, str] = {}

_NO_CACHE = re.compile(r"(?:^|,)\s*?no-cache\s*?(?:,|$)")


def _code_units(text: str) -> bytes | memoryview:
    """The UTF-16 code units of *text* as a sequence of ints, without a per-char Python call."""
    if text.isascii():
        return text.encode("ascii")
    # surrogatepass: a lone surrogate is one code unit in JS too.
    return memoryview(text.encode(_UTF16, "surrogatepass")).cast("H")


def _fnv1a(h: int, units: bytes | memoryview) -> int:
    """Fold *units* into the running 64-bit FNV-1a state *h*."""
    p, m = _PRIME, _MASK64
    n = len(units)
    if n < _UNROLL_MIN:
        for c in units:
            h = ((h ^ c) * p) & m
        return h
    # Masking once per four units is exact: XOR only touches the low 16 bits and
    # multiplication commutes with reduction mod 2**64; it saves ~15% per unit.
    it = iter(units)
    for a, b, c, d in zip(it, it, it, it):  # noqa: B905 - a short tail is hashed below
        h = ((((((((h ^ a) * p) ^ b) * p) ^ c) * p) ^ d) * p) & m
    for c in units[n - n % 4 :]:
        h = ((h ^ c) * p) & m
    return h


def _base36(n: int) -> str:
    # Two digits per divmod: this runs twice on every res.send().
    if n < 1296:
        return _PAIRS36[n].lstrip("0") or "0"
    out = []
    while n >= 1296:
        n, r = divmod(n, 1296)
        out.append(_PAIRS36[r])
    out.append(_PAIRS36[n].lstrip("0"))
    return "".join(out[::-1])


def _format(h: int, length: int) -> str:
    folded = (h & _MASK52) ^ (h >> 52)
    return f'"{_base36(folded)}{_base36(length)}"'


def generate_etag(text: str) -> str:
    """Next.js' strong ETag for *text*: ``{"hello":"world"}`` -> ``"kxl31zjxesh"``."""
    etag = _recent.get(text)
    if etag is None:
        units = _code_units(text)
        etag = _format(_fnv1a(_BASIS, units), len(units))
        if len(text) <= _MEMO_TEXT:
            if len(_recent) >= _MEMO_SIZE:
                _recent.clear()
            _recent[text] = etag
    return etag


class EtagHasher:
    """Incremental :func:`generate_etag`: feed the pieces of a long text without joining them.

    Used for ``res.send(bytes)``, whose ETag is taken over ``JSON.stringify(buffer)``, a
    text several times larger than the buffer.
    """

    __slots__ = ("_h", "_length")

    def __init__(self) -> None:
        self._h = _BASIS
        self._length = 0

    def update(self, text: str) -> None:
        """Hash *text* as if it were appended to everything fed so far."""
        units = _code_units(text)
        self._h = _fnv1a(self._h, units)
        self._length += len(units)

    def etag(self) -> str:
        """The ETag of everything fed so far."""
        return _format(self._h, self._length)


def _tokens(header: str) -> Iterable[str]:
    # fresh's parseTokenList: split on commas, trim spaces only.
    for part in header.split(","):
        token = part.strip(" ")
        if token:
            yield token


def is_fresh(
    etag: str,
    *,
    if_none_match: str | None,
    if_modified_since: str | None = None,
    cache_control: str | None = None,
) -> bool:
    """Whether a response with *etag* is fresh for the request (``fresh@0.5.2``).

    Fresh means: an ``If-None-Match`` that is ``*`` or lists *etag* (strong or ``W/``),
    no ``If-Modified-Since`` (Next.js sends no ``Last-Modified``, so one is always stale),
    and no ``no-cache`` request directive. Empty header values count as absent, as in JS.
    """
    if not if_modified_since and not if_none_match:
        return False
    if cache_control and _NO_CACHE.search(cache_control):
        return False
    if if_none_match and if_none_match != "*":
        weak = "W/" + etag
        for token in _tokens(if_none_match):
            if token in (etag, weak) or "W/" + token == etag:
                break
        else:
            return False
    # The response has no Last-Modified, so any If-Modified-Since makes it stale.
    return not if_modified_since
