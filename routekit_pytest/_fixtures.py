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

    from .live_server import LiveServer

__all__ = ["live_server", "live_server_app"]


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
