"""The Fetch standard's ``Headers``: what ``request.headers`` and ``response.headers`` are.

Not werkzeug's ``Headers``: Fetch lower-cases names, joins repeated values with ``", "`` on
``get`` and iterates "sorted and combined", which handlers ported from Next.js rely on.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator, Mapping

from .._syntax import BAD_HEADER_VALUE, TOKEN
from ..errors import InvalidHeaderError, ReadonlyHeadersError

__all__ = ["Headers", "HeadersInit"]

#: Anything ``Headers(...)`` accepts: another ``Headers``, a mapping or ``(name, value)`` pairs.
HeadersInit = t.Union["Headers", Mapping[str, str], Iterable[tuple[str, str]]]


def _normalise_value(value: str) -> str:
    return str(value).strip(" \t\r\n")


class Headers:
    """A case-insensitive, ordered multi-map of HTTP headers with Fetch semantics.

    Names are stored lower-cased; ``get`` joins repeated values with ``", "``;
    ``get_set_cookie()`` returns ``Set-Cookie`` values one by one; iteration yields
    ``(name, value)`` pairs sorted by name with repeated values combined, except
    ``set-cookie`` which is yielded once per value.

    :param init: initial headers: a ``Headers``, a mapping, or ``(name, value)`` pairs.
    """

    __slots__ = ("_list", "_readonly")

    def __init__(self, init: HeadersInit | None = None) -> None:
        self._list: list[tuple[str, str]] = []
        self._readonly: str | None = None
        if init is None:
            return
        if isinstance(init, Headers):
            self._list = list(init._list)
            return
        pairs: Iterable[t.Any] = init.items() if isinstance(init, Mapping) else init
        for pair in pairs:
            if isinstance(pair, (str, bytes)) or len(pair) != 2:
                raise InvalidHeaderError(
                    f"Headers(): each header must be a (name, value) pair, got {pair!r}."
                )
            self.append(pair[0], pair[1])

    # -- validation -------------------------------------------------------------------

    def _check(self, op: str, name: str, value: str | None = None) -> tuple[str, str]:
        if self._readonly is not None:
            raise ReadonlyHeadersError(self._readonly)
        if not isinstance(name, str) or not TOKEN.match(name):
            raise InvalidHeaderError(f'Headers.{op}: "{name}" is an invalid header name.')
        if value is None:
            return name.lower(), ""
        norm = _normalise_value(value)
        if BAD_HEADER_VALUE.search(norm):
            raise InvalidHeaderError(f'Headers.{op}: "{value}" is an invalid header value.')
        return name.lower(), norm

    # -- mutation ---------------------------------------------------------------------

    def append(self, name: str, value: str) -> None:
        """Add *value* to header *name*, keeping existing values."""
        key, norm = self._check("append", name, value)
        self._list.append((key, norm))

    def set(self, name: str, value: str) -> None:
        """Replace every value of *name* with *value* (at the first occurrence's position)."""
        key, norm = self._check("set", name, value)
        out: list[tuple[str, str]] = []
        placed = False
        for item in self._list:
            if item[0] == key:
                if not placed:
                    out.append((key, norm))
                    placed = True
            else:
                out.append(item)
        if not placed:
            out.append((key, norm))
        self._list = out

    def delete(self, name: str) -> None:
        """Remove every value of *name*."""
        key, _ = self._check("delete", name)
        self._list = [item for item in self._list if item[0] != key]

    # -- reading ----------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        """The values of *name* joined with ``", "``, or ``None`` when absent."""
        key = name.lower()
        values = [v for k, v in self._list if k == key]
        return ", ".join(values) if values else None

    def get_set_cookie(self) -> list[str]:
        """Every ``Set-Cookie`` value, one per cookie, in the order they were added."""
        return [v for k, v in self._list if k == "set-cookie"]

    def has(self, name: str) -> bool:
        """Whether header *name* is present."""
        key = name.lower()
        return any(k == key for k, _ in self._list)

    def items(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs, sorted and combined as Fetch iterates them."""
        names = sorted({k for k, _ in self._list})
        out: list[tuple[str, str]] = []
        for name in names:
            if name == "set-cookie":
                out.extend(("set-cookie", v) for v in self.get_set_cookie())
            else:
                out.append((name, t.cast("str", self.get(name))))
        return out

    def keys(self) -> list[str]:
        """The names :meth:`items` yields."""
        return [k for k, _ in self.items()]

    def values(self) -> list[str]:
        """The values :meth:`items` yields."""
        return [v for _, v in self.items()]

    def raw(self) -> list[tuple[str, str]]:
        """Every stored ``(name, value)`` line in insertion order, names lower-cased."""
        return list(self._list)

    def copy(self) -> Headers:
        """A mutable copy (also of a sealed ``Headers``)."""
        return Headers(self)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.has(name)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __len__(self) -> int:
        return len(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self.items() == other.items()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Headers({self.items()!r})"

    def _seal(self, message: str) -> Headers:
        """Make every later mutation raise :class:`ReadonlyHeadersError` with *message*."""
        self._readonly = message
        return self
