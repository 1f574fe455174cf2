"""The ``cache_handler`` setting, turned into a handler (Next.js' ``cacheHandler``)."""

from __future__ import annotations

import importlib
import typing as t
from pathlib import Path

from ..errors import SettingsError
from .file import FileCacheHandler
from .memory import MemoryCacheHandler
from .redis import RedisCacheHandler

if t.TYPE_CHECKING:
    from .handler import CacheHandler

__all__ = ["handler_from_setting"]

_METHODS = ("get", "set", "revalidate_tags", "clear")


def handler_from_setting(value: str, folder: Path) -> CacheHandler:
    """The handler *value* names.

    ``"file"`` (files under *folder*), ``"memory"``, a ``redis://`` / ``rediss://`` URL, or
    ``"package.module:name"``: a class or factory called with no arguments.

    :raises SettingsError: an unknown name, an import that fails, or an object without the
        handler's methods.
    """
    if value == "file":
        return FileCacheHandler(folder)
    if value == "memory":
        return MemoryCacheHandler()
    if value.startswith(("redis://", "rediss://", "unix://")):
        return RedisCacheHandler(value)
    module_name, sep, name = value.partition(":")
    if not sep or not module_name or not name:
        raise SettingsError(
            f'cache_handler must be "file", "memory", a redis:// URL or "package.module:name"; '
            f"got {value!r}.",
            "cache_handler",
        )
    try:
        factory = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise SettingsError(f"cannot import {value!r}: {exc}.", "cache_handler") from None
    handler = factory()
    missing = [method for method in _METHODS if not callable(getattr(handler, method, None))]
    if missing:
        raise SettingsError(
            f"{value!r} made {handler!r}, which lacks "
            f"{', '.join(method + '()' for method in missing)}; a cache handler "
            "needs get, set, revalidate_tags and clear (routekit.cache.CacheHandler).",
            "cache_handler",
        )
    return t.cast("CacheHandler", handler)
