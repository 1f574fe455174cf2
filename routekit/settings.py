"""Project settings: ``[tool.routekit]`` in ``pyproject.toml``, or a ``routekit.toml``.

Keys are accepted in snake_case (``page_extensions``) and in Next.js' camelCase
(``pageExtensions``); ``App(...)`` keyword arguments override the file. Everything is
validated when the app starts, so a typo fails loudly instead of being ignored.
"""

from __future__ import annotations

import difflib
import math
import sys
import typing as t
from dataclasses import dataclass, field, replace
from pathlib import Path

from ._js.sizes import parse_size
from .config import DEFAULT_BODY_LIMIT, SizeLimit
from .errors import SettingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """The validated project settings.

    :param page_extensions: the file endings that make a file a route, without the leading
        dot, longest tried first. ``("api.py",)`` makes only ``*.api.py`` files routes, so
        helper modules can sit beside them.
    :param blitz_app_api: also read Blitz's ``app/api/**`` and ``app/<feature>/api/**``
        folders as pages API routes (``app/products/api/list.py`` serves ``/api/list``).
    :param external_resolver_timeout: seconds a route with ``externalResolver`` may take to
        call ``res.end()`` from another thread before routekit gives up on it.
    :param middleware: run the root ``middleware.py`` (``False`` skips it, e.g. in tests).
    :param required_env: environment variables that must be set when serving in production.
    :param body_size_limit: the most body bytes an app route, an edge handler or the
        middleware accepts (``"10mb"``); a route's own ``body_size_limit`` wins. Over it the
        answer is ``413 Body exceeded <limit> limit``.
    :param trust_proxy_headers: keep the ``x-forwarded-for``/``-host``/``-port``/``-proto``
        request headers a client or proxy sent, as Next.js does (and read ``https`` from
        ``x-forwarded-proto``); ``False`` replaces them with what the connection says.
        Set it to ``False`` unless a proxy you run sets (or strips) them.
    :param cache_handler: where cached route-handler responses live (Next.js'
        ``cacheHandler``): ``"file"`` (the default: files under *cache_dir*, shared by every
        worker of the machine), ``"memory"`` (one process), a ``redis://`` URL (several
        machines; ``pip install 'routekit[redis]'``) or ``"package.module:name"``. Under the
        test client (mode ``"test"``) ``"file"`` becomes ``"memory"``.
    :param cache_dir: the file handler's folder, relative to the project root.
    :param expire_time: Next.js' ``expireTime``: seconds a revalidating entry may be served
        stale (the ``stale-while-revalidate=`` of its ``Cache-Control`` is this minus
        ``revalidate``).
    :param source: where the settings were read from (a file, or ``None`` for defaults).
    """

    page_extensions: tuple[str, ...] = ("py",)
    blitz_app_api: bool = False
    external_resolver_timeout: float = 30.0
    middleware: bool = True
    required_env: tuple[str, ...] = ()
    body_size_limit: SizeLimit = DEFAULT_BODY_LIMIT
    trust_proxy_headers: bool = True
    cache_handler: str = "file"
    cache_dir: str = ".routekit/cache"
    expire_time: int = 31536000
    source: str | None = field(default=None, compare=False)


#: Every accepted spelling, mapped to the field it sets.
_SPELLINGS: dict[str, str] = {
    "page_extensions": "page_extensions",
    "pageExtensions": "page_extensions",
    "blitz_app_api": "blitz_app_api",
    "blitzAppApi": "blitz_app_api",
    "external_resolver_timeout": "external_resolver_timeout",
    "externalResolverTimeout": "external_resolver_timeout",
    "middleware": "middleware",
    "required_env": "required_env",
    "requiredEnv": "required_env",
    "body_size_limit": "body_size_limit",
    "bodySizeLimit": "body_size_limit",
    "trust_proxy_headers": "trust_proxy_headers",
    "trustProxyHeaders": "trust_proxy_headers",
    "cache_handler": "cache_handler",
    "cacheHandler": "cache_handler",
    "cache_dir": "cache_dir",
    "cacheDir": "cache_dir",
    "expire_time": "expire_time",
    "expireTime": "expire_time",
}
_OVERRIDES_SOURCE = "App(...) keyword arguments"


def load_settings(root: Path, **overrides: t.Any) -> Settings:
    """Read and validate the settings of the project at *root*.

    The file is ``[tool.routekit]`` in ``<root>/pyproject.toml`` or the top level of
    ``<root>/routekit.toml``; defining both is an error. *overrides* (the same keys, e.g.
    ``page_extensions=["api.py"]``) win over the file; an override of ``None`` means "not
    given".

    :raises SettingsError: for an unreadable file, an unknown key, a key spelled twice or a
        value of the wrong type; the message names the file and the key.
    """
    raw, source = _read_file(Path(root))
    settings = Settings(source=source)
    if raw:
        settings = replace(settings, **_validate(raw, source or ""))
    given = {key: value for key, value in overrides.items() if value is not None}
    if given:
        settings = replace(settings, **_validate(given, _OVERRIDES_SOURCE))
    return settings


