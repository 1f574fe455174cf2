"""The plugin's feature fixtures, thin: each imports its module when a test asks for it.

Kept apart from ``plugin.py`` (which imports them, so pytest registers them) and from the
feature modules, which import the runtime: loading the plugin must stay free.
"""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from routekit.app import App

    from .client import Client
    from .live_server import LiveServer
    from .overrides import RoutekitSettings

__all__ = [
    "live_server",
    "live_server_app",
    "note_client",
    "settings_fixture",
    "snapshot_response",
    "with_test_settings",
]


@pytest.fixture(scope="session")
def live_server_app(request: pytest.FixtureRequest) -> App:
    """The :class:`~routekit.App` that ``live_server`` serves: the configured project root
    in production mode. Override it (session-scoped) to serve another tree or settings."""
    from .live_server import production_app

    return production_app(request.config)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, live_server_app: App) -> Iterator[LiveServer]:
    """The project on a real socket: :class:`~routekit_pytest.LiveServer`, started once per
    session (per xdist worker) on a free port; ``live_server.url`` is its base URL. A handler
    exception is reported in the test during which it happened."""
    from .live_server import serve_for_session

    yield from serve_for_session(request.config, live_server_app)


# -- settings ---------------------------------------------------------------------------------

_CLIENTS: pytest.StashKey[list[Client]] = pytest.StashKey()
_SETTINGS: pytest.StashKey[RoutekitSettings] = pytest.StashKey()


def note_client(node: pytest.Item, client: Client) -> None:
    """Remember the test's *client*, so a later ``settings`` change reaches it."""
    node.stash.setdefault(_CLIENTS, []).append(client)


def with_test_settings(node: pytest.Item, settings: dict[str, t.Any]) -> dict[str, t.Any]:
    """*settings* (the marker's) with the test's ``settings`` fixture overrides on top."""
    state = node.stash.get(_SETTINGS, None)
    return settings if state is None else state.merged(settings)


@pytest.fixture(name="settings")
def settings_fixture(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> RoutekitSettings:
    """Change ``[tool.routekit]`` settings (``settings.middleware = False``) and environment
    variables (``settings.env["KEY"] = "v"``) for this test; the test's ``client`` answers
    with them. Everything is restored when the test ends."""
    from .overrides import RoutekitSettings

    node = t.cast("pytest.Item", request.node)
    state = RoutekitSettings(request, monkeypatch, node.stash.setdefault(_CLIENTS, []))
    node.stash[_SETTINGS] = state
    return state


# -- snapshots --------------------------------------------------------------------------------


@pytest.fixture
def snapshot_response(request: pytest.FixtureRequest) -> t.Any:
    """syrupy's ``snapshot`` storing responses as readable text (``assert res ==
    snapshot_response``); needs ``pip install 'routekit[snapshot]'``."""
    try:
        from .snapshot import ResponseSnapshotExtension
    except ModuleNotFoundError as exc:
        missing = str(exc)
    else:
        return request.getfixturevalue("snapshot").use_extension(ResponseSnapshotExtension)
    pytest.fail(missing, pytrace=False)  # outside the except: no chained traceback
