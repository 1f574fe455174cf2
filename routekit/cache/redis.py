"""The Redis cache handler: one cache for the workers of several machines.

Needs the ``redis`` client: ``pip install 'routekit[redis]'``. Selected with
``cache_handler = "redis://host:6379/0"`` in ``[tool.routekit]``.
"""

from __future__ import annotations

import typing as t

from ..errors import SettingsError
from .handler import CacheEntry, TagState

__all__ = ["RedisCacheHandler"]

#: Set a hash field to a time unless it already holds a later one.
_FORWARD = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (not current) or tonumber(current) < tonumber(ARGV[2]) then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
"""


class RedisCacheHandler:
    """A :class:`~routekit.cache.CacheHandler` in Redis.

    An entry is one string key (``<prefix>e:<path>``); the tags' times are fields of one hash
    (``<prefix>tags``: ``e:<tag>`` when it last expired, ``s:<tag>`` when it was last marked
    stale), moved forward by a Lua script (atomic in Redis), so concurrent revalidations
    never undo one another.

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
            fields = [f"{kind}:{tag}" for tag in entry.tags for kind in ("e", "s")]
            values = self.client.hmget(self._tags, fields)
            for index, tag in enumerate(entry.tags):
                expired, stale = values[2 * index], values[2 * index + 1]
                if expired is not None or stale is not None:
                    states[tag] = TagState(float(expired or 0.0), float(stale or 0.0))
        return entry, states

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store *entry* at *key*."""
        self.client.set(self._key(key), entry.to_bytes())

    def revalidate_tags(self, tags: t.Sequence[str], *, at: float, expire: bool) -> None:
        """Mark the entries carrying *tags* gone (*expire*) or stale."""
        kind = "e" if expire else "s"
        for tag in tags:
            self.client.eval(_FORWARD, 1, self._tags, f"{kind}:{tag}", repr(at))

    def clear(self) -> None:
        """Remove this prefix's entries and tags."""
        pattern = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.prefix) + "*"
        keys = list(self.client.scan_iter(match=pattern))
        if keys:
            self.client.delete(*keys)

    def __repr__(self) -> str:
        return f"<RedisCacheHandler prefix={self.prefix!r}>"
