"""The routekit pytest plugin (entry point ``pytest11: routekit``).

Configuration, the pytest way: the ``routekit_root`` ini key and ``--routekit-root``; the
``@pytest.mark.routekit(root=..., env={...}, **settings)`` marker; the overridable
fixtures ``routekit_app``, ``client``, ``asgi_client``, ``async_client`` and
``create_mocks``; route coverage with ``--routekit-cov``. State lives in ``config.stash``.

The project root goes on ``sys.path`` before any ``conftest.py`` loads (as pytest-django
does for a Django project), so plain ``pytest`` imports ``pages.api.hello`` and ``lib.*``
as the routes do. Tests of a routekit project are watched (:mod:`._integrity`): an
un-awaited handler, an un-sent response and an import that escapes ``monkeypatch`` fail
them unless ``routekit_strict = false``.

Importing this module imports neither the runtime nor user code, so the plugin stays
inert (and cheap) for projects that configure no root and use none of its fixtures.
"""

from __future__ import annotations

import sys
import typing as t
import warnings
from pathlib import Path

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

    from routekit.app import App

    from ._integrity import Tracker
    from .client import AsyncClient, Client
    from .mocks import Mocks
    from .routecov import RouteCoveragePlugin

__all__ = ["CreateMocks"]

_APPS: pytest.StashKey[dict[tuple[str, str], App]] = pytest.StashKey()
_COV: pytest.StashKey[RouteCoveragePlugin] = pytest.StashKey()
#: The session's project root (configured, or the rootdir holding route folders), or None.
_PROJECT: pytest.StashKey[Path | None] = pytest.StashKey()
#: The sys.path entry the plugin added, removed again at unconfigure.
_ADDED_PATH: pytest.StashKey[str] = pytest.StashKey()
_TRACKER: pytest.StashKey[Tracker] = pytest.StashKey()
_ROUTE_FOLDERS = ("pages", "api", "app")
_WATCHED_FIXTURES = frozenset({"async_client", "client", "create_mocks", "routekit_app"})

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
        "--routekit-cov-report",
        dest="routekit_cov_report",
        metavar="TYPE",
        action="append",
        default=[],
        help="route coverage report: term (the list, the default) or json[:PATH] (a "
        "machine-readable file, routekit-cov.json by default); may be repeated (implies "
        "--routekit-cov).",
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
    parser.addini(
        "routekit_pythonpath",
        "put the routekit root on sys.path before conftest.py files load (as pytest-django "
        "does for a Django project), so tests import pages.* and lib.* as the routes do; the "
        "root is routekit_root, or the rootdir holding pages/, api/ or app/ (default: true).",
        type="bool",
        default=True,
    )
    parser.addini(
        "routekit_strict",
        "fail a test whose async handler was never awaited, whose response was never sent, "
        "or whose route escapes a monkeypatch through `from x import name` "
        "(routekit_pytest.RoutekitTestWarning as errors); false keeps them warnings "
        "(default: true).",
        type="bool",
        default=True,
    )


def _session_root(config: pytest.Config) -> Path | None:
    root = configured_root(config)
    if root is not None:
        return root
    # Convenience: a project whose rootdir itself holds the route folders.
    if any((config.rootpath / name).is_dir() for name in _ROUTE_FOLDERS):
        return config.rootpath
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    root = _session_root(early_config)
    early_config.stash[_PROJECT] = root
    if root is None or not root.is_dir() or not early_config.getini("routekit_pythonpath"):
        return
    path = str(root)
    if path not in sys.path:
        sys.path.insert(0, path)
        early_config.stash[_ADDED_PATH] = path


def pytest_unconfigure(config: pytest.Config) -> None:
    path = config.stash.get(_ADDED_PATH, None)
    if path is not None and path in sys.path:
        sys.path.remove(path)


