"""``live_server`` and ``LiveServer``: a real socket on loopback, errors reported per test."""

from __future__ import annotations

import threading
import typing as t
import urllib.error
import urllib.request

import pytest

from routekit.app import App
from routekit_pytest import LiveServer, LiveServerError, ServerError

from .conftest import SITE, write_tree

if t.TYPE_CHECKING:
    from pathlib import Path

pytest_plugins = ["pytester"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _live_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("routekit-live-server")]


def test_live_server_serves_on_a_free_port_and_stops(site: Path) -> None:
    with LiveServer(App(site, mode="production")) as server:
        assert server.port != 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert _get(server.url + "/api/hello?name=ann") == (200, b'{"hello":"ann"}')
        assert repr(server) == f"<routekit_pytest.LiveServer {server.url} app={site}>"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url + "/api/hello", timeout=5)
    assert f"routekit-live-server:{server.port}" not in _live_threads()
    assert repr(server).startswith("<routekit_pytest.LiveServer stopped")
    server.stop()  # idempotent


def test_live_server_url_before_start_is_an_error(site: Path) -> None:
    with pytest.raises(RuntimeError, match="never started"):
        _ = LiveServer(App(site, mode="production")).url


def test_live_server_records_handler_errors_and_answers_the_production_500(site: Path) -> None:
    with LiveServer(App(site, mode="production")) as server:
        status, body = _get(server.url + "/api/boom?x=1")
        assert (status, body) == (500, b"Internal Server Error")
        assert _get(server.url + "/api/hello")[0] == 200
        (error,) = server.errors
        assert server.take_errors() == [error]
        assert server.errors == []
    assert (error.method, error.url) == ("GET", "/api/boom?x=1")
    assert isinstance(error.exception, ValueError)
    assert str(error) == "GET /api/boom?x=1: ValueError: boom"
    text = error.format()
    assert text.startswith("GET /api/boom?x=1 -- Error while handling GET /api/boom?x=1")
    assert "pages/api/boom.py" in text
    assert "routekit/app.py" not in text  # only the route's own frames
    assert text.endswith("ValueError: boom")


def test_live_server_records_a_broken_pipeline(site: Path) -> None:
    class Broken(App):
        def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
            raise KeyError("pipeline")

    with LiveServer(Broken(site, mode="production")) as server:
        assert _get(server.url + "/api/hello")[0] == 500
        (error,) = server.take_errors()
    assert error.detail == "raised by the routekit pipeline"
    assert isinstance(error.exception, KeyError)
    assert "in __call__" in error.format()  # no route frame: the runtime's are kept


def test_live_server_error_message() -> None:
    error = ServerError("POST", "/api/x", ValueError("bad"))
    exc = LiveServerError("http://127.0.0.1:1", [error])
    assert str(exc) == (
        "the live server at http://127.0.0.1:1 answered 1 request(s) with a 500 during this "
        "test:\n\nPOST /api/x\nValueError: bad\n\nCall live_server.take_errors() in the "
        "test when the errors are expected."
    )
    assert exc.errors == [error]


# -- the fixture, as users meet it -----------------------------------------------------------


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write_tree(pytester.path / "site", SITE)
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    return pytester


_CALLS = """
    import json
    import urllib.error
    import urllib.request

    def get(url):
        try:
            with urllib.request.urlopen(url, timeout=10) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
"""


