"""Terminal colours for the ``routekit`` command: on a terminal only, never with ``NO_COLOR``."""

from __future__ import annotations

import os
import typing as t

__all__ = ["Style", "colour_enabled"]

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def colour_enabled(stream: t.TextIO) -> bool:
    """Whether to colour what is written to *stream*.

    ``NO_COLOR`` (any non-empty value, https://no-color.org) turns colours off and
    ``FORCE_COLOR`` on; otherwise only a terminal gets them, never a pipe, a file or a
    ``TERM=dumb`` terminal, so logs hold no escape codes.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Style:
    """Wraps text in ANSI styles when *enabled*, and returns it unchanged otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: t.TextIO) -> Style:
        """The style for text written to *stream* (see :func:`colour_enabled`)."""
        return cls(colour_enabled(stream))

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def status(self, code: int) -> str:
        """An HTTP status code, coloured by its class (2xx green ... 5xx red)."""
        colour = {2: "green", 3: "cyan", 4: "yellow"}.get(code // 100, "red")
        return self(str(code), colour)
