from __future__ import annotations

import re
from pathlib import Path

import pytest

from routekit.errors import RoutekitError
from routekit.routing import ParamDecodeError, Route, RouteTable, decode_param

ROUTES = [
    "/api",
    "/api/hello",
    "/api/users",
    "/api/users/me",
    "/api/users/[id]",
    "/api/users/[id]/posts",
    "/api/[type]/list",
    "/api/docs/[...slug]",
    "/api/opt/[[...slug]]",
    "/api/files/[name]/[...path]",
]


def _table(*patterns: str) -> RouteTable:
    return RouteTable(
        Route(p, Path("/project", f"pages{p}.py"), f"pages{p}.py", "pages") for p in patterns
    )


@pytest.fixture(scope="module")
def table() -> RouteTable:
    return _table(*ROUTES)


@pytest.mark.parametrize(
    ("path", "pattern", "params"),
    [
        ("/api", "/api", {}),
        ("/api/hello", "/api/hello", {}),
        # the static lookup and the route regexes tolerate one trailing slash
        ("/api/hello/", "/api/hello", {}),
        ("/api/users/me", "/api/users/me", {}),
        ("/api/users/42", "/api/users/[id]", {"id": "42"}),
        ("/api/users/42/", "/api/users/[id]", {"id": "42"}),
        ("/api/users/42/posts", "/api/users/[id]/posts", {"id": "42"}),
        # the leftmost static segment wins: users/[id] before [type]/list
        ("/api/users/list", "/api/users/[id]", {"id": "list"}),
        ("/api/books/list", "/api/[type]/list", {"type": "books"}),
        ("/api/docs/a", "/api/docs/[...slug]", {"slug": ["a"]}),
        ("/api/docs/a/b/c", "/api/docs/[...slug]", {"slug": ["a", "b", "c"]}),
        # an optional catch-all that matched nothing has no key at all
        ("/api/opt", "/api/opt/[[...slug]]", {}),
        ("/api/opt/", "/api/opt/[[...slug]]", {}),
        ("/api/opt/a/b", "/api/opt/[[...slug]]", {"slug": ["a", "b"]}),
        ("/api/opt/index", "/api/opt/[[...slug]]", {"slug": ["index"]}),
        ("/api/files/x/a/b", "/api/files/[name]/[...path]", {"name": "x", "path": ["a", "b"]}),
    ],
)
def test_match_finds_route_and_params(
    table: RouteTable, path: str, pattern: str, params: dict[str, object]
) -> None:
    match = table.match(path)
    assert match is not None
    assert (match.route.pattern, match.params) == (pattern, params)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/",
        "api/hello",
        "/API/hello",  # case-sensitive
        "/api/Hello",
        "/api/index",  # pages/api/index.py is /api, not /api/index
        "/api/users/42/posts/x",
        "/api/docs",  # [...slug] needs at least one segment
        "/api/nothing",
        "/api/books/list/x",
        "/apix",
    ],
)
def test_match_returns_none(table: RouteTable, path: str) -> None:
    assert table.match(path) is None


def test_match_backtracks_to_the_first_route_in_order() -> None:
    # users/[id] is tried first (leftmost static wins) but cannot take "list/x";
    # Next.js' regex loop then reaches [type]/list/x.
    table = _table("/api/users/[id]", "/api/[type]/list/x")
    match = table.match("/api/users/list/x")
    assert match is not None
    assert (match.route.pattern, match.params) == ("/api/[type]/list/x", {"type": "users"})


def test_match_backtracks_from_slug_to_catch_all() -> None:
    table = _table("/api/[a]/b", "/api/[...rest]")
    match = table.match("/api/x/c")
    assert match is not None
    assert (match.route.pattern, match.params) == ("/api/[...rest]", {"rest": ["x", "c"]})


