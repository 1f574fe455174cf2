"""Input checks both routers' handlers share. They only look: the handler answers the error.

Path segments and query values are strings; the checks take ASCII digits only, where
JavaScript's ``==`` (the tutorial's) would also take ``" 7"``, ``"7.0"`` or ``"0x7"``.
"""

from __future__ import annotations

import re
import typing as t

from . import messages

__all__ = ["is_text", "parse_id", "parse_int", "validate_text"]

#: The largest id either database can hold (SQLite's INTEGER, PostgreSQL's BIGINT).
_MAX_INT = 2**63 - 1
# ASCII digits only: int() would also take " 7", "+7", "7_000" and "٧".
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value: object, *, minimum: int = 0, maximum: int = _MAX_INT) -> int | None:
    """*value* as an ``int`` if it is a string of ASCII digits from *minimum* to *maximum*;
    ``None`` otherwise (including for a list, which a repeated query key gives)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """*value* as a positive integer id, or ``None`` (the handler then answers 400).

    Takes a path segment (``"3"``) or a JSON number (``3``, but not ``true`` or ``3.0``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= _MAX_INT else None
    return parse_int(value, minimum=1)


def is_text(value: object) -> t.TypeGuard[str]:
    """Whether *value* is a non-empty string both databases can store.

    JSON can carry lone surrogates (``"\\ud800"``) that neither database nor a response can
    hold, and NUL (``"\\u0000"``), which PostgreSQL's ``TEXT`` refuses.
    """
    if not isinstance(value, str) or not value or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def validate_text(value: object, field: str, max_length: int) -> str | None:
    """The error message for *value* as the required text *field*, or ``None`` if it is valid."""
    if not isinstance(value, str) or not value.strip():
        return messages.field_required(field)
    if not is_text(value):
        return messages.field_not_text(field)
    if len(value) > max_length:
        return messages.field_too_long(field, max_length)
    return None
