"""Byte sizes as the npm ``bytes`` package reads and writes them: ``"1mb"`` is 1048576 bytes.

Next.js parses ``sizeLimit``/``responseLimit`` with ``bytes.parse`` and prints the response
limit in its warning with ``bytes.format``; the units are binary and case-insensitive.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_bytes", "parse_size"]

_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_SIZE = re.compile(r"([+-]?\d+(?:\.\d+)?) *(b|kb|mb|gb|tb|pb)?", re.IGNORECASE)


def parse_size(value: str | int) -> int:
    """Parse a size the way the ``bytes`` package does: ``"1mb"`` is 1048576 bytes.

    Units are binary and case-insensitive (``b``, ``kb``, ``mb``, ``gb``, ``tb``, ``pb``);
    decimals are allowed (``"1.5mb"``, floored to whole bytes); a bare number or an int
    is a number of bytes.

    :raises ValueError: for anything else, and for negative sizes.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(
            f"invalid size {value!r}: expected a number of bytes or a string like '1mb'"
        )
    if isinstance(value, str):
        match = _SIZE.fullmatch(value.strip())
        if match is None:
            raise ValueError(
                f"invalid size {value!r}: expected a number of bytes or a number with a unit "
                "b, kb, mb, gb, tb or pb, like '500kb' or '1.5mb'"
            )
        number = float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]
    else:
        number = value
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"invalid size {value!r}: a size must be a finite number >= 0")
    return math.floor(number)


def format_bytes(size: int) -> str:
    """``bytes.format(size)`` of the npm ``bytes`` package: ``4194304`` -> ``4MB``."""
    units = (("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10))
    unit, scale = next(((u, s) for u, s in units if abs(size) >= s), ("B", 1))
    # toFixed(2) rounds the exact value half up; Decimal keeps it exact.
    text = str((Decimal(size) / Decimal(scale)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    text = re.sub(r"(?:\.0*|(\.[^0]+)0+)$", r"\1", text)
    return text + unit
