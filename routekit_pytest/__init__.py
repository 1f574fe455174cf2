"""routekit_pytest: test routekit handlers in-process, at unit and integration level."""

from __future__ import annotations

__all__: list[str] = []
