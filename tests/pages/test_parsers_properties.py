"""Property tests of the pages parsers: the query string, ``Cookie`` and ``Set-Cookie``.

No input makes a parser raise; ``serialize_cookie`` raises only its documented TypeError,
and what it accepts parses back to the same value.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from routekit._js.cookies import parse_cookie_header, serialize_cookie
from routekit._js.query import parse_querystring

_QUERYISH = st.text(alphabet="a=&%+;2Fé09zZ \x00", max_size=40)


@given(st.one_of(_QUERYISH, st.text(max_size=40)))
def test_parse_querystring_never_raises(text: str) -> None:
    parsed = parse_querystring(text)
    for key, value in parsed.items():
        assert isinstance(key, str)
        assert isinstance(value, (str, list))


@given(st.one_of(st.text(alphabet='a=;" %2Fé\t', max_size=40), st.text(max_size=40)))
def test_parse_cookie_header_never_raises_and_first_wins(header: str) -> None:
    cookies = parse_cookie_header(header)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())


@given(st.text(max_size=12), st.text(max_size=20))
@example("a", "\ud800")  # a lone surrogate was a UnicodeEncodeError before
def test_serialize_cookie_raises_only_type_error_and_round_trips(name: str, value: str) -> None:
    try:
        line = serialize_cookie(name, value, path="/")
    except TypeError as exc:
        assert "is invalid" in str(exc)  # noqa: PT017 - a property: raise or answer
        return
    assert "\r" not in line
    assert "\n" not in line
    assert parse_cookie_header(line.split("; Path=")[0]) == {name: value}
