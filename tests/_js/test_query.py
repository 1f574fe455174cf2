from __future__ import annotations

import pytest

from routekit._js.query import parse_querystring, parse_search_params
from routekit._js.strings import decode_uri_component


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        ("", {}),
        ("a=1", {"a": "1"}),
        ("a=1&a=2&a=3", {"a": ["1", "2", "3"]}),
        ("c", {"c": ""}),
        ("c=", {"c": ""}),
        ("=x", {"": "x"}),
        ("=", {"": ""}),
        ("a=1&&b=2&", {"a": "1", "b": "2"}),
        ("&&", {}),
        ("e=a+b", {"e": "a b"}),
        ("e=a%2Bb", {"e": "a+b"}),
        ("b=%zz", {"b": "%zz"}),
        ("b=%4", {"b": "%4"}),
        ("d=%FF", {"d": "\ufffd"}),
        ("f=%E2%82", {"f": "\ufffd"}),
        ("g=%C3%A9", {"g": "é"}),
        ("g==h", {"g": "=h"}),
        ("a[b]=1", {"a[b]": "1"}),
        ("a;b=1", {"a;b": "1"}),
        ("k%20ey=v", {"k ey": "v"}),
    ],
)
def test_parse_search_params_whatwg_table(query_string: str, expected: dict[str, object]) -> None:
    assert parse_search_params(query_string) == expected


def test_parse_search_params_has_no_key_cap() -> None:
    result = parse_search_params("&".join(f"k{i}=v" for i in range(1500)))
    assert len(result) == 1500


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("a=1&b=2", {"a": "1", "b": "2"}),
        ("a=1&a=2", {"a": ["1", "2"]}),
        ("name=a+b", {"name": "a b"}),
        ("flag", {"flag": ""}),
        ("=x", {"": "x"}),
        ("a=1&&b=2&", {"a": "1", "b": "2"}),
        ("a==b", {"a": "=b"}),
        ("v=%zz%C3%A9", {"v": "%zzé"}),
        ("v=%FF", {"v": "\ufffd"}),
        ("k%5Bx%5D=1", {"k[x]": "1"}),
    ],
)
def test_parse_querystring_node_table(text: str, expected: dict[str, object]) -> None:
    assert parse_querystring(text) == expected


def test_parse_querystring_caps_at_1000_pieces_counting_empty_ones() -> None:
    text = "&" + "&".join(f"k{i}=v" for i in range(1200))
    result = parse_querystring(text)
    # The leading empty piece counts toward Node's maxKeys, as in querystring.decode.
    assert len(result) == 999
    assert "k998" in result
    assert "k999" not in result


def test_parse_querystring_fallback_truncates_non_ascii_like_node() -> None:
    # decodeURIComponent throws (bad escape), so Node's unescapeBuffer keeps only the low
    # byte of "é" (0xE9), which is invalid UTF-8 on its own.
    assert parse_querystring("v=é%zz") == {"v": "\ufffd%zz"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plain", "plain"), ("a%20b", "a b"), ("%C3%A9", "é"), ("a+b", "a+b"), ("é", "é")],
)
def test_decode_uri_component_decodes(text: str, expected: str) -> None:
    assert decode_uri_component(text) == expected


@pytest.mark.parametrize("text", ["%", "%zz", "%4", "%FF", "%C3", "%E2%82%AC%"])
def test_decode_uri_component_rejects_what_javascript_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="URI malformed"):
        decode_uri_component(text)
