"""The ``settings`` fixture: change project settings and the environment for one test.

pytest-django's ``settings``, for routekit: ``settings.middleware = False`` replaces the
``[tool.routekit]`` value (validated at once, with the runtime's messages) and
``settings.env["API_KEY"] = "k"`` sets a variable; both are undone when the test ends. The
``client`` of the test answers with the changed settings, whether it was made before or
after the change: the app for each set of settings is built once per session, as the
marker's are.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import MutableMapping

import pytest

from routekit.errors import SettingsError
from routekit.settings import Settings, load_settings

if t.TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from pathlib import Path

    from routekit.app import App

    from .client import Client

__all__ = ["EnvOverrides", "RoutekitSettings"]

_SOURCE = "the settings fixture"
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_OWN = frozenset({"_request", "_monkeypatch", "_overrides", "_clients", "env"})


def _field(name: str) -> str:
    """``pageExtensions`` -> ``page_extensions``."""
    return _CAMEL.sub("_", name).lower()


class EnvOverrides(MutableMapping[str, str]):
    """``settings.env``: ``os.environ`` through ``monkeypatch``, so every change is undone."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, environ: os._Environ[str]) -> None:
        self._monkeypatch = monkeypatch
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        return self._environ[name]

    def __setitem__(self, name: str, value: str) -> None:
        self._monkeypatch.setenv(name, value)

    def __delitem__(self, name: str) -> None:
        if name not in self._environ:
            raise KeyError(name)
        self._monkeypatch.delenv(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)

    def __repr__(self) -> str:
        return "<routekit settings.env (os.environ, restored after the test)>"


class RoutekitSettings:
    """The ``settings`` fixture: attribute writes override ``[tool.routekit]`` keys.

    ``settings.middleware = False`` (or :meth:`update`) overrides a setting for this test,
    ``del settings.middleware`` drops the override, reading gives the value in force.
    ``settings.env`` changes environment variables. :attr:`app` is the app the test's
    ``client`` now uses.
    """

    def __init__(
        self,
        request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch,
        clients: list[Client],
    ) -> None:
        import os

        object.__setattr__(self, "_request", request)
        object.__setattr__(self, "_monkeypatch", monkeypatch)
        object.__setattr__(self, "_overrides", {})
        # The test's clients, made before or after this fixture: shared with the plugin.
        object.__setattr__(self, "_clients", clients)
        #: The environment, with changes undone after the test (``monkeypatch``).
        object.__setattr__(self, "env", EnvOverrides(monkeypatch, os.environ))

    _request: pytest.FixtureRequest
    _overrides: dict[str, t.Any]
    _clients: list[Client]
    env: EnvOverrides

    # -- reading and writing ---------------------------------------------------------------

    @property
    def overrides(self) -> dict[str, t.Any]:
        """The settings this test changed, as given."""
        return dict(self._overrides)

    def update(self, **settings: t.Any) -> None:
        """Override several settings at once (``settings.update(middleware=False)``)."""
        __tracebackhide__ = True
        merged = {**self._overrides, **settings}
        try:
            load_settings(self._root(), **merged)
        except SettingsError as exc:
            raise SettingsError(exc.message, _SOURCE) from None
        self._overrides.update(settings)
        self._rebind()

    def __setattr__(self, name: str, value: t.Any) -> None:
        __tracebackhide__ = True
        if name in _OWN:
            raise AttributeError(f"settings.{name} cannot be replaced; change its items instead.")
        self.update(**{name: value})

    def __delattr__(self, name: str) -> None:
        if name not in self._overrides:
            raise AttributeError(f"settings.{name} was not changed by this test.")
        del self._overrides[name]
        self._rebind()

    def __getattr__(self, name: str) -> t.Any:
        # Only called for names that are not the object's own: the settings' keys.
        field = _field(name)
        if name.startswith("_") or field not in Settings.__dataclass_fields__:
            valid = ", ".join(sorted(set(Settings.__dataclass_fields__) - {"source"}))
            raise AttributeError(f"settings has no setting {name!r}; settings are: {valid}.")
        return getattr(self.app.settings, field)

    # -- the app and the clients -----------------------------------------------------------

    @property
    def app(self) -> App:
        """The test-mode app for the marker's settings plus this test's overrides."""
        from .plugin import get_app

        return get_app(self._request.config, self._root(), self.merged(self._marker()[1]))

    def merged(self, base: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """*base* settings (the marker's) with this test's overrides on top."""
        if not self._overrides:
            return dict(base)
        # A camelCase override replaces the marker's snake_case key (one spelling each).
        fields = {_field(name) for name in self._overrides}
        kept = {name: value for name, value in base.items() if _field(name) not in fields}
        return {**kept, **self._overrides}

    def _rebind(self) -> None:
        if self._clients:
            app = self.app
            for client in self._clients:
                client.app = app

    def _marker(self) -> tuple[Path | None, dict[str, t.Any]]:
        from .plugin import _marker_spec

        root, _, settings = _marker_spec(t.cast("pytest.Item", self._request.node))
        return root, settings

    def _root(self) -> Path:
        from .plugin import _NO_ROOT, _session_root

        root = self._marker()[0] or _session_root(self._request.config)
        if root is None:
            pytest.fail(_NO_ROOT, pytrace=False)
        return root

    def __repr__(self) -> str:
        return f"<routekit settings overrides={self._overrides!r}>"
