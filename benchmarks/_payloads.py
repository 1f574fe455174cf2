"""JSON answers the size of a real API's: lists of blog posts at 0.1, 1, 10, 100 and 1,000 KB.

Every size group (in-process, served over WSGI and ASGI, unit) sends the same bodies, so a
ratio at 100 KB in one table means the same payload as in another.
"""

from __future__ import annotations

import json
import typing as t

__all__ = ["SIZES_KB", "posts", "posts_bytes", "size_label"]

#: The payload sizes every size group measures, in KB (1 KB = 1,000 bytes of compact JSON).
SIZES_KB: tuple[float, ...] = (0.1, 1, 10, 100, 1000)


def _post(i: int) -> dict[str, t.Any]:
    return {
        "id": i,
        "userId": i % 10 + 1,
        "title": f"Post number {i}: notes on file-routed handlers",
        "body": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 2,
        "published": i % 3 != 0,
        "score": round(i * 0.37, 2),
        "tags": ["python", "nextjs", f"tag{i % 7}"],
    }


def posts(size_kb: float) -> list[dict[str, t.Any]]:
    """A list of posts whose compact JSON is about *size_kb* KB (never smaller than one post)."""
    target = int(size_kb * 1000)
    if target <= 120:
        # 0.1 KB: one short post, as a tiny answer would be.
        return [{"id": 1, "title": "Hello", "tags": ["a"], "published": True}]
    items: list[dict[str, t.Any]] = []
    size = 2
    while size < target:
        item = _post(len(items) + 1)
        size += len(json.dumps(item, separators=(",", ":"))) + 1
        items.append(item)
    return items


def posts_bytes(size_kb: float) -> bytes:
    """The compact JSON of :func:`posts` (what ``res.json()`` and ``JSON.stringify`` send)."""
    return json.dumps(posts(size_kb), separators=(",", ":"), ensure_ascii=False).encode()


def size_label(size_kb: float) -> str:
    """``0.1 KB``, ``1 KB`` ... ``1 MB``: the label of a size row."""
    return "1 MB" if size_kb >= 1000 else f"{size_kb:g} KB"
