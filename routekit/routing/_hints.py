"""Warnings for a route tree that serves nothing, or less than it seems meant to.

Discovery reads ``pages/api/``, ``api/`` and ``app/`` and silently skips everything else, so
a typo (``pages/apis/``, ``page/api/``, ``ap/``, ``routes.py``) or Next.js' ``src/`` folder
ends in a server that answers 404 to everything. These checks look for such near misses and
say what was probably meant (``routekit serve`` prints them at start-up, ``routekit routes``
beside the table). They only read folder listings and never import anything.
"""

from __future__ import annotations

import difflib
import os
import typing as t
from dataclasses import dataclass
from pathlib import Path

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .route import Route

__all__ = ["Hint", "tree_hints"]

#: The folders discovery reads at the root.
_ROUTE_DIRS = ("pages", "app", "api")
#: Close enough to be a typo (``ap`` -> ``app``, ``pags`` -> ``pages``), far enough to leave
#: ``packages/`` and ``apple/`` alone.
_CUTOFF = 0.8
#: Folders never searched for route files.
_SKIP = frozenset({"node_modules", "site-packages", "venv", "env"})


@dataclass(frozen=True, slots=True)
class Hint:
    """One warning about the tree.

    :param path: the file or folder concerned, relative to the root (``/`` separators).
    :param message: what is wrong and what was probably meant.
    """

    path: str
    message: str


def tree_hints(root: Path, routes: Sequence[Route], extensions: Iterable[str]) -> list[Hint]:
    """The warnings for the tree at *root*, whose discovered routes are *routes*.

    :param extensions: the page extensions without the dot (``("py",)``).
    """
    scan = _HintScan(Path(root), tuple("." + ext for ext in extensions))
    hints = [*scan.misspelled_tops(), *scan.src_folder(), *scan.pages_outside_api()]
    hints += scan.misnamed_app_routes()
    if not routes:
        hints.append(
            Hint(
                ".",
                f"no routes found under {root}, so every request is answered 404. routekit "
                "serves pages/api/**/*.py, api/**/*.py and app/**/route.py; start with "
                "pages/api/hello.py.",
            )
        )
    return hints


def _visible(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            entries = [e for e in it if e.name[0] not in "_." and e.name not in _SKIP]
    except OSError:
        return []
    return sorted(entries, key=lambda entry: entry.name)


def _near(name: str, targets: Sequence[str]) -> str | None:
    matches = difflib.get_close_matches(name.lower(), targets, n=1, cutoff=_CUTOFF)
    return matches[0] if matches else None


class _HintScan:
    def __init__(self, root: Path, suffixes: tuple[str, ...]) -> None:
        self.root = root
        self.suffixes = suffixes

    def _is_source(self, name: str) -> bool:
        return name.endswith(self.suffixes) and name[0] not in "_."

    def _first_source(self, folder: Path, limit: int = 2000) -> str | None:
        """A route-like file below *folder* (relative to the root), looking at *limit* entries."""
        seen = 0
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d[0] not in "_." and d not in _SKIP)
            for name in sorted(filenames):
                if self._is_source(name):
                    return Path(dirpath, name).relative_to(self.root).as_posix()
            seen += len(filenames) + len(dirnames)
            if seen > limit:
                break
        return None

    def _same(self, entry: os.DirEntry[str], name: str) -> bool:
        # On a case-insensitive file system "Pages/" is "pages/", and discovery reads it.
        other = self.root / name
        return other.exists() and os.path.samefile(entry.path, other)

    def misspelled_tops(self) -> Iterable[Hint]:
        """``page/``, ``ap/``, ``apis/``...: root folders one typo away from a route folder."""
        for entry in _visible(self.root):
            if not entry.is_dir() or entry.name in _ROUTE_DIRS:
                continue
            meant = _near(entry.name, _ROUTE_DIRS)
            if meant is None or self._same(entry, meant):
                continue
            example = self._first_source(Path(entry.path))
            if example is not None:
                yield Hint(
                    entry.name,
                    f"{entry.name}/ is not a route folder, so {example} is not served; did you "
                    f"mean {meant}/? routekit reads pages/api/, api/ and app/.",
                )

    def src_folder(self) -> Iterable[Hint]:
        """Next.js' ``src/pages`` and ``src/app``: the project root is then ``src``."""
        src = self.root / "src"
        if any((self.root / name).is_dir() for name in _ROUTE_DIRS):
            return
        for name in ("pages/api", "app", "api"):
            if (src / name).is_dir() and self._first_source(src / name) is not None:
                yield Hint(
                    f"src/{name}",
                    f"src/{name}/ is not read: the project root is the folder that holds "
                    f"{name.split('/')[0]}/; did you mean the root src/ (routekit serve src)?",
                )
                return

    def pages_outside_api(self) -> Iterable[Hint]:
        """``pages/apis/`` and ``pages/hello.py``: under ``pages/`` only ``api`` is served."""
        pages = self.root / "pages"
        for entry in _visible(pages):
            if entry.is_dir():
                if entry.name == "api" or _near(entry.name, ("api",)) is None:
                    continue
                if self._same(entry, "pages/api"):
                    continue
                example = self._first_source(Path(entry.path))
                if example is not None:
                    yield Hint(
                        f"pages/{entry.name}",
                        f"pages/{entry.name}/ is not served, so {example} is not a route; did "
                        "you mean pages/api/? Only files under pages/api/ are API routes.",
                    )
            elif self._is_source(entry.name) and self._stem(entry.name) != "api":
                yield Hint(
                    f"pages/{entry.name}",
                    f"pages/{entry.name} is not served; did you mean pages/api/{entry.name}? "
                    "Only files under pages/api/ are API routes.",
                )

    def misnamed_app_routes(self) -> Iterable[Hint]:
        """``app/**/routes.py``, ``Route.py``: an app route file is named ``route.py``."""
        app = self.root / "app"
        if not app.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(app):
            dirnames[:] = sorted(d for d in dirnames if d[0] not in "_." and d not in _SKIP)
            names = set(filenames)
            for name in sorted(filenames):
                stem = self._stem(name)
                if stem is None or stem == "route" or _near(stem, ("route",)) is None:
                    continue
                if any(f"route{suffix}" in names for suffix in self.suffixes):
                    continue
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                folder = rel.rpartition("/")[0]
                yield Hint(
                    rel,
                    f"{rel} is not served; did you mean {folder}/route{self.suffixes[0]}? "
                    "An app route file is named route (start a helper's name with _ to keep "
                    "it quiet).",
                )

    def _stem(self, name: str) -> str | None:
        for suffix in self.suffixes:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return None
