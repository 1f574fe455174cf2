"""``GET /api/hello``: a plain route; the root middleware adds its CORS headers."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer ``{"message": "Hello from routekit"}``."""
    if req.method not in ("GET", "HEAD"):
        res.set_header("Allow", "GET, HEAD")
        res.status(405).json({"error": "Method not allowed"})
        return
    res.status(200).json({"message": "Hello from routekit"})
