from __future__ import annotations

import re

import pytest

from routekit.errors import RouteDefinitionError
from routekit.routing.segments import SegmentKind, parse_pattern, parse_segment

STATIC = SegmentKind.STATIC
DYNAMIC = SegmentKind.DYNAMIC
CATCH_ALL = SegmentKind.CATCH_ALL
OPTIONAL = SegmentKind.OPTIONAL_CATCH_ALL


@pytest.mark.parametrize(
    ("raw", "kind", "name"),
    [
        ("users", STATIC, "users"),
        ("index", STATIC, "index"),
        # Only an entirely bracketed segment is dynamic (Next.js' isDynamicRoute).
        ("post-[id]", STATIC, "post-[id]"),
        ("[id]-post", STATIC, "[id]-post"),
        ("[id", STATIC, "[id"),
        ("[id]", DYNAMIC, "id"),
        ("[a-b]", DYNAMIC, "a-b"),
        ("[...slug]", CATCH_ALL, "slug"),
        ("[[...slug]]", OPTIONAL, "slug"),
    ],
)
def test_segment_parses(raw: str, kind: SegmentKind, name: str) -> None:
    segment = parse_segment(raw)
    assert (segment.raw, segment.kind, segment.name) == (raw, kind, name)


@pytest.mark.parametrize(
    ("raw", "is_catch_all"),
    [("x", False), ("[x]", False), ("[...x]", True), ("[[...x]]", True)],
)
def test_segment_is_catch_all(raw: str, is_catch_all: bool) -> None:
    assert parse_segment(raw).is_catch_all is is_catch_all


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[…slug]", "Detected a three-dot character ('…') at ('…slug'). Did you mean ('...')?"),
        ("[[…slug]]", "Detected a three-dot character ('…') at ('…slug'). Did you mean ('...')?"),
        ("[[[x]]]", "Segment names may not start or end with extra brackets ('[x]')."),
        ("[...[x]]", "Segment names may not start or end with extra brackets ('[x]')."),
        ("[x]]", "Segment names may not start or end with extra brackets ('x]')."),
        ("[..x]", "Segment names may not start with erroneous periods ('..x')."),
        ("[....x]", "Segment names may not start with erroneous periods ('.x')."),
        ("[[..x]]", "Segment names may not start with erroneous periods ('..x')."),
        ("[[x]]", 'Optional route parameters are not yet supported ("[[x]]").'),
        ("[]", 'Parameter names cannot be empty ("[]").'),
        ("[...]", 'Parameter names cannot be empty ("[...]").'),
    ],
)
def test_segment_rejects_with_nextjs_message(raw: str, message: str) -> None:
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(message)}\n") as info:
        parse_segment(raw, ("pages/api/x.py",))
    assert info.value.message == message
    assert info.value.files == ("pages/api/x.py",)


def test_segment_three_dot_hint_shows_the_fix() -> None:
    with pytest.raises(RouteDefinitionError) as info:
        parse_segment("[…slug]")
    assert info.value.hint == "write three periods: [...slug]"


def test_pattern_parses_every_segment() -> None:
    parsed = parse_pattern(("api", "[id]", "[[...rest]]"))
    assert [s.kind for s in parsed] == [STATIC, DYNAMIC, OPTIONAL]


@pytest.mark.parametrize(
    "segments",
    [("api", "[...a]", "b"), ("api", "[[...a]]", "[b]"), ("[...a]", "[[b]]")],
)
def test_pattern_catch_all_must_be_last(segments: tuple[str, ...]) -> None:
    with pytest.raises(
        RouteDefinitionError, match=r"^Catch-all must be the last part of the URL\.\n  files: "
    ) as info:
        parse_pattern(segments, ["pages/api/x.py"])
    assert info.value.files == ("pages/api/x.py",)
