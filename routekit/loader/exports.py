"""Validating a route module's exports: the step from an imported module to a typed route.

A pages file must define ``handler(req, res)`` (``handler(request)`` with ``runtime:
"edge"``), an app route one function per HTTP method; their ``config`` and segment config
exports are validated by :mod:`._config_parse`. Messages name the file, say what was found
and how to fix it (a misspelt ``handler``, app-route exports in a pages file...).
"""

from __future__ import annotations

import difflib
import inspect
import logging
import types
import typing as t

from .._aio import arity
from ..errors import ModuleDefinitionError
from ..web.dispatch import HTTP_METHODS
from ._config_parse import parse_app_config, parse_pages_config
from .routes import AppRoute, EdgeRoute, LoadedRoute, PagesRoute

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from ..routing.route import Route

__all__ = ["app_route_export_problems", "app_route_methods", "no_methods_error", "validate"]

logger = logging.getLogger("routekit")


def validate(route: Route, module: types.ModuleType) -> LoadedRoute:
    """The typed route of *module*, the imported file of *route*, once its exports check out.

    :raises ModuleDefinitionError: a missing or unusable ``handler`` or method export.
    :raises ConfigError: a bad ``config`` or segment config export.
    """
    namespace = vars(module)
    if route.kind == "app":
        methods = _app_route_methods(module, route.relfile)
        return AppRoute(route, module, parse_app_config(namespace, route.relfile), methods)
    raw = namespace.get("config")
    # `import config` (a settings module) is a common Python idiom, not a page config.
    config = parse_pages_config(None if isinstance(raw, types.ModuleType) else raw, route.relfile)
    if config.runtime == "edge":
        return EdgeRoute(route, module, config, _handler(namespace, route.relfile, edge=True))
    return PagesRoute(route, module, config, _handler(namespace, route.relfile, edge=False))


def _handler(namespace: dict[str, t.Any], relfile: str, *, edge: bool) -> t.Callable[..., t.Any]:
    if edge:
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
    shape = arity(handler)  # None: no signature (some builtins), the call decides
    if shape is not None and not shape.accepts(1 if edge else 2):
        raise ModuleDefinitionError(
            f"handler{inspect.signature(handler)} cannot be called as {call}. {duty}", relfile
        )
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


def no_methods_error(loaded: AppRoute) -> ModuleDefinitionError:
    """The ``routekit routes --check`` problem of an app route that exports no method."""
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


def app_route_methods(module: types.ModuleType) -> dict[str, Callable[..., t.Any]]:
    """The HTTP methods *module* exports: module-level callables named exactly ``GET``...

    Automatic ``HEAD``/``OPTIONS`` are not included.
    """
    found: dict[str, Callable[..., t.Any]] = {}
    for method in HTTP_METHODS:
        value = getattr(module, method, None)
        if callable(value):
            found[method] = value
    return found


def app_route_export_problems(module: types.ModuleType, relfile: str) -> list[str]:
    """Next.js' development hints about *module*'s exports, empty when all is well.

    Lower-case method names and a ``handler``/``default`` function are ignored by the router
    (those methods answer 405), so they are reported rather than rejected.
    """
    problems: list[str] = []
    for name in ("default", "handler"):
        if callable(getattr(module, name, None)):
            problems.append(
                f"Detected default export in '{relfile}'. Export a named export for each "
                f"HTTP method instead. (found `{name}`)"
            )
    for method in HTTP_METHODS:
        if callable(getattr(module, method.lower(), None)):
            problems.append(
                f"Detected lowercase method '{method.lower()}' in '{relfile}'. Export the "
                f"uppercase '{method}' method name to fix this error."
            )
    if not app_route_methods(module):
        problems.append(
            f"No HTTP methods exported in '{relfile}'. Export a named export for each HTTP method."
        )
    return problems
