"""Assertions on responses whose failures show the whole exchange.

Each helper works on the test client's response and on the mock ``res`` alike (a mock
that never ended raises :class:`~routekit_pytest.ResponseNotEndedError`: there is nothing
sent to assert on). On failure the message is a transcript: the request line, the route
file that answered, the status, the headers and the body (JSON pretty-printed, long bodies
cut).
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import fields

from routekit.errors import JSONBodyError

from ._accessors import ResponseAccessors, is_json_type
from .cookies import SetCookie

if t.TYPE_CHECKING:
    from .mocks import MockResponse

    #: What the helpers take: a client response, a Web response view or a mock ``res``.
    AnyResponse: t.TypeAlias = "ResponseAccessors | MockResponse"

__all__ = [
    "assert_cookie",
    "assert_header",
    "assert_json",
    "assert_redirect",
    "assert_status",
    "format_transcript",
]

_MAX_BODY_CHARS = 2000
_MAX_BODY_LINES = 40
_COOKIE_ATTRS = tuple(f.name for f in fields(SetCookie) if f.name not in ("name", "value"))


def _view(res: AnyResponse, helper: str) -> ResponseAccessors:
    """The sent response behind *res* (a mock's view once it ended)."""
    if isinstance(res, ResponseAccessors):
        return res
    return res._test_view(helper)


def _body_text(res: ResponseAccessors) -> str:
    body = res.body
    if not body:
        return "(empty body)"
    ctype = res.headers.get("content-type")
    text: str
    if is_json_type(ctype):
        try:
            text = json.dumps(json.loads(body), indent=2, ensure_ascii=False, sort_keys=False)
        except ValueError:
            text = body.decode("utf-8", "replace")
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"({len(body)} bytes of binary data)"
    lines = text.splitlines()
    cut = len(lines) > _MAX_BODY_LINES or len(text) > _MAX_BODY_CHARS
    if cut:
        text = "\n".join(lines[:_MAX_BODY_LINES])[:_MAX_BODY_CHARS]
        text += f"\n... ({len(body)} bytes in all)"
    return text


def format_transcript(res: AnyResponse) -> str:
    """The request line, route file, status, headers and body of *res*, for messages."""
    res = _view(res, "format_transcript")
    exchange = res._view_exchange()
    lines: list[str] = []
    if exchange is not None:
        raw = exchange.raw
        lines.append(f"request:  {raw.method} {raw.url}")
        match = exchange.match
        lines.append(
            f"route:    {match.route.relfile} ({match.route.pattern})"
            if match is not None
            else "route:    (none: answered by the framework or a mock)"
        )
    reason = getattr(res, "status_message", "")
    lines.append(f"response: {res._view_status()} {reason}".rstrip())
    for name, value in res.headers.items():
        lines.append(f"  {name}: {value}")
    lines.append("body:")
    lines.extend("  " + line for line in _body_text(res).splitlines())
    exception = getattr(res, "exception", None)
    if exception is not None:
        lines.append(f"handler raised: {type(exception).__name__}: {exception}")
    return "\n".join(lines)


def assert_status(res: AnyResponse, code: int) -> None:
    """Assert the response status is *code*."""
    __tracebackhide__ = True
    res = _view(res, "assert_status")
    status = res._view_status()
    assert status == code, f"expected status {code}, got {status}\n{format_transcript(res)}"


def assert_json(res: AnyResponse, expected: object) -> None:
    """Assert the body is JSON equal to *expected*."""
    __tracebackhide__ = True
    res = _view(res, "assert_json")
    try:
        data = res.json_data()
    except JSONBodyError as exc:
        raise AssertionError(f"{exc}\n{format_transcript(res)}") from None
    assert data == expected, f"JSON body differs\n{format_transcript(res)}"


def assert_header(res: AnyResponse, name: str, value: str | None = None) -> None:
    """Assert header *name* is present, and equal to *value* when given."""
    __tracebackhide__ = True
    res = _view(res, "assert_header")
    values = res.headers.getlist(name)
    assert values, f"no {name!r} header in the response\n{format_transcript(res)}"
    if value is not None:
        assert value in values, (
            f"header {name!r} is {', '.join(map(repr, values))}, expected {value!r}\n"
            f"{format_transcript(res)}"
        )


def assert_redirect(res: AnyResponse, location: str, status: int | None = None) -> None:
    """Assert a redirect (3xx, or *status*) to exactly *location*."""
    __tracebackhide__ = True
    res = _view(res, "assert_redirect")
    code = res._view_status()
    if status is None:
        assert 300 <= code < 400, (
            f"expected a redirect, got status {code}\n{format_transcript(res)}"
        )
    else:
        assert code == status, f"expected a {status} redirect, got {code}\n{format_transcript(res)}"
    actual = res.redirect_url
    assert actual == location, (
        f"redirects to {actual!r}, expected {location!r}\n{format_transcript(res)}"
    )


def assert_cookie(
    res: AnyResponse, name: str, value: str | None = None, **attrs: t.Any
) -> SetCookie:
    """Assert the response sets cookie *name* (with *value* and attributes when given).

    Attributes are the :class:`~routekit_pytest.SetCookie` fields: ``path``,
    ``domain``, ``expires``, ``max_age``, ``secure``, ``http_only``, ``same_site``... Returns
    the cookie for further checks.
    """
    __tracebackhide__ = True
    res = _view(res, "assert_cookie")
    unknown = sorted(set(attrs) - set(_COOKIE_ATTRS))
    if unknown:
        raise TypeError(
            f"assert_cookie() got unknown attribute(s) {', '.join(unknown)}; "
            f"use {', '.join(_COOKIE_ATTRS)}."
        )
    cookies = res.cookies
    assert name in cookies, (
        f"no Set-Cookie for {name!r} (cookies set: {', '.join(cookies) or 'none'})\n"
        f"{format_transcript(res)}"
    )
    cookie = cookies[name]
    if value is not None:
        assert cookie.value == value, (
            f"cookie {name!r} is {cookie.value!r}, expected {value!r}\n{format_transcript(res)}"
        )
    for attr, wanted in attrs.items():
        got = getattr(cookie, attr)
        assert got == wanted, (
            f"cookie {name!r} has {attr}={got!r}, expected {wanted!r}\n{format_transcript(res)}"
        )
    return cookie
