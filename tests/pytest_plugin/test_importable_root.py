"""Plain ``pytest`` works on every layout the docs show: the plugin puts the routekit root on
``sys.path`` (as pytest-django does for a Django project), before any ``conftest.py`` loads.

Run with the ``pytest`` console script in a subprocess, exactly as a user types it:
``python -m pytest`` would put the current folder on ``sys.path`` and hide the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import plain_pytest

pytest_plugins = ["pytester"]

_HELLO = "def handler(req, res):\n    res.status(200).json({'name': 'John Doe'})\n"


def _plain_pytest(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return plain_pytest(pytester.path, *args)


def _outcomes(result: pytest.RunResult, **expected: int) -> None:
    got = result.parseoutcomes()
    assert {k: got.get(k, 0) for k in expected} == expected, result.stdout.str()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def test_getting_started_layout_imports_the_route(pytester: pytest.Pytester) -> None:
    _write(
        pytester.path,
        {
            "pages/api/hello.py": _HELLO,
            "tests/test_hello_unit.py": (
                "from pages.api.hello import handler\n\n"
                "def test_hello_handler(create_mocks):\n"
                "    req, res = create_mocks(method='GET')\n"
                "    handler(req, res)\n"
                "    assert res.json_data() == {'name': 'John Doe'}\n"
            ),
        },
    )
    result = _plain_pytest(pytester)
    _outcomes(result, passed=1)
    result.stdout.fnmatch_lines([f"routekit: root {pytester.path} (on sys.path)"])


def test_tutorial_conftest_imports_lib(pytester: pytest.Pytester) -> None:
    _write(
        pytester.path,
        {
            "pyproject.toml": "[tool.routekit]\n",
            "lib/__init__.py": "",
            "lib/db.py": "NAME = 'db'\n",
            "pages/api/hello.py": _HELLO,
            "tests/conftest.py": (
                "import pytest\n\nfrom lib import db\n\n\n"
                "@pytest.fixture\ndef name():\n    return db.NAME\n"
            ),
            "tests/test_users.py": (
                "def test_name(name, client):\n"
                "    assert name == 'db'\n"
                "    assert client.get('/api/hello').status_code == 200\n"
            ),
        },
    )
    _outcomes(_plain_pytest(pytester), passed=1)


def test_configured_root_beside_the_tests(pytester: pytest.Pytester) -> None:
    _write(
        pytester.path,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\nroutekit_root = "site"\n',
            "site/lib/data.py": "USERS = ['ann']\n",
            "site/pages/api/hello.py": _HELLO,
            "tests/test_site.py": (
                "from lib.data import USERS\nfrom pages.api.hello import handler\n\n"
                "def test_site(client):\n"
                "    assert USERS == ['ann'] and callable(handler)\n"
                "    assert client.get('/api/hello').status_code == 200\n"
            ),
        },
    )
    _outcomes(_plain_pytest(pytester), passed=1)


def test_the_path_can_be_left_alone(pytester: pytest.Pytester) -> None:
    _write(
        pytester.path,
        {
            "pytest.ini": "[pytest]\nroutekit_pythonpath = false\n",
            "pages/api/hello.py": _HELLO,
            "tests/test_hello.py": "def test_import():\n    import pages.api.hello\n",
        },
    )
    result = _plain_pytest(pytester)
    _outcomes(result, failed=1)
    result.stdout.fnmatch_lines(["*ModuleNotFoundError: No module named 'pages'*"])


def test_help_says_the_root_is_put_on_sys_path(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["  routekit_pythonpath (bool):", "*put the routekit root on sys.path before*"]
    )
