"""The root middleware: CORS for the API, the admin guard, a redirect and a rewrite.

It runs before routing for the paths in ``config["matcher"]``, in this order:

1. ``/old-docs`` moved: a permanent (308) redirect to ``/api/docs``.
2. ``/docs`` is served by ``/api/docs``: a rewrite, the browser keeps its URL.
3. CORS preflights (``OPTIONS``) under ``/api/`` get ``204`` and the CORS headers, before
   any authentication: browsers never send credentials with a preflight.
4. ``/api/admin/*`` needs ``Authorization: Bearer <ADMIN_TOKEN>``: without it a ``401``
   JSON answer, and the route never runs; with it the request goes on with ``x-user: admin``
   (for logs and display: the admin routes check the token again and never trust it).
5. Every other API request goes on, with ``Access-Control-Allow-Origin`` for allowed origins.

``/api/public/*`` routes answer CORS themselves with ``routekit.cors()``, so the middleware
leaves them alone.
"""

from __future__ import annotations

import os
import typing as t

from lib import auth

from routekit import Headers, NextResponse

if t.TYPE_CHECKING:
    from routekit import NextRequest

config = {"matcher": ["/api/:path*", "/old-docs", "/docs"]}

#: Used when ``CORS_ALLOWED_ORIGINS`` (comma-separated) is not set.
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:5173", "https://app.example.com")

PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
    "Access-Control-Max-Age": "86400",
}
# Browsers hide response headers from scripts unless they are listed here.
EXPOSED_HEADERS = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"


def allowed_origins() -> frozenset[str]:
    """The origins that may call the API from a browser (``CORS_ALLOWED_ORIGINS``)."""
    configured = os.environ.get("CORS_ALLOWED_ORIGINS")
    if configured is None:
        return frozenset(DEFAULT_ALLOWED_ORIGINS)
    return frozenset(origin.strip() for origin in configured.split(",") if origin.strip())


def cors_headers(request: NextRequest) -> dict[str, str]:
    """The CORS headers for *request*'s ``Origin``: none but ``Vary`` for other origins."""
    # Vary in every case: a cache must not serve one origin's answer to another.
    headers = {"Vary": "Origin"}
    origin = request.headers.get("origin")
    if origin is not None and origin in allowed_origins():
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return headers


def middleware(request: NextRequest) -> NextResponse | None:
    """Redirect, rewrite, answer preflights, guard the admin API, add CORS headers."""
    url = request.next_url
    path = url.pathname

    if path == "/old-docs":
        target = url.clone()
        target.pathname = "/api/docs"  # the query string goes along
        return NextResponse.redirect(target, 308)
    if path == "/docs":
        target = url.clone()
        target.pathname = "/api/docs"
        return NextResponse.rewrite(target)
    if path.startswith("/api/public/"):
        return None  # these routes run routekit.cors() themselves

    cors = cors_headers(request)
    if request.method == "OPTIONS":
        if "Access-Control-Allow-Origin" in cors:
            cors.update(PREFLIGHT_HEADERS)
        return NextResponse(None, status=204, headers=cors)

    if path == "/api/admin" or path.startswith("/api/admin/"):
        authorization = request.headers.get("authorization")
        if not auth.is_admin(authorization):
            return _unauthorized(missing=auth.bearer_token(authorization) is None, cors=cors)
        # next(request_headers=...) replaces the request's headers: copy them, then set
        # x-user, which also overwrites any x-user the client sent.
        forwarded = Headers(request.headers)
        forwarded.set("x-user", "admin")
        return NextResponse.next(request_headers=forwarded, headers=cors)

    return NextResponse.next(headers=cors)


def _unauthorized(*, missing: bool, cors: dict[str, str]) -> NextResponse:
    # RFC 6750: no error code when no credentials came, invalid_token for a wrong one.
    challenge = 'Bearer realm="admin"' + ("" if missing else ', error="invalid_token"')
    message = "Authentication required" if missing else "Invalid token"
    return NextResponse.json(
        {"error": message}, status=401, headers={**cors, "WWW-Authenticate": challenge}
    )