def test_live_server_fixture_once_per_session_then_stopped(
    project: pytest.Pytester, tmp_path: Path
) -> None:
    urls = tmp_path / "urls.txt"
    project.makepyfile(
        _CALLS
        + f"""
    def test_a(live_server):
        assert get(live_server.url + "/api/hello") == (200, b'{{"hello":"world"}}')
        assert live_server.app.mode == "production"
        with open({str(urls)!r}, "a") as fp:
            fp.write(live_server.url + "\\n")

    def test_b(live_server, client):
        assert get(live_server.url + "/api/users/7")[0] == 200
        assert client.get("/api/hello").status_code == 200  # both at once
        with open({str(urls)!r}, "a") as fp:
            fp.write(live_server.url + "\\n")
    """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
    first, second = urls.read_text().split()
    assert first == second
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(first + "/api/hello", timeout=5)
    assert _live_threads() == []


def test_live_server_error_shown_in_the_failing_test(project: pytest.Pytester) -> None:
    project.makepyfile(
        _CALLS
        + """
    def test_boom(live_server):
        status, body = get(live_server.url + "/api/boom")
        assert status == 200
    """
    )
    result = project.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       assert 500 == 200",
            "*- routekit live server -*",
            "GET /api/boom -- Error while handling GET /api/boom (pages/api/boom.py)",
            "Traceback (most recent call last):",
            '  File "*site/pages/api/boom.py", line 2, in handler',
            "ValueError: boom",
        ]
    )
    assert "ERROR at teardown" not in result.stdout.str()  # reported once, with the failure


def test_live_server_error_fails_a_test_that_passed(project: pytest.Pytester) -> None:
    project.makepyfile(
        _CALLS
        + """
    def test_boom_unnoticed(live_server):
        get(live_server.url + "/api/boom")

    def test_next_one_is_clean(live_server):
        assert get(live_server.url + "/api/hello")[0] == 200
    """
    )
    result = project.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_boom_unnoticed*",
            "E   routekit.errors.LiveServerError: the live server at "
            "http://127.0.0.1:* answered 1 request(s) with a 500 during this test:",
            "    GET /api/boom -- Error while handling GET /api/boom (pages/api/boom.py)",
            "    Traceback (most recent call last):",
            '      File "*site/pages/api/boom.py", line 2, in handler',
            '        raise ValueError("boom")',
            "    ValueError: boom",
            "    Call live_server.take_errors() in the test when the errors are expected.",
            "ERROR test_live_server_error_fails_a_test_that_passed.py::test_boom_unnoticed*",
        ]
    )


def test_live_server_expected_errors_are_taken(project: pytest.Pytester) -> None:
    project.makepyfile(
        _CALLS
        + """
    def test_expected_500(live_server):
        assert get(live_server.url + "/api/boom") == (500, b"Internal Server Error")
        (error,) = live_server.take_errors()
        assert str(error) == "GET /api/boom: ValueError: boom"
    """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_live_server_app_is_overridable(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
        import pytest
        from routekit import App

        @pytest.fixture(scope="session")
        def live_server_app():
            return App("site", mode="production", middleware=False)
        """
    )
    project.makepyfile(
        _CALLS
        + """
    def test_custom(live_server):
        assert live_server.app.settings.middleware is False
        assert get(live_server.url + "/api/hello")[0] == 200
    """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_live_server_without_a_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(live_server):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*routekit: no project root configured.*"])


def test_live_server_production_settings_error(project: pytest.Pytester) -> None:
    (project.path / "site" / "routekit.toml").write_text('required_env = ["RK_LIVE_SECRET"]\n')
    project.makepyfile("def test_x(live_server):\n    pass\n")
    result = project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*routekit: the live server cannot serve */site:",
            "*production needs the environment variable(s) RK_LIVE_SECRET*",
        ]
    )


def test_live_server_one_per_xdist_worker(project: pytest.Pytester, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    seen.mkdir()
    project.makepyfile(
        _CALLS
        + f"""
    import os
    import pathlib

    import pytest

    @pytest.mark.parametrize("n", range(4))
    def test_each(live_server, n):
        assert get(live_server.url + "/api/hello")[0] == 200
        worker = os.environ["PYTEST_XDIST_WORKER"]
        pathlib.Path({str(seen)!r}, f"{{worker}}-{{n}}").write_text(live_server.url)
    """
    )
    project.runpytest("-n", "2", "-p", "no:randomly").assert_outcomes(passed=4)
    by_worker: dict[str, set[str]] = {}
    for path in seen.iterdir():
        by_worker.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert all(len(urls) == 1 for urls in by_worker.values())  # one server per worker
    if len(by_worker) == 2:  # both workers got tests: two servers, two ports
        assert len(set.union(*by_worker.values())) == 2
