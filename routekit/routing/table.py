"""The route registry: conflicts between routes, precedence order, matching entry point.

Validation and order are Next.js' ``getSortedRoutes`` (``sorted-routes.ts``), node for
node, so a tree Next.js rejects is rejected here with the same message (followed by the
files involved), and the precedence order is Next.js' order.
"""

from __future__ import annotations

import re
import typing as t

from ..errors import RouteDefinitionError
from .matcher import Matcher
from .segments import CATCH_ALL_LAST, SegmentKind, parse_segment

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from .route import Match, Route

__all__ = ["RouteTable", "duplicate_error"]

# JavaScript's \W is ASCII-only; Python's is Unicode-aware unless told otherwise.
_NON_WORD = re.compile(r"\W", re.ASCII)


def duplicate_error(pattern: str, files: Iterable[str]) -> RouteDefinitionError:
    """The error for two files serving one URL (Next.js' duplicate-page text).

    Next.js only warns and keeps the first file found; routekit refuses the tree, because
    which file "comes first" depends on the file system.
    """
    first, second = sorted(files)
    return RouteDefinitionError(
        f"Duplicate page detected. {first} and {second} both resolve to {pattern}.",
        (first, second),
        hint="remove or rename one of the two files.",
    )


def _utf16_key(segment: str) -> bytes:
    # JavaScript's default sort compares UTF-16 code units ("Zeta" < "alpha").
    return segment.encode("utf-16-be", "surrogatepass")


class _UrlNode:
    """One node of Next.js' ``UrlNode`` tree, remembering which file set each slug name."""

    __slots__ = (
        "children",
        "optional_name",
        "optional_route",
        "rest_name",
        "rest_route",
        "route",
        "slug_name",
        "slug_route",
    )

    def __init__(self) -> None:
        self.children: dict[str, _UrlNode] = {}
        self.route: Route | None = None
        self.slug_name: str | None = None
        self.slug_route: Route | None = None
        self.rest_name: str | None = None
        self.rest_route: Route | None = None
        self.optional_name: str | None = None
        self.optional_route: Route | None = None

    def insert(self, route: Route) -> None:
        """Add *route*, raising Next.js' error for the first conflict found on its path."""
        node = self
        slug_names: list[str] = []
        catch_all = False
        files = (route.relfile,)
        for raw in (part for part in route.pattern.split("/") if part):
            if catch_all:
                raise RouteDefinitionError(CATCH_ALL_LAST, files)
            segment = parse_segment(raw, files)
            key = raw
            kind = segment.kind
            if kind is SegmentKind.OPTIONAL_CATCH_ALL:
                if node.rest_name is not None:
                    raise RouteDefinitionError(
                        "You cannot use both an required and optional catch-all route at the "
                        f'same level ("[...{node.rest_name}]" and "{raw}" ).',
                        _files(node.rest_route, route),
                    )
                _check_slug(
                    node.optional_name, node.optional_route, segment.name, slug_names, route
                )
                if node.optional_name is None:
                    node.optional_name, node.optional_route = segment.name, route
                key, catch_all = "[[...]]", True
            elif kind is SegmentKind.CATCH_ALL:
                if node.optional_name is not None:
                    raise RouteDefinitionError(
                        "You cannot use both an optional and required catch-all route at the "
                        f'same level ("[[...{node.optional_name}]]" and "{raw}").',
                        _files(node.optional_route, route),
                    )
                _check_slug(node.rest_name, node.rest_route, segment.name, slug_names, route)
                if node.rest_name is None:
                    node.rest_name, node.rest_route = segment.name, route
                key, catch_all = "[...]", True
            elif kind is SegmentKind.DYNAMIC:
                _check_slug(node.slug_name, node.slug_route, segment.name, slug_names, route)
                if node.slug_name is None:
                    node.slug_name, node.slug_route = segment.name, route
                key = "[]"
            child = node.children.get(key)
            if child is None:
                child = node.children[key] = _UrlNode()
            node = child
        if node.route is not None:
            raise duplicate_error(route.pattern, (node.route.relfile, route.relfile))
        node.route = route

    def smoosh(self, prefix: str, out: list[Route]) -> None:
        """Append this subtree's routes to *out* in Next.js' precedence order."""
        statics = sorted(
            (key for key in self.children if key not in ("[]", "[...]", "[[...]]")),
            key=_utf16_key,
        )
        # Next.js builds the static and [slug] lists first and puts the node's own route in
        # front afterwards; the order of the checks (and so of the errors) follows it.
        mark = len(out)
        for key in statics:
            self.children[key].smoosh(f"{prefix}{key}/", out)
        if self.slug_name is not None:
            self.children["[]"].smoosh(f"{prefix}[{self.slug_name}]/", out)
        if self.route is not None:
            own = "/" if prefix == "/" else prefix[:-1]
            if self.optional_name is not None:
                raise RouteDefinitionError(
                    "You cannot define a route with the same specificity as a optional "
                    f'catch-all route ("{own}" and "{own}[[...{self.optional_name}]]").',
                    _files(self.route, self.children["[[...]]"].route),
                )
            out.insert(mark, self.route)
        if self.rest_name is not None:
            self.children["[...]"].smoosh(f"{prefix}[...{self.rest_name}]/", out)
        if self.optional_name is not None:
            self.children["[[...]]"].smoosh(f"{prefix}[[...{self.optional_name}]]/", out)


