"""Per-route configuration: the validated form of a route module's ``config`` / segment exports.

The parsing and validation (camelCase and snake_case keys, did-you-mean for unknown keys,
``bytes``-style sizes) lives in :mod:`routekit.loader._config_parse`; this module holds the value
objects the runtime reads on every request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "DEFAULT_RESPONSE_LIMIT",
    "DEFAULT_SIZE_LIMIT",
    "AppRouteConfig",
    "PagesConfig",
    "SizeLimit",
]

DEFAULT_SIZE_LIMIT = 1024 * 1024
DEFAULT_RESPONSE_LIMIT = 4 * 1024 * 1024


class SizeLimit(t.NamedTuple):
    """A body size limit: the bytes, and the text it was written as (echoed in the 413)."""

    size: int
    text: str


#: The body limit of app routes, edge handlers and middleware (``body_size_limit``):
#: 10 MB, Next.js' default for a body buffered for middleware.
DEFAULT_BODY_LIMIT = SizeLimit(10 * 1024 * 1024, "10mb")


@dataclass(frozen=True, slots=True)
class PagesConfig:
    """A ``pages/api`` route's ``config = {"api": {...}}``, validated.

    :param body_parser: ``False`` leaves the body unread: ``req.body`` is ``None`` and
        ``req.stream`` gives the raw bytes.
    :param size_limit: the body size limit in bytes (``bytes`` semantics: ``1mb`` = 1048576).
    :param size_limit_text: the limit as the user wrote it, echoed in the 413 message.
    :param response_limit: the response size above which a warning is logged; ``None`` disables.
    :param external_resolver: silences the un-ended response warning and makes the runtime wait
        for ``res.end()`` from another thread.
    :param runtime: ``edge`` makes the file an edge handler taking a Web ``Request``.
    :param body_size_limit: an edge handler's body limit (``bodySizeLimit``); ``None`` for
        the project's ``body_size_limit``.
    """

    body_parser: bool = True
    size_limit: int = DEFAULT_SIZE_LIMIT
    size_limit_text: str = "1mb"
    response_limit: int | None = DEFAULT_RESPONSE_LIMIT
    external_resolver: bool = False
    runtime: t.Literal["nodejs", "edge"] = "nodejs"
    body_size_limit: SizeLimit | None = None


@dataclass(frozen=True, slots=True)
class AppRouteConfig:
    """An app route's segment config exports (``dynamic``, ``revalidate``...), validated.

    ``dynamic``, ``revalidate`` and ``dynamic_params`` (with a ``generate_static_params``
    function) decide whether GET renders are cached (:mod:`routekit.cache`);
    ``body_size_limit`` (routekit's own) is the most body bytes the route accepts, ``None``
    for the project's ``body_size_limit``.
    """

    dynamic: t.Literal["auto", "force-dynamic", "force-static", "error"] = "auto"
    revalidate: int | t.Literal[False] | None = None
    runtime: t.Literal["nodejs", "edge"] = "nodejs"
    body_size_limit: SizeLimit | None = None
    dynamic_params: bool = True
