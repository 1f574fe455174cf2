"""``GET /api/public/quote``: CORS per route with ``routekit.cors()`` and ``run_middleware``.

Any HTTPS subdomain of ``example.com`` may read it from a browser (the request's ``Origin``
is reflected when it matches). The root middleware skips ``/api/public/*``, so the
preflight reaches this handler, where ``cors()`` answers it with 204.
"""

from __future__ import annotations

import re
import typing as t

from routekit import cors, run_middleware

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

QUOTE = {
    "text": "Simple things should be simple, complex things should be possible.",
    "by": "Alan Kay",
}

cors_middleware = cors(
    origins=[re.compile(r"^https://([a-z0-9-]+\.)*example\.com$")],
    methods=["GET", "HEAD"],
    max_age=600,
)


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Run ``cors()``, then answer the quote."""
    if not run_middleware(req, res, cors_middleware):
        return  # cors() answered the preflight
    if req.method not in ("GET", "HEAD"):
        res.set_header("Allow", "GET, HEAD, OPTIONS")
        res.status(405).json({"error": "Method not allowed"})
        return
    res.status(200).json(QUOTE)
