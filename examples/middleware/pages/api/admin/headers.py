"""``GET /api/admin/headers``: the request headers as the route receives them.

Shows what the root middleware changed: ``x-user`` injected, client-sent ``x-middleware-*``
headers gone. ``Authorization`` is masked so the token does not travel back. Like
``/api/admin/stats`` it checks the token itself.
"""

from __future__ import annotations

import typing as t

from lib import auth

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer ``{"headers": {...}}`` with lower-case names, sorted."""
    authorization = req.headers.get("authorization")
    if auth.admin_user(authorization if isinstance(authorization, str) else None) is None:
        res.set_header("WWW-Authenticate", 'Bearer realm="admin"')
        res.status(401).json({"error": "Authentication required"})
        return
    seen = {name: req.headers[name] for name in sorted(req.headers)}
    if "authorization" in seen:
        seen["authorization"] = "<masked>"
    res.status(200).json({"headers": seen})
