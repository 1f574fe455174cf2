"""routekit: Next.js-style file-routed API handlers for Python, with testing first.

A file ``pages/api/users/[id].py`` defining ``handler(req, res)`` *is* the endpoint
``/api/users/:id``; ``app/**/route.py`` files export ``GET``, ``POST``... taking a Web
``Request``. :class:`App` serves a project tree as a WSGI application; the
``routekit_pytest`` plugin tests it in-process.

This package holds what handlers use: the app, the request and response types of both
routers, and the helpers (``fetch()`` among them: a global in Next.js handlers). The rest
has its own module: :mod:`routekit.errors` (the error family), :mod:`routekit.routing`
(discovery, the route table, the matcher), :mod:`routekit.settings` (project settings),
:mod:`routekit.config` (per-route config), :mod:`routekit.connect` (``Router``) and
:mod:`routekit.loader`.
"""

from __future__ import annotations

from ._js.cookies import serialize_cookie
from .app import App
from .connect import cors, create_router, run_middleware
from .loader import load_handler
from .pages.dispatch import Handler
from .pages.request import ApiRequest
from .pages.response import ApiResponse
from .web.context import cookies, draft_mode, headers, not_found, permanent_redirect, redirect
from .web.dispatch import RouteContext
from .web.fetch import fetch, fetch_sync
from .web.headers import Headers
from .web.request import NextRequest, Request
from .web.response import NextResponse, Response
from .web.search_params import URLSearchParams
from .web.url import NextURL

__all__ = [
    "ApiRequest",
    "ApiResponse",
    "App",
    "Handler",
    "Headers",
    "NextRequest",
    "NextResponse",
    "NextURL",
    "Request",
    "Response",
    "RouteContext",
    "URLSearchParams",
    "cookies",
    "cors",
    "create_router",
    "draft_mode",
    "fetch",
    "fetch_sync",
    "headers",
    "load_handler",
    "not_found",
    "permanent_redirect",
    "redirect",
    "run_middleware",
    "serialize_cookie",
]

__version__ = "0.1.0.dev0"
