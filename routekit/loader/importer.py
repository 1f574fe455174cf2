"""Importing route files: by path, lazily, once per process, under a stable module name.

Route files are imported by path because names like ``[id].py`` or ``send-email.py`` are
not importable. When every part of the relative path is an identifier
(``pages/api/hello.py``), the module is registered as ``pages.api.hello``, so
``from pages.api import hello`` in a test and the server run the same module object and
``monkeypatch`` reaches both. Other files get a synthetic, stable name under
``routekit.routes.<hash of the root>``.

The project root goes on ``sys.path`` so route files can ``from lib.data import users``.
When a process serves several roots (the test suites of several example projects), the
root whose route imports takes over the top-level names its folder has: the other roots'
modules of those names are set aside (and put back when their root imports again), so two
``lib/`` folders never see each other's modules. That ``sys.modules``/``sys.path``
bookkeeping is in :mod:`._modules`; the registries it works on are kept here. Validating
the imported module is :mod:`.exports`' job, sharing one loader per root :mod:`.registry`'s.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
import typing as t
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModuleDefinitionError, RouteDefinitionError, RouteImportError
from ._modules import (
    ensure_package,
    escape_part,
    identifier_name,
    isolated,
    same_file,
    unregister,
)
from .exports import no_methods_error, validate
from .routes import AppRoute

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from ..routing.route import Route
    from ._modules import Stashes
    from .routes import LoadedRoute

__all__ = ["Loader"]

#: Guards every edit of sys.modules and sys.path, and the registries of the roots and of
#: their loaders (:mod:`.registry`). Held across a whole import only while several roots
#: share the process (their modules are swapped).
_lock = threading.RLock()
#: Every root a loader was made for in this process.
_roots: set[str] = set()
#: Per root, its top-level helper modules set aside while another root owns the names.
_stashes: Stashes = {}


@dataclass(frozen=True, slots=True)
class _Imported:
    module: types.ModuleType
    name: str
    mtime_ns: int


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compiles from source: a file edited within the same second and size as its cached
    bytecode would otherwise re-import stale code on a development reload."""

    def get_code(self, fullname: str) -> types.CodeType:
        return compile(self.get_data(self.path), self.path, "exec", dont_inherit=True)


