"""Validation of a route module's ``config`` and segment config exports.

A pages route's ``config = {"api": {"bodyParser": {"sizeLimit": "500kb"}}}`` becomes a
:class:`~routekit.config.PagesConfig`; an app route's module-level ``dynamic``,
``revalidate``, ``runtime``... become an :class:`~routekit.config.AppRouteConfig`.

Keys are accepted in Next.js' camelCase and in snake_case (``bodyParser`` or
``body_parser``); giving both spellings of one key is an error. Next.js ignores unknown keys
and silently misreads bad values; routekit rejects both with a :class:`ConfigError` naming the
file, the key path, the value and the valid choices, because a typo in ``sizeLimit`` would
otherwise only show up as a 413 in production.
"""

from __future__ import annotations

import difflib
import json
import re
import reprlib
import typing as t
import warnings
from collections.abc import Mapping, Sequence

from .._js.sizes import parse_size
from ..config import (
    DEFAULT_RESPONSE_LIMIT,
    DEFAULT_SIZE_LIMIT,
    AppRouteConfig,
    PagesConfig,
    SizeLimit,
)
from ..errors import ConfigError

__all__ = [
    "APP_EXPORTS",
    "EDGE_KEYS",
    "IGNORED_KEYS",
    "PAGES_KEYS",
    "parse_app_config",
    "parse_pages_config",
]

#: Top-level ``config`` keys of a pages API route.
PAGES_KEYS = ("api", "runtime", "maxDuration", "regions")
#: Top-level ``config`` keys of an edge API route (``runtime: "edge"``): Next.js has no body
#: parser or response helpers there, so ``api`` does not apply.
EDGE_KEYS = ("runtime", "regions", "maxDuration", "unstable_allowDynamic", "bodySizeLimit")
#: Segment config exports of an app route (``app/**/route.py``).
APP_EXPORTS = (
    "dynamic",
    "revalidate",
    "fetchCache",
    "dynamicParams",
    "runtime",
    "preferredRegion",
    "maxDuration",
    # routekit's own: the body limit of this route (Next.js route handlers have none).
    "bodySizeLimit",
)
#: Keys Next.js accepts that routekit validates and then ignores: they are deployment hints
#: (Vercel regions and timeouts, edge bundling) or only act on ``fetch()`` caching, which
#: routekit does not have.
IGNORED_KEYS = (
    "maxDuration",
    "regions",
    "preferredRegion",
    "unstable_allowDynamic",
    "fetchCache",
)

_DEFAULT_SIZE_TEXT = "1mb"
_API_KEYS = ("bodyParser", "responseLimit", "externalResolver")
_BODY_PARSER_KEYS = ("sizeLimit",)
_RUNTIMES = ("nodejs", "edge", "experimental-edge")
_DYNAMIC = ("auto", "force-dynamic", "force-static", "error")
_FETCH_CACHE = (
    "auto",
    "default-cache",
    "only-cache",
    "force-cache",
    "force-no-store",
    "default-no-store",
    "only-no-store",
)
_SIZE_FIX = (
    "use a number of bytes (an int such as 500000) or a string with a unit b, kb, mb, gb, tb "
    'or pb, like "500kb" or "4mb" (1mb = 1048576 bytes).'
)
_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")
_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60


def _snake(name: str) -> str:
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


