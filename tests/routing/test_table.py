from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from routekit.errors import RouteDefinitionError
from routekit.routing import Route, RouteTable


def _route(pattern: str, relfile: str | None = None) -> Route:
    relfile = relfile or f"pages{pattern if pattern != '/' else '/index'}.py"
    segments = tuple(part for part in pattern.split("/") if part)
    return Route(pattern, Path("/project", relfile), relfile, "pages", segments)


def _table(*patterns: str) -> RouteTable:
    return RouteTable(_route(pattern) for pattern in patterns)


#: The order verified against Next.js' getSortedRoutes (reference §4).
NEXTJS_ORDER = [
    "/api",
    "/api/Zeta",
    "/api/alpha",
    "/api/users",
    "/api/users/me",
    "/api/users/[id]",
    "/api/users/[id]/posts",
    "/api/[type]/list",
    "/api/[...all]",
]


@pytest.mark.parametrize("seed", range(5))
def test_table_orders_routes_as_nextjs(seed: int) -> None:
    shuffled = NEXTJS_ORDER[:]
    random.Random(seed).shuffle(shuffled)
    assert [route.pattern for route in _table(*shuffled).routes] == NEXTJS_ORDER


@pytest.mark.parametrize(
    ("patterns", "order"),
    [
        # static < [slug] < [...rest] < [[...rest]], each subtree expanded in place
        (
            ["/api/[[...o]]", "/api/x/[...r]", "/api/x/[s]", "/api/x/b", "/api/x/a"],
            ["/api/x/a", "/api/x/b", "/api/x/[s]", "/api/x/[...r]", "/api/[[...o]]"],
        ),
        # the node's own route first, before its static children
        (
            ["/api/x/y", "/api/x", "/api/[a]/z", "/api/[a]"],
            ["/api/x", "/api/x/y", "/api/[a]", "/api/[a]/z"],
        ),
        # JavaScript sorts by UTF-16 code units: an astral character (a surrogate pair,
        # 0xD83D...) sorts before U+FF21, although its code point is larger.
        (
            ["/api/\uff21", "/api/\U0001f600", "/api/b", "/api/B"],
            ["/api/B", "/api/b", "/api/\U0001f600", "/api/\uff21"],
        ),
        (["/", "/[id]", "/api"], ["/", "/api", "/[id]"]),
    ],
)
def test_table_precedence(patterns: list[str], order: list[str]) -> None:
    assert [route.pattern for route in _table(*patterns).routes] == order


@pytest.mark.parametrize(
    ("patterns", "message", "files"),
    [
        (
            ["/api/[a]", "/api/[b]/x"],
            "You cannot use different slug names for the same dynamic path ('a' !== 'b').",
            ("pages/api/[a].py", "pages/api/[b]/x.py"),
        ),
        (
            ["/api/[...a]", "/api/[...b]"],
            "You cannot use different slug names for the same dynamic path ('a' !== 'b').",
            ("pages/api/[...a].py", "pages/api/[...b].py"),
        ),
        (
            ["/api/[[...a]]", "/api/[[...b]]"],
            "You cannot use different slug names for the same dynamic path ('a' !== 'b').",
            ("pages/api/[[...a]].py", "pages/api/[[...b]].py"),
        ),
        (
            ["/api/[id]/[id]"],
            'You cannot have the same slug name "id" repeat within a single dynamic path',
            ("pages/api/[id]/[id].py",),
        ),
        (
            ["/api/[id]/x/[...id]"],
            'You cannot have the same slug name "id" repeat within a single dynamic path',
            ("pages/api/[id]/x/[...id].py",),
        ),
        (
            ["/api/[a-b]/[ab]"],
            'You cannot have the slug names "a-b" and "ab" differ only by non-word symbols '
            "within a single dynamic path",
            ("pages/api/[a-b]/[ab].py",),
        ),
        # JavaScript's \W is ASCII-only, so "é" and "ü" both reduce to "".
        (
            ["/api/[é]/[ü]"],
            'You cannot have the slug names "é" and "ü" differ only by non-word symbols '
            "within a single dynamic path",
            ("pages/api/[é]/[ü].py",),
        ),
        (
            ["/api/[...a]", "/api/[[...b]]"],
            "You cannot use both an required and optional catch-all route at the same level "
            '("[...a]" and "[[...b]]" ).',
            ("pages/api/[...a].py", "pages/api/[[...b]].py"),
        ),
        (
            ["/api/[[...a]]", "/api/[...b]"],
            "You cannot use both an optional and required catch-all route at the same level "
            '("[[...a]]" and "[...b]").',
            ("pages/api/[[...a]].py", "pages/api/[...b].py"),
        ),
        (
            ["/api", "/api/[[...s]]"],
            "You cannot define a route with the same specificity as a optional catch-all "
            'route ("/api" and "/api[[...s]]").',
            ("pages/api.py", "pages/api/[[...s]].py"),
        ),
        (
            ["/[[...s]]", "/"],
            "You cannot define a route with the same specificity as a optional catch-all "
            'route ("/" and "/[[...s]]").',
            ("pages/index.py", "pages/[[...s]].py"),
        ),
        (
            ["/api/[...a]/b"],
            "Catch-all must be the last part of the URL.",
            ("pages/api/[...a]/b.py",),
        ),
        (
            ["/api/[[x]]"],
            'Optional route parameters are not yet supported ("[[x]]").',
            ("pages/api/[[x]].py",),
        ),
        (
            ["/api/[..x]"],
            "Segment names may not start with erroneous periods ('..x').",
            ("pages/api/[..x].py",),
        ),
    ],
)
def test_table_conflict_message(patterns: list[str], message: str, files: tuple[str, ...]) -> None:
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(message)}\n") as info:
        _table(*patterns)
    assert info.value.message == message
    assert info.value.files == files


def test_table_conflict_lists_the_files_in_the_message() -> None:
    with pytest.raises(RouteDefinitionError) as info:
        _table("/api/[a]", "/api/[b]/x")
    assert str(info.value) == (
        "You cannot use different slug names for the same dynamic path ('a' !== 'b').\n"
        "  files: pages/api/[a].py, pages/api/[b]/x.py\n"
        "  fix: use the same name for this segment in every file that shares it."
    )


def test_table_rejects_two_files_for_one_pattern() -> None:
    routes = [_route("/api/x", "pages/api/x.py"), _route("/api/x", "api/x.py")]
    with pytest.raises(
        RouteDefinitionError,
        match=re.escape(
            "Duplicate page detected. api/x.py and pages/api/x.py both resolve to /api/x."
        ),
    ) as info:
        RouteTable(routes)
    assert info.value.files == ("api/x.py", "pages/api/x.py")


def test_table_is_a_sized_iterable_in_precedence_order() -> None:
    table = _table("/api/[id]", "/api/me")
    assert len(table) == 2
    assert [route.pattern for route in table] == ["/api/me", "/api/[id]"]
    assert repr(table) == "<RouteTable 2 routes>"


def test_table_accepts_an_empty_route_set() -> None:
    table = RouteTable([])
    assert table.routes == ()
    assert table.match("/api/x") is None
