"""``from lib.user import get_user`` in a route escapes ``monkeypatch.setattr("lib.user.get_user",
...)``: the test fails and says where the route's own reference lives and how to fix it.

The trap is the ``jest.mock`` habit: Jest replaces a module for every importer, Python's
``monkeypatch`` replaces one attribute, and a route that copied the function at import
time keeps calling the original.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

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

# Passes without the check: the route answers 200 with the seeded user, not the fake.
_UNIT = """
from routekit import load_handler

route = load_handler("pages/api/users/[id].py")

def test_user(create_mocks, monkeypatch):
    monkeypatch.setattr("lib.user.get_user", lambda uid: {"id": uid, "name": "Ann"})
    req, res = create_mocks(params={"id": "1"})
    route.handler(req, res)
    assert res.status_code == 200
"""

_CLIENT = """
def test_user(client, monkeypatch):
    client.get("/api/users/1")  # the route is imported, as by any earlier test
    monkeypatch.setattr("lib.user.get_user", lambda uid: {"id": uid, "name": "Ann"})
    assert client.get("/api/users/1").status_code == 200
"""


def _project(pytester: pytest.Pytester, route: str) -> pytest.Pytester:
    for rel, source in {
        "lib/__init__.py": "",
        "lib/user.py": _USER,
        "pages/api/users/[id].py": route,
    }.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    pytester.makeini("[pytest]\nroutekit_root = .\n")
    return pytester


_MESSAGE = [
    "*StaleImportWarning: pages/api/users/[[]id].py did `from lib.user import get_user`, so it "
    "still calls the original: lib.user.get_user was replaced during the test, but this "
    "route holds its own reference.*",
    '*Fix: patch the name where it is used, monkeypatch.setattr(load_handler("pages/api/users/'
    '[[]id].py"), "get_user", ...), or import the module in the route (`from lib import user`, '
    "then `user.get_user(...)`) so one patch reaches every caller.",
]


def test_patching_the_source_module_escapes_a_by_name_import(pytester: pytest.Pytester) -> None:
    _project(pytester, _BY_NAME).makepyfile(test_unit=_UNIT)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(_MESSAGE)


def test_the_trap_is_caught_through_the_client_too(pytester: pytest.Pytester) -> None:
    _project(pytester, _BY_NAME).makepyfile(test_client=_CLIENT)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(_MESSAGE[:1])


def test_a_failing_test_explains_the_trap(pytester: pytest.Pytester) -> None:
    strict_assert = "assert res.json_data()['name'] == 'Ann'"
    _project(pytester, _BY_NAME).makepyfile(
        test_unit=_UNIT.replace("assert res.status_code == 200", strict_assert)
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError*", "*- Captured routekit call -*", *_MESSAGE])


def test_fix_one_import_the_module(pytester: pytest.Pytester) -> None:
    _project(pytester, _BY_MODULE).makepyfile(
        test_unit=_UNIT.replace("== 200", "== 200 and res.json_data()['name'] == 'Ann'")
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_fix_two_patch_the_route_s_own_name(pytester: pytest.Pytester) -> None:
    _project(pytester, _BY_NAME).makepyfile(
        test_unit="""
        from routekit import load_handler

        route = load_handler("pages/api/users/[id].py")

        def test_user(create_mocks, monkeypatch):
            monkeypatch.setattr(route, "get_user", lambda uid: {"id": uid, "name": "Ann"})
            req, res = create_mocks(params={"id": "1"})
            route.handler(req, res)
            assert res.json_data() == {"id": "1", "name": "Ann"}
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