def _read_file(root: Path) -> tuple[dict[str, t.Any], str | None]:
    pyproject = root / "pyproject.toml"
    standalone = root / "routekit.toml"
    from_pyproject: dict[str, t.Any] | None = None
    if pyproject.is_file():
        tool = _load_toml(pyproject).get("tool", {})
        if isinstance(tool, dict) and "routekit" in tool:
            from_pyproject = tool["routekit"]
            if not isinstance(from_pyproject, dict):
                raise SettingsError(
                    "[tool.routekit] must be a table of settings, e.g. "
                    '[tool.routekit] then page_extensions = ["py"] on the next line.',
                    str(pyproject),
                )
    if standalone.is_file():
        if from_pyproject is not None:
            raise SettingsError(
                f"routekit settings are defined twice, in {pyproject} ([tool.routekit]) and in "
                f"{standalone}; keep one of them.",
                str(standalone),
            )
        return _load_toml(standalone), str(standalone)
    if from_pyproject is not None:
        return from_pyproject, f"{pyproject} [tool.routekit]"
    return {}, None


def _load_toml(path: Path) -> dict[str, t.Any]:
    try:
        with path.open("rb") as fp:
            data: dict[str, t.Any] = tomllib.load(fp)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"invalid TOML: {exc}", str(path)) from None
    except OSError as exc:
        raise SettingsError(f"cannot read the file: {exc.strerror}", str(path)) from None


def _validate(raw: dict[str, t.Any], source: str) -> dict[str, t.Any]:
    values: dict[str, t.Any] = {}
    spelled: dict[str, str] = {}
    for key, value in raw.items():
        name = _SPELLINGS.get(key)
        if name is None:
            raise SettingsError(_unknown_key_message(key), source)
        if name in spelled:
            raise SettingsError(
                f"{spelled[name]!r} and {key!r} are two spellings of the same setting; "
                "keep one of them.",
                source,
            )
        spelled[name] = key
        values[name] = _CHECKS[name](key, value, source)
    return values


def _unknown_key_message(key: str) -> str:
    valid = sorted(set(_SPELLINGS.values()))
    text = f"unknown setting {key!r}."
    close = difflib.get_close_matches(key, list(_SPELLINGS), n=1)
    if close:
        text += f" Did you mean {close[0]!r}?"
    return text + f" Valid settings: {', '.join(valid)} (camelCase spellings are accepted too)."


def _check_extensions(key: str, value: object, source: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise SettingsError(
            f'{key} must be a non-empty list of strings, e.g. ["py"] or ["api.py"]; got {value!r}.',
            source,
        )
    _check_entries(key, value, source)
    for ext in value:
        if ext.startswith("."):
            raise SettingsError(
                f"{key} entries are written without the leading dot: use {ext[1:]!r}, not {ext!r}.",
                source,
            )
        if ext != "py" and not ext.endswith(".py"):
            raise SettingsError(
                f"routes are Python modules, so every {key} entry must be 'py' or end in "
                f"'.py' (like 'api.py'); got {ext!r}.",
                source,
            )
    # Longest first: "api.py" must be tried before "py" (Next.js' compound extensions).
    return tuple(sorted(dict.fromkeys(value), key=len, reverse=True))


def _check_bool(key: str, value: object, source: str) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{key} must be true or false; got {value!r}.", source)
    return value


def _check_timeout(key: str, value: object, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{key} must be a number of seconds, e.g. 30; got {value!r}.", source)
    if math.isnan(value) or value <= 0:
        raise SettingsError(f"{key} must be a positive number of seconds; got {value!r}.", source)
    return float(value)


def _check_names(key: str, value: object, source: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise SettingsError(
            f'{key} must be a list of environment variable names, e.g. ["SECRET_KEY"]; '
            f"got {value!r}.",
            source,
        )
    _check_entries(key, value, source)
    return tuple(value)


def _check_entries(key: str, value: list[object] | tuple[object, ...], source: str) -> None:
    for entry in value:
        if not isinstance(entry, str) or not entry:
            raise SettingsError(
                f"{key} entries must be non-empty strings; got {entry!r} in {list(value)!r}.",
                source,
            )


def _check_size(key: str, value: object, source: str) -> SizeLimit:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise SettingsError(
            f'{key} must be a number of bytes or a size like "10mb"; got {value!r}.', source
        )
    try:
        size = parse_size(value)
    except ValueError as exc:
        raise SettingsError(f"{key}: {exc}.", source) from None
    return SizeLimit(size, value if isinstance(value, str) else f"{value}b")


def _check_text(key: str, value: object, source: str) -> str:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{key} must be a non-empty string; got {value!r}.", source)
    return value


def _check_seconds(key: str, value: object, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SettingsError(
            f"{key} must be a positive whole number of seconds, e.g. 31536000; got {value!r}.",
            source,
        )
    return value


_CHECKS: dict[str, t.Callable[[str, object, str], t.Any]] = {
    "page_extensions": _check_extensions,
    "blitz_app_api": _check_bool,
    "external_resolver_timeout": _check_timeout,
    "middleware": _check_bool,
    "required_env": _check_names,
    "body_size_limit": _check_size,
    "trust_proxy_headers": _check_bool,
    "cache_handler": _check_text,
    "cache_dir": _check_text,
    "expire_time": _check_seconds,
}
