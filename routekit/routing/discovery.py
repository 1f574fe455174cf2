"""The only file-system code of routing: a project root to its list of :class:`Route`.

Four readings, each with its own URL rules:

* ``pages/api/**`` and ``pages/api.py``: Next.js' pages router (kind ``pages``);
* a root ``api/`` folder beside ``pages/``: Blitz's layout, ``api/x.py`` is ``/api/x``;
* with ``blitz_app_api``, Blitz's ``app/api/**`` and ``app/<feature>/api/**``: ``/api/**``;
* ``app/**/route.py``: Next.js' app router (kind ``app``), where route groups ``(name)``
  and parallel slots ``@name`` leave the URL and ``_private`` folders are not routed.

Grammar errors and two files on one URL raise :class:`RouteDefinitionError` naming the
files; conflicts between routes are :class:`~routekit.routing.table.RouteTable`'s job.
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

from ..errors import RouteDefinitionError
from .route import Route, RouteKind
from .segments import parse_pattern
from .table import duplicate_error

if t.TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["discover"]


def discover(root: Path, settings: Settings) -> list[Route]:
    """Scan the route folders under *root* and return one :class:`Route` per route file.

    Files that are never routes: ``__init__.py``, ``conftest.py``, ``test_*.py``,
    ``*_test.py``, anything whose name starts with ``_`` or ``.`` (files and folders), and
    files under ``pages/`` outside ``pages/api``.

    :raises RouteDefinitionError: for a segment name Next.js rejects, two files serving the
        same URL, or a file that two readings claim.
    """
    return _Scan(Path(root).absolute(), settings).run()


class _Scan:
    """One walk over a project; remembers which file claimed each URL."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        # Longest first, so "x.api.py" is "x" when both "py" and "api.py" are extensions.
        exts = sorted(settings.page_extensions, key=len, reverse=True)
        self.extensions = tuple("." + ext for ext in exts)
        self.blitz_app_api = settings.blitz_app_api
        self.routes: list[Route] = []
        self.claimed: dict[str, Route] = {}
        self.seen_links: set[str] = set()

    def run(self) -> list[Route]:
        base = str(self.root)
        pages = os.path.join(base, "pages")
        for entry in self._entries(pages):
            if not entry.is_dir() and self._stem(entry.name) == "api":
                self._add("/api", entry.path, f"pages/{entry.name}", "pages")
        self._walk_pages(os.path.join(pages, "api"), "pages/api", "/api")
        self._walk_pages(os.path.join(base, "api"), "api", "/api")
        self._walk_app(os.path.join(base, "app"), "app", "", None)
        return self.routes

    def _entries(self, path: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(path) as it:
                entries = [entry for entry in it if entry.name[0] not in "_."]
        except (FileNotFoundError, NotADirectoryError):
            return []
        entries.sort(key=lambda entry: entry.name)
        return entries

    def _is_dir(self, entry: os.DirEntry[str]) -> bool:
        if not entry.is_dir():
            return False
        if entry.is_symlink():
            # Follow links to folders, but never around a cycle.
            real = os.path.realpath(entry.path)
            if real in self.seen_links:
                return False
            self.seen_links.add(real)
        return True

    def _stem(self, name: str) -> str | None:
        """The route name of file *name*, or ``None`` when it is not a route file."""
        if name == "conftest.py" or name.endswith("_test.py"):
            return None
        if name.startswith("test_") and name.endswith(".py"):
            return None
        for ext in self.extensions:
            if name.endswith(ext):
                # Next.js strips `\.+ext$`, so "x..py" is "x".
                stem = name[: -len(ext)].rstrip(".")
                return stem or None
        return None

    def _walk_pages(self, path: str, rel: str, url: str) -> None:
        """A pages-router folder: file names are segments, ``index`` is the folder itself."""
        for entry in self._entries(path):
            name = entry.name
            if self._is_dir(entry):
                self._walk_pages(entry.path, f"{rel}/{name}", f"{url}/{name}")
                continue
            stem = self._stem(name)
            if stem is not None:
                pattern = url if stem == "index" else f"{url}/{stem}"
                self._add(pattern, entry.path, f"{rel}/{name}", "pages")

    def _walk_app(self, path: str, rel: str, url: str, blitz: str | None) -> None:
        """An ``app/`` folder; *blitz* is the ``/api/...`` URL when inside a Blitz api folder."""
        for entry in self._entries(path):
            name = entry.name
            if self._is_dir(entry):
                if name.startswith(("(", "@")) and (name[0] == "@" or name.endswith(")")):
                    sub_url = url  # route groups and parallel slots leave the URL
                elif name[:3] in ("%5F", "%5f"):
                    sub_url = f"{url}/_{name[3:]}"  # Next.js' escape for a leading "_"
                else:
                    sub_url = f"{url}/{name}"
                if blitz is not None:
                    sub_blitz: str | None = f"{blitz}/{name}"
                elif self.blitz_app_api and name == "api":
                    # Blitz: any api folder under app/, app/api itself too, is /api.
                    sub_blitz = "/api"
                else:
                    sub_blitz = None
                self._walk_app(entry.path, f"{rel}/{name}", sub_url, sub_blitz)
                continue
            stem = self._stem(name)
            if stem is None:
                continue
            relfile = f"{rel}/{name}"
            if stem == "route":
                if blitz is not None:
                    raise RouteDefinitionError(
                        f"{relfile} is claimed twice: as the app route {url or '/'} and, "
                        "because blitz_app_api is on, as the pages API route "
                        f"{blitz}/route.",
                        (relfile,),
                        hint="move the file out of the api folder, or set blitz_app_api = false.",
                    )
                self._add(url or "/", entry.path, relfile, "app")
            elif blitz is not None:
                pattern = blitz if stem == "index" else f"{blitz}/{stem}"
                self._add(pattern, entry.path, relfile, "pages")

    def _add(self, pattern: str, file: str, relfile: str, kind: RouteKind) -> None:
        segments = tuple(part for part in pattern.split("/") if part)
        parse_pattern(segments, (relfile,))
        route = Route(pattern, Path(file), relfile, kind, segments)
        previous = self.claimed.get(pattern)
        if previous is not None:
            raise duplicate_error(pattern, (previous.relfile, relfile))
        self.claimed[pattern] = route
        self.routes.append(route)
