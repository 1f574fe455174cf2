from __future__ import annotations

import pytest

from routekit.errors import InvalidHeaderError, ReadonlyHeadersError
from routekit.web.headers import Headers


def test_headers_names_are_case_insensitive_and_lower_cased():
    headers = Headers({"Content-Type": "text/plain", "X-Thing": "1"})
    assert headers.get("content-type") == "text/plain"
    assert headers.get("CONTENT-TYPE") == "text/plain"
    assert headers.keys() == ["content-type", "x-thing"]


def test_headers_get_joins_repeated_values_with_comma_space():
    headers = Headers([("Accept", "a"), ("accept", "b")])
    assert headers.get("accept") == "a, b"
    assert headers.get("missing") is None


def test_headers_iteration_is_sorted_and_combined_but_set_cookie_stays_split():
    headers = Headers([("x-b", "1"), ("Set-Cookie", "a=1"), ("x-a", "2"), ("x-b", "3")])
    headers.append("set-cookie", "b=2")
    assert list(headers) == [
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2"),
        ("x-a", "2"),
        ("x-b", "1, 3"),
    ]
    assert headers.get_set_cookie() == ["a=1", "b=2"]
    assert headers.get("set-cookie") == "a=1, b=2"


def test_headers_set_replaces_append_adds_delete_removes():
    headers = Headers([("a", "1"), ("b", "2"), ("a", "3")])
    headers.set("A", "x")
    assert headers.raw() == [("a", "x"), ("b", "2")]
    headers.append("b", "4")
    assert headers.get("b") == "2, 4"
    headers.delete("B")
    assert not headers.has("b")
    assert "a" in headers
    assert "b" not in headers


def test_headers_values_are_trimmed():
    headers = Headers({"x": "  padded\t"})
    assert headers["x"] == "padded"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("bad name", "v", 'Headers.append: "bad name" is an invalid header name.'),
        ("", "v", 'Headers.append: "" is an invalid header name.'),
        ("x", "a\nb", 'Headers.append: "a\nb" is an invalid header value.'),
        ("x", "snow ☃", 'Headers.append: "snow ☃" is an invalid header value.'),
    ],
)
def test_headers_reject_invalid_names_and_values(name, value, message):
    with pytest.raises(InvalidHeaderError) as info:
        Headers().append(name, value)
    assert str(info.value) == message
    assert isinstance(info.value, TypeError)


def test_headers_sealed_copy_rejects_mutation_but_copy_is_mutable():
    sealed = Headers({"a": "1"})._seal("read only!")
    for mutate in (
        lambda: sealed.set("a", "2"),
        lambda: sealed.append("b", "1"),
        lambda: sealed.delete("a"),
    ):
        with pytest.raises(ReadonlyHeadersError, match="read only!"):
            mutate()
    copy = sealed.copy()
    copy.set("a", "2")
    assert copy.get("a") == "2"
    assert sealed.get("a") == "1"


def test_headers_getitem_raises_keyerror_and_equality_compares_entries():
    with pytest.raises(KeyError):
        Headers()["x"]
    assert Headers({"A": "1"}) == Headers([("a", "1")])
    assert len(Headers([("a", "1"), ("a", "2"), ("b", "3")])) == 2


@pytest.mark.parametrize("pair", ["ab", b"ab", ("a", "b", "c"), ("a",)])
def test_headers_init_rejects_items_that_are_not_pairs(pair):
    with pytest.raises(InvalidHeaderError) as info:
        Headers([pair])
    assert str(info.value) == f"Headers(): each header must be a (name, value) pair, got {pair!r}."


def test_headers_values_equality_and_repr():
    headers = Headers([("b", "2"), ("a", "1"), ("b", "3")])
    assert headers.values() == ["1", "2, 3"]
    assert headers == Headers({"A": "1", "B": "2, 3"})
    assert headers != Headers({"a": "1"})
    assert headers != {"a": "1", "b": "2, 3"}
    assert repr(headers) == "Headers([('a', '1'), ('b', '2, 3')])"
    assert len(headers) == 2


@pytest.mark.parametrize(
    "value", ["a\x01b", "a\x1fb", "a\x7fb", "a\x00b", "a\rb", "a\nb", "a\u2192"]
)
def test_values_with_control_characters_are_refused_like_res_set_header(value: str) -> None:
    with pytest.raises(InvalidHeaderError, match="is an invalid header value"):
        Headers().set("x-a", value)


def test_a_name_with_a_trailing_newline_is_not_a_token() -> None:
    with pytest.raises(InvalidHeaderError, match="is an invalid header name"):
        Headers().append("x-a\n", "1")
