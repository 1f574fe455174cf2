"""The in-memory cache handler: one process, gone when it exits (tests, one worker)."""

from __future__ import annotations

import threading
import typing as t

from .handler import CacheEntry, TagState

__all__ = ["MemoryCacheHandler"]


class MemoryCacheHandler:
    """A :class:`~routekit.cache.CacheHandler` in a dict, behind a lock.

    The default under the test client (mode ``"test"``), cleared between tests by the
    ``client`` fixture.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, CacheEntry] = {}
        self._tags: dict[str, TagState] = {}

    def get(self, key: str) -> tuple[CacheEntry, dict[str, TagState]] | None:
        """The entry at *key* and its tags' states, or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            return entry, {tag: self._tags[tag] for tag in entry.tags if tag in self._tags}

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store *entry* at *key*."""
        with self._lock:
            self._entries[key] = entry

    def revalidate_tags(self, tags: t.Sequence[str], *, at: float, expire: bool) -> None:
        """Mark the entries carrying *tags* gone (*expire*) or stale."""
        with self._lock:
            for tag in tags:
                self._tags[tag] = self._tags.get(tag, TagState()).merge(at=at, expire=expire)

    def clear(self) -> None:
        """Remove everything."""
        with self._lock:
            self._entries.clear()
            self._tags.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<MemoryCacheHandler entries={len(self._entries)}>"
