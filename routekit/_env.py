"""``.env`` files, loaded into ``os.environ`` the way Next.js' ``@next/env`` loads them.

Files, highest priority first: ``.env.<mode>.local``, ``.env.local`` (not in test mode, so
tests give everyone the same results), ``.env.<mode>``, ``.env``. A variable already in the
environment is never overwritten, and the first file defining a variable wins.

python-dotenv parses the files; the ``$VAR`` expansion is ours because Next.js'
``dotenv-expand`` (v10) also expands bare ``$VAR`` where python-dotenv only knows ``${VAR}``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

from dotenv import dotenv_values

from .errors import SettingsError

__all__ = ["env_files", "load_env"]

logger = logging.getLogger("routekit")

_MODES = ("development", "production", "test")

#: ``$VAR``, ``${VAR}``, ``${VAR:-default}``; a backslash before ``$`` keeps it literal.
_REFERENCE = re.compile(
    r"(\\)?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)

_lock = threading.Lock()
#: The variables this process set from ``.env`` files, with the value set. Only these may be
#: replaced by a development reload; everything else in the environment was there first.
_loaded: dict[str, str] = {}


def env_files(root: str | os.PathLike[str], mode: str) -> list[Path]:
    """The ``.env`` files of *mode*, highest priority first, whether they exist or not.

    The development reloader watches them all, so creating ``.env.local`` is noticed too.
    """
    _check_mode(mode)
    names = [f".env.{mode}.local", ".env.local", f".env.{mode}", ".env"]
    if mode == "test":
        names.remove(".env.local")
    return [Path(root) / name for name in names]


def load_env(
    root: str | os.PathLike[str], mode: str, *, override_loaded: bool = False
) -> dict[str, str]:
    """Load *root*'s ``.env`` files into ``os.environ`` and return the variables set.

    :param mode: ``development``, ``production`` or ``test``: which files are read.
    :param override_loaded: forget the variables an earlier call set first, so edited
        files take effect (the development reload); the rest of the environment is kept.
    :raises SettingsError: for an unknown *mode*.
    """
    files = env_files(root, mode)
    with _lock:
        if override_loaded:
            for key, value in _loaded.items():
                # A value the application changed since is its own now: leave it.
                if os.environ.get(key) == value:
                    del os.environ[key]
            _loaded.clear()
        loaded: dict[str, str] = {}
        for path in files:
            if not path.is_file():
                continue
            try:
                parsed = dotenv_values(path, interpolate=False)
            except (OSError, UnicodeDecodeError) as exc:
                # Next.js logs the failure and goes on with the other files.
                logger.error("Failed to load env from %s: %s", path, exc)
                continue
            values = {key: value for key, value in parsed.items() if value is not None}
            for key, value in values.items():
                if key in os.environ:
                    continue
                expanded = _expand(value, values, frozenset({key}))
                os.environ[key] = expanded
                loaded[key] = expanded
            logger.info("Loaded env from %s", path)
        _loaded.update(loaded)
        return loaded


def _expand(value: str, values: dict[str, str], expanding: frozenset[str]) -> str:
    """dotenv-expand v10: the environment wins over the file; unknown names expand to ``""``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)[1:]
        name = match.group(2) or match.group(4)
        default = match.group(3)
        if name in os.environ:
            return os.environ[name]
        found = ""
        if name in values and name not in expanding:
            found = _expand(values[name], values, expanding | {name})
        if not found and default is not None:
            return default
        return found

    return _REFERENCE.sub(replace, value)


def _check_mode(mode: str) -> None:
    if mode not in _MODES:
        raise SettingsError(f"mode must be one of {', '.join(_MODES)}; got {mode!r}.", "load_env")
