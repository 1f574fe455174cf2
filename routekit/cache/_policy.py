"""Which app-route renders are cached, for how long, and the headers Next.js sends.

Sources (Next.js 16): ``route-modules/app-route/helpers/is-static-gen-enabled.ts`` (which
exports opt in), ``route-modules/app-route/module.ts`` (``hasNonStaticMethods``, the
``dynamic`` switch), ``build/templates/app-route.ts`` (the cache key, ``x-nextjs-cache``,
``revalidate``/``expire`` of an entry, a handler's own ``Cache-Control`` kept),
``server/lib/cache-control.ts`` (``getCacheControlHeader``), ``server/lib/implicit-tags.ts``
and ``web/spec-extension/revalidate.ts`` (the ``_N_T_`` path tags).
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

if t.TYPE_CHECKING:
    from ..config import AppRouteConfig

__all__ = [
    "CACHE_ONE_YEAR",
    "IMPLICIT_TAG",
    "cache_control_header",
    "entry_revalidate",
    "implicit_tags",
    "is_static_gen_enabled",
    "path_tags",
]

#: Next.js' ``CACHE_ONE_YEAR``, and the default ``expireTime``.
CACHE_ONE_YEAR = 31536000
#: Next.js' ``NEXT_CACHE_IMPLICIT_TAG_ID``.
IMPLICIT_TAG = "_N_T_"
#: The methods that make a route file dynamic (``hasNonStaticMethods``).
_NON_STATIC = ("POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def is_static_gen_enabled(config: AppRouteConfig, has_static_params: bool) -> bool:
    """``isStaticGenEnabled``: ``dynamic`` ``force-static``/``error``, ``revalidate``
    ``False`` or > 0, or a ``generate_static_params``."""
    revalidate = config.revalidate
    return (
        config.dynamic in ("force-static", "error")
        or revalidate is False
        or (revalidate is not None and revalidate > 0)
        or has_static_params
    )


def is_cached_route(
    config: AppRouteConfig,
    methods: Mapping[str, object],
    *,
    dynamic_route: bool,
    has_static_params: bool,
) -> bool:
    """Whether the route's GET renders go to the cache at all.

    Not when static generation is off (the Next.js 15+ default for route handlers), nor for
    ``force-dynamic``, nor for a file that also exports a non-GET method (Next.js' build
    bails out: "Route is configured with methods that cannot be statically generated."),
    nor for a dynamic route without ``generate_static_params`` (Next.js prerenders only
    the dynamic routes its manifest lists).
    """
    if config.dynamic == "force-dynamic" or "GET" not in methods:
        return False
    if any(method in methods for method in _NON_STATIC):
        return False
    if dynamic_route and not has_static_params:
        return False
    return is_static_gen_enabled(config, has_static_params)


def entry_revalidate(config: AppRouteConfig) -> int | t.Literal[False]:
    """An entry's ``revalidate``: the export when > 0, else ``False`` (never stale)."""
    revalidate = config.revalidate
    if revalidate is None or revalidate is False or revalidate <= 0:
        return False
    return revalidate


def cache_control_header(revalidate: int | t.Literal[False], expire: int | None) -> str:
    """``getCacheControlHeader({revalidate, expire})``, string for string.

    ``s-maxage=60, stale-while-revalidate=31535940`` for ``revalidate = 60`` and the default
    ``expireTime``; ``s-maxage=31536000, stale-while-revalidate`` when never stale.
    """
    if revalidate is not False and expire is not None:
        swr = "" if revalidate >= expire else f"stale-while-revalidate={expire - revalidate}"
    else:
        swr = "stale-while-revalidate"
    if revalidate is not False and revalidate == 0:
        return "private, no-cache, no-store, max-age=0, must-revalidate"
    if revalidate is not False:
        return f"s-maxage={revalidate}, {swr}"
    return f"s-maxage={CACHE_ONE_YEAR}, {swr}"


def implicit_tags(pattern: str, pathname: str) -> tuple[str, ...]:
    """The tags every entry carries (``getImplicitTags``): a ``layout`` tag per ancestor
    segment, the ``route`` tag of the file, and the request's path.

    ``/api/posts/[id]`` at ``/api/posts/1``: ``_N_T_/layout``, ``_N_T_/api/layout``,
    ``_N_T_/api/posts/layout``, ``_N_T_/api/posts/[id]/layout``,
    ``_N_T_/api/posts/[id]/route``, ``_N_T_/api/posts/1``.
    """
    segments = [segment for segment in pattern.split("/") if segment]
    tags = [f"{IMPLICIT_TAG}/layout"]
    for end in range(1, len(segments) + 1):
        tags.append(f"{IMPLICIT_TAG}/{'/'.join(segments[:end])}/layout")
    tags.append(f"{IMPLICIT_TAG}/{'/'.join([*segments, 'route'])}")
    tags.append(f"{IMPLICIT_TAG}{pathname}")
    return tuple(dict.fromkeys(tags))


def path_tags(path: str, kind: str | None = None) -> list[str]:
    """The tags ``revalidatePath(path, type)`` revalidates."""
    trimmed = path.rstrip("/") if path != "/" else path
    tag = f"{IMPLICIT_TAG}{trimmed or '/'}"
    if kind:
        tag += ("" if tag.endswith("/") else "/") + kind
    tags = [tag]
    if tag == f"{IMPLICIT_TAG}/":
        tags.append(f"{IMPLICIT_TAG}/index")
    elif tag == f"{IMPLICIT_TAG}/index":
        tags.append(f"{IMPLICIT_TAG}/")
    return tags
