"""``GET /api/docs``: the endpoint list; ``/old-docs`` redirects here, ``/docs`` rewrites here."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

ENDPOINTS = {
    "/api/hello": "CORS from the root middleware",
    "/api/public/quote": "CORS from routekit.cors() in the route",
    "/api/admin/stats": "Authorization: Bearer <ADMIN_TOKEN>",
    "/api/limited": "5 requests per 10 seconds per client",
}


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer the endpoints and the path the client asked for (``req.url``)."""
    res.status(200).json({"endpoints": ENDPOINTS, "url": req.url})
