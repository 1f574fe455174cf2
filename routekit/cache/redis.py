"""The Redis cache handler: one cache for the workers of several machines.

Needs the ``redis`` client: ``pip install 'routekit[redis]'``. Selected with
``cache_handler = "redis://host:6379/0"`` in ``[tool.routekit]``.
"""

from __future__ import annotations

import typing as t

from ..errors import SettingsError
from .handler import CacheEntry, TagState

__all__ = ["RedisCacheHandler"]


class RedisCacheHandler:
    """A :class:`~routekit.cache.CacheHandler` in Redis.

    An entry is one string key (``<prefix>e:<path>``); the tags' states are one hash
    (``<prefix>tags``), each field written with ``HSET`` (atomic in Redis), so concurrent
    revalidations never lose one another.

    :param url: a ``redis://`` or ``rediss://`` URL.
    :param prefix: put before every key, so several projects can share one server.
    :param client: an existing ``redis.Redis`` client (then *url* is not used).
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        prefix: str = "routekit:",
        client: t.Any = None,
    ) -> None:
        if client is None:
            try:
                import redis
            except ImportError:
                raise SettingsError(
                    "the Redis cache handler needs the redis client: "
                    "pip install 'routekit[redis]'.",
                    "cache_handler",
                ) from None
            client = redis.Redis.from_url(url)
        self.client = client
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}e:{key}"

    @property
    def _tags(self) -> str:
        return f"{self.prefix}tags"

    def get(self, key: str) -> tuple[CacheEntry, dict[str, TagState]] | None:
        """The entry at *key* and its tags' states, or ``None``."""
        data = self.client.get(self._key(key))
        if data is None:
            return None
        try:
            entry = CacheEntry.from_bytes(data)
        except ValueError:
            return None
        states: dict[str, TagState] = {}
        if entry.tags:
            for tag, raw in zip(
                entry.tags, self.client.hmget(self._tags, list(entry.tags)), strict=True
            ):
                if raw is not None:
                    states[tag] = TagState.from_json(raw)
        return entry, states

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store *entry* at *key*."""
        self.client.set(self._key(key), entry.to_bytes())

    def revalidate_tags(self, tags: t.Sequence[str], *, at: float, expire: bool) -> None:
        """Mark the entries carrying *tags* gone (*expire*) or stale."""
        for tag in tags:
            raw = self.client.hget(self._tags, tag)
            state = TagState.from_json(raw) if raw is not None else TagState()
            self.client.hset(self._tags, tag, state.merge(at=at, expire=expire).to_json())

    def clear(self) -> None:
        """Remove this prefix's entries and tags."""
        pattern = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.prefix) + "*"
        keys = list(self.client.scan_iter(match=pattern))
        if keys:
            self.client.delete(*keys)

    def __repr__(self) -> str:
        return f"<RedisCacheHandler prefix={self.prefix!r}>"