class _Where:
    """Renders the key path of a value for messages: ``config["api"]["bodyParser"]``."""

    def __init__(self, relfile: str, base: str, keys: tuple[str, ...] = ()) -> None:
        self.relfile = relfile
        self.base = base
        self.keys = keys

    def child(self, key: str) -> _Where:
        return _Where(self.relfile, self.base, (*self.keys, key))

    @property
    def path(self) -> str:
        return self.base + "".join(f"[{json.dumps(key)}]" for key in self.keys)

    @property
    def dotted(self) -> str:
        return ".".join(self.keys) if self.keys else self.base

    def bad_value(
        self, value: object, problem: str, fix: str, close: str | None = None
    ) -> ConfigError:
        text = f"{self.path} = {_repr.repr(value)} {problem}"
        if close is not None:
            text += f"; did you mean {json.dumps(close)}?"
        return ConfigError(text, self.relfile, key=self.dotted, value=value, hint=fix)

    def one_of(self, value: object, choices: Sequence[str]) -> ConfigError:
        close = None
        if isinstance(value, str):
            found = difflib.get_close_matches(value, choices, n=1)
            close = found[0] if found else None
        listed = ", ".join(json.dumps(choice) for choice in choices)
        return self.bad_value(value, "is not a valid value", f"use one of {listed}.", close)


def _pick(
    mapping: Mapping[object, object], valid: Sequence[str], where: _Where
) -> dict[str, object]:
    """The entries of *mapping*, keyed by their camelCase name; rejects unknown and doubled keys."""
    spellings = {name: name for name in valid} | {_snake(name): name for name in valid}
    found: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or key not in spellings:
            raise _unknown_key(key, value, valid, spellings, where)
        name = spellings[key]
        if name in spelled:
            raise ConfigError(
                f"{where.child(spelled[name]).path} and {where.child(key).path} are two "
                "spellings of the same key",
                where.relfile,
                key=where.child(key).dotted,
                value=value,
                hint="keep one of them.",
            )
        spelled[name] = key
        found[name] = value
    return found


def _unknown_key(
    key: object,
    value: object,
    valid: Sequence[str],
    spellings: Mapping[str, str],
    where: _Where,
) -> ConfigError:
    if isinstance(key, str):
        shown = where.child(key)
        text = f"unknown key {shown.path} = {_repr.repr(value)}"
        close = difflib.get_close_matches(key, list(spellings), n=1)
        if close:
            text += f"; did you mean {json.dumps(close[0])}?"
    else:
        shown = where
        text = f"{where.path} has a key that is not a string: {key!r}"
    listed = ", ".join(json.dumps(name) for name in valid)
    snake = [_snake(name) for name in valid if _snake(name) != name]
    fix = f"the valid keys of {where.path} are {listed}"
    if snake:
        fix += f" (snake_case spellings such as {snake[0]!r} are accepted too)"
    return ConfigError(text, where.relfile, key=shown.dotted, value=value, hint=fix + ".")


def parse_pages_config(config: object, relfile: str) -> PagesConfig:
    """Validate a pages API route's ``config`` (``None`` when the module defines none).

    ``runtime: "edge"`` makes the route an edge handler, whose config takes only
    :data:`EDGE_KEYS`. ``runtime: "experimental-edge"`` is read as ``"edge"`` with a
    :class:`FutureWarning`, as Next.js warns.

    :raises ConfigError: for an unknown key, a key spelled twice or a bad value.
    """
    if config is None:
        return PagesConfig()
    where = _Where(relfile, "config")
    if not isinstance(config, Mapping):
        raise where.bad_value(
            config,
            "is not a dict",
            'write it as a dict, e.g. config = {"api": {"bodyParser": False}}.',
        )
    runtime = _runtime(config.get("runtime", "nodejs"), where.child("runtime"))
    if runtime == "edge" and "api" in config:
        raise ConfigError(
            f'{where.child("api").path} does not apply to an edge route (runtime "edge")',
            relfile,
            key="api",
            value=config["api"],
            hint="an edge handler reads the body from its Request itself: remove the api "
            'options, or drop runtime "edge" to get the pages body parser.',
        )
    found = _pick(config, EDGE_KEYS if runtime == "edge" else PAGES_KEYS, where)
    if "maxDuration" in found:
        _seconds(found["maxDuration"], where.child("maxDuration"))
    for key in ("regions", "unstable_allowDynamic"):
        if key in found:
            _strings(found[key], where.child(key))
    if runtime == "edge":
        limit = None
        if "bodySizeLimit" in found:
            limit = _body_size_limit(found["bodySizeLimit"], where.child("bodySizeLimit"))
        return PagesConfig(runtime="edge", body_size_limit=limit)
    api = found.get("api", {})
    if not isinstance(api, Mapping):
        raise where.child("api").bad_value(
            api, "is not a dict", 'write it as a dict, e.g. {"bodyParser": False}.'
        )
    return _parse_api(api, where.child("api"))


