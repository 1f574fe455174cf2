"""Generated route trees: the same shapes for routekit (files) and werkzeug (rules).

A tree of *n* route files is made of ``n / 10`` folders ``pages/api/g<k>/``, each holding
ten routes that mix every kind and obey Next.js' rules (one slug name per level, no slug
name twice in a path, no optional catch-all beside a same-level route):

* ``s0.py`` ... ``s6.py``: static (``/api/g<k>/s3``);
* ``[id].py`` and ``[id]/detail.py``: dynamic (``/api/g<k>/42``, ``/api/g<k>/42/detail``);
* ``[...rest].py``: catch-all (``/api/g<k>/a/b/c``).

Folders are spread over 32 parents (``pages/api/p<k % 32>/g<k>``) once there are more than
32, so no folder grows to thousands of entries, as in a real project.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

__all__ = ["HANDLER_SOURCE", "group_prefix", "path_mix", "werkzeug_rules", "write_tree"]

#: A route file's body: the smallest pages handler.
HANDLER_SOURCE = "def handler(req, res):\n    res.status(200).json({'ok': True})\n"

_STATIC = 7
_PER_GROUP = 10
_FANOUT = 32


def group_prefix(k: int, groups: int) -> str:
    """The URL prefix of group *k* in a tree of *groups* groups, e.g. ``/api/p3/g35``."""
    if groups <= _FANOUT:
        return f"/api/g{k}"
    return f"/api/p{k % _FANOUT}/g{k}"


def _relative_files(prefix: str) -> list[str]:
    base = "pages" + prefix
    files = [f"{base}/s{i}.py" for i in range(_STATIC)]
    files += [f"{base}/[id].py", f"{base}/[id]/detail.py", f"{base}/[...rest].py"]
    return files


def write_tree(root: Path, n: int, source: str | t.Callable[[int], str] = HANDLER_SOURCE) -> Path:
    """Write an *n*-file route tree (a multiple of 10) under *root* and return *root*.

    *source* is every file's text, or a function of the file's index giving it.
    """
    if n % _PER_GROUP:
        raise ValueError(f"a tree has a multiple of {_PER_GROUP} files; got {n}.")
    groups = n // _PER_GROUP
    index = 0
    made: set[Path] = set()
    for k in range(groups):
        for rel in _relative_files(group_prefix(k, groups)):
            path = root / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(source(index) if callable(source) else source, encoding="utf-8")
            index += 1
    return root


def werkzeug_rules(n: int) -> list[tuple[str, str]]:
    """``(rule, endpoint)`` pairs equivalent to :func:`write_tree`'s *n* files."""
    groups = n // _PER_GROUP
    rules: list[tuple[str, str]] = []
    for k in range(groups):
        prefix = group_prefix(k, groups)
        rules += [(f"{prefix}/s{i}", f"g{k}.s{i}") for i in range(_STATIC)]
        rules += [
            (f"{prefix}/<id>", f"g{k}.id"),
            (f"{prefix}/<id>/detail", f"g{k}.detail"),
            (f"{prefix}/<path:rest>", f"g{k}.rest"),
        ]
    return rules


def path_mix(n: int) -> list[str]:
    """The fixed mix of request paths for an *n*-file tree: every route kind and a miss,
    spread over the first, middle and last group so a large tree cannot win by order."""
    groups = n // _PER_GROUP
    first, middle, last = (group_prefix(k, groups) for k in (0, groups // 2, groups - 1))
    return [
        f"{first}/s0",
        f"{middle}/s6",
        f"{last}/s3",
        f"{first}/42",
        f"{last}/7/detail",
        f"{middle}/a/b/c",
        f"{last}/x%20y",
        "/api/nope/missing",
    ]
