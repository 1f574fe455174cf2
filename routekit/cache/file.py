"""The file cache handler: the default, shared by every worker of one machine.

Next.js' ``file-system-cache.ts`` writes ``.next/server/app/<path>.body`` and ``.meta``;
routekit writes one file per entry, and two per revalidated tag (when it last expired, when
it was last marked stale), under ``.routekit/cache/``. Every write goes to a temporary file
in the same folder and is moved into place with ``os.replace`` (atomic on POSIX and
Windows), so a reader sees the old file or the new one, never half of one, however many
processes write at once. Each time has its own file, so concurrent revalidations never
undo one another (no shared index to read, change and write back).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import typing as t
from pathlib import Path

from .handler import CacheEntry, TagState

__all__ = ["FileCacheHandler"]


def _name(text: str) -> str:
    # Keys are URL paths: hashed, so no path can climb out of the folder or be too long.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class FileCacheHandler:
    """A :class:`~routekit.cache.CacheHandler` in files under *folder*.

    :param folder: where entries live (``<project>/.routekit/cache`` by default, the
        ``cache_dir`` setting); created on first write.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._entries = self.folder / "entries"
        self._tags = self.folder / "tags"

    def _read(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fp:
                fp.write(data)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def _time(self, path: Path) -> float | None:
        data = self._read(path)
        if data is None:
            return None
        try:
            return float(data)
        except ValueError:
            return None

    def _tag_state(self, tag: str) -> TagState | None:
        name = _name(tag)
        expired = self._time(self._tags / f"{name}.expired")
        stale = self._time(self._tags / f"{name}.stale")
        if expired is None and stale is None:
            return None
        return TagState(expired or 0.0, stale or 0.0)

    def get(self, key: str) -> tuple[CacheEntry, dict[str, TagState]] | None:
        """The entry at *key* and its tags' states, or ``None`` (also for a damaged file)."""
        data = self._read(self._entries / _name(key))
        if data is None:
            return None
        try:
            entry = CacheEntry.from_bytes(data)
        except ValueError:
            return None
        states = {tag: state for tag in entry.tags if (state := self._tag_state(tag))}
        return entry, states

    def set(self, key: str, entry: CacheEntry) -> None:
        """Write *entry* at *key* (atomically)."""
        self._write(self._entries / _name(key), entry.to_bytes())

    def revalidate_tags(self, tags: t.Sequence[str], *, at: float, expire: bool) -> None:
        """Mark the entries carrying *tags* gone (*expire*) or stale.

        A time is only ever moved forward; two processes revalidating one tag within the
        same instant may keep the earlier of their two times.
        """
        suffix = "expired" if expire else "stale"
        for tag in tags:
            path = self._tags / f"{_name(tag)}.{suffix}"
            current = self._time(path)
            if current is None or current < at:
                self._write(path, repr(at).encode())

    def clear(self) -> None:
        """Remove the folder's entries and tags."""
        for sub in (self._entries, self._tags):
            shutil.rmtree(sub, ignore_errors=True)

    def __repr__(self) -> str:
        return f"<FileCacheHandler {str(self.folder)!r}>"
