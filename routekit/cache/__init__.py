"""Route-handler caching as Next.js does it, and ``next/cache``'s functions.

An app route opts in with ``revalidate = 60``, ``dynamic = "force-static"`` (or
``"error"``), ``revalidate = False`` or a ``generate_static_params`` function; its GET
(and HEAD) responses are then rendered on first request, stored by a
:class:`CacheHandler`, and answered with ``x-nextjs-cache: MISS | HIT | STALE``. Handlers
import :func:`revalidate_path`, :func:`revalidate_tag` and :func:`cache_tag` from here, as
they would from ``next/cache``. See the how-to "Cache route handlers".
"""

from __future__ import annotations

from .file import FileCacheHandler
from .handler import CacheEntry, CacheHandler, TagState
from .memory import MemoryCacheHandler
from .redis import RedisCacheHandler
from .runtime import ResponseCache, cache_tag, revalidate_path, revalidate_tag
from .select import handler_from_setting

__all__ = [
    "CacheEntry",
    "CacheHandler",
    "FileCacheHandler",
    "MemoryCacheHandler",
    "RedisCacheHandler",
    "ResponseCache",
    "TagState",
    "cache_tag",
    "handler_from_setting",
    "revalidate_path",
    "revalidate_tag",
]
