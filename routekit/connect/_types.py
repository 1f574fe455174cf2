"""The shapes of connect-style functions: ``fn(req, res, next)`` and its ``next``."""

from __future__ import annotations

import typing as t
from collections.abc import Callable

__all__ = ["Handler", "Middleware", "Next"]

Next = Callable[..., t.Any]
#: ``fn(req, res, next)``, sync or async.
Middleware = Callable[[t.Any, t.Any, Next], t.Any]
#: ``fn(req, res)`` or ``fn(req, res, next)``, sync or async.
Handler = Callable[..., t.Any]
