"""Connect-style helpers for ``pages/api`` handlers: run_middleware, cors, create_router.

Next.js' docs run Express/connect middleware inside an API route with a small
``runMiddleware(req, res, fn)`` helper; the npm ``cors`` package and ``next-connect`` are the
usual companions. These are their Python counterparts, working on routekit's pages
``req``/``res`` (``req.method``, ``req.headers``, ``res.set_header``, ``res.status``,
``res.end``...). Middleware and handlers may be sync or ``async def``.

A middleware is ``fn(req, res, next)``: it calls ``next()`` to let the request go on,
``next(error)`` to fail it, or ends the response itself and does not call ``next``.
"""

from __future__ import annotations

from .cors import cors
from .router import Router, create_router
from .run import run_middleware

__all__ = ["Router", "cors", "create_router", "run_middleware"]
