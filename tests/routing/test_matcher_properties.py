"""Property tests of the matcher: any raw path matches, misses, or raises ParamDecodeError,
and a param that was percent-encoded by a client comes back exactly."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from routekit.errors import ParamDecodeError
from routekit.routing.matcher import Matcher
from routekit.routing.route import Route

_PATTERNS = [
    "/api/users/me",
    "/api/users/[id]",
    "/api/users/[id]/posts",
    "/api/docs/[...slug]",
    "/api/opt/[[...rest]]",
    "/api",
]
MATCHER = Matcher([Route(p, Path(f"/p{p}.py"), f"pages{p}.py", "pages") for p in _PATTERNS])
_RAW = st.text(alphabet="/%abcAF09.-_~é?#[]\\ \x00", max_size=40)


@given(_RAW)
def test_match_returns_a_route_none_or_a_decode_error(raw_path: str) -> None:
    try:
        match = MATCHER.match(raw_path)
    except ParamDecodeError as exc:
        assert "%" in exc.value  # noqa: PT017 - a property: raise or answer
        return
    if match is not None:
        assert match.route.pattern in _PATTERNS
        for value in match.params.values():
            assert isinstance(value, (str, list))


@given(st.text(min_size=1, max_size=12))
def test_an_encoded_param_round_trips(value: str) -> None:
    try:
        encoded = quote(value, safe="")
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be sent
    match = MATCHER.match(f"/api/users/{encoded}/posts")
    assert match is not None
    assert match.route.pattern == "/api/users/[id]/posts"
    assert match.params == {"id": value}


@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=5))
def test_a_catch_all_keeps_encoded_slashes_inside_one_element(parts: list[str]) -> None:
    try:
        encoded = "/".join(quote(part, safe="") for part in parts)
    except UnicodeEncodeError:
        return
    match = MATCHER.match(f"/api/docs/{encoded}")
    assert match is not None
    assert match.params == {"slug": parts}
