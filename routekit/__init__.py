"""routekit: Next.js-style file-routed API handlers for Python, with testing first."""

from __future__ import annotations

from .errors import (
    ConfigError,
    ModuleDefinitionError,
    RequestError,
    ResponseStateError,
    RouteDefinitionError,
    RouteImportError,
    RoutekitError,
    SettingsError,
)

__all__ = [
    "ConfigError",
    "ModuleDefinitionError",
    "RequestError",
    "ResponseStateError",
    "RouteDefinitionError",
    "RouteImportError",
    "RoutekitError",
    "SettingsError",
]

__version__ = "0.1.0.dev0"
