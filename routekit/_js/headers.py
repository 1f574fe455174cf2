"""``req.headers`` as Node's ``IncomingMessage`` builds it from the header lines.

Node lower-cases names and folds repeated lines by name: ``set-cookie`` becomes a list,
``cookie`` values are joined with ``"; "``, a fixed set of singleton headers keeps the
first line and drops the rest, and every other header is joined with ``", "``. werkzeug's
``Headers`` keeps the lines instead, so this mapping is our own (Node semantics differ).
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, MutableMapping, Sequence

__all__ = ["DISCARD_DUPLICATES", "HeaderValue", "IncomingHeaders"]

HeaderValue: t.TypeAlias = str | list[str]

#: Headers whose repeated lines Node drops, keeping the first (``matchKnownFields``).
DISCARD_DUPLICATES = frozenset(
    {
        "age",
        "authorization",
        "content-length",
        "content-type",
        "etag",
        "expires",
        "from",
        "host",
        "if-modified-since",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "proxy-authorization",
        "referer",
        "retry-after",
        "server",
        "user-agent",
    }
)


def _fold(name: str, values: list[str]) -> HeaderValue:
    if name == "set-cookie":
        return list(values)
    if len(values) == 1 or name in DISCARD_DUPLICATES:
        return values[0]
    if name == "cookie":
        return "; ".join(values)
    return ", ".join(values)


class IncomingHeaders(MutableMapping[str, HeaderValue]):
    """The request headers: lower-case names, Node's rules for repeated lines.

    Lookups are case-insensitive. ``headers["set-cookie"]`` is a ``list[str]``; every other
    value is a ``str``. :meth:`get_all` gives the lines as received, one item per line.
    The mapping is built on first use, so a handler that never reads a header pays nothing.
    Like Node's ``req.headers`` it may be modified (middleware sometimes does).

    :param lines: ``(name, value)`` pairs in arrival order, names as sent.
    """

    __slots__ = ("_all", "_folded", "_lines")

    def __init__(self, lines: Sequence[tuple[str, str]] = ()) -> None:
        self._lines = lines
        self._all: dict[str, list[str]] | None = None
        self._folded: dict[str, HeaderValue] | None = None

    def _index(self) -> dict[str, list[str]]:
        if self._all is None:
            grouped: dict[str, list[str]] = {}
            for name, value in self._lines:
                lname = name.lower()
                bucket = grouped.get(lname)
                if bucket is None:
                    grouped[lname] = [value]
                else:
                    bucket.append(value)
            self._all = grouped
        return self._all

    def _mapping(self) -> dict[str, HeaderValue]:
        if self._folded is None:
            self._folded = {name: _fold(name, values) for name, values in self._index().items()}
        return self._folded

    def __getitem__(self, name: str) -> HeaderValue:
        return self._mapping()[name.lower()]

    def __setitem__(self, name: str, value: HeaderValue) -> None:
        lname = name.lower()
        self._mapping()[lname] = value
        self._index()[lname] = list(value) if isinstance(value, list) else [value]

    def __delitem__(self, name: str) -> None:
        lname = name.lower()
        del self._mapping()[lname]
        self._index().pop(lname, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._mapping()

    def first(self, name: str) -> str | None:
        """The first line received for *name*, or ``None``: cheap, builds nothing."""
        if self._all is None:
            lname = name.lower()
            for key, value in self._lines:
                if key.lower() == lname:
                    return value
            return None
        values = self._all.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> list[str]:
        """Every line received for *name* (case-insensitive), in order; ``[]`` if none."""
        return list(self._index().get(name.lower(), ()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._mapping()!r})"
