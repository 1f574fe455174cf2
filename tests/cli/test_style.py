from __future__ import annotations

import io

import pytest

from routekit._cli.style import Style, colour_enabled


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("env", "terminal", "expected"),
    [
        ({}, True, True),
        ({}, False, False),  # a pipe or a log file: no escape codes
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], terminal: bool, expected: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Terminal() if terminal else io.StringIO()
    assert colour_enabled(stream) is expected
    assert Style.for_stream(stream).enabled is expected


def test_colour_a_stream_without_isatty() -> None:
    assert colour_enabled(object()) is False  # type: ignore[arg-type]


def test_style_wraps_only_when_enabled() -> None:
    assert Style(True)("x", "bold", "red") == "\x1b[1;31mx\x1b[0m"
    assert Style(True)("x") == "x"
    assert Style(False)("x", "bold") == "x"


@pytest.mark.parametrize(
    ("code", "colour"), [(200, "32"), (308, "36"), (404, "33"), (500, "31"), (101, "31")]
)
def test_style_status_by_class(code: int, colour: str) -> None:
    assert Style(True).status(code) == f"\x1b[{colour}m{code}\x1b[0m"
    assert Style(False).status(code) == str(code)
