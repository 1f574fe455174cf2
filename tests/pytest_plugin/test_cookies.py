"""Set-Cookie parsing: what a test reads from ``res.cookies``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

from routekit_pytest.cookies import SetCookie, parse_set_cookie


def test_parse_set_cookie_reads_every_attribute() -> None:
    cookie = parse_set_cookie(
        'sid="a%20b"; Path=/api; Domain=.Example.com; Expires=Wed, 21 Oct 2037 07:28:00 GMT; '
        "Max-Age=60; Secure; HttpOnly; SameSite=Strict; Partitioned"
    )
    assert cookie == SetCookie(
        name="sid",
        value="a b",
        raw_value='"a%20b"',
        path="/api",
        domain="example.com",
        expires=datetime(2037, 10, 21, 7, 28, tzinfo=timezone.utc),
        max_age=60,
        secure=True,
        http_only=True,
        same_site="Strict",
        partitioned=True,
    )


@pytest.mark.parametrize("header", ["novalue", "=x", ""])
def test_parse_set_cookie_without_a_pair(header: str) -> None:
    assert parse_set_cookie(header) is None


def test_parse_set_cookie_keeps_a_bad_escape_raw() -> None:
    cookie = parse_set_cookie("a=%E0%A4%A")
    assert cookie is not None
    assert cookie.value == "%E0%A4%A"


def test_parse_set_cookie_ignores_unknown_and_bad_attributes() -> None:
    cookie = parse_set_cookie("a=1; Priority=High; Max-Age=soon; Expires=never; Path=; Domain=.")
    assert cookie == SetCookie(name="a", value="1", raw_value="1")


@pytest.mark.parametrize(
    ("header", "deleted"),
    [
        ("a=1", False),
        ("a=; Max-Age=0", True),
        ("a=1; Max-Age=-1", True),
        ("a=1; Max-Age=1", False),
        ("a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", False),  # Max-Age wins
        ("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", True),
        ("a=1; Expires=Tue, 01 Jan 2030 00:00:01 GMT", False),
        ("a=1; Expires=Tue, 01 Jan 2030 00:00:00 GMT", True),  # expires now
    ],
)
def test_response_cookie_deleted(header: str, deleted: bool) -> None:
    cookie = parse_set_cookie(header)
    assert cookie is not None
    with freeze_time("2030-01-01 00:00:00"):
        assert cookie.deleted is deleted


def test_response_cookie_deleted_follows_the_frozen_clock() -> None:
    cookie = parse_set_cookie("a=1; Expires=Tue, 01 Jan 2030 00:01:00 GMT")
    assert cookie is not None
    with freeze_time("2030-01-01 00:00:59"):
        assert not cookie.deleted
    with freeze_time("2030-01-01 00:01:00"):
        assert cookie.deleted


def test_set_cookie_is_its_own_concept_not_the_web_response_cookie() -> None:
    import routekit_pytest
    from routekit.web import ResponseCookie

    assert routekit_pytest.SetCookie is not ResponseCookie
    assert "ResponseCookie" not in routekit_pytest.__all__  # one name, one class
    cookie = parse_set_cookie("sid=a%20b; Max-Age=0")
    assert cookie is not None
    assert (cookie.value, cookie.raw_value, cookie.deleted) == ("a b", "a%20b", True)
