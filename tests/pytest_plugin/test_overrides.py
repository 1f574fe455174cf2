"""The ``settings`` fixture: per-test settings and environment, reaching the test's client."""

from __future__ import annotations

import pytest

from .conftest import write_tree

pytest_plugins = ["pytester"]

TREE = {
    "middleware.py": (
        "from routekit import NextResponse\n\n"
        "def middleware(request):\n"
        '    return NextResponse.next(headers={"x-mw": "on"})\n'
    ),
    "pages/api/hello.py": (
        "import os\n\n"
        "def handler(req, res):\n"
        '    res.json({"greeting": os.environ.get("GREETING", "hello")})\n'
    ),
    "pages/api/users.api.py": "def handler(req, res):\n    res.json([])\n",
}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write_tree(pytester.path / "site", TREE)
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    return pytester


def test_settings_fixture_reaches_clients_made_before_and_after(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
        import pytest

        @pytest.fixture
        def no_middleware(settings):
            settings.middleware = False
        """
    )
    project.makepyfile(
        """
        import os

        def test_client_made_first(client, settings, async_client):
            assert client.get("/api/hello").headers["x-mw"] == "on"
            assert settings.middleware is True
            settings.middleware = False
            assert settings.middleware is False
            assert "x-mw" not in client.get("/api/hello").headers
            assert client.app is settings.app
            del settings.middleware
            assert client.get("/api/hello").headers["x-mw"] == "on"

        def test_client_made_after(no_middleware, client, routekit_app):
            assert "x-mw" not in client.get("/api/hello").headers
            assert routekit_app.settings.middleware is False

        def test_restored(client):
            assert client.get("/api/hello").headers["x-mw"] == "on"

        def test_env(settings, client):
            settings.env["GREETING"] = "hi"
            assert client.get("/api/hello").json_data() == {"greeting": "hi"}
            del settings.env["GREETING"]
            assert "GREETING" not in settings.env
            assert client.get("/api/hello").json_data() == {"greeting": "hello"}
            settings.env["GREETING"] = "hey"

        def test_env_restored():
            assert "GREETING" not in os.environ
        """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=5)


def test_settings_fixture_routes_and_marker(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        def test_page_extensions(settings, client):
            assert client.get("/api/users").status_code == 404  # a .api.py file is `users.api`
            settings.pageExtensions = ["api.py"]
            assert client.get("/api/users").json_data() == []
            assert settings.page_extensions == ("api.py",)
            assert settings.overrides == {"pageExtensions": ["api.py"]}

        @pytest.mark.routekit(middleware=False, page_extensions=["py"])
        def test_on_top_of_the_marker(settings, client):
            assert "x-mw" not in client.get("/api/hello").headers
            settings.update(page_extensions=["api.py"], external_resolver_timeout=5)
            assert settings.middleware is False  # the marker's value stays
            assert settings.external_resolver_timeout == 5.0
            assert client.get("/api/users").status_code == 200
        """
    )
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_settings_fixture_errors(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest
        from routekit.errors import SettingsError

        def test_typo(settings):
            settings.midleware = False

        def test_bad_value(settings):
            settings.middleware = "no"

        def test_errors_without_a_failure(settings):
            with pytest.raises(AttributeError, match="settings has no setting 'nope'; settings "
                               "are: blitz_app_api, body_size_limit, cache_dir, cache_handler, "
                               "expire_time, external_resolver_timeout, "
                               "middleware, page_extensions, required_env."):
                settings.nope
            with pytest.raises(AttributeError, match="settings.middleware was not changed"):
                del settings.middleware
            with pytest.raises(AttributeError, match="settings.env cannot be replaced"):
                settings.env = {}
            assert repr(settings) == "<routekit settings overrides={}>"
            assert "os.environ" in repr(settings.env)
            with pytest.raises(KeyError):
                del settings.env["ROUTEKIT_SURELY_UNSET"]
        """
    )
    result = project.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E   *routekit.errors.SettingsError: the settings fixture: unknown setting "
            "'midleware'. Did you mean 'middleware'?*",
            "E   *routekit.errors.SettingsError: the settings fixture: middleware must be true "
            "or false; got 'no'.",
        ]
    )


def test_settings_fixture_env_only_needs_no_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        def test_env(settings):
            settings.env["RK_ONLY_ENV"] = "1"
            assert os.environ["RK_ONLY_ENV"] == "1"

        def test_setting(settings):
            settings.middleware = False
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*routekit: no project root configured.*"])
