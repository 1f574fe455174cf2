from __future__ import annotations

import io
from pathlib import Path

import pytest

from routekit._wire import Exchange, RawRequest
from routekit.config import PagesConfig
from routekit.errors import BodyConsumedError, RequestError
from routekit.pages.request import ApiRequest, build_request
from routekit.routing.route import Match, Route


def _exchange(
    target: str = "/api/x",
    *,
    method: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> Exchange:
    path, _, query = target.partition("?")
    raw = RawRequest(
        method,
        path,
        query_string=query,
        headers=headers or [],
        body=None if body is None else io.BytesIO(body),
        content_length=None if body is None else len(body),
    )
    exchange = Exchange(raw)
    route = Route("/api/x", Path("/p/pages/api/x.py"), "pages/api/x.py", "pages")
    exchange.match = Match(route, {})
    return exchange


def _build(
    exchange: Exchange, params: dict[str, str | list[str]] | None = None, **config: object
) -> ApiRequest:
    return build_request(exchange, params or {}, PagesConfig(**config))  # type: ignore[arg-type]


def test_build_request_keeps_method_and_url_as_sent() -> None:
    req = _build(_exchange("/api/x?b=2&a=1", method="patch"))
    assert req.method == "patch"
    assert req.url == "/api/x?b=2&a=1"
    assert repr(req) == "<ApiRequest patch '/api/x?b=2&a=1'>"


def test_build_request_url_without_query_has_no_question_mark() -> None:
    assert _build(_exchange("/api/a%2Fb")).url == "/api/a%2Fb"


def test_build_request_get_without_body_gives_empty_string() -> None:
    assert _build(_exchange()).body == ""


def test_build_request_parses_a_json_body() -> None:
    exchange = _exchange(
        method="POST", headers=[("Content-Type", "application/json")], body=b'{"n": 1}'
    )
    assert _build(exchange).body == {"n": 1}


def test_build_request_invalid_json_raises_400() -> None:
    exchange = _exchange(method="POST", headers=[("Content-Type", "application/json")], body=b"{")
    with pytest.raises(RequestError, match=r"^400 Invalid JSON$"):
        _build(exchange)


def test_build_request_body_argument_skips_the_parser() -> None:
    exchange = _exchange(method="POST", headers=[("Content-Type", "application/json")], body=b"{")
    req = build_request(exchange, {}, PagesConfig(), body={"mock": True})
    assert req.body == {"mock": True}


def test_build_request_stream_refuses_reads_while_the_parser_is_on() -> None:
    req = _build(_exchange(method="POST", body=b"raw"))
    with pytest.raises(BodyConsumedError, match=r"^pages/api/x\.py: req\.stream cannot be read"):
        req.stream.read()


def test_build_request_without_body_parser_leaves_the_stream_raw() -> None:
    exchange = _exchange(
        method="POST", headers=[("Content-Type", "application/json")], body=b"{not json"
    )
    req = _build(exchange, body_parser=False)
    assert req.body is None
    assert req.stream.read() == b"{not json"


def test_build_request_without_body_parser_keeps_a_given_body() -> None:
    req = build_request(_exchange(), {}, PagesConfig(body_parser=False), body="given")
    assert req.body == "given"


@pytest.mark.parametrize(
    ("target", "params", "expected"),
    [
        ("/api/x", {}, {}),
        ("/api/x?a=1&a=2&c", {}, {"a": ["1", "2"], "c": ""}),
        ("/api/post/abc?pid=xyz&x=1", {"pid": "abc"}, {"pid": "abc", "x": "1"}),
        ("/api/a/b?slug=q", {"slug": ["a", "b"]}, {"slug": ["a", "b"]}),
        ("/api/opt?slug=foo", {}, {"slug": "foo"}),
        ("/api/x?nxtPid=1&nxtIm=2&nxtP=3&nextInternalLocale=en&n=4", {}, {"nxtP": "3", "n": "4"}),
        ("/api/x?q=%zz+%FF", {}, {"q": "%zz \ufffd"}),
    ],
)
def test_request_query_merges_route_params_over_the_query_string(
    target: str, params: dict[str, str | list[str]], expected: dict[str, object]
) -> None:
    assert _build(_exchange(target), params).query == expected


def test_request_query_copies_list_params() -> None:
    params: dict[str, str | list[str]] = {"slug": ["a"]}
    req = _build(_exchange(), params)
    query_slug = req.query["slug"]
    assert isinstance(query_slug, list)
    query_slug.append("b")
    assert params == {"slug": ["a"]}


def test_request_query_is_cached_and_assignable() -> None:
    req = _build(_exchange("/api/x?a=1"))
    assert req.query is req.query
    req.query = {"z": "9"}
    assert req.query == {"z": "9"}


def test_request_headers_follow_node_rules() -> None:
    req = _build(
        _exchange(
            headers=[
                ("Host", "h1"),
                ("Host", "h2"),
                ("X-Tag", "a"),
                ("x-tag", "b"),
                ("Set-Cookie", "s=1"),
            ]
        )
    )
    assert req.headers["host"] == "h1"
    assert req.headers["X-TAG"] == "a, b"
    assert req.headers["set-cookie"] == ["s=1"]
    assert req.headers.get_all("host") == ["h1", "h2"]


def test_request_cookies_join_repeated_headers_and_first_wins() -> None:
    req = _build(_exchange(headers=[("Cookie", "a=1; b=x%20y"), ("Cookie", "a=2; c=3")]))
    assert req.cookies == {"a": "1", "b": "x y", "c": "3"}


def test_request_cookies_without_header_are_empty() -> None:
    assert _build(_exchange()).cookies == {}


def test_request_cookies_are_cached_and_assignable() -> None:
    req = _build(_exchange(headers=[("Cookie", "a=1")]))
    first = req.cookies
    req.headers["cookie"] = "a=2"
    assert req.cookies is first
    req.cookies = {"b": "2"}
    assert req.cookies == {"b": "2"}


def test_request_cookies_read_a_list_set_by_middleware() -> None:
    req = _build(_exchange())
    req.headers["cookie"] = ["a=1", "b=2"]
    assert req.cookies == {"a": "1", "b": "2"}


def test_request_is_lazy_for_a_simple_get() -> None:
    req = _build(_exchange("/api/x?a=1", headers=[("Cookie", "a=1")]))
    assert (req._headers, req._query, req._cookies) == (None, None, None)


def test_api_request_direct_construction_gives_the_raw_stream() -> None:
    raw = RawRequest("POST", "/api/x", body=io.BytesIO(b"abc"), content_length=3)
    req = ApiRequest(raw, {"id": "7"})
    assert req.body is None
    assert req.stream.read() == b"abc"
    assert req.query == {"id": "7"}
    assert req.raw is raw
