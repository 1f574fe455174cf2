from __future__ import annotations

import pytest

from routekit.pages.etag import EtagHasher, generate_etag, is_fresh

# Vectors from the reference, checked against Next.js' own fnv1a52 lane code under Node.
ETAG_VECTORS = [
    ("", '"78p3gz236i0"'),
    ("a", '"ap6mcnqid61"'),
    ('{"hello":"world"}', '"kxl31zjxesh"'),
    ("héllo ✓ 😀", '"3lgxjn3riia"'),
    ("x" * 1000, '"12autwd187zrs"'),  # long enough for the unrolled loop
    ("\ud800", '"wjaqjphtjw1"'),  # a lone surrogate is one UTF-16 code unit
]


@pytest.mark.parametrize(("text", "etag"), ETAG_VECTORS)
def test_generate_etag_matches_nextjs(text: str, etag: str) -> None:
    assert generate_etag(text) == etag


@pytest.mark.parametrize("length", [63, 64, 65, 66, 67, 200])
def test_generate_etag_unrolled_tail_matches_plain_loop(length: int) -> None:
    text = "ab✓" * length
    hasher = EtagHasher()
    for char in text:  # one code unit at a time: always the plain loop
        hasher.update(char)
    assert generate_etag(text) == hasher.etag()


def test_etag_hasher_pieces_equal_whole() -> None:
    hasher = EtagHasher()
    hasher.update('{"hello"')
    hasher.update(':"world"}')
    assert hasher.etag() == '"kxl31zjxesh"'


def test_etag_hasher_empty_is_empty_string_etag() -> None:
    assert EtagHasher().etag() == '"78p3gz236i0"'


ETAG = '"abc"'

# (If-None-Match, If-Modified-Since, Cache-Control, fresh) as fresh@0.5.2 decides them.
FRESH_TABLE = [
    (None, None, None, False),
    ("", None, None, False),
    ('"abc"', None, None, True),
    ('W/"abc"', None, None, True),
    ('"x", "abc"', None, None, True),
    ('"x",W/"abc"', None, None, True),
    ('  "abc"  ', None, None, True),
    ('"x"', None, None, False),
    ('"ABC"', None, None, False),
    ("*", None, None, True),
    ('"abc"', None, "no-cache", False),
    ('"abc"', None, "max-age=0, no-cache", False),
    ('"abc"', None, "no-cache=set-cookie", True),
    ('"abc"', None, "max-age=0", True),
    ("*", None, "no-cache", False),
    # No Last-Modified on API responses: any If-Modified-Since is stale.
    ('"abc"', "Wed, 21 Oct 2015 07:28:00 GMT", None, False),
    (None, "Wed, 21 Oct 2015 07:28:00 GMT", None, False),
]


@pytest.mark.parametrize(("inm", "ims", "cc", "fresh"), FRESH_TABLE)
def test_is_fresh_follows_fresh_package(
    inm: str | None, ims: str | None, cc: str | None, fresh: bool
) -> None:
    assert is_fresh(ETAG, if_none_match=inm, if_modified_since=ims, cache_control=cc) is fresh


def test_is_fresh_weak_etag_matches_strong_token() -> None:
    assert is_fresh('W/"abc"', if_none_match='"abc"')


@pytest.mark.parametrize("n", [0, 1, 35, 36, 1295, 1296, 1297, 36**4, 36**4 + 1, 2**52 - 1])
def test_base36_round_trips_without_leading_zeros(n: int) -> None:
    from routekit.pages.etag import _base36

    text = _base36(n)
    assert int(text, 36) == n
    assert text == "0" or not text.startswith("0")
