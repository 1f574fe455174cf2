"""``GET /api/limited``: 5 requests per 10 seconds per client, via ``create_router().use()``."""

from __future__ import annotations

import typing as t

from lib.ratelimit import FixedWindowLimiter

from routekit import create_router

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

#: The route's limiter; tests call ``limiter.reset()`` between them.
limiter = FixedWindowLimiter(limit=5, window=10)


def get_status(req: ApiRequest, res: ApiResponse) -> None:
    """Answer ``{"ok": true}`` (the limiter already set the ``RateLimit-*`` headers)."""
    res.status(200).json({"ok": True})


router = create_router().use(limiter).get(get_status)
handler = router.handler()
