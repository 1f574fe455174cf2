"""routekit: Next.js-style file-routed API handlers for Python, with testing first.

A file ``pages/api/users/[id].py`` defining ``handler(req, res)`` *is* the endpoint
``/api/users/:id``; ``app/**/route.py`` files export ``GET``, ``POST``... taking a Web
``Request``. :class:`App` serves a project tree as a WSGI application; the
``routekit_pytest`` plugin tests it in-process.
"""

from __future__ import annotations

from ._js.cookies import serialize_cookie
from .app import App
from .config import AppRouteConfig, PagesConfig
from .connect import Router, cors, create_router, run_middleware
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
from .loader import load_handler
from .pages.dispatch import Handler
from .pages.request import ApiRequest
from .pages.response import ApiResponse
from .routing import Match, ParamDecodeError, Route, RouteTable, discover
from .settings import Settings, load_settings
from .web.context import cookies, draft_mode, headers, not_found, permanent_redirect, redirect
from .web.headers import Headers
from .web.request import NextRequest, Request
from .web.response import NextResponse, Response
from .web.search_params import URLSearchParams
from .web.url import NextURL

__all__ = [
    "ApiRequest",
    "ApiResponse",
    "App",
    "AppRouteConfig",
    "ConfigError",
    "Handler",
    "Headers",
    "Match",
    "ModuleDefinitionError",
    "NextRequest",
    "NextResponse",
    "NextURL",
    "PagesConfig",
    "ParamDecodeError",
    "Request",
    "RequestError",
    "Response",
    "ResponseStateError",
    "Route",
    "RouteDefinitionError",
    "RouteImportError",
    "RouteTable",
    "RoutekitError",
    "Router",
    "Settings",
    "SettingsError",
    "URLSearchParams",
    "cookies",
    "cors",
    "create_router",
    "discover",
    "draft_mode",
    "headers",
    "load_handler",
    "load_settings",
    "not_found",
    "permanent_redirect",
    "redirect",
    "run_middleware",
    "serialize_cookie",
]

__version__ = "0.1.0.dev0"
