"""JavaScript string operations that Python spells differently: ``trim`` and the URI codecs.

* :data:`JS_WHITESPACE` is what ``String.prototype.trim`` removes; Python's ``str.strip()``
  keeps U+FEFF and strips U+001C-U+001F, and the Next.js rules trim the JS way.
* :func:`decode_uri_component` raises where JavaScript's ``decodeURIComponent`` throws;
  ``urllib.parse.unquote`` and werkzeug keep bad escapes or replace bad UTF-8 instead.
* :func:`encode_uri_component` is ``encodeURIComponent``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

__all__ = ["JS_WHITESPACE", "decode_uri_component", "encode_uri_component"]

#: The characters JavaScript's ``String.prototype.trim`` removes.
JS_WHITESPACE = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# A "%" not followed by two hex digits: decodeURIComponent throws on it.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def decode_uri_component(text: str) -> str:
    """JavaScript's ``decodeURIComponent``: raise :class:`ValueError` where it throws.

    It throws on a ``%`` not followed by two hex digits and on escapes that are not valid
    UTF-8; ``+`` stays a ``+``, and characters that are not escapes are kept as they are.
    """
    if "%" not in text:
        return text
    if _BAD_ESCAPE.search(text):
        raise ValueError(f"URI malformed: {text!r}")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError as exc:
        raise ValueError(f"URI malformed: {text!r}") from exc


def encode_uri_component(text: str) -> str:
    """JavaScript's ``encodeURIComponent``: keeps ``A-Z a-z 0-9 - _ . ! ~ * ' ( )``."""
    return quote(text, safe="!'()*")  # quote() always keeps "_.-~"
