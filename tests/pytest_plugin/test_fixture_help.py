"""``pytest --fixtures`` shows the plugin's fixtures with plain-text help (no reST markup)."""

from __future__ import annotations

import re

import pytest


def test_fixtures_help_is_plain_text(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", "-v")
    out = result.stdout.str()
    section = out[out.index("fixtures defined from routekit_pytest.plugin") :]
    section = section[: section.index("\n\n\n")]
    for name in ("routekit_app", "client", "async_client", "create_mocks"):
        assert re.search(rf"^{name} -- ", section, re.M), section
    assert re.findall(r":\w+:`|``|`~", section) == [], section
    result.stdout.fnmatch_lines(
        [
            "routekit_app -- *",
            "    The routekit.App under test, in test mode, built once per project root and*",
        ]
    )
