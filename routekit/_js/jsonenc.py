"""``JSON.stringify`` for Python values: the exact text ``res.json()`` and ``res.send(obj)`` send.

The text matters beyond looks: Next.js' ETag is a hash of it, so ``1.0`` must come out as
``1`` and ``1e-7`` as ``1e-7``, as JavaScript writes them. The common case (no floats, str
keys) is one call into the C encoder; anything it cannot do exactly goes to a careful
walker, which also produces the error messages.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import json.encoder
import math
import re
import typing as t
from json.encoder import encode_basestring

from ..errors import JSONEncodeError

__all__ = ["format_number", "stringify"]


def format_number(value: float) -> str:
    """A float as JavaScript's ``Number#toString`` writes it (``NaN``/``Infinity`` included).

    Python's ``repr`` already gives the shortest round-tripping digits, as JS does; only the
    placement of the decimal point and the exponent style differ.
    """
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # JS prints -0 as 0
    if value < 0:
        return "-" + format_number(-value)
    mantissa, _, exp_text = repr(value).partition("e")
    int_part, _, frac = mantissa.partition(".")
    digits = int_part + frac
    point = len(int_part) + (int(exp_text) if exp_text else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    # ECMA-262 Number::toString, with value = 0.digits * 10**point.
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return f"{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exp = point - 1
    sign = "+" if exp >= 0 else "-"
    head = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{head}e{sign}{abs(exp)}"


def _reject(value: object) -> t.NoReturn:
    # The C encoder's ``default`` hook: give up and let the walker explain.
    raise TypeError(type(value).__name__)


# CPython's C encoder, built per call so the circular-reference markers are per call;
# None on Pythons without it.
_c_make_encoder: t.Any = getattr(json.encoder, "c_make_encoder", None)

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _fast_encode(value: object) -> str:
    if _c_make_encoder is not None:
        encode = _c_make_encoder(
            {}, _reject, encode_basestring, None, ":", ",", False, False, False
        )
        return "".join(encode(value, 0))
    return _ENCODER.encode(value)  # pragma: no cover


# Output the C encoder may have written differently from JS: a float value (always right
# after ``:``, ``[`` or ``,`` in compact output) or a key it coerced (float -> "1.0",
# None -> "null"). A match inside a string is a false alarm that only costs the slow path.
_SUSPECT = re.compile(r'[:\[,]-?\d+[.e]|[{,]"(?:null|-?\d+[.e][^"]*)":')
#: A cheap first sieve for _SUSPECT (a charset-led pattern scans much faster).
_DIGIT_THEN_POINT = re.compile(r"[0-9][.e]")
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*\Z")


def _fix_surrogate(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 2:  # a pair JS would treat as one character
        high, low = ord(text[0]), ord(text[1])
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return f"\\u{ord(text):04x}"  # JSON.stringify escapes lone surrogates (ES2019)


def stringify(value: object, *, context: str = "res.json()") -> str:
    """Serialise *value* exactly as ``JSON.stringify`` would its JavaScript twin.

    Compact, raw UTF-8 text; ``NaN``/``Infinity`` become ``null``; floats are written as
    JavaScript writes numbers; tuples are arrays; ``None`` is ``null``; int, float and bool
    dict keys are coerced to their JavaScript string. Anything else raises
    :class:`JSONEncodeError` naming the type and where it sits (*context* names the caller).
    """
    if type(value) is float:
        return format_number(value) if math.isfinite(value) else "null"
    try:
        text = _fast_encode(value)
    except (TypeError, ValueError):
        text = None
    if text is None or (
        (_DIGIT_THEN_POINT.search(text) or '"null":' in text) and _SUSPECT.search(text)
    ):
        parts: list[str] = []
        _walk(value, "$", parts, set(), context)
        text = "".join(parts)
    if not text.isascii() and _SURROGATES.search(text):
        text = _SURROGATES.sub(_fix_surrogate, text)
    return text


def _walk(value: object, path: str, out: list[str], active: set[int], context: str) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(format_number(value) if math.isfinite(value) else "null")
    elif isinstance(value, (dict, list, tuple)):
        marker = id(value)
        if marker in active:
            raise JSONEncodeError(
                f"{context} cannot serialise a circular structure: the "
                f"{type(value).__name__} at {path} contains itself; build an acyclic copy first",
                context=context,
                path=path,
                type_name=type(value).__name__,
            )
        active.add(marker)
        if isinstance(value, dict):
            _walk_dict(value, path, out, active, context)
        else:
            out.append("[")
            for index, item in enumerate(value):
                if index:
                    out.append(",")
                _walk(item, f"{path}[{index}]", out, active, context)
            out.append("]")
        active.discard(marker)
    else:
        raise _unserialisable(value, path, context)


def _walk_dict(
    value: dict[t.Any, t.Any], path: str, out: list[str], active: set[int], context: str
) -> None:
    out.append("{")
    first = True
    for key, item in value.items():
        name = _key_text(key, path, context)
        if not first:
            out.append(",")
        first = False
        out.append(encode_basestring(name))
        out.append(":")
        child = f"{path}.{name}" if _IDENTIFIER.match(name) else f"{path}[{json.dumps(name)}]"
        _walk(item, child, out, active, context)
    out.append("}")


def _key_text(key: object, path: str, context: str) -> str:
    if isinstance(key, str):
        return key
    if key is True or key is False:
        return "true" if key else "false"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return format_number(key)  # JS keys are strings: String(1.5) == "1.5"
    type_name = type(key).__name__
    raise JSONEncodeError(
        f"{context} cannot serialise a dict with a {type_name} key ({key!r}) at {path}; "
        "JSON object keys are strings: convert the keys with str() first",
        context=context,
        path=path,
        type_name=type_name,
    )


_HINTS: dict[str, str] = {
    "datetime": "value.isoformat()",
    "date": "value.isoformat()",
    "time": "value.isoformat()",
    "timedelta": "value.total_seconds()",
    "Decimal": "str(value) or float(value)",
    "UUID": "str(value)",
    "set": "sorted(value) or list(value)",
    "frozenset": "sorted(value) or list(value)",
    "bytes": "value.decode() or base64.b64encode(value).decode()",
    "bytearray": "value.decode() or base64.b64encode(value).decode()",
    "memoryview": "bytes(value).decode()",
    "complex": "[value.real, value.imag]",
}


def _unserialisable(value: object, path: str, context: str) -> JSONEncodeError:
    type_name = type(value).__name__
    if isinstance(value, enum.Enum):
        hint = "value.value"
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        hint = "dataclasses.asdict(value)"
    elif "Path" in type_name:
        hint = "str(value)"
    else:
        hint = _HINTS.get(type_name, "")
    article = "an" if type_name[:1].lower() in "aeio" else "a"  # "a UUID", "an int"
    fix = f"e.g. {hint}" if hint else "to a dict, list, str, int, float, bool or None"
    return JSONEncodeError(
        f"{context} cannot serialise {article} {type_name} at {path}; convert it first ({fix})",
        context=context,
        path=path,
        type_name=type_name,
    )
