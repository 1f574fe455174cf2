"""``GET /api/admin/stats``: behind the root middleware's bearer-token check, and its own.

The middleware answers 401 itself for a missing or wrong token. The route checks the token
again and takes the user from it: it never trusts the ``x-user`` header, which any client
can send, so it stays closed with the middleware switched off or walked around.
"""

from __future__ import annotations

import time
import typing as t

from lib import auth

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse

_STARTED = time.time()


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer who is asking and how long the process has been up."""
    authorization = req.headers.get("authorization")
    user = auth.admin_user(authorization if isinstance(authorization, str) else None)
    if user is None:
        res.set_header("WWW-Authenticate", 'Bearer realm="admin"')
        res.status(401).json({"error": "Authentication required"})
        return
    if req.method not in ("GET", "HEAD"):
        res.set_header("Allow", "GET, HEAD")
        res.status(405).json({"error": "Method not allowed"})
        return
    res.status(200).json({"user": user, "uptime": round(time.time() - _STARTED)})
