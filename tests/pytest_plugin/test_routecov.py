"""Route coverage: the report, --routekit-cov-fail-under, and aggregation under xdist."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from routekit_pytest.routecov import RouteCoveragePlugin

pytest_plugins = ["pytester"]

_TREE = {
    "pages/api/hello.py": "def handler(req, res):\n    res.json({})\n",
    "pages/api/users/[id].py": "def handler(req, res):\n    res.json({})\n",
    "app/items/route.py": (
        "from routekit.web.response import Response\n\n"
        "def GET(request):\n    return Response.json([])\n\n"
        "def POST(request):\n    return Response.json({}, status=201)\n"
    ),
}

_TESTS = """
def test_hello(client):
    client.get("/api/hello")

def test_items(client):
    client.get("/items")
    client.head("/items")      # automatic HEAD: not a hit on POST
    client.get("/api/nope")    # 404: no route
    client.get("/api/hello/")  # 308: no route
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for rel, source in _TREE.items():
        path = pytester.path / "site" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    pytester.makepyfile(test_routes=_TESTS)
    return pytester


def test_routecov_report_lists_every_unit(project: pytest.Pytester) -> None:
    result = project.runpytest("--routekit-cov")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "*- routekit route coverage -*",
            "root: */site",
            "  pages/api/hello.py       [*]        hit",
            "  pages/api/users/[[]id].py  [*]        MISSED",
            "  app/items/route.py       GET      hit",
            "  app/items/route.py       POST     MISSED",
            "routekit route coverage: 2/4 route handlers dispatched (50.00%)",
        ]
    )


def test_routecov_off_by_default(project: pytest.Pytester) -> None:
    result = project.runpytest()
    result.assert_outcomes(passed=2)
    assert "route coverage" not in result.stdout.str()


def test_routecov_fail_under_fails_the_run(project: pytest.Pytester) -> None:
    result = project.runpytest("--routekit-cov-fail-under=75")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "routekit route coverage: 2/4 route handlers dispatched (50.00%)",
            "FAIL Required routekit route coverage of 75% not reached. "
            "Total route coverage: 50.00%",
        ]
    )


def test_routecov_fail_under_met(project: pytest.Pytester) -> None:
    result = project.runpytest("--routekit-cov-fail-under=50")
    assert result.ret == pytest.ExitCode.OK
    assert "FAIL Required" not in result.stdout.str()


def test_routecov_aggregates_xdist_workers(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "xdist", "-n", "2", "--routekit-cov-fail-under=50")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["routekit route coverage: 2/4 route handlers dispatched (50.00%)"])


def test_routecov_app_route_that_does_not_import_is_one_unit(
    project: pytest.Pytester,
) -> None:
    broken = project.path / "site" / "app" / "broken" / "route.py"
    broken.parent.mkdir(parents=True)
    broken.write_text("import no_such_module_for_routecov\n")
    result = project.runpytest("--routekit-cov")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "  app/broken/route.py      [*]        MISSED",
            "routekit route coverage: 2/5 route handlers dispatched (40.00%)",
        ]
    )


def test_routecov_without_client_requests_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest("--routekit-cov")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*- routekit route coverage -*",
            "no routes: no test sent a request through the client fixture",
            "routekit route coverage: 0/0 route handlers dispatched (100.00%)",
        ]
    )


def test_routecov_controller_merges_worker_output(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfigure("--routekit-cov")
    plugin = config.pluginmanager.get_plugin("routekit-routecov")
    assert isinstance(plugin, RouteCoveragePlugin)
    crashed = SimpleNamespace()  # a worker that died sends no workeroutput
    plugin.pytest_testnodedown(crashed, error="worker crashed")
    plugin.pytest_testnodedown(SimpleNamespace(workeroutput={"other": 1}), error=None)
    assert (plugin.data.roots, plugin.data.hits) == (set(), set())
    wire = {"roots": ["/r"], "hits": [["/r", "pages/api/a.py", "GET"]]}
    plugin.pytest_testnodedown(SimpleNamespace(workeroutput={"routekit_routecov": wire}), None)
    assert (plugin.data.roots, plugin.data.hits) == ({"/r"}, {("/r", "pages/api/a.py", "GET")})
    assert plugin.data.to_wire() == wire
    # Unit tests' hits travel as the real paths of the route files.
    wire = {"roots": ["/r"], "hits": [], "mock_files": ["/r/pages/api/b.py"]}
    plugin.pytest_testnodedown(SimpleNamespace(workeroutput={"routekit_routecov": wire}), None)
    assert plugin.data.mock_files == {"/r/pages/api/b.py"}
    assert plugin.data.to_wire()["mock_files"] == ["/r/pages/api/b.py"]


_UNIT_TEST = """
from routekit import load_handler

users = load_handler("site/pages/api/users/[id].py")

def test_user_unit(create_mocks):
    req, res = create_mocks(params={"id": "1"})
    users.handler(req, res)
    assert res.json_data() == {}
"""


def test_routecov_counts_create_mocks_unit_tests(project: pytest.Pytester) -> None:
    project.makepyfile(test_unit=_UNIT_TEST)
    result = project.runpytest("--routekit-cov")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "  pages/api/hello.py       [*]        hit",
            "  pages/api/users/[[]id].py  [*]        hit",
            "routekit route coverage: 3/4 route handlers dispatched (75.00%)",
        ]
    )


def test_routecov_json_report(project: pytest.Pytester) -> None:
    import json

    project.makepyfile(test_unit=_UNIT_TEST)
    result = project.runpytest("--routekit-cov-report=json:out/routes.json")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "routekit route coverage: 3/4 route handlers dispatched (75.00%)",
            "routekit route coverage JSON written to out/routes.json",
        ]
    )
    report = json.loads((project.path / "out" / "routes.json").read_text(encoding="utf-8"))
    root = str(project.path / "site")
    assert report == {
        "covered": 3,
        "total": 4,
        "percent": 75.0,
        "units": [
            {"root": root, "file": "pages/api/hello.py", "method": "*", "hit": True,
             "via": ["client"]},
            {"root": root, "file": "pages/api/users/[id].py", "method": "*", "hit": True,
             "via": ["mocks"]},
            {"root": root, "file": "app/items/route.py", "method": "GET", "hit": True,
             "via": ["client"]},
            {"root": root, "file": "app/items/route.py", "method": "POST", "hit": False,
             "via": []},
        ],
    }


def test_routecov_report_option_is_validated(project: pytest.Pytester) -> None:
    result = project.runpytest("--routekit-cov-report=xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--routekit-cov-report: 'xml' is not a report type; use term or json[[]:PATH]*"]
    )
