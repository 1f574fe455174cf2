from __future__ import annotations
import __future__

import importlib
import inspect
import types

import pytest

import routekit_pytest

PACKAGES = [
    "routekit",
    "routekit_pytest",
    "routekit.connect",
    "routekit.errors",
    "routekit.loader",
    "routekit.routing",
    "routekit.web",
]


def _public(module: types.ModuleType) -> set[str]:
    """Names a user can reach that are neither private, modules nor ``__future__`` flags."""
    names = set()
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if isinstance(value, (types.ModuleType, __future__._Feature)):
            continue
        names.add(name)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_public_api_all_is_sorted(package: str) -> None:
    names = importlib.import_module(package).__all__
    assert names == sorted(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("package", PACKAGES)
def test_public_api_every_name_resolves_and_is_documented(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{package}.{name} has no docstring"


@pytest.mark.parametrize("package", PACKAGES)
def test_public_api_every_public_attribute_is_in_all(package: str) -> None:
    module = importlib.import_module(package)
    assert _public(module) == set(module.__all__)


def test_public_api_routekit_pytest_lazy_names_match_all() -> None:
    assert sorted(routekit_pytest._EXPORTS) == routekit_pytest.__all__


def test_public_api_routekit_pytest_unknown_name() -> None:
    with pytest.raises(AttributeError, match="module 'routekit_pytest' has no attribute 'nope'"):
        routekit_pytest.nope  # noqa: B018


# What a handler file imports from routekit; the rest lives in the submodule that owns it.
HANDLERS_WORLD = {
    "App", "ApiRequest", "ApiResponse", "Handler", "Headers", "NextRequest", "NextResponse",
    "NextURL", "Request", "Response", "RouteContext", "URLSearchParams", "cookies", "cors",
    "create_router", "draft_mode", "fetch", "fetch_sync", "headers", "load_handler",
    "not_found", "permanent_redirect", "redirect", "run_middleware", "serialize_cookie",
}  # fmt: skip
ELSEWHERE = {
    "routekit.config": ["AppRouteConfig", "PagesConfig"],
    "routekit.connect": ["Router"],
    "routekit.errors": [
        "BodyTooLargeError",
        "ConfigError",
        "IncompleteBodyError",
        "RequestBodyError",
        "RequestError",
        "ResponseAbortedError",
        "RoutekitError",
        "SettingsError",
    ],
    "routekit.routing": ["Match", "ParamDecodeError", "Route", "RouteTable", "discover"],
    "routekit.settings": ["Settings", "load_settings"],
}


def test_public_api_routekit_exports_the_handlers_world() -> None:
    import routekit

    # Typing names for handlers (a Handler protocol, RouteContext...) may join them.
    assert HANDLERS_WORLD - set(routekit.__all__) == set()


@pytest.mark.parametrize(("module", "names"), sorted(ELSEWHERE.items()))
def test_public_api_the_rest_lives_in_its_own_module(module: str, names: list[str]) -> None:
    import routekit

    found = importlib.import_module(module)
    for name in names:
        assert getattr(found, name).__name__ == name
        assert name not in routekit.__all__