def test_match_static_lookup_is_on_the_raw_path() -> None:
    # /api/hell%6F is not the static /api/hello, but a [slug] gets the decoded value.
    assert _table("/api/hello").match("/api/hell%6F") is None
    match = _table("/api/hello", "/api/[slug]").match("/api/hell%6F")
    assert match is not None
    assert (match.route.pattern, match.params) == ("/api/[slug]", {"slug": "hello"})


def test_match_static_segment_compares_raw_text_inside_a_dynamic_route() -> None:
    table = _table("/api/[id]/posts")
    assert table.match("/api/1/post%73") is None


def test_match_root_optional_catch_all() -> None:
    table = _table("/[[...slug]]")
    root = table.match("/")
    deep = table.match("/a/b")
    assert root is not None
    assert root.params == {}
    assert deep is not None
    assert deep.params == {"slug": ["a", "b"]}


def test_match_root_route() -> None:
    match = _table("/", "/[id]").match("/")
    assert match is not None
    assert match.route.pattern == "/"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/users/a%2Fb", {"id": "a/b"}),
        ("/api/users/caf%C3%A9", {"id": "café"}),
        ("/api/users/a+b", {"id": "a+b"}),  # "+" is not a space in a path
        ("/api/users/a%20b", {"id": "a b"}),
        ("/api/users/%25", {"id": "%"}),
        # catch-alls split on "/" before decoding: %2F stays inside one element
        ("/api/docs/a%2Fb/c", {"slug": ["a/b", "c"]}),
        ("/api/opt/%E2%9C%93", {"slug": ["✓"]}),
    ],
)
def test_match_decodes_params(table: RouteTable, path: str, params: dict[str, object]) -> None:
    match = table.match(path)
    assert match is not None
    assert match.params == params


@pytest.mark.parametrize(
    "path",
    [
        "/api/users/%",
        "/api/users/%zz",
        "/api/users/%4",
        "/api/users/%FF",  # not UTF-8
        "/api/users/%E0%A4%A",  # truncated escape
        "/api/users/%C3%28",  # bad continuation byte
        "/api/users/%ED%A0%80",  # an encoded surrogate
        "/api/users/%C0%AF",  # overlong encoding
        "/api/docs/ok/%FF",
    ],
)
def test_match_rejects_undecodable_params(table: RouteTable, path: str) -> None:
    with pytest.raises(ParamDecodeError, match=r"^failed to decode param '"):
        table.match(path)


def test_match_undecodable_param_error_keeps_the_raw_value(table: RouteTable) -> None:
    with pytest.raises(ParamDecodeError) as info:
        table.match("/api/users/%FF")
    assert info.value.value == "%FF"
    assert isinstance(info.value, RoutekitError)


def test_match_undecodable_static_path_is_a_plain_miss() -> None:
    # Nothing is decoded unless a dynamic segment captures it.
    assert _table("/api/hello").match("/api/%FF") is None


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("plain", "plain"),
        ("%41%62", "Ab"),
        ("%e2%82%ac", "€"),
        ("a+b", "a+b"),
        ("caf%C3%A9", "café"),
        ("é%20x", "é x"),
        ("%00", "\x00"),
    ],
)
def test_decode_param_as_decode_uri_component(raw: str, decoded: str) -> None:
    assert decode_param(raw) == decoded


@pytest.mark.parametrize("raw", ["%", "%g0", "a%2", "%80", "%F0%9F%98", "%C3é"])
def test_decode_param_strict(raw: str) -> None:
    with pytest.raises(ParamDecodeError, match=re.escape(repr(raw))):
        decode_param(raw)


def test_match_scales_with_many_routes() -> None:
    patterns = [f"/api/r{i}/[id]" for i in range(10_000)] + ["/api/[...rest]"]
    table = _table(*patterns)
    match = table.match("/api/r9999/7")
    fallback = table.match("/api/r9999/7/x")
    assert match is not None
    assert (match.route.pattern, match.params) == ("/api/r9999/[id]", {"id": "7"})
    assert fallback is not None
    assert fallback.route.pattern == "/api/[...rest]"
