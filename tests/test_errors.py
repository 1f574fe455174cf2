"""The error family lives in routekit/errors.py, and the navigation signals outside its root."""

from __future__ import annotations

import ast
import inspect
import re
import typing as t
from pathlib import Path

import pytest

import routekit.errors as errors
from routekit.errors import (
    HandlerError,
    NavigationSignal,
    NotFoundSignal,
    ParamDecodeError,
    PathSyntaxError,
    RedirectSignal,
    RequestError,
    RouteDefinitionError,
    RoutekitError,
    WebAPIError,
)
from routekit.web import not_found, redirect

PACKAGES = ("routekit", "routekit_pytest")
REPO = Path(__file__).resolve().parent.parent


def _classes() -> list[type[BaseException]]:
    return [value for value in vars(errors).values() if inspect.isclass(value)]


def test_errors_every_class_is_exported_and_under_one_of_the_two_roots() -> None:
    classes = [cls for cls in _classes() if cls.__module__ == "routekit.errors"]
    assert sorted(cls.__name__ for cls in classes) == errors.__all__
    for cls in classes:
        assert issubclass(cls, (RoutekitError, NavigationSignal)), cls
        assert not issubclass(cls, RoutekitError) or not issubclass(cls, NavigationSignal)
        assert inspect.getdoc(cls), f"{cls.__name__} has no docstring"


def test_errors_module_docstring_draws_every_class() -> None:
    doc = errors.__doc__ or ""
    missing = [name for name in errors.__all__ if not re.search(rf"\b{name}\b", doc)]
    assert missing == []


@pytest.mark.parametrize("package", PACKAGES)
def test_errors_no_public_exception_class_is_defined_outside_errors_py(package: str) -> None:
    outside = []
    for file in sorted((REPO / package).rglob("*.py")):
        if file == REPO / "routekit" / "errors.py":
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = {ast.unparse(base).rpartition(".")[2] for base in node.bases}
            if any(base.endswith(("Error", "Exception", "Signal")) for base in bases):
                outside.append(f"{file.relative_to(REPO)}:{node.lineno} {node.name}")
    assert outside == []


def test_errors_except_routekit_error_does_not_swallow_redirect_or_not_found() -> None:
    def guarded(stop: t.Callable[[], object]) -> None:
        try:  # a handler guarding its own code must not catch the signal
            stop()
        except RoutekitError:
            pytest.fail("the navigation signal was caught as a RoutekitError")

    with pytest.raises(RedirectSignal):
        guarded(lambda: redirect("/login"))
    with pytest.raises(NotFoundSignal):
        guarded(not_found)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (ParamDecodeError, (RequestError,)),
        (PathSyntaxError, (RouteDefinitionError, ValueError)),
        (errors.InvalidRouteResponseError, (HandlerError, TypeError)),
        (errors.JSONEncodeError, (HandlerError, TypeError)),
        (errors.ResponseStateError, (HandlerError, RuntimeError)),
        (errors.InvalidJSONError, (WebAPIError, ValueError)),
        (errors.BodyUsedError, (WebAPIError, TypeError)),
        (errors.JSONBodyError, (errors.PluginError, ValueError)),
        (errors.IncompleteBodyError, (errors.RequestBodyError, RequestError)),
        (errors.BodyTooLargeError, (errors.RequestBodyError, RequestError)),
        (errors.ResponseAbortedError, (ConnectionAbortedError,)),
        (errors.FetchError, (WebAPIError, TypeError)),
        (errors.MockAccessorError, (errors.PluginError, AttributeError)),
        (errors.ResponseNotEndedError, (errors.MockAccessorError,)),
        (
            errors.UnsentResponseWarning,
            (errors.RoutekitTestWarning, errors.PluginError, UserWarning),
        ),
    ],
)
def test_errors_intermediate_bases_and_builtin_second_bases(
    cls: type[BaseException], bases: tuple[type[BaseException], ...]
) -> None:
    assert issubclass(cls, (RoutekitError, *bases))
    assert all(issubclass(cls, base) for base in bases)


def test_errors_param_decode_error_keeps_its_message_and_is_a_400() -> None:
    error = ParamDecodeError("%zz")
    assert str(error) == "failed to decode param '%zz'"
    assert (error.status, error.value) == (400, "%zz")
