"""The routekit pytest plugin (entry point ``pytest11: routekit``).

Configuration, the pytest way: the ``routekit_root`` ini key and ``--routekit-root``; the
``@pytest.mark.routekit(root=..., env={...}, **settings)`` marker; the overridable
fixtures ``routekit_app``, ``client``, ``async_client`` and ``create_mocks``; route
coverage with ``--routekit-cov``. State lives in ``config.stash``.

Importing this module imports neither the runtime nor user code, so the plugin stays
inert (and cheap) for projects that configure no root and use none of its fixtures.
"""

from __future__ import annotations

import typing as t

import pytest

# Feature fixtures, defined in their own module; imported here so pytest registers them.
from ._fixtures import (  # noqa: F401
    live_server,
    live_server_app,
    note_client,
    settings_fixture,
    snapshot_response,
    with_test_settings,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from routekit.app import App

    from .client import AsyncClient, Client
    from .mocks import Mocks
    from .routecov import RouteCoveragePlugin

__all__ = ["CreateMocks"]

_APPS: pytest.StashKey[dict[tuple[str, str], App]] = pytest.StashKey()
_COV: pytest.StashKey[RouteCoveragePlugin] = pytest.StashKey()

_MARKER = (
    "routekit(root=None, env=None, **settings): run the test against the routekit project at "
    "root (relative to the test file's folder), with the environment variables env set for "
    "the test and App settings overrides (page_extensions=..., middleware=...)."
)
_NO_ROOT = (
    "routekit: no project root configured. Set `routekit_root = <folder>` in the pytest "
    "configuration (pyproject.toml [tool.pytest.ini_options], pytest.ini...), pass "
    "--routekit-root=<folder>, or mark the test with @pytest.mark.routekit(root=...)."
)


class CreateMocks(t.Protocol):
    """The ``create_mocks`` fixture: :func:`routekit_pytest.create_mocks` plus ``env=``."""

    def __call__(self, *, env: t.Mapping[str, str | None] | None = None, **spec: t.Any) -> Mocks:
        """Build ``(req, res)``; *env* is set (``None`` unsets) until the test ends."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("routekit", "routekit (file-routed API handlers)")
    group.addoption(
        "--routekit-root",
        dest="routekit_root",
        metavar="DIR",
        default=None,
        help="the routekit project root (folder holding pages/, api/ or app/); overrides the "
        "routekit_root ini key.",
    )
    group.addoption(
        "--routekit-cov",
        dest="routekit_cov",
        action="store_true",
        default=False,
        help="report the routes (and app-route methods) no test dispatched through the client.",
    )
    group.addoption(
        "--routekit-cov-fail-under",
        dest="routekit_cov_fail_under",
        metavar="N",
        type=float,
        default=None,
        help="fail the run when route coverage is below N percent (implies --routekit-cov).",
    )
    parser.addini(
        "routekit_root",
        "the routekit project root, relative to the configuration file's folder.",
        type="string",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)
    config.stash[_APPS] = {}
    fail_under = config.getoption("routekit_cov_fail_under")
    if config.getoption("routekit_cov") or fail_under is not None:
        from .routecov import RouteCoveragePlugin

        plugin = RouteCoveragePlugin(config, fail_under, lambda root: get_app(config, root, {}))
        config.stash[_COV] = plugin
        config.pluginmanager.register(plugin, "routekit-routecov")


def configured_root(config: pytest.Config) -> Path | None:
    """The root from ``--routekit-root`` (relative to the invocation folder) or the ini key
    (relative to the configuration file's folder); ``None`` when neither is set."""
    option = t.cast("str | None", config.getoption("routekit_root", None))
    if option:
        return (config.invocation_params.dir / option).resolve()
    ini = t.cast("str", config.getini("routekit_root"))
    if ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        return (base / ini).resolve()
    return None


def get_app(config: pytest.Config, root: Path, settings: t.Mapping[str, t.Any]) -> App:
    """The test-mode :class:`~routekit.App` for *root* and *settings*, built once per session."""
    from routekit.app import App

    apps = config.stash[_APPS]
    key = (str(root), repr(sorted(settings.items())))
    app = apps.get(key)
    if app is None:
        app = apps[key] = App(root, mode="test", **settings)
    return app


def _usage_error(root: Path, exc: Exception) -> pytest.UsageError:
    return pytest.UsageError(f"routekit: the project at {root} cannot be served:\n{exc}")


def pytest_sessionstart(session: pytest.Session) -> None:
    root = configured_root(session.config)
    if root is None:
        return
    from routekit.errors import RoutekitError

    try:
        get_app(session.config, root, {})
    except RoutekitError as exc:
        raise _usage_error(root, exc) from None


def _marker_spec(node: pytest.Item) -> tuple[Path | None, dict[str, str | None], dict[str, t.Any]]:
    root: Path | None = None
    env: dict[str, str | None] = {}
    settings: dict[str, t.Any] = {}
    # Farthest first, so a function's marker overrides its class's and module's.
    for marker in reversed(list(node.iter_markers("routekit"))):
        kwargs = dict(marker.kwargs)
        given_root = marker.args[0] if marker.args else kwargs.pop("root", None)
        if given_root is not None:
            root = (node.path.parent / given_root).resolve()
        env.update(kwargs.pop("env", None) or {})
        settings.update(kwargs)
    return root, env, settings


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # Marker roots are validated once here, so a broken tree is one clear error, not one per test.
    from_markers: set[tuple[Path, str]] = set()
    for item in items:
        if item.get_closest_marker("routekit") is None:
            continue
        root, _, settings = _marker_spec(item)
        root = root or configured_root(config)
        if root is None or (root, repr(sorted(settings.items()))) in from_markers:
            continue
        from_markers.add((root, repr(sorted(settings.items()))))
        from routekit.errors import RoutekitError

        try:
            get_app(config, root, settings)
        except RoutekitError as exc:
            raise _usage_error(root, exc) from None


def _apply_env(monkeypatch: pytest.MonkeyPatch, env: t.Mapping[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(value))


def _default_root(config: pytest.Config) -> Path | None:
    root = configured_root(config)
    if root is not None:
        return root
    # Convenience: a project whose rootdir itself holds the route folders.
    if any((config.rootpath / name).is_dir() for name in ("pages", "api", "app")):
        return config.rootpath
    return None


@pytest.fixture
def routekit_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> App:
    """The :class:`~routekit.App` under test, in test mode (built once per root and settings).

    Override it in a ``conftest.py`` to build the app yourself.
    """
    root, env, settings = _marker_spec(t.cast("pytest.Item", request.node))
    _apply_env(monkeypatch, env)
    root = root or _default_root(request.config)
    if root is None:
        pytest.fail(_NO_ROOT, pytrace=False)
    settings = with_test_settings(request.node, settings)  # the `settings` fixture's changes
    return get_app(request.config, root, settings)


@pytest.fixture
def client(routekit_app: App, request: pytest.FixtureRequest) -> Iterator[Client]:
    """A :class:`~routekit_pytest.Client` for ``routekit_app``; its cookies live for one test."""
    from .client import Client

    plugin = request.config.stash.get(_COV, None)
    observer = plugin.data.observer(routekit_app) if plugin is not None else None
    test_client = Client(routekit_app, observer=observer)
    note_client(request.node, test_client)  # a later `settings` change re-points it
    yield test_client
    test_client.close()


@pytest.fixture
def async_client(client: Client) -> Iterator[AsyncClient]:
    """:class:`~routekit_pytest.AsyncClient` over ``client``, for ``async def`` tests."""
    from .client import AsyncClient

    test_client = AsyncClient(client)
    yield test_client
    test_client.close()


@pytest.fixture
def create_mocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> CreateMocks:
    """:func:`routekit_pytest.create_mocks`, taking ``env=`` too (undone after the test).

    The ``env`` of a ``@pytest.mark.routekit`` marker is applied as well.
    """
    from . import mocks

    _, marker_env, _ = _marker_spec(t.cast("pytest.Item", request.node))
    _apply_env(monkeypatch, marker_env)

    def factory(*, env: t.Mapping[str, str | None] | None = None, **spec: t.Any) -> Mocks:
        if env:
            _apply_env(monkeypatch, env)
        return mocks.create_mocks(**spec)

    return factory
