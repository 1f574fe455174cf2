"""Hypothesis strategies for route requests: the router must decode what they encode."""

from __future__ import annotations

import subprocess
import sys
import typing as t

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from routekit.app import App
from routekit.errors import RouteDefinitionError
from routekit_pytest import Client, RouteRequest, routekit_requests

from .conftest import write_tree

if t.TYPE_CHECKING:
    from pathlib import Path

pytest_plugins = ["pytester"]

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ECHO = "def handler(req, res):\n    res.json({'query': req.query})\n"
ROUTES = {
    "pages/api/users/[id].py": ECHO,
    "pages/api/files/[...path].py": ECHO,
    "pages/api/docs/[[...slug]].py": ECHO,
}


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Client:
    root = write_tree(tmp_path_factory.mktemp("strategies"), ROUTES)
    return Client(App(root, mode="test"))


def _one(strategy: st.SearchStrategy[RouteRequest]) -> RouteRequest:
    return find(strategy, lambda _: True, settings=settings(database=None))


def _check_round_trip(client: Client, case: RouteRequest, file: str) -> None:
    res = case.send(client)
    assert res.status_code == 200, (case, res.text)
    assert res.route is not None
    assert res.route.file == file
    assert res.route.params == case.params  # the router decoded exactly what was encoded
    if case.method != "HEAD":
        seen = res.json_data()["query"]
        for name, value in case.params.items():
            assert seen[name] == value  # params win over a query key of the same name
        for name, value in case.query.items():
            if name not in case.params:
                assert seen[name] == value


@BOUNDED
@given(case=routekit_requests("/api/users/[id]", query=True, json=True))
def test_strategies_property_dynamic_segment_round_trip(echo: Client, case: RouteRequest) -> None:
    _check_round_trip(echo, case, "pages/api/users/[id].py")


@BOUNDED
@given(case=routekit_requests("/api/files/[...path]"))
def test_strategies_property_catch_all_round_trip(echo: Client, case: RouteRequest) -> None:
    assert isinstance(case.params["path"], list)
    assert case.params["path"]
    _check_round_trip(echo, case, "pages/api/files/[...path].py")


@BOUNDED
@given(case=routekit_requests("/api/docs/[[...slug]]", methods=["GET"]))
def test_strategies_property_optional_catch_all_round_trip(
    echo: Client, case: RouteRequest
) -> None:
    _check_round_trip(echo, case, "pages/api/docs/[[...slug]].py")


@BOUNDED
@given(case=routekit_requests("/api/docs/[[...slug]]", methods=["PUT", "GET"], json=True))
def test_strategies_draw_every_shape(case: RouteRequest) -> None:
    # Bodies only where the method takes one; an empty optional catch-all has no key.
    assert case.has_json == (case.method == "PUT")
    if "slug" not in case.params:
        assert case.url == "/api/docs"


def test_strategies_custom_params_query_and_headers(echo: Client) -> None:
    strategy = routekit_requests(
        "/api/users/[id]",
        methods=["POST"],
        params={"id": st.just(". .")},
        query={"page": st.just("2")},
        json=st.just({"a": 1}),
        headers=st.just({"x-test": "1"}),
    )
    case = _one(strategy)
    assert case.url == "/api/users/.%20.?page=2"
    assert (case.params, case.query, case.json, case.headers) == (
        {"id": ". ."},
        {"page": "2"},
        {"a": 1},
        {"x-test": "1"},
    )
    assert repr(case) == (
        "RouteRequest(POST /api/users/.%20.?page=2, json={'a': 1}, headers={'x-test': '1'}; "
        "params={'id': '. .'})"
    )
    res = case.send(echo)
    assert res.request.headers["x-test"] == "1"
    assert res.json_data()["query"] == {"id": ". .", "page": "2"}


@pytest.mark.parametrize("dots", [".", ".."])
def test_strategies_dot_segments_cannot_be_params(dots: str) -> None:
    case = routekit_requests("/api/users/[id]", methods=["GET"], params={"id": st.just(dots)})
    with pytest.raises(ValueError, match="cannot be a path param: URLs resolve"):
        _one(case)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: routekit_requests("api/x"), ValueError, "route patterns start with '/'"),
        (
            lambda: routekit_requests("/api/[[id]]"),
            RouteDefinitionError,
            r'Optional route parameters are not yet supported \("\[\[id\]\]"\)',
        ),
        (
            lambda: routekit_requests("/api/[...a]/b"),
            RouteDefinitionError,
            "Catch-all must be the last part of the URL.",
        ),
        (
            lambda: routekit_requests("/api/users/[id]", params={"uid": st.just("1")}),
            ValueError,
            r"params names 'uid', but /api/users/\[id\] has no such segment; its params are: id.",
        ),
        (
            lambda: routekit_requests("/api/x", params={"id": st.just("1")}),
            ValueError,
            "its params are: none.",
        ),
        (lambda: routekit_requests("/api/x", methods=[]), ValueError, "at least one method"),
    ],
)
def test_strategies_bad_arguments(
    call: t.Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_strategies_without_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ModuleNotFoundError, match=r"needs hypothesis: pip install 'routekit"):
        routekit_requests("/api/x")


def test_strategies_module_imports_hypothesis_lazily(tmp_path: Path) -> None:
    code = (
        "import sys; import routekit_pytest.plugin, routekit_pytest.strategies; "
        "print('hypothesis' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "False"


def test_strategies_find_a_500_as_users_see_it(pytester: pytest.Pytester) -> None:
    write_tree(
        pytester.path,
        {"pages/api/users/[id].py": "def handler(req, res):\n    res.json(int(req.query['id']))\n"},
    )
    pytester.makepyfile(
        """
        from hypothesis import HealthCheck, find, given, settings
        from routekit_pytest import routekit_requests

        @settings(max_examples=50, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])
        @given(case=routekit_requests("/api/users/[id]", methods=["GET"]))
        def test_never_500(client, case):
            res = case.send(client, raise_errors=False)
            assert res.status_code < 500, res.exception
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: ValueError(*invalid literal for int() with base 10: *",
            "E       assert 500 < 500",
            "*Fa*ing *: test_never_500(",  # "Falsifying example" in older versions
            "E           case=RouteRequest(GET /api/users/*; params={'id': '*'}),",
        ]
    )
