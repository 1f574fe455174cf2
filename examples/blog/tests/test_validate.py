"""Tests of the input checks in ``lib/validate.py``."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from types import ModuleType


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        ("007", 7),
        ("9223372036854775807", 2**63 - 1),
        (7, 7),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("1.0", None),
        ("٣", None),  # an Arabic-Indic digit: int() would take it
        ("²", None),  # str.isdigit() would take it, int() would not
        ("9223372036854775808", None),  # too big for SQLite and for a PostgreSQL BIGINT
        ("1" * 5000, None),  # int() would raise: over Python's digit limit
        ("", None),
        (["1", "2"], None),  # a repeated query key
        (True, None),
        (0, None),
        (1.0, None),
        (None, None),
    ],
)
def test_validate_parse_id(validate: ModuleType, value: object, expected: int | None) -> None:
    assert validate.parse_id(value) == expected


def test_validate_parse_int_bounds(validate: ModuleType) -> None:
    assert validate.parse_int("0") == 0
    assert validate.parse_int("100", minimum=1, maximum=100) == 100
    assert validate.parse_int("101", minimum=1, maximum=100) is None
    assert validate.parse_int(5) is None  # query values are strings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hello", None),
        ("x" * 10, None),
        ("x" * 11, "title must be at most 10 characters"),
        ("", "title must be a non-empty string"),
        ("   ", "title must be a non-empty string"),
        (None, "title must be a non-empty string"),
        (42, "title must be a non-empty string"),
        (["Hello"], "title must be a non-empty string"),
        ("bad \ud800", "title must be valid Unicode text without NUL characters"),
        ("bad \x00", "title must be valid Unicode text without NUL characters"),
    ],
)
def test_validate_validate_text(validate: ModuleType, value: object, expected: str | None) -> None:
    assert validate.validate_text(value, "title", 10) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bob", True),
        (" ", True),
        ("", False),
        (None, False),
        (1, False),
        ("\udfff", False),
        ("b\x00b", False),
    ],
)
def test_validate_is_text(validate: ModuleType, value: object, expected: bool) -> None:
    assert validate.is_text(value) is expected
