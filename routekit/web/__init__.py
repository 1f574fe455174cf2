"""Web-standard objects for app routes and edge handlers: Next.js' ``NextRequest``/``NextResponse``.

The errors the Web objects raise (defined in :mod:`routekit.errors`) are re-exported here,
next to the objects that raise them.

``create_web_request`` (a request for a unit test) is the pytest plugin's:
``routekit_pytest.create_web_request``.
"""

from __future__ import annotations

from ..errors import (
    BodyUsedError,
    FetchError,
    FormDataError,
    InvalidHeaderError,
    InvalidJSONError,
    InvalidStatusError,
    MalformedURLError,
    NotFoundSignal,
    ReadonlyHeadersError,
    RedirectSignal,
    RequestScopeError,
    WebAPIError,
)
from .context import (
    DraftMode,
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
from .fetch import FetchResponse, fetch, fetch_sync
from .headers import Headers
from .request import NextRequest, Request
from .response import NextResponse, Response
from .search_params import URLSearchParams
from .url import NextURL

__all__ = [
    "BodyUsedError",
    "DraftMode",
    "FetchError",
    "FetchResponse",
    "FormDataError",
    "Headers",
    "InvalidHeaderError",
    "InvalidJSONError",
    "InvalidStatusError",
    "MalformedURLError",
    "NextRequest",
    "NextResponse",
    "NextURL",
    "NotFoundSignal",
    "ReadonlyHeadersError",
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
    "WebAPIError",
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
