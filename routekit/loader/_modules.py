"""``sys.modules`` and ``sys.path`` bookkeeping for the loader, across project roots.

Route modules get a dotted name when every part of their path is an identifier
(:func:`identifier_name`), and their parent folders become packages
(:func:`ensure_package`). When one process serves several roots (the test suites of several
example projects), the root that imports takes over the top-level names its folder has:
:func:`activate` sets the other roots' modules of those names aside in per-root stashes and
puts the root's own back, and :func:`isolated` keeps the other roots off ``sys.path`` while
a route file imports.

The registries themselves (the lock, the set of roots, the stashes) belong to
:mod:`routekit.loader` and are passed in, so resetting them there resets everything.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import keyword
import os
import sys
import typing as t

from ..errors import RouteImportError

if t.TYPE_CHECKING:
    import threading
    import types
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "Stashes",
    "activate",
    "ensure_package",
    "escape_part",
    "has_folder",
    "identifier_name",
    "isolated",
    "owners",
    "same_file",
    "unregister",
]

#: Per root, its top-level helper modules set aside while another root owns the names.
Stashes: t.TypeAlias = "dict[str, dict[str, types.ModuleType]]"


def same_file(module: types.ModuleType, path: Path) -> bool:
    """Whether *module* was loaded from *path* (a resolved path)."""
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and os.path.realpath(file) == str(path)


def has_folder(module: types.ModuleType, folder: Path) -> bool:
    """Whether the package *module* searches *folder* for its submodules."""
    paths = getattr(module, "__path__", None)
    if paths is None:
        return False
    target = os.path.realpath(folder)
    return any(isinstance(p, str) and os.path.realpath(p) == target for p in list(paths))


def unregister(name: str, module: types.ModuleType) -> None:
    """Drop *module* from ``sys.modules`` and from its parent package's attributes."""
    del sys.modules[name]
    parent, _, leaf = name.rpartition(".")
    parent_module = sys.modules.get(parent)
    if parent_module is not None and getattr(parent_module, leaf, None) is module:
        delattr(parent_module, leaf)


def identifier_name(relfile: str) -> str | None:
    """``pages.api.hello`` for ``pages/api/hello.py``; ``None`` when a part is no identifier."""
    parts = relfile.removesuffix(".py").split("/")
    if all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        return ".".join(parts)
    return None


def escape_part(part: str) -> str:
    """*part* of a file path as an identifier, for a synthetic module name."""
    # Reversible, so `send-email` and `send_email` never share a module name.
    return "".join(
        ch if ch.isascii() and ch.isalnum() else "__" if ch == "_" else f"_{ord(ch):x}_"
        for ch in part
    )


def ensure_package(name: str, folder: Path, root: Path, lock: threading.RLock) -> bool:
    """Make the package *name* importable from *folder*; False if the name is taken elsewhere.

    A folder without ``__init__.py`` becomes a namespace-like package of our own.

    :raises RouteImportError: the folder's ``__init__.py`` raised while importing.
    """
    with lock:
        module = sys.modules.get(name)
        if module is not None:
            return has_folder(module, folder)
        if not (folder / "__init__.py").is_file():
            if folder.with_name(folder.name + ".py").is_file():
                return False  # `app.py` beside `app/`: Python imports the module, so do we
            # A namespace-like parent of our own: a normal import could pick another
            # `pages` package that sits earlier on sys.path.
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(folder)]
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            parent, _, leaf = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], leaf, module)
            return True
    try:
        module = importlib.import_module(name)
    except Exception as exc:
        relfile = (folder / "__init__.py").relative_to(root).as_posix()
        raise RouteImportError(relfile, exc) from exc
    return has_folder(module, folder)


@contextlib.contextmanager
def isolated(root: str, roots: set[str], stashes: Stashes, lock: threading.RLock) -> Iterator[None]:
    """Make *root*'s modules the ones ``import`` finds while a route file imports."""
    with lock:
        if root not in sys.path:
            sys.path.insert(0, root)
        alone = len(roots) == 1
    if alone:
        # One root (the usual case): plain Python semantics, no lock held while importing.
        yield
        return
    # Several roots share sys.modules: serialise their imports.
    with lock:
        activate(root, roots, stashes)
        saved = list(sys.path)
        # Another root's regular `lib` package would beat this root's namespace `lib/`.
        sys.path[:] = [p for p in saved if p == root or p not in roots]
        try:
            yield
        finally:
            sys.path[:] = saved + [p for p in sys.path if p not in saved]


def owners(name: str, module: object, roots: set[str]) -> set[str]:
    """The *roots* that *module* is a top-level helper of (``<root>/lib/data.py``)."""
    top = name.partition(".")[0]
    found: set[str] = set()
    for location in _locations(module):
        for root in roots:
            base = os.path.join(root, top)
            if location == base or location.startswith((base + os.sep, base + ".")):
                found.add(root)
    return found


def activate(root: str, roots: set[str], stashes: Stashes) -> None:
    """Set aside other roots' modules whose top-level name *root* also has; restore its own.

    *root* then owns the names (the last root that imported wins, which is what a test
    session running one project's tests after another's needs). The caller holds the lock.
    """
    if sys.path[:1] != [root]:
        with contextlib.suppress(ValueError):
            sys.path.remove(root)
        sys.path.insert(0, root)
    try:
        entries = set(os.listdir(root))
    except OSError:
        entries = set()
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        if top not in entries and f"{top}.py" not in entries:
            continue
        claimed = owners(name, module, roots)
        if claimed and root not in claimed:
            del sys.modules[name]
            for owner in claimed:
                stashes.setdefault(owner, {})[name] = module
    for name, module in stashes.pop(root, {}).items():
        sys.modules.setdefault(name, module)


def _locations(module: object) -> list[str]:
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        return [file]
    paths = getattr(module, "__path__", None)
    if paths is None:
        return []
    try:
        return [p for p in list(paths) if isinstance(p, str)]
    except Exception:  # a foreign __path__ that cannot be listed
        return []
