"""The headers ``res`` will send: Node's ``OutgoingMessage`` header store.

Names are case-insensitive and keep the spelling they were first set with; a list value is
sent as repeated lines. Names and values are checked as Node checks them
(``checkIsHttpToken``, ``checkInvalidHeaderChar``) and numbers are stored as JavaScript's
``String(n)``. werkzeug's ``Headers`` validates differently and has no list values, so this
store is our own (Node semantics differ).
"""

from __future__ import annotations

import typing as t

from .._js.jsonenc import format_number
from .._syntax import BAD_HEADER_VALUE, TOKEN
from ..errors import ResponseStateError

__all__ = ["BAD_VALUE", "HeaderValue", "OutgoingHeaders"]

#: What ``set_header`` accepts: a value, or a list of values sent as repeated lines.
HeaderValue = t.Union[str, int, float, t.Sequence[t.Union[str, int, float]]]  # noqa: UP007

#: A character Node refuses in a header value or a status message (checkInvalidHeaderChar).
BAD_VALUE = BAD_HEADER_VALUE


class OutgoingHeaders:
    """The response headers set so far, keyed by lower-case name, in the order first set.

    :meth:`set` and :meth:`append` validate what a handler passes; :meth:`put` is for the
    values routekit itself computes (``Content-Type``, ``Content-Length``, ``ETag``).
    """

    __slots__ = ("_entries", "_multi")

    def __init__(self) -> None:
        #: lower-case name -> (name as set, value); lists are repeated header lines.
        self._entries: dict[str, tuple[str, str | list[str]]] = {}
        self._multi = False  # some header holds a list (repeated lines)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._entries

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.as_dict()!r})"

    def set(self, name: str, value: HeaderValue) -> None:
        """Set header *name*, replacing it; a list is sent as one line per value.

        :raises ResponseStateError: *name* is not an HTTP token or *value* holds a character
            Node refuses (``ERR_INVALID_HTTP_TOKEN``/``ERR_INVALID_CHAR``).
        """
        checked = _check_value(name, value)
        self._entries[_check_name(name)] = (name, checked)
        if isinstance(checked, list):
            self._multi = True

    def append(self, name: str, value: HeaderValue) -> None:
        """Add *value* to header *name*, keeping the values set before (``appendHeader``)."""
        key = _check_name(name)
        new = _check_value(name, value)
        current = self._entries.get(key)
        if current is not None:
            old = current[1]
            merged = (old if isinstance(old, list) else [old]) + (
                new if isinstance(new, list) else [new]
            )
            self._entries[key] = (current[0], merged)
            self._multi = True
        else:
            self._entries[key] = (name, new)
            self._multi = self._multi or isinstance(new, list)

    def put(self, name: str, value: str) -> None:
        """Set *name* to a value routekit computed itself, without validating it."""
        self._entries[name.lower()] = (name, value)

    def get(self, name: str) -> str | list[str] | None:
        """Header *name* (case-insensitive): a str, a copied list, or None."""
        entry = self._entries.get(name.lower())
        if entry is None:
            return None
        value = entry[1]
        return list(value) if isinstance(value, list) else value

    def as_dict(self) -> dict[str, str | list[str]]:
        """A copy of every header, keyed by lower-case name."""
        return {
            key: list(value) if isinstance(value, list) else value
            for key, (_, value) in self._entries.items()
        }

    def names(self) -> list[str]:
        """The lower-case names, in the order they were first set."""
        return list(self._entries)

    def remove(self, name: str) -> None:
        """Drop header *name* (case-insensitive) if set."""
        self._entries.pop(name.lower(), None)

    def lines(self) -> list[tuple[str, str]]:
        """The header lines to send, a list value giving one line per item (a new list)."""
        if not self._multi:
            return t.cast("list[tuple[str, str]]", list(self._entries.values()))
        lines: list[tuple[str, str]] = []
        for name, value in self._entries.values():
            if isinstance(value, list):
                lines.extend((name, item) for item in value)
            else:
                lines.append((name, value))
        return lines


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not TOKEN.match(name):
        raise ResponseStateError(
            f"Header name must be a valid HTTP token [{name!r}]: letters, digits and "
            "!#$%&'*+-.^_`|~ only"
        )
    return name.lower()


def _check_value(name: str, value: object) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [_header_text(name, item) for item in value]
    return _header_text(name, value)


def _header_text(name: str, value: object) -> str:
    if isinstance(value, str):
        text = value
    elif value is True or value is False:
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = int.__repr__(value)
    elif isinstance(value, float):
        text = format_number(value)  # String(5.0) == "5"
    else:
        raise ResponseStateError(
            f'Invalid value {value!r} for header "{name}": pass a str, a number or a list of '
            "them (use res.remove_header() to drop a header)"
        )
    if BAD_VALUE.search(text):
        raise ResponseStateError(
            f'Invalid character in header content ["{name}"]: {text!r}; header values must be '
            "Latin-1 text without control characters (percent-encode URLs with urllib.parse.quote)"
        )
    return text
