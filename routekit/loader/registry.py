"""The process-wide registry of loaders: one per project root, shared by every caller.

The app, the test client and :func:`load_handler` all go through :func:`get_loader`, so a
route file is imported once per process and they run the same module object (a test's
``monkeypatch`` reaches what requests see).
"""

from __future__ import annotations

import errno
import os
import typing as t
from pathlib import Path

from ..errors import RouteDefinitionError
from .importer import Loader, _lock

if t.TYPE_CHECKING:
    import types

__all__ = ["get_loader", "load_handler"]

_ROUTE_FOLDERS = ("pages", "app", "api")
_MIDDLEWARE_FILES = ("middleware.py", "proxy.py")

#: The loader of each project root, created on first use.
_loaders: dict[Path, Loader] = {}


def get_loader(root: str | os.PathLike[str]) -> Loader:
    """The process-wide :class:`Loader` of *root*, created on first use.

    The app, the test client and :func:`load_handler` share it, so they run the same
    module objects.
    """
    key = Path(root).resolve()
    with _lock:
        loader = _loaders.get(key)
        if loader is None:
            loader = _loaders[key] = Loader(key)
        return loader


def load_handler(path: str | os.PathLike[str]) -> types.ModuleType:
    """Import a route file the way the server does and return its module.

    The module is the very object the app and the test client run, so
    ``monkeypatch.setattr(load_handler("pages/api/hello.py"), "get_user", fake)`` changes
    what requests see. Relative paths resolve against the current directory; the project root
    is the folder holding the ``pages/``, ``app/`` or ``api/`` folder the file lives in.

    :raises FileNotFoundError: no such file.
    :raises RouteDefinitionError: the file is not inside a ``pages/``, ``app/`` or ``api/``
        folder.
    :raises RouteImportError: the file raised while importing.
    """
    file = Path(path).resolve()
    if not file.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such route file", os.fspath(path))
    return get_loader(_find_root(file, os.fspath(path))).import_file(file)


def _find_root(file: Path, shown: str) -> Path:
    with _lock:
        known = sorted(_loaders, key=lambda root: len(root.parts), reverse=True)
    for root in known:
        if file.is_relative_to(root) and _route_like(file.relative_to(root).parts):
            return root
    if file.name in _MIDDLEWARE_FILES and any(
        (file.parent / folder).is_dir() for folder in _ROUTE_FOLDERS
    ):
        return file.parent
    fallback: Path | None = None
    for folder in file.parents:
        if folder.name not in _ROUTE_FOLDERS or not _route_like(
            file.relative_to(folder.parent).parts
        ):
            continue
        # pages/api/x.py is `pages` at the root, not `api` at pages/: prefer pages/ and app/.
        if folder.name != "api":
            return folder.parent
        fallback = fallback or folder.parent
    if fallback is not None:
        return fallback
    raise RouteDefinitionError(
        f"{shown} is not inside a pages/, app/ or api/ folder, so it has no project root",
        files=(shown,),
        hint="pass a route file such as pages/api/hello.py or app/api/hello/route.py.",
    )


def _route_like(parts: tuple[str, ...]) -> bool:
    if len(parts) == 1:
        return parts[0] in _MIDDLEWARE_FILES
    top = parts[0]
    if top == "pages":
        return parts[1] == "api.py" or (parts[1] == "api" and len(parts) > 2)
    if top == "app":
        return parts[-1] == "route.py" or "api" in parts[1:-1]
    return top == "api"