def _check_slug(
    previous: str | None,
    previous_route: Route | None,
    name: str,
    slug_names: list[str],
    route: Route,
) -> None:
    # Next.js' handleSlug: one name per tree position, no name twice on one path.
    if previous is not None and previous != name:
        raise RouteDefinitionError(
            "You cannot use different slug names for the same dynamic path "
            f"('{previous}' !== '{name}').",
            _files(previous_route, route),
            hint="use the same name for this segment in every file that shares it.",
        )
    for slug in slug_names:
        if slug == name:
            raise RouteDefinitionError(
                f'You cannot have the same slug name "{name}" repeat within a single dynamic path',
                (route.relfile,),
            )
        if _NON_WORD.sub("", slug) == _NON_WORD.sub("", name):
            raise RouteDefinitionError(
                f'You cannot have the slug names "{slug}" and "{name}" differ only by '
                "non-word symbols within a single dynamic path",
                (route.relfile,),
            )
    slug_names.append(name)


def _files(*routes: Route | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(route.relfile for route in routes if route is not None))


class RouteTable:
    """A validated set of routes, in precedence order, that maps raw paths to routes.

    :param routes: the routes, e.g. from :func:`~routekit.routing.discover`; they are
        validated in the order given, as Next.js validates its page list.
    :raises RouteDefinitionError: for Next.js' route-set errors (slug names that disagree,
        required and optional catch-alls side by side...) and for two files on one URL.
    """

    __slots__ = ("_matcher", "routes")

    def __init__(self, routes: Iterable[Route]) -> None:
        root = _UrlNode()
        for route in routes:
            root.insert(route)
        ordered: list[Route] = []
        root.smoosh("/", ordered)
        #: Every route, most specific first: Next.js' ``getSortedRoutes`` order.
        self.routes: tuple[Route, ...] = tuple(ordered)
        self._matcher = Matcher(self.routes)

    def match(self, raw_path: str) -> Match | None:
        """The route serving *raw_path* (percent-encoded, no query), or ``None`` for a 404.

        Static routes are looked up exactly on the raw path first, then the dynamic routes
        are tried in precedence order; the method plays no part.

        :raises ParamDecodeError: when a captured param is not valid percent-encoded UTF-8.
        """
        return self._matcher.match(raw_path)

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    def __repr__(self) -> str:
        return f"<RouteTable {len(self.routes)} routes>"
