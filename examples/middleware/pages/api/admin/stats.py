"""``GET /api/admin/stats``: behind the root middleware's bearer-token check.

The middleware answers 401 itself for a missing or wrong token; for a good one it sets the
request header ``x-user``, which this route reads. The route trusts that header only because
the middleware runs for every ``/api/admin/*`` request and overwrites whatever the client
sent; it still refuses a request that arrives without it (middleware switched off).
"""

from __future__ import annotations

import time
import typing as t

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

_STARTED = time.time()


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer who is asking and how long the process has been up."""
    user = req.headers.get("x-user")
    if not isinstance(user, str) or not user:
        res.status(401).json({"error": "Authentication required"})
        return
    if req.method not in ("GET", "HEAD"):
        res.set_header("Allow", "GET, HEAD")
        res.status(405).json({"error": "Method not allowed"})
        return
    res.status(200).json({"user": user, "uptime": round(time.time() - _STARTED)})
