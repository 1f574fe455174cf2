"""``from lib.user import get_user`` in a route escapes ``monkeypatch.setattr("lib.user.get_user",
...)``: the test fails and says where the route's own reference lives and how to fix it.

The trap is the ``jest.mock`` habit: Jest replaces a module for every importer, Python's
``monkeypatch`` replaces one attribute, and a route that copied the function at import
time keeps calling the original. One ``pytest`` run (a subprocess: this process may hold
another project's ``lib``) holds the trap, its two fixes, and the trap behind a failing test.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from .conftest import plain_pytest

_USER = (
    "USERS = {'1': {'id': '1', 'name': 'seeded'}}\n\n"
    "def get_user(uid):\n"
    "    return USERS.get(uid)\n"
)
_BY_NAME = (
    "from lib.user import get_user\n\n"
    "def handler(req, res):\n"
    "    found = get_user(req.query['id'])\n"
    "    if found is None:\n"
    "        return res.status(404).json({'error': 'Not found'})\n"
    "    res.json(found)\n"
)
_BY_MODULE = _BY_NAME.replace("from lib.user import get_user", "from lib import user").replace(
    "= get_user(", "= user.get_user("
)

_TESTS = """
from routekit import load_handler

by_name = load_handler("pages/api/users/[id].py")
by_module = load_handler("pages/api/people/[id].py")
ANN = {"id": "1", "name": "Ann"}


def run(route, create_mocks):
    req, res = create_mocks(params={"id": "1"})
    route.handler(req, res)
    return res


def test_trap(create_mocks, monkeypatch):
    monkeypatch.setattr("lib.user.get_user", lambda uid: ANN)
    # Passes without the check: 200, with the seeded user instead of the fake.
    assert run(by_name, create_mocks).status_code == 200


def test_trap_behind_a_failure(create_mocks, monkeypatch):
    monkeypatch.setattr("lib.user.get_user", lambda uid: ANN)
    assert run(by_name, create_mocks).json_data() == ANN


def test_trap_through_the_client(client, monkeypatch):
    client.get("/api/users/1")  # the route is imported, as by any earlier test
    monkeypatch.setattr("lib.user.get_user", lambda uid: ANN)
    assert client.get("/api/users/1").status_code == 200


def test_fix_import_the_module(create_mocks, monkeypatch):
    monkeypatch.setattr("lib.user.get_user", lambda uid: ANN)
    assert run(by_module, create_mocks).json_data() == ANN


def test_fix_patch_the_route_s_own_name(create_mocks, monkeypatch):
    monkeypatch.setattr(by_name, "get_user", lambda uid: ANN)
    assert run(by_name, create_mocks).json_data() == ANN
"""

_MESSAGE = [
    "StaleImportWarning: pages/api/users/[[]id].py did `from lib.user import get_user`, so it "
    "still calls the original: lib.user.get_user was replaced during the test, but this "
    "route holds its own reference.",
    'Fix: patch the name where it is used, monkeypatch.setattr(load_handler("pages/api/users/'
    '[[]id].py"), "get_user", ...), or import the module in the route (`from lib import user`, '
    "then `user.get_user(...)`) so one patch reaches every caller.",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> pytest.RunResult:
    root = tmp_path_factory.mktemp("stale")
    for rel, source in {
        "pytest.ini": "[pytest]\nroutekit_root = .\n",
        "lib/__init__.py": "",
        "lib/user.py": _USER,
        "pages/api/users/[id].py": _BY_NAME,
        "pages/api/people/[id].py": _BY_MODULE,
        "test_users.py": _TESTS,
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return plain_pytest(root, "-p", "no:randomly", "-rA")


def _section(run: pytest.RunResult, test: str) -> list[str]:
    """The report lines of *test*'s failure."""
    text = run.stdout.str()
    match = re.search(rf"_{{3,}} {test} _{{3,}}\n(.*?)(?=\n_{{3,}} |\n=+ )", text, re.S)
    assert match, text
    return match.group(1).splitlines()


def test_patching_the_home_module_escapes_a_by_name_import(run: pytest.RunResult) -> None:
    pytest.LineMatcher(_section(run, "test_trap")).fnmatch_lines(_MESSAGE)


def test_the_trap_is_caught_through_the_client_too(run: pytest.RunResult) -> None:
    pytest.LineMatcher(_section(run, "test_trap_through_the_client")).fnmatch_lines(_MESSAGE[:1])


def test_a_failing_test_explains_the_trap(run: pytest.RunResult) -> None:
    lines = _section(run, "test_trap_behind_a_failure")
    pytest.LineMatcher(lines).fnmatch_lines(
        ["E       AssertionError: *", "*- Captured routekit call -*", *_MESSAGE]
    )


def test_the_two_fixes_pass(run: pytest.RunResult) -> None:
    run.assert_outcomes(failed=3, passed=2)
    run.stdout.fnmatch_lines_random(
        [
            "PASSED test_users.py::test_fix_import_the_module",
            "PASSED test_users.py::test_fix_patch_the_route_s_own_name",
        ]
    )
