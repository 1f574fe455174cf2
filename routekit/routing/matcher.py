"""Raw path to :class:`~routekit.routing.route.Match`: pure, no HTTP, no regex per route.

Next.js tries an exact lookup of the static routes on the raw (percent-encoded) path, then
each dynamic route's regex ``^…(?:/)?$`` in ``getSortedRoutes`` order. Here the dynamic
routes sit in a trie whose children are visited in that same order (own route, static
child, ``[slug]``, ``[...rest]``, ``[[...rest]]``) with backtracking, so the first route
found is the first route whose regex would match, and the cost grows with the depth of
the path rather than with the number of routes.
"""

from __future__ import annotations

import typing as t

from .._js.strings import decode_uri_component
from ..errors import ParamDecodeError
from .route import Match, Route
from .segments import SegmentKind, parse_segment

if t.TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Matcher", "decode_param"]

_SINGLE, _REST, _OPTIONAL = 0, 1, 2


def decode_param(value: str) -> str:
    """Decode a captured param as JavaScript's ``decodeURIComponent`` does.

    Stricter than :func:`urllib.parse.unquote` and werkzeug (which keep bad escapes and
    replace bad UTF-8): Next.js throws, so this raises. ``+`` stays a ``+``.

    :raises ParamDecodeError: for a ``%`` not followed by two hex digits, or bytes that are
        not UTF-8.
    """
    try:
        return decode_uri_component(value)
    except ValueError:
        raise ParamDecodeError(value) from None


class _Leaf:
    """A route at the end of a trie walk, with where its params sit in the path."""

    __slots__ = ("params", "route")

    def __init__(self, route: Route, params: tuple[tuple[str, int, int], ...]) -> None:
        self.route = route
        #: (name, index of the path segment, _SINGLE / _REST / _OPTIONAL)
        self.params = params


class _Node:
    __slots__ = ("leaf", "optional", "rest", "slug", "static")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.slug: _Node | None = None
        self.rest: _Leaf | None = None
        self.optional: _Leaf | None = None
        self.leaf: _Leaf | None = None


def _walk(node: _Node, segs: list[str], i: int, n: int) -> _Leaf | None:
    if i == n:
        if node.leaf is not None:
            return node.leaf
        # [[...x]] matching zero segments: "/api/docs" for /api/docs/[[...x]].
        return node.optional
    seg = segs[i]
    child = node.static.get(seg)
    if child is not None:
        found = _walk(child, segs, i + 1, n)
        if found is not None:
            return found
    if seg:
        child = node.slug
        if child is not None:
            found = _walk(child, segs, i + 1, n)
            if found is not None:
                return found
    elif i + 1 == n:
        return None  # an empty last segment: nothing left for a catch-all to take
    if node.rest is not None:
        return node.rest
    return node.optional


class Matcher:
    """The compiled form of a route list, answering :meth:`match` in O(path depth).

    :param routes: validated routes in precedence order (:attr:`RouteTable.routes`).
    """

    __slots__ = ("_has_dynamic", "_root", "_static")

    def __init__(self, routes: Iterable[Route]) -> None:
        self._static: dict[str, Route] = {}
        self._root = _Node()
        self._has_dynamic = False
        for route in routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        parts = [part for part in route.pattern.split("/") if part]
        node = self._root
        params: list[tuple[str, int, int]] = []
        for index, raw in enumerate(parts):
            segment = parse_segment(raw, (route.relfile,))
            kind = segment.kind
            if kind is SegmentKind.STATIC:
                child = node.static.get(raw)
                if child is None:
                    child = node.static[raw] = _Node()
                node = child
            elif kind is SegmentKind.DYNAMIC:
                params.append((segment.name, index, _SINGLE))
                if node.slug is None:
                    node.slug = _Node()
                node = node.slug
            else:
                self._has_dynamic = True
                if kind is SegmentKind.CATCH_ALL:
                    node.rest = _Leaf(route, (*params, (segment.name, index, _REST)))
                else:
                    node.optional = _Leaf(route, (*params, (segment.name, index, _OPTIONAL)))
                return
        if params:
            self._has_dynamic = True
        else:
            self._static["/" + "/".join(parts)] = route
        node.leaf = _Leaf(route, tuple(params))

    def match(self, raw_path: str) -> Match | None:
        """The first route matching *raw_path*, with decoded params, or ``None``.

        :param raw_path: the raw, percent-encoded path without the query.
        :raises ParamDecodeError: when a captured param does not decode.
        """
        # The regexes end in (?:/)?, and the static lookup strips the trailing slash.
        if len(raw_path) > 1 and raw_path[-1] == "/":
            raw_path = raw_path[:-1]
        route = self._static.get(raw_path)
        if route is not None:
            return Match(route, {})
        if not self._has_dynamic or raw_path[:1] != "/":
            return None
        segs = raw_path[1:].split("/") if len(raw_path) > 1 else []
        n = len(segs)
        leaf = _walk(self._root, segs, 0, n)
        if leaf is None:
            return None
        params: dict[str, str | list[str]] = {}
        for name, index, kind in leaf.params:
            if kind == _SINGLE:
                params[name] = decode_param(segs[index])
            elif index < n:
                # Split on "/" before decoding, so "%2F" stays inside one element.
                params[name] = [decode_param(part) for part in segs[index:]]
        return Match(leaf.route, params)
