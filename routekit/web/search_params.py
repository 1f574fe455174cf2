"""``URLSearchParams``: the query of a ``NextURL``, and a form body of a ``Request``/``Response``.

WHATWG semantics, our own where ``urllib`` differs on output: spaces serialise as ``+`` and
``~`` as ``%7E``. Parsing is the stdlib's WHATWG form parser (:mod:`routekit._js.query`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import quote_plus

from .._js.query import search_param_pairs

__all__ = ["URLSearchParams"]


class URLSearchParams:
    """An ordered list of query ``(name, value)`` pairs with the WHATWG API.

    :param init: a query string (leading ``?`` ignored), a mapping (list values repeat the
        key), ``(name, value)`` pairs, or another ``URLSearchParams``.
    """

    __slots__ = ("_on_change", "_pairs")

    def __init__(
        self,
        init: str | Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        self._on_change: Callable[[], None] | None = None
        self._pairs: list[tuple[str, str]] = []
        if init is None:
            return
        if isinstance(init, str):
            self._pairs = search_param_pairs(init[1:] if init.startswith("?") else init)
        elif isinstance(init, URLSearchParams):
            self._pairs = list(init._pairs)
        elif isinstance(init, Mapping):
            for key, value in init.items():
                if isinstance(value, str):
                    self._pairs.append((str(key), value))
                else:
                    self._pairs.extend((str(key), str(v)) for v in value)
        else:
            self._pairs = [(str(k), str(v)) for k, v in init]

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def get(self, name: str) -> str | None:
        """The first value of *name*, or ``None``."""
        return next((v for k, v in self._pairs if k == name), None)

    def get_all(self, name: str) -> list[str]:
        """Every value of *name*, in order."""
        return [v for k, v in self._pairs if k == name]

    def has(self, name: str, value: str | None = None) -> bool:
        """Whether *name* (with *value*, if given) is present."""
        return any(k == name and (value is None or v == value) for k, v in self._pairs)

    def append(self, name: str, value: str) -> None:
        """Add a pair at the end."""
        self._pairs.append((str(name), str(value)))
        self._changed()

    def set(self, name: str, value: str) -> None:
        """Replace every value of *name* with *value*, at the first occurrence's position."""
        out: list[tuple[str, str]] = []
        placed = False
        for k, v in self._pairs:
            if k != name:
                out.append((k, v))
            elif not placed:
                out.append((k, str(value)))
                placed = True
        if not placed:
            out.append((str(name), str(value)))
        self._pairs = out
        self._changed()

    def delete(self, name: str, value: str | None = None) -> None:
        """Remove every pair named *name* (only those equal to *value*, if given)."""
        self._pairs = [
            (k, v) for k, v in self._pairs if not (k == name and (value is None or v == value))
        ]
        self._changed()

    def sort(self) -> None:
        """Sort pairs by name, stably."""
        self._pairs.sort(key=lambda pair: pair[0])
        self._changed()

    def keys(self) -> list[str]:
        """Every name, repeated as often as it occurs."""
        return [k for k, _ in self._pairs]

    def values(self) -> list[str]:
        """Every value, in order."""
        return [v for _, v in self._pairs]

    def items(self) -> list[tuple[str, str]]:
        """Every ``(name, value)`` pair, in order."""
        return list(self._pairs)

    def to_string(self) -> str:
        """The ``application/x-www-form-urlencoded`` form, without a leading ``?``."""
        return "&".join(f"{_encode_form(k)}={_encode_form(v)}" for k, v in self._pairs)

    @property
    def size(self) -> int:
        """The number of pairs."""
        return len(self._pairs)

    def _replace_pairs(self, query: str) -> None:
        self._pairs = search_param_pairs(query)

    def __str__(self) -> str:
        return self.to_string()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._pairs))

    def __len__(self) -> int:
        return len(self._pairs)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.has(name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, URLSearchParams):
            return self._pairs == other._pairs
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"URLSearchParams({self._pairs!r})"


def _encode_form(text: str) -> str:
    # WHATWG keeps only alphanumerics and *-._ ; Python's quote always keeps "~".
    return quote_plus(text, safe="*").replace("~", "%7E")
