"""A test whose handler never ran or never answered fails, whatever it asserts.

An ``async def`` handler called without ``await``, a handler that returns without sending
and a route that sends nothing through the ``client`` fail the test by default (as
``routekit_pytest.RoutekitTestWarning`` turned into errors); ``routekit_strict = false``
turns them back into warnings. Checked through ``pytester`` as users run it, including under
``-W error`` and ``filterwarnings = error``.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

_ROUTES = {
    "pages/api/ping.py": "async def handler(req, res):\n    res.json({'pong': True})\n",
    "pages/api/silent.py": "def handler(req, res):\n    res.status_code = 200\n",
    "pages/api/hello.py": "def handler(req, res):\n    res.json({'hello': 'world'})\n",
}

# load_handler rather than `from pages.api.ping import handler`: in-process runs share
# sys.modules, where another test's `pages` may already live.
_UNAWAITED = """
from routekit import load_handler
handler = load_handler("pages/api/ping.py").handler

def test_ping(create_mocks):
    req, res = create_mocks()
    handler(req, res)                  # forgot await: the handler never runs
    assert res.status_code == 200      # Node's default: this alone would pass
"""

_UNSENT = """
from routekit import load_handler
handler = load_handler("pages/api/silent.py").handler

def test_silent(create_mocks):
    req, res = create_mocks()
    handler(req, res)                  # returns without sending anything
    assert res.status_code == 200
"""

_CLIENT_UNSENT = """
def test_silent_route(client):
    assert client.get("/api/silent").status_code == 200
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for rel, source in _ROUTES.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return pytester


@pytest.mark.parametrize("args", [(), ("-W", "error")], ids=["default", "W-error"])
def test_unawaited_async_handler_fails_the_test(
    project: pytest.Pytester, args: tuple[str, ...]
) -> None:
    project.makepyfile(test_ping=_UNAWAITED)
    result = project.runpytest(*args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnawaitedCoroutineWarning: handler(req, res) returned a coroutine that was never "
            "awaited (test_ping.py:6):*",
            "*'handler' in pages/api/ping.py:1 is `async def`, so it did not run*",
            "*write `await handler(req, res)` in an async test, or "
            "`call_handler(handler, req, res)` in a sync one*",
        ]
    )


def test_unawaited_async_handler_under_filterwarnings_error(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nfilterwarnings = error\n")
    project.makepyfile(test_ping=_UNAWAITED)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*UnawaitedCoroutineWarning: handler(req, res) returned*"])


def test_handler_that_sends_nothing_fails_the_test(project: pytest.Pytester) -> None:
    project.makepyfile(test_silent=_UNSENT)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnsentResponseWarning: the response made by create_mocks() at test_silent.py:5 "
            "was never ended: did you forget `await`, or to call `res.end()`?*",
        ]
    )


def test_call_handler_that_sends_nothing_fails_at_the_call(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_silent="""
        from routekit import load_handler
        from routekit_pytest import call_handler, create_mocks

        handler = load_handler("pages/api/silent.py").handler

        def test_silent():
            req, res = create_mocks(url="/api/silent")
            call_handler(handler, req, res)
            raise AssertionError("not reached")
        """
    )
    result = project.runpytest("-W", "error")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnsentResponseWarning: the handler returned without sending a response to "
            "GET /api/silent*",
        ]
    )
    assert "not reached" not in result.stdout.str()


def test_client_route_that_sends_nothing_fails_the_test(project: pytest.Pytester) -> None:
    project.makepyfile(test_client=_CLIENT_UNSENT)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnsentResponseWarning: GET /api/silent (pages/api/silent.py): API resolved "
            "without sending a response*",
        ]
    )


def test_strict_off_turns_the_checks_into_warnings(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nroutekit_strict = false\n")
    project.makepyfile(test_ping=_UNAWAITED, test_silent=_UNSENT, test_client=_CLIENT_UNSENT)
    # A subprocess: in-process, this suite's own `filterwarnings = error` would still apply.
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=3, warnings=3)
    result.stdout.fnmatch_lines(["*UnawaitedCoroutineWarning*", "*UnsentResponseWarning*"])


def test_a_mark_silences_one_test(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_silent="""
        import pytest
        from routekit import load_handler

        handler = load_handler("pages/api/silent.py").handler

        @pytest.mark.filterwarnings("ignore::routekit_pytest.UnsentResponseWarning")
        def test_silent(create_mocks):
            req, res = create_mocks()
            handler(req, res)
            assert res.status_code == 200
        """
    )
    project.runpytest().assert_outcomes(passed=1)


def test_awaited_handlers_and_sent_responses_pass(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_ok="""
        import asyncio
        from routekit import load_handler
        from routekit_pytest import call_handler

        ping = load_handler("pages/api/ping.py").handler
        hello = load_handler("pages/api/hello.py").handler

        def test_sync(create_mocks):
            req, res = create_mocks()
            hello(req, res)
            assert res.json_data() == {"hello": "world"}

        def test_async(create_mocks):
            req, res = create_mocks()
            asyncio.run(ping(req, res))
            assert res.json_data() == {"pong": True}

        def test_call_handler(create_mocks):
            req, res = create_mocks()
            call_handler(ping, req, res)
            assert res.status_code == 200

        def test_request_only(create_mocks):
            req, _ = create_mocks(json={"a": 1}, method="POST")
            assert req.body == {"a": 1}

        def test_client(client):
            assert client.get("/api/hello").json_data() == {"hello": "world"}
        """
    )
    project.runpytest("-W", "error").assert_outcomes(passed=5)


def test_other_unawaited_coroutines_fail_too(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_other="""
        async def save(item):
            return item

        def test_save(create_mocks):
            save({"a": 1})          # forgot await
        """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*UnawaitedCoroutineWarning: coroutine 'save' (test_other.py:1) was never awaited*"]
    )


def test_checks_stay_off_in_projects_that_do_not_use_routekit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        async def save(item):
            return item

        def test_unrelated():
            save(1)
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, warnings=1)  # Python's own RuntimeWarning, untouched
