"""``GET /api/hello``: the route every new project starts with."""

from __future__ import annotations

from routekit import NextResponse, Request, Response


def GET(request: Request) -> Response:
    """Answer ``{"name": "John Doe"}``."""
    return NextResponse.json({"name": "John Doe"})
