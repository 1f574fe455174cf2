"""routekit_pytest: test routekit handlers in-process, at unit and integration level.

Names are imported lazily, so the pytest plugin (loaded in every pytest run of a venv
where routekit is installed) costs nothing until a test uses it.
"""

from __future__ import annotations

import importlib
import typing as t

import pytest

# Before anything imports the helpers, so their plain `assert`s show pytest's diffs.
pytest.register_assert_rewrite("routekit_pytest.asserts")

if t.TYPE_CHECKING:
    from routekit.errors import (
        JSONBodyError,
        MockAccessorError,
        RedirectLoopError,
        ResponseNotEndedError,
        RoutekitTestWarning,
        StaleImportWarning,
        UnawaitedCoroutineWarning,
        UnsentResponseWarning,
    )

    from .asserts import (
        assert_cookie,
        assert_header,
        assert_json,
        assert_redirect,
        assert_status,
        format_transcript,
    )
    from .client import AsyncClient, Client, RequestKeywords
    from .cookies import SetCookie
    from .mocks import (
        MockResponse,
        Mocks,
        call_handler,
        create_mocks,
        create_request,
        create_response,
    )
    from .plugin import CreateMocks
    from .response import ClientResponse, MatchedRoute, SentRequest
    from .web import WebResponseView, create_web_request, read_web_response

_EXPORTS = {
    "AsyncClient": "client",
    "Client": "client",
    "ClientResponse": "response",
    "CreateMocks": "plugin",
    "JSONBodyError": "routekit.errors",
    "MatchedRoute": "response",
    "MockAccessorError": "routekit.errors",
    "MockResponse": "mocks",
    "Mocks": "mocks",
    "RedirectLoopError": "routekit.errors",
    "RequestKeywords": "client",
    "ResponseNotEndedError": "routekit.errors",
    "RoutekitTestWarning": "routekit.errors",
    "SentRequest": "response",
    "SetCookie": "cookies",
    "StaleImportWarning": "routekit.errors",
    "UnawaitedCoroutineWarning": "routekit.errors",
    "UnsentResponseWarning": "routekit.errors",
    "WebResponseView": "web",
    "assert_cookie": "asserts",
    "assert_header": "asserts",
    "assert_json": "asserts",
    "assert_redirect": "asserts",
    "assert_status": "asserts",
    "call_handler": "mocks",
    "create_mocks": "mocks",
    "create_request": "mocks",
    "create_response": "mocks",
    "create_web_request": "web",
    "format_transcript": "asserts",
    "read_web_response": "web",
}

__all__ = [
    "AsyncClient",
    "Client",
    "ClientResponse",
    "CreateMocks",
    "JSONBodyError",
    "MatchedRoute",
    "MockAccessorError",
    "MockResponse",
    "Mocks",
    "RedirectLoopError",
    "RequestKeywords",
    "ResponseNotEndedError",
    "RoutekitTestWarning",
    "SentRequest",
    "SetCookie",
    "StaleImportWarning",
    "UnawaitedCoroutineWarning",
    "UnsentResponseWarning",
    "WebResponseView",
    "assert_cookie",
    "assert_header",
    "assert_json",
    "assert_redirect",
    "assert_status",
    "call_handler",
    "create_mocks",
    "create_request",
    "create_response",
    "create_web_request",
    "format_transcript",
    "read_web_response",
]


def __getattr__(name: str) -> t.Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'routekit_pytest' has no attribute {name!r}")
    # Relative names are the plugin's modules; the errors live in routekit.errors.
    path = module if module.startswith("routekit.") else f".{module}"
    value = getattr(importlib.import_module(path, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
