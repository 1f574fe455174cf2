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
bookkeeping is in :mod:`routekit._modules`; the registries it works on are kept here.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import importlib
import importlib.machinery
import importlib.util
import inspect
import logging
import os
import sys
import threading
import types
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModuleDefinitionError, RouteDefinitionError, RouteImportError
from ..web.dispatch import HTTP_METHODS, app_route_export_problems, app_route_methods
from ._config_parse import parse_app_config, parse_pages_config
from ._modules import (
    activate,
    ensure_package,
    escape_part,
    identifier_name,
    isolated,
    same_file,
    unregister,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from ..config import AppRouteConfig, PagesConfig
    from ..routing.route import Route
    from ..settings import Settings
    from ._modules import Stashes

__all__ = ["LoadedKind", "LoadedRoute", "Loader", "get_loader", "load_handler"]

logger = logging.getLogger("routekit")

#: ``pages``: ``handler(req, res)``; ``edge``: a pages file with ``runtime: "edge"``,
#: ``handler(request)`` returning a ``Response``; ``app``: ``app/**/route.py`` exporting
#: ``GET``, ``POST``...
LoadedKind = t.Literal["pages", "edge", "app"]

_ROUTE_FOLDERS = ("pages", "app", "api")
_MIDDLEWARE_FILES = ("middleware.py", "proxy.py")

#: Guards every edit of sys.modules and sys.path, and the registries below. Held across a
#: whole import only while several roots share the process (their modules are swapped).
_lock = threading.RLock()
_loaders: dict[Path, Loader] = {}
_roots: set[str] = set()
#: Per root, its top-level helper modules set aside while another root owns the names.
_stashes: Stashes = {}


@dataclass(frozen=True, slots=True)
class LoadedRoute:
    """A route file imported and validated: what dispatch needs to run it.

    :param route: the route the file serves.
    :param module: the imported module (the same object ``load_handler`` returns).
    :param kind: ``pages``, ``edge`` or ``app``.
    :param config: :class:`PagesConfig` for pages and edge files, :class:`AppRouteConfig` for
        app routes.
    :param handler: ``handler`` of a pages or edge file; ``None`` for app routes.
    :param methods: an app route's method functions by name (``{"GET": GET}``).
    """

    route: Route
    module: types.ModuleType
    kind: LoadedKind
    config: PagesConfig | AppRouteConfig
    handler: t.Callable[..., t.Any] | None
    methods: dict[str, t.Callable[..., t.Any]] = field(default_factory=dict)


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
    :param settings: the project settings (kept for callers; loading needs only the root).
    """

    def __init__(self, root: str | os.PathLike[str], settings: Settings | None = None) -> None:
        self.root = Path(root).resolve()
        self.settings = settings
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
                loaded = _validate(route, self._import_file(path))
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
            if loaded.kind == "app" and not loaded.methods:
                problems.append(_no_methods(loaded))
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

    def activate(self) -> None:
        """Make this root's helper packages the ones ``import lib`` finds from now on.

        Only matters when one process serves several roots (the test suites of several
        projects): other roots' modules with the same top-level names are set aside until
        their root imports again. Importing a route file activates its root.
        """
        with _lock:
            activate(self._root, _roots, _stashes)


# -- validation --------------------------------------------------------------------------------


def _validate(route: Route, module: types.ModuleType) -> LoadedRoute:
    namespace = vars(module)
    if route.kind == "app":
        methods = _app_route_methods(module, route.relfile)
        return LoadedRoute(
            route, module, "app", parse_app_config(namespace, route.relfile), None, methods
        )
    raw = namespace.get("config")
    # `import config` (a settings module) is a common Python idiom, not a page config.
    config = parse_pages_config(None if isinstance(raw, types.ModuleType) else raw, route.relfile)
    kind: LoadedKind = "edge" if config.runtime == "edge" else "pages"
    return LoadedRoute(route, module, kind, config, _handler(namespace, route.relfile, kind))


def _handler(namespace: dict[str, t.Any], relfile: str, kind: LoadedKind) -> t.Callable[..., t.Any]:
    if kind == "edge":
        call = "handler(request)"
        duty = (
            'An edge API route (runtime "edge") must define handler(request) returning a Response.'
        )
    else:
        call, duty = "handler(req, res)", "A pages API route must define handler(req, res)."
    handler = namespace.get("handler")
    if handler is None:
        raise ModuleDefinitionError(_missing_handler(namespace, duty), relfile)
    if not callable(handler):
        raise ModuleDefinitionError(
            f"handler is not a function (handler = {handler!r:.60}). {duty}", relfile
        )
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):  # some builtins have no signature: let the call decide
        return handler  # type: ignore[no-any-return]
    try:
        signature.bind(*[None] * (1 if kind == "edge" else 2))
    except TypeError:
        raise ModuleDefinitionError(
            f"handler{signature} cannot be called as {call}. {duty}", relfile
        ) from None
    return handler  # type: ignore[no-any-return]


def _missing_handler(namespace: dict[str, t.Any], duty: str) -> str:
    public = sorted(
        name
        for name, value in namespace.items()
        if callable(value) and not name.startswith("_") and not isinstance(value, types.ModuleType)
    )
    exported = [name for name in HTTP_METHODS if name in public]
    if exported:
        return (
            f"defines no handler; found {', '.join(exported)}, which are app route exports "
            f"(move the file to app/.../route.py for those). {duty}"
        )
    close = ["default"] if "default" in public else difflib.get_close_matches("handler", public, 1)
    if close:
        return f"defines no handler; found {close[0]!r} — did you mean 'handler'? {duty}"
    return f"defines no handler. {duty}"


def _app_route_methods(module: types.ModuleType, relfile: str) -> dict[str, t.Callable[..., t.Any]]:
    for name in HTTP_METHODS:
        value = vars(module).get(name)
        if value is not None and not callable(value):
            # Next.js would fail on the call with a TypeError; say so before the first request.
            raise ModuleDefinitionError(
                f"{name} is not a function ({name} = {value!r:.60})",
                relfile,
                hint=f"define it as def {name}(request): ... returning a Response.",
            )
    # Next.js serves such a module (a 405 for the methods it lacks) and logs these in
    # development; so does routekit, and `routekit routes --check` reports a module without
    # any method.
    for problem in app_route_export_problems(module, relfile):
        logger.warning(problem)
    return app_route_methods(module)


def _no_methods(loaded: LoadedRoute) -> ModuleDefinitionError:
    namespace = vars(loaded.module)
    lowercase = [name.lower() for name in HTTP_METHODS if callable(namespace.get(name.lower()))]
    if lowercase:
        hint = f"rename {lowercase[0]} to {lowercase[0].upper()}: app route exports are named "
        hint += "by the uppercase method."
    elif callable(namespace.get("handler")):
        hint = "handler(req, res) is the pages router's convention; an app route defines "
        hint += "GET(request), POST(request)..."
    else:
        hint = "define e.g. def GET(request): ... returning a Response."
    return ModuleDefinitionError(
        "exports no HTTP method, so every request is answered 405 Method Not Allowed",
        loaded.route.relfile,
        hint=hint,
    )


# -- process-wide registry ---------------------------------------------------------------------


def get_loader(root: str | os.PathLike[str], settings: Settings | None = None) -> Loader:
    """The process-wide :class:`Loader` of *root*, created on first use.

    The app, the test client and :func:`load_handler` share it, so they run the same
    module objects.
    """
    key = Path(root).resolve()
    with _lock:
        loader = _loaders.get(key)
        if loader is None:
            loader = _loaders[key] = Loader(key, settings)
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
