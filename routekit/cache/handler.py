"""The cache handler interface: where cached route-handler responses live.

Next.js calls this a cache handler (``cacheHandler`` in ``next.config.js``; the built-in one
is ``file-system-cache.ts``, the interface ``CacheHandler`` in
``server/lib/incremental-cache/index.ts``: ``get``, ``set``, ``revalidateTag``). routekit's
handlers only store: the runtime (:mod:`routekit.cache.runtime`) decides what is fresh,
stale or gone, from the times an entry and its tags carry. So every handler gives the same
answers, and one shared by several processes (files, Redis) needs no clock of its own.
"""

from __future__ import annotations

import base64
import json
import typing as t
from dataclasses import dataclass

__all__ = ["CacheEntry", "CacheHandler", "TagState", "Verdict", "judge"]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached response, as the handler rendered it.

    :param status: the status code.
    :param reason: the reason phrase sent with it.
    :param headers: the header lines, in order (``set-cookie`` repeated).
    :param body: the whole body.
    :param tags: the tags that invalidate it (implicit path tags and ``cache_tag()``'s).
    :param revalidate: seconds it stays fresh, or ``False`` for never stale.
    :param expire: seconds after which it is not served at all (``None``: never).
    :param stored_at: when it was rendered, in seconds since the epoch.
    """

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    tags: tuple[str, ...] = ()
    revalidate: int | t.Literal[False] = False
    expire: int | None = None
    stored_at: float = 0.0

    def to_bytes(self) -> bytes:
        """The entry as JSON bytes (the body base64-encoded): what file and Redis store."""
        return json.dumps(
            {
                "status": self.status,
                "reason": self.reason,
                "headers": [list(line) for line in self.headers],
                "body": base64.b64encode(self.body).decode("ascii"),
                "tags": list(self.tags),
                "revalidate": self.revalidate,
                "expire": self.expire,
                "stored_at": self.stored_at,
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> CacheEntry:
        """The entry :meth:`to_bytes` wrote.

        :raises ValueError: *data* is not such an entry (a handler treats it as a miss).
        """
        try:
            raw = json.loads(data)
            return cls(
                status=int(raw["status"]),
                reason=str(raw["reason"]),
                headers=tuple((str(name), str(value)) for name, value in raw["headers"]),
                body=base64.b64decode(raw["body"]),
                tags=tuple(str(tag) for tag in raw["tags"]),
                revalidate=False if raw["revalidate"] is False else int(raw["revalidate"]),
                expire=None if raw["expire"] is None else int(raw["expire"]),
                stored_at=float(raw["stored_at"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a routekit cache entry: {exc}") from exc


@dataclass(slots=True)
class TagState:
    """When a tag was last revalidated.

    :param expired_at: entries stored before this time are gone (a miss).
    :param stale_at: entries stored before this time are stale (served once, then
        rendered again in the background).
    """

    expired_at: float = 0.0
    stale_at: float = 0.0

    def merge(self, *, at: float, expire: bool) -> TagState:
        """This state after a revalidation at *at* (``expire``: gone, else stale)."""
        if expire:
            return TagState(max(self.expired_at, at), self.stale_at)
        return TagState(self.expired_at, max(self.stale_at, at))


class CacheHandler(t.Protocol):
    """Where entries live. Implementations: memory, files (the default), Redis.

    Keys are paths (``/api/posts/1``). A handler must be safe to call from several threads;
    the file and Redis handlers are also safe across processes.
    """

    def get(self, key: str) -> tuple[CacheEntry, dict[str, TagState]] | None:
        """The entry at *key* and the state of each of its tags, or ``None``."""

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store *entry* at *key*, replacing what was there."""

    def revalidate_tags(self, tags: t.Sequence[str], *, at: float, expire: bool) -> None:
        """Mark every entry carrying one of *tags* and stored before *at* as gone
        (*expire*) or stale."""

    def clear(self) -> None:
        """Remove every entry and tag state (the test fixture calls it between tests)."""


#: What :func:`judge` says of an entry.
Verdict = t.Literal["fresh", "stale", "gone"]


def judge(entry: CacheEntry, tags: t.Mapping[str, TagState], now: float) -> Verdict:
    """Whether *entry* is fresh, stale or gone at *now*, given its *tags*' states.

    Next.js' ``IncrementalCache.get``: stale once ``stored_at + revalidate`` is past, or a
    tag was revalidated with a profile (``revalidateTag(tag, "max")``); gone once
    ``expire`` is past or a tag was expired (``revalidatePath``, ``revalidateTag`` without
    a profile).
    """
    age = now - entry.stored_at
    if entry.expire is not None and age > entry.expire:
        return "gone"
    if any(state.expired_at > entry.stored_at for state in tags.values()):
        return "gone"
    if entry.revalidate is not False and age > entry.revalidate:
        return "stale"
    if any(state.stale_at > entry.stored_at for state in tags.values()):
        return "stale"
    return "fresh"
