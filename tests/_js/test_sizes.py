from __future__ import annotations

import pytest

from routekit._js.sizes import format_bytes, parse_size


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1mb", 1048576),
        ("1MB", 1048576),
        ("500kb", 512000),
        ("1.5mb", 1572864),
        ("1 gb", 1 << 30),
        ("2tb", 2 << 40),
        ("1pb", 1 << 50),
        ("100b", 100),
        ("100", 100),
        (" 42 ", 42),
        (500000, 500000),
        (0, 0),
        ("0.5kb", 512),
    ],
)
def test_parse_size_bytes_package_table(value: str | int, expected: int) -> None:
    assert parse_size(value) == expected


@pytest.mark.parametrize("value", ["", "mb", "1 megabyte", "1.mb", "-1mb", "abc", "1e3", True])
def test_parse_size_rejects_junk(value: str) -> None:
    with pytest.raises(ValueError, match=r"invalid size"):
        parse_size(value)


def test_parse_size_message_shows_the_accepted_forms() -> None:
    with pytest.raises(ValueError, match=r"'1 megabyte'.*like '500kb' or '1\.5mb'"):
        parse_size("1 megabyte")


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (4 * 1024 * 1024, "4MB"),
        (1024 * 1024, "1MB"),
        (1536, "1.5KB"),
        (500, "500B"),
        (1024 + 51, "1.05KB"),
        (1152, "1.13KB"),  # 1.125 rounds half up, as toFixed does
        (10 * 1024**3, "10GB"),
    ],
)
def testformat_bytes_matches_bytes_package(size: int, text: str) -> None:
    assert format_bytes(size) == text
