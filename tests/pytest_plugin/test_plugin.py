"""The plugin as users meet it, through ``pytester``: configuration, fixtures, errors."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture
def project(pytester: pytest.Pytester, site_files: dict[str, str]) -> pytest.Pytester:
    """A pytester project whose route tree lives in ``site/``."""
    for rel, source in site_files.items():
        path = pytester.path / "site" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return pytester


def test_plugin_ini_root_gives_client(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nroutekit_root = site\n")
    project.makepyfile(
        """
        def test_hello(client, routekit_app):
            res = client.get("/api/hello")
            assert res.json_data() == {"hello": "world"}
            assert routekit_app.mode == "test"
        """
    )
    project.runpytest("--strict-markers", "--strict-config").assert_outcomes(passed=1)


def test_plugin_command_line_root(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        def test_hello(client):
            assert client.get("/api/hello").status_code == 200
        """
    )
    project.runpytest("--routekit-root=site").assert_outcomes(passed=1)


def test_plugin_app_built_once_per_session(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nroutekit_root = site\n")
    project.makepyfile(
        """
        seen = []

        def test_a(routekit_app):
            seen.append(routekit_app)

        def test_b(routekit_app):
            assert routekit_app is seen[0]
        """
    )
    project.runpytest().assert_outcomes(passed=2)


def test_plugin_marker_root_env_and_strict_markers(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.routekit(root="site", env={"API_KEY": "k"})
        def test_marked(client):
            assert os.environ["API_KEY"] == "k"
            assert client.get("/api/hello").status_code == 200

        def test_env_undone():
            assert "API_KEY" not in os.environ
        """
    )
    project.runpytest("--strict-markers", "-p", "no:randomly").assert_outcomes(passed=2)


def test_plugin_marker_is_documented(project: pytest.Pytester) -> None:
    result = project.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.routekit(root=None, env=None, **settings): *"])


def test_plugin_options_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "routekit (file-routed API handlers):",
            "  --routekit-root=DIR*",
            "  --routekit-cov*",
            "  --routekit-cov-fail-under=N",
        ]
    )


def test_plugin_no_root_fails_the_test_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_needs_app(client):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*routekit: no project root configured. Set `routekit_root*"])


def test_plugin_inert_without_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_plain():
            # Loading the plugin imported neither the runtime nor the client.
            assert "routekit.app" not in sys.modules
            assert "routekit_pytest.client" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("--strict-markers", "--strict-config")
    result.assert_outcomes(passed=1)


def test_plugin_bad_root_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nroutekit_root = missing\n")
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: routekit: the project at */missing cannot be served:", "App: the project root*"]
    )


def test_plugin_invalid_route_tree_fails_once_at_start(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    for name in ("[id].py", "[slug].py"):
        path = pytester.path / "site" / "pages" / "api" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("def handler(req, res):\n    res.end()\n")
    pytester.makepyfile(
        """
        def test_one(client):
            pass

        def test_two(client):
            pass
        """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = result.stderr.str()
    assert errors.count("cannot be served") == 1
    result.stderr.fnmatch_lines(["*You cannot use different slug names for the same dynamic path*"])


def test_plugin_create_mocks_fixture_env_is_undone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        def test_mocks(create_mocks):
            req, res = create_mocks(method="POST", json={"a": 1}, env={"SECRET": "s"})
            assert req.body == {"a": 1}
            assert os.environ["SECRET"] == "s"

        def test_after():
            assert "SECRET" not in os.environ
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_plugin_monkeypatch_a_data_function(project: pytest.Pytester) -> None:
    (project.path / "site" / "lib").mkdir()
    (project.path / "site" / "lib" / "__init__.py").write_text("")
    (project.path / "site" / "lib" / "data.py").write_text(
        "def get_user(uid):\n    raise RuntimeError('no database in tests')\n"
    )
    (project.path / "site" / "pages" / "api" / "user.py").write_text(
        "from lib import data\n\n"
        "def handler(req, res):\n"
        "    res.json(data.get_user(req.query['id']))\n"
    )
    project.makeini("[pytest]\nroutekit_root = site\npythonpath = site\n")
    project.makepyfile(
        """
        def test_user(client, monkeypatch):
            import lib.data
            monkeypatch.setattr(lib.data, "get_user", lambda uid: {"id": uid})
            assert client.get("/api/user?id=7").json_data() == {"id": "7"}
        """
    )
    # A subprocess: this process may already hold another project's top-level `lib`.
    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_plugin_async_client_in_async_test(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nroutekit_root = site\n")
    project.makepyfile(
        """
        import asyncio

        def test_async(async_client):
            async def scenario():
                res = await async_client.get("/api/async_hello")
                return res.json_data()

            assert asyncio.run(scenario()) == {"async": True}
        """
    )
    project.runpytest().assert_outcomes(passed=1)


def test_plugin_client_fixture_is_overridable(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nroutekit_root = site\n")
    project.makeconftest(
        """
        import pytest
        from routekit_pytest import Client

        @pytest.fixture
        def client(routekit_app):
            return Client(routekit_app, base_url="https://example.test")
        """
    )
    project.makepyfile(
        """
        def test_base(client):
            res = client.get("/api/hello")
            assert res.request.full_url == "https://example.test/api/hello"
        """
    )
    project.runpytest().assert_outcomes(passed=1)


def test_plugin_docs_unit_example_runs(pytester: pytest.Pytester) -> None:
    root = pytester.path
    (root / "lib").mkdir()
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "data.py").write_text("def get_user(uid):\n    raise RuntimeError('db')\n")
    route = root / "pages" / "api" / "users" / "[id].py"
    route.parent.mkdir(parents=True)
    route.write_text(
        "from lib import data\n\n"
        "def handler(req, res):\n"
        "    user = data.get_user(req.query['id'])\n"
        "    if user is None:\n"
        "        res.status(404).json({'error': 'not found'})\n"
        "        return\n"
        "    res.json(user)\n"
    )
    pytester.makeini("[pytest]\nroutekit_root = .\npythonpath = .\n")
    pytester.makepyfile(
        test_user_handler="""
        from routekit.loader import load_handler
        from routekit_pytest import create_mocks

        user_route = load_handler("pages/api/users/[id].py")

        def test_user_found(monkeypatch):
            monkeypatch.setattr("lib.data.get_user", lambda uid: {"id": uid, "name": "Ann"})
            req, res = create_mocks(method="GET", url="/api/users/7", params={"id": "7"})
            user_route.handler(req, res)
            assert res.status_code == 200
            assert res.json_data() == {"id": "7", "name": "Ann"}

        def test_user_missing(monkeypatch, client):
            monkeypatch.setattr("lib.data.get_user", lambda uid: None)
            req, res = create_mocks(params={"id": "404"})
            user_route.handler(req, res)
            assert res.status_code == 404
            assert client.get("/api/users/404").status_code == 404
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=2)


def test_plugin_closest_marker_wins_and_env_none_unsets(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTEKIT_PLUGIN_TEST_GONE", "set outside")
    project.makepyfile(
        """
        import os
        import pytest

        pytestmark = pytest.mark.routekit(
            env={"TIER": "module", "ROUTEKIT_PLUGIN_TEST_GONE": None, "KEPT": "module"}
        )

        @pytest.mark.routekit("site", env={"TIER": "class"})
        class TestMarked:
            def test_env(self, client):
                assert (os.environ["TIER"], os.environ["KEPT"]) == ("class", "module")
                assert "ROUTEKIT_PLUGIN_TEST_GONE" not in os.environ
                assert client.get("/api/hello").status_code == 200

            def test_same_root_again(self, routekit_app):
                assert routekit_app.root.name == "site"

        def test_after():  # no routekit fixture: the marker's env is not applied
            assert os.environ["ROUTEKIT_PLUGIN_TEST_GONE"] == "set outside"
            assert "TIER" not in os.environ
        """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
    assert os.environ["ROUTEKIT_PLUGIN_TEST_GONE"] == "set outside"


def test_plugin_bad_marker_root_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.routekit(root="nowhere")
        def test_one(client):
            pass
        """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: routekit: the project at */nowhere cannot be served:"])


def test_plugin_marker_env_without_any_root_serves_create_mocks(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.routekit(env={"FLAG": "on"})
        def test_unit(create_mocks):
            req, res = create_mocks(method="PUT")
            assert (req.method, os.environ["FLAG"]) == ("PUT", "on")

        @pytest.mark.routekit(env={"FLAG": "on"})
        def test_needs_app(client):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*routekit: no project root configured.*"])


def test_plugin_rootdir_holding_pages_is_the_default_root(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    api = pytester.path / "pages" / "api"
    api.mkdir(parents=True)
    (api / "ping.py").write_text("def handler(req, res):\n    res.send('pong')\n")
    pytester.makepyfile(
        """
        def test_ping(client, routekit_app):
            assert routekit_app.root == routekit_app.root.resolve()
            assert client.get("/api/ping").text == "pong"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
