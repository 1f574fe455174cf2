"""``/api/hello``: the route every new project starts with, answering any method."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from routekit import ApiRequest, ApiResponse


def handler(req: ApiRequest, res: ApiResponse) -> None:
    """Answer ``{"name": "John Doe"}``."""
    res.status(200).json({"name": "John Doe"})
