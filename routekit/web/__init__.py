"""Web-standard objects for app routes and edge handlers: Next.js' ``NextRequest``/``NextResponse``.

``create_web_request`` lives in :mod:`routekit.web.testing` (it shares the pytest plugin's
request builder) and is not imported here.
"""

from __future__ import annotations

from .context import (
    DraftMode,
    NotFoundSignal,
    RedirectSignal,
    RequestScopeError,
    cookies,
    draft_mode,
    headers,
    not_found,
    permanent_redirect,
    redirect,
    request_scope,
)
from .cookies import RequestCookie, RequestCookies, ResponseCookie, ResponseCookies
from .dispatch import RouteContext
from .fetch import FetchError, FetchResponse, fetch, fetch_sync
from .headers import Headers
from .request import NextRequest, Request
from .response import NextResponse, Response
from .url import NextURL, URLSearchParams

__all__ = [
    "DraftMode",
    "FetchError",
    "FetchResponse",
    "Headers",
    "NextRequest",
    "NextResponse",
    "NextURL",
    "NotFoundSignal",
    "RedirectSignal",
    "Request",
    "RequestCookie",
    "RequestCookies",
    "RequestScopeError",
    "Response",
    "ResponseCookie",
    "ResponseCookies",
    "RouteContext",
    "URLSearchParams",
    "cookies",
    "draft_mode",
    "fetch",
    "fetch_sync",
    "headers",
    "not_found",
    "permanent_redirect",
    "redirect",
    "request_scope",
]