def _parse_api(api: Mapping[object, object], where: _Where) -> PagesConfig:
    found = _pick(api, _API_KEYS, where)
    body_parser = True
    size_limit, size_text = DEFAULT_SIZE_LIMIT, _DEFAULT_SIZE_TEXT
    parser = found.get("bodyParser", True)
    if parser is False:
        body_parser = False
    elif isinstance(parser, Mapping):
        options = _pick(parser, _BODY_PARSER_KEYS, where.child("bodyParser"))
        if "sizeLimit" in options:
            size_limit, size_text = _size_limit(
                options["sizeLimit"], where.child("bodyParser").child("sizeLimit")
            )
    elif parser is not True:
        raise where.child("bodyParser").bad_value(
            parser,
            "is not a valid body parser setting",
            'use False (leave the body unread), True, or a dict like {"sizeLimit": "1mb"}.',
        )
    response_limit = _response_limit(found.get("responseLimit", True), where.child("responseLimit"))
    external = found.get("externalResolver", False)
    if not isinstance(external, bool):
        raise where.child("externalResolver").bad_value(
            external, "is not a bool", "use True or False."
        )
    return PagesConfig(
        body_parser=body_parser,
        size_limit=size_limit,
        size_limit_text=size_text,
        response_limit=response_limit,
        external_resolver=external,
    )


def _size_limit(value: object, where: _Where) -> tuple[int, str]:
    """The limit in bytes and as written (echoed in ``413 Body exceeded <text> limit``)."""
    if not isinstance(value, bool) and value in (0, ""):
        # Next.js: `sizeLimit || '1mb'`, so 0 and "" fall back to the default.
        return DEFAULT_SIZE_LIMIT, _DEFAULT_SIZE_TEXT
    size = _body_size_limit(value, where).size
    return size, value if isinstance(value, str) else str(value)


