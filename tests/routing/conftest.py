"""Fixtures for the routing tests: a ``tmp_path`` route-tree builder."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from pathlib import Path

HANDLER = "def handler(req, res):\n    res.status(200).json({})\n"


class TreeBuilder(t.Protocol):
    def __call__(self, *files: str) -> Path: ...


@pytest.fixture
def make_tree(tmp_path: Path) -> TreeBuilder:
    """Create each relative file path under a fresh project root and return the root.

    ``make_tree("pages/api/hello.py", "app/x/route.py")``; folders are created as needed,
    a path ending in ``/`` creates an empty folder.
    """

    def make(*files: str) -> Path:
        for rel in files:
            path = tmp_path / rel
            if rel.endswith("/"):
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(HANDLER, encoding="utf-8")
        return tmp_path

    return make