def pytest_report_header(config: pytest.Config) -> str | None:
    root = config.stash.get(_PROJECT, None)
    if root is None:
        return None
    return f"routekit: root {root}" + (" (on sys.path)" if str(root) in sys.path else "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)
    config.stash[_APPS] = {}
    if _PROJECT not in config.stash:  # configured without the initial conftests (pytester)
        config.stash[_PROJECT] = _session_root(config)
    fail_under = config.getoption("routekit_cov_fail_under")
    reports = config.getoption("routekit_cov_report")
    if config.getoption("routekit_cov") or fail_under is not None or reports:
        from .routecov import RouteCoveragePlugin, parse_reports

        plugin = RouteCoveragePlugin(
            config,
            fail_under,
            lambda root: get_app(config, root, {}),
            reports=parse_reports(reports),
            root=config.stash[_PROJECT],
        )
        config.stash[_COV] = plugin
        config.pluginmanager.register(plugin, "routekit-routecov")


def configured_root(config: pytest.Config) -> Path | None:
    """The root from ``--routekit-root`` (relative to the invocation folder) or the ini key
    (relative to the configuration file's folder); ``None`` when neither is set."""
    # Before the full parse (pytest_load_initial_conftests) only the known args are there.
    option = t.cast(
        "str | None",
        config.getoption("routekit_root", None)
        or getattr(config.known_args_namespace, "routekit_root", None),
    )
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


# -- the watch over each test of a routekit project ----------------------------------------


def _watched(item: pytest.Item) -> bool:
    """Whether *item* belongs to a routekit project: a root, the fixtures, or the mocks."""
    if item.config.stash.get(_PROJECT, None) is not None or "routekit_pytest.mocks" in sys.modules:
        return True
    return not _WATCHED_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    if not _watched(item):
        return (yield)
    from ._integrity import Tracker, watching

    tracker = item.stash[_TRACKER] = Tracker()
    with watching(tracker, strict=item.config.getini("routekit_strict")):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    tracker = item.stash.get(_TRACKER, None)
    if tracker is None:
        return (yield)
    from ._integrity import RoutekitTestWarning, watching

    with watching(tracker, strict=item.config.getini("routekit_strict")):
        try:
            result = yield
        except BaseException as error:  # red already: say what may be behind it, if anything
            explained = tracker.explain(error)
            if explained:
                text = "\n\n".join(f"{type(w).__name__}: {w}" for w in explained)
                item.add_report_section("call", "routekit", text)
            raise
        for warning, file, line in tracker.problems():
            failure: RoutekitTestWarning | None = None
            try:
                warnings.warn_explicit(warning, type(warning), file, line)
            except RoutekitTestWarning as exc:  # strict, or -W error: the test fails
                failure = exc
            if failure is not None:
                pytest.fail(f"{type(failure).__name__}: {failure}", pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    tracker = item.stash.get(_TRACKER, None)
    if tracker is None:
        return (yield)
    from ._integrity import watching

    try:
        with watching(tracker, strict=item.config.getini("routekit_strict")):
            return (yield)
    finally:
        del item.stash[_TRACKER]
        plugin = item.config.stash.get(_COV, None)
        if plugin is not None:
            plugin.data.mock_files.update(tracker.mock_route_files)


@pytest.fixture
def routekit_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> App:
    """The routekit.App under test, in test mode, built once per project root and settings.

    Override it in a conftest.py to build the app yourself.
    """
    root, env, settings = _marker_spec(t.cast("pytest.Item", request.node))
    _apply_env(monkeypatch, env)
    root = root or request.config.stash.get(_PROJECT, None)
    if root is None:
        pytest.fail(_NO_ROOT, pytrace=False)
    settings = with_test_settings(request.node, settings)  # the `settings` fixture's changes
    return get_app(request.config, root, settings)


@pytest.fixture
def client(routekit_app: App, request: pytest.FixtureRequest) -> Iterator[Client]:
    """A routekit_pytest.Client for routekit_app (in-process); its cookies last for one test,
    and the app's route-handler cache starts empty for each test."""
    from .client import Client

    routekit_app.cache.clear()

    plugin = request.config.stash.get(_COV, None)
    observer = plugin.data.observer(routekit_app) if plugin is not None else None
    test_client = Client(routekit_app, observer=observer)
    note_client(request.node, test_client)  # a later `settings` change re-points it
    yield test_client
    test_client.close()


@pytest.fixture
def asgi_client(routekit_app: App, request: pytest.FixtureRequest) -> Iterator[Client]:
    """As client, but every request goes through the ASGI door of routekit_app (app.asgi)."""
    from .client import Client

    plugin = request.config.stash.get(_COV, None)
    observer = plugin.data.observer(routekit_app) if plugin is not None else None
    test_client = Client(routekit_app, observer=observer, door="asgi")
    note_client(request.node, test_client)
    yield test_client
    test_client.close()


@pytest.fixture
def async_client(client: Client) -> Iterator[AsyncClient]:
    """A routekit_pytest.AsyncClient over the client fixture, for async def tests."""
    from .client import AsyncClient

    test_client = AsyncClient(client)
    yield test_client
    test_client.close()


@pytest.fixture
def create_mocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> CreateMocks:
    """A (req, res) factory like routekit_pytest.create_mocks(), with env={...} set for the test.

    The env of a @pytest.mark.routekit marker is applied as well.
    """
    from . import mocks

    _, marker_env, _ = _marker_spec(t.cast("pytest.Item", request.node))
    _apply_env(monkeypatch, marker_env)

    def factory(*, env: t.Mapping[str, str | None] | None = None, **spec: t.Any) -> Mocks:
        if env:
            _apply_env(monkeypatch, env)
        return mocks.create_mocks(**spec)

    return factory