def _body_size_limit(value: object, where: _Where) -> SizeLimit:
    """A route's ``bodySizeLimit`` / ``body_size_limit``: bytes as an int, or ``"10mb"``."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise where.bad_value(value, "is not a size", _SIZE_FIX)
    try:
        size = parse_size(value)
    except ValueError:
        raise where.bad_value(value, "is not a valid size", _SIZE_FIX) from None
    return SizeLimit(size, value if isinstance(value, str) else f"{value}b")


def _response_limit(value: object, where: _Where) -> int | None:
    if value is True:
        return DEFAULT_RESPONSE_LIMIT
    if value is False or value == 0 or value == "":
        return None
    if not isinstance(value, (str, int)):
        raise where.bad_value(
            value, "is not a valid response limit", "use False (no warning), True (4mb) or a size."
        )
    try:
        return parse_size(value)
    except ValueError:
        raise where.bad_value(value, "is not a valid size", _SIZE_FIX) from None


def _runtime(value: object, where: _Where) -> t.Literal["nodejs", "edge"]:
    if value not in _RUNTIMES or not isinstance(value, str):
        raise where.one_of(value, _RUNTIMES[:2])
    if value == "experimental-edge":
        warnings.warn(
            f"{where.relfile} provided runtime 'experimental-edge'. "
            "It can be updated to 'edge' instead.",
            FutureWarning,
            stacklevel=2,
        )
        return "edge"
    return "edge" if value == "edge" else "nodejs"


def _seconds(value: object, where: _Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise where.bad_value(value, "is not a number of seconds", "use an int >= 0, e.g. 30.")
    return value


def _strings(value: object, where: _Where) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return
    raise where.bad_value(
        value, "is not a string or a list of strings", 'use e.g. "iad1" or ["iad1", "sfo1"].'
    )


def parse_app_config(namespace: Mapping[str, object], relfile: str) -> AppRouteConfig:
    """Validate an app route's segment config exports, read from the module's *namespace*.

    Exports other than :data:`APP_EXPORTS` are the module's own business and left alone.

    :raises ConfigError: for a bad value, an export spelled twice, or a pages-style
        ``config`` dict (Next.js rejects ``export const config`` in the app router too).
    """
    found: dict[str, object] = {}
    for name in APP_EXPORTS:
        present = [key for key in dict.fromkeys((name, _snake(name))) if key in namespace]
        if len(present) == 2:
            raise ConfigError(
                f"{present[0]} and {present[1]} are two spellings of the same segment config",
                relfile,
                key=present[1],
                value=namespace[present[1]],
                hint="keep one of them.",
            )
        if present:
            found[name] = namespace[present[0]]
    _reject_pages_config(namespace.get("config"), relfile)

    def at(name: str) -> _Where:
        return _Where(relfile, name if name in namespace else _snake(name))

    dynamic = found.get("dynamic", "auto")
    if dynamic not in _DYNAMIC or not isinstance(dynamic, str):
        raise at("dynamic").one_of(dynamic, _DYNAMIC)
    revalidate = found.get("revalidate")
    if (
        revalidate is not None
        and revalidate is not False
        and (isinstance(revalidate, bool) or not isinstance(revalidate, int) or revalidate < 0)
    ):
        # Next.js: "Invalid revalidate value ... must be a non-negative number or false".
        raise at("revalidate").bad_value(
            revalidate,
            "is not a valid revalidate value",
            "use a non-negative int (seconds) or False.",
        )
    fetch_cache = found.get("fetchCache", "auto")
    if fetch_cache not in _FETCH_CACHE or not isinstance(fetch_cache, str):
        raise at("fetchCache").one_of(fetch_cache, _FETCH_CACHE)
    if "dynamicParams" in found and not isinstance(found["dynamicParams"], bool):
        raise at("dynamicParams").bad_value(
            found["dynamicParams"], "is not a bool", "use True or False."
        )
    if "preferredRegion" in found:
        _strings(found["preferredRegion"], at("preferredRegion"))
    if "maxDuration" in found:
        _seconds(found["maxDuration"], at("maxDuration"))
    runtime = _runtime(found.get("runtime", "nodejs"), at("runtime"))
    limit = None
    if "bodySizeLimit" in found:
        limit = _body_size_limit(found["bodySizeLimit"], at("bodySizeLimit"))
    return AppRouteConfig(
        dynamic=t.cast("t.Literal['auto', 'force-dynamic', 'force-static', 'error']", dynamic),
        revalidate=revalidate,
        runtime=runtime,
        body_size_limit=limit,
        dynamic_params=t.cast("bool", found.get("dynamicParams", True)),
    )


_PAGES_ONLY = frozenset({"api", "runtime", "regions", "maxDuration", "unstable_allowDynamic"})


def _reject_pages_config(config: object, relfile: str) -> None:
    # Only a dict that looks like Next.js' page config: `config` is a common helper name.
    if not isinstance(config, Mapping) or not any(key in _PAGES_ONLY for key in config):
        return
    exports = [
        f"{key} = {value!r}"
        for key, value in config.items()
        if isinstance(key, str) and key in APP_EXPORTS
    ]
    raise ConfigError(
        "an app route takes segment config exports, not a pages-style config dict",
        relfile,
        key="config",
        value=config,
        hint="replace config = {...} with module-level names"
        + (f": {'; '.join(exports)}." if exports else ', e.g. runtime = "edge".'),
    )