class Loader:
    """Imports the route files of the project at *root* and validates their exports.

    Each file is imported on its first :meth:`load`, once per process; 50 threads racing
    the first request import it once. Use :func:`get_loader` to share one loader per root.

    :param root: the project root, the folder holding ``pages/``, ``app/`` or ``api/``.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self._root = str(self.root)
        self._hash = hashlib.sha1(self._root.encode(), usedforsecurity=False).hexdigest()[:8]
        self._imported: dict[Path, _Imported] = {}
        self._loaded: dict[Path, LoadedRoute] = {}
        self._fresh: set[Path] = set()
        self._file_locks: dict[Path, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        with _lock:
            _roots.add(self._root)

    def __repr__(self) -> str:
        return f"<routekit.Loader {self._root!r} imported={len(self._imported)}>"

    # -- public API ------------------------------------------------------------------------

    def load(self, route: Route) -> LoadedRoute:
        """Import *route*'s file (the first time only) and validate its exports and config.

        :raises RouteImportError: the file raised while importing; retried on the next call.
        :raises ModuleDefinitionError: a missing or unusable ``handler`` or method export.
        :raises ConfigError: a bad ``config`` or segment config export.
        """
        loaded = self._loaded.get(route.file)
        if loaded is not None:
            return loaded
        path = Path(route.file).resolve()
        with self._file_lock(path):  # validate once too: warnings and logs appear once
            loaded = self._loaded.get(route.file)
            if loaded is None:
                loaded = validate(route, self._import_file(path))
                self._loaded[route.file] = loaded
        return loaded

    def import_file(self, file: str | os.PathLike[str]) -> types.ModuleType:
        """Import a file under the root (a route, ``middleware.py``) without validating it.

        :raises RouteImportError: the file raised while importing.
        """
        return self._import_file(Path(file).resolve())

    def check(self, routes: Iterable[Route]) -> list[ModuleDefinitionError | RouteImportError]:
        """Load every route at once and return the problems (``routekit routes --check``)."""
        problems: list[ModuleDefinitionError | RouteImportError] = []
        for route in routes:
            try:
                loaded = self.load(route)
            except (ModuleDefinitionError, RouteImportError) as exc:
                problems.append(exc)
                continue
            if isinstance(loaded, AppRoute) and not loaded.methods:
                problems.append(no_methods_error(loaded))
        return problems

    def invalidate(self, file: str | os.PathLike[str] | None = None) -> None:
        """Forget *file*'s module (every module when ``None``): the next load re-executes it.

        The module is also dropped from ``sys.modules``, so ``from pages.api import hello``
        imports the new code too.
        """
        with _lock:
            if file is None:
                targets = set(self._imported)
                self._loaded.clear()
            else:
                targets = {Path(file).resolve()}
                for key in [key for key in self._loaded if Path(key).resolve() in targets]:
                    del self._loaded[key]
            for path in targets:
                entry = self._imported.pop(path, None)
                name = entry.name if entry is not None else self._name_of(path)
                module = sys.modules.get(name) if name else None
                if name and module is not None and same_file(module, path):
                    unregister(name, module)
                stash = _stashes.get(self._root, {})
                if name in stash and same_file(stash[name], path):
                    del stash[name]
                self._fresh.add(path)

    def is_stale(self, route: Route) -> bool:
        """Whether *route*'s file changed (or vanished) since it was imported."""
        entry = self._imported.get(Path(route.file).resolve())
        if entry is None:
            return False
        try:
            return os.stat(route.file).st_mtime_ns != entry.mtime_ns
        except OSError:
            return True

    # -- importing -------------------------------------------------------------------------

    def _import_file(self, path: Path) -> types.ModuleType:
        entry = self._imported.get(path)
        if entry is not None:
            return entry.module
        with self._file_lock(path):
            entry = self._imported.get(path)
            if entry is None:
                entry = self._import(path)
                self._imported[path] = entry
        return entry.module

    def _file_lock(self, path: Path) -> threading.RLock:
        # One lock per file: importing one route never waits for another's import.
        with self._locks_guard:
            lock = self._file_locks.get(path)
            if lock is None:
                lock = self._file_locks[path] = threading.RLock()
            return lock

    def _import(self, path: Path) -> _Imported:
        try:
            relfile = path.relative_to(self.root).as_posix()
        except ValueError:
            raise RouteDefinitionError(
                f"{path} is outside the project root {self._root}",
                hint="pass a file under the root, or use the loader of its own root.",
            ) from None
        mtime_ns = os.stat(path).st_mtime_ns
        with isolated(self._root, _roots, _stashes, _lock):
            name = self._dotted(path, relfile) or self._synthetic(relfile)
            existing = sys.modules.get(name)
            if existing is not None and same_file(existing, path):
                return _Imported(existing, name, mtime_ns)
            module = self._exec(name, path, relfile)
        return _Imported(module, name, mtime_ns)

    def _exec(self, name: str, path: Path, relfile: str) -> types.ModuleType:
        loader = _SourceOnlyLoader(name, str(path)) if path in self._fresh else None
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
            raise RouteImportError(relfile, ImportError(f"no loader for {path}"))
        module = importlib.util.module_from_spec(spec)
        with _lock:
            sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:
            with _lock:
                if sys.modules.get(name) is module:
                    del sys.modules[name]
            if isinstance(exc, Exception):
                raise RouteImportError(relfile, exc) from exc
            raise
        with _lock:
            module = sys.modules.get(name, module)  # a module may replace itself
            parent, _, leaf = name.rpartition(".")
            if parent in sys.modules and not name.startswith("routekit.routes."):
                setattr(sys.modules[parent], leaf, module)
        self._fresh.discard(path)
        return module

    def _dotted(self, path: Path, relfile: str) -> str | None:
        """``pages.api.hello`` for ``pages/api/hello.py``, parents made importable; or ``None``."""
        name = identifier_name(relfile)
        if name is None:
            return None
        parts = name.split(".")
        for depth in range(1, len(parts)):
            package, folder = ".".join(parts[:depth]), self.root.joinpath(*parts[:depth])
            if not ensure_package(package, folder, self.root, _lock):
                return None  # the name is taken by something else: a synthetic name it is
        existing = sys.modules.get(name)
        if existing is not None and not same_file(existing, path):
            return None
        return name

    def _name_of(self, path: Path) -> str | None:
        """The dotted name a file not imported by this loader would have (no side effects)."""
        if not path.is_relative_to(self.root):
            return None
        return identifier_name(path.relative_to(self.root).as_posix())

    def _synthetic(self, relfile: str) -> str:
        parts = relfile.removesuffix(".py").split("/")
        return f"routekit.routes.{self._hash}." + ".".join(escape_part(part) for part in parts)
