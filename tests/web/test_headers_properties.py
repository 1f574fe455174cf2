"""Property tests of the Web header and cookie objects: only the documented errors, and
nothing accepted can add a header line or a cookie attribute."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from routekit._syntax import BAD_HEADER_VALUE, TOKEN
from routekit.errors import InvalidHeaderError
from routekit.web.cookies import ResponseCookies, parse_cookie_header
from routekit.web.headers import Headers

_NAMEISH = st.text(alphabet="aZ-_!~ :\n\x01é;=", max_size=8)
_VALUEISH = st.text(alphabet="a ;=\t\r\n\x00\x01\x7f\xe9\u2192", max_size=12)


@given(st.one_of(_NAMEISH, st.text(max_size=8)), st.one_of(_VALUEISH, st.text(max_size=12)))
def test_headers_accept_only_tokens_and_clean_values(name: str, value: str) -> None:
    headers = Headers()
    try:
        headers.append(name, value)
    except InvalidHeaderError:
        return
    [(key, stored)] = headers.raw()
    assert TOKEN.match(key)
    assert not BAD_HEADER_VALUE.search(stored)


@given(st.text(max_size=40))
def test_web_parse_cookie_header_never_raises(header: str) -> None:
    assert isinstance(parse_cookie_header(header), dict)


@given(
    st.one_of(_NAMEISH, st.text(max_size=8)),
    st.text(max_size=12),
    st.one_of(st.none(), _VALUEISH, st.text(max_size=8)),
    st.one_of(st.none(), _VALUEISH, st.text(max_size=8)),
)
def test_response_cookies_set_raises_only_type_error_and_adds_no_attribute(
    name: str, value: str, path: str | None, domain: str | None
) -> None:
    headers = Headers()
    try:
        ResponseCookies(headers).set(name, value, path=path, domain=domain)
    except TypeError:
        return
    [line] = headers.get_set_cookie()
    attributes = [part.split("=")[0] for part in line.split("; ")[1:]]
    assert set(attributes) <= {"Path", "Domain"}
    assert line.startswith(f"{name}=")
