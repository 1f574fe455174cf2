"""The ``[id]`` grammar: one URL segment to a :class:`Segment`. Pure, no I/O.

The rules and messages are Next.js' ``getSortedRoutes`` (``sorted-routes.ts``): a segment
is dynamic only when it is *entirely* bracketed, so ``post-[id]`` is a static segment.
The checks that need the whole route set (slug names that disagree between files) live in
:mod:`routekit.routing.table`.
"""

from __future__ import annotations

import enum
import typing as t
from dataclasses import dataclass

from ..errors import RouteDefinitionError

if t.TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["CATCH_ALL_LAST", "Segment", "SegmentKind", "parse_pattern", "parse_segment"]

#: Next.js' message for any segment after ``[...x]`` or ``[[...x]]``.
CATCH_ALL_LAST = "Catch-all must be the last part of the URL."


class SegmentKind(enum.Enum):
    """What a segment matches: itself, one segment, one or more, or zero or more."""

    STATIC = "static"
    DYNAMIC = "dynamic"
    CATCH_ALL = "catch-all"
    OPTIONAL_CATCH_ALL = "optional-catch-all"


@dataclass(frozen=True, slots=True)
class Segment:
    """One parsed segment of a route pattern.

    :param raw: the segment as written, e.g. ``[...slug]``.
    :param kind: what it matches.
    :param name: the param name for dynamic kinds (``slug``), the literal for static ones.
    """

    raw: str
    kind: SegmentKind
    name: str

    @property
    def is_catch_all(self) -> bool:
        """Whether the segment takes the rest of the path (``[...x]`` or ``[[...x]]``)."""
        return self.kind is SegmentKind.CATCH_ALL or self.kind is SegmentKind.OPTIONAL_CATCH_ALL


def parse_segment(raw: str, files: Iterable[str] = ()) -> Segment:
    """Parse one segment (``users``, ``[id]``, ``[...slug]``, ``[[...slug]]``).

    The checks and their order are Next.js': three-dot character, extra brackets,
    erroneous periods, then ``[[x]]`` (optional non-catch-all) not supported.

    :param files: the files to name in an error.
    :raises RouteDefinitionError: for a bracketed name Next.js rejects.
    """
    if not (raw.startswith("[") and raw.endswith("]")):
        return Segment(raw, SegmentKind.STATIC, raw)
    name = raw[1:-1]
    optional = False
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
        optional = True
    if name.startswith("…"):
        raise RouteDefinitionError(
            f"Detected a three-dot character ('…') at ('{name}'). Did you mean ('...')?",
            files,
            hint=f"write three periods: {raw.replace('…', '...')}",
        )
    catch_all = False
    if name.startswith("..."):
        name = name[3:]
        catch_all = True
    if name.startswith("[") or name.endswith("]"):
        raise RouteDefinitionError(
            f"Segment names may not start or end with extra brackets ('{name}').", files
        )
    if name.startswith("."):
        raise RouteDefinitionError(
            f"Segment names may not start with erroneous periods ('{name}').", files
        )
    if not catch_all and optional:
        raise RouteDefinitionError(
            f'Optional route parameters are not yet supported ("{raw}").',
            files,
            hint=f"use [{name}] (always present) or [[...{name}]] (zero or more segments)",
        )
    if not name:
        # Next.js' sorter accepts "[]" but its matcher then treats it as static; refuse it.
        raise RouteDefinitionError(f'Parameter names cannot be empty ("{raw}").', files)
    if catch_all:
        kind = SegmentKind.OPTIONAL_CATCH_ALL if optional else SegmentKind.CATCH_ALL
    else:
        kind = SegmentKind.DYNAMIC
    return Segment(raw, kind, name)


def parse_pattern(segments: Iterable[str], files: Iterable[str] = ()) -> tuple[Segment, ...]:
    """Parse every segment of one route, checking that a catch-all comes last.

    :raises RouteDefinitionError: for a bad segment or a segment after a catch-all.
    """
    files = tuple(files)
    parsed: list[Segment] = []
    for raw in segments:
        # Next.js checks this before parsing the segment that follows the catch-all.
        if parsed and parsed[-1].is_catch_all:
            raise RouteDefinitionError(CATCH_ALL_LAST, files)
        parsed.append(parse_segment(raw, files))
    return tuple(parsed)
