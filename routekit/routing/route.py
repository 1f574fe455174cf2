"""The value objects routing hands to the rest of routekit: :class:`Route`, :class:`Match`."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Match", "Route", "RouteKind"]

#: ``pages``: a ``pages/api`` (or ``api/``) file with a ``handler``, including edge handlers,
#: which are told apart only once the module's ``config`` is read. ``app``: an
#: ``app/**/route.py`` file exporting ``GET``, ``POST``...
RouteKind = t.Literal["pages", "app"]


@dataclass(frozen=True, slots=True)
class Route:
    """One route file and the URL pattern it serves.

    :param pattern: Next.js' page key, e.g. ``/api/users/[id]`` or ``/api/[[...slug]]``.
    :param file: the absolute path of the route file.
    :param relfile: the file relative to the project root, with ``/`` separators.
    :param kind: which handler convention the file follows.
    :param segments: the pattern's segments, e.g. ``("api", "users", "[id]")``.
    """

    pattern: str
    file: Path
    relfile: str
    kind: RouteKind
    segments: tuple[str, ...] = field(default=())


@dataclass(slots=True)
class Match:
    """A route that matched a path, with the decoded params.

    ``[id]`` gives a ``str``; ``[...slug]`` and ``[[...slug]]`` give a ``list[str]``; an
    optional catch-all that matched nothing has no key at all (as in Next.js).

    Not frozen: one is built per request, and a frozen dataclass costs twice as much to build.
    """

    route: Route
    params: dict[str, str | list[str]]
