"""Web-standard objects for app routes and edge handlers: Next.js' ``NextRequest``/``NextResponse``.

``create_web_request`` (a request for a unit test) is the pytest plugin's:
``routekit_pytest.create_web_request``.
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
from .headers import Headers
from .request import NextRequest, Request
from .response import NextResponse, Response
from .url import NextURL, URLSearchParams

__all__ = [
    "DraftMode",
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
    "headers",
    "not_found",
    "permanent_redirect",
    "redirect",
    "request_scope",
]
