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
        LiveServerError,
        MockAccessorError,
        NDJSONLineError,
        RedirectLoopError,
        ReplayError,
        ResponseNotEndedError,
        RoutekitTestWarning,
        StaleImportWarning,
        StreamTimeoutError,
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
    from .live_server import LiveServer, ServerError
    from .mocks import (
        MockResponse,
        Mocks,
        call_handler,
        create_mocks,
        create_request,
        create_response,
    )
    from .overrides import EnvOverrides, RoutekitSettings
    from .plugin import CreateMocks
    from .replay import (
        ReplayCase,
        ReplayReport,
        assert_same_responses,
        load_cases,
        replay_cases,
    )
    from .response import ClientResponse, MatchedRoute, SentRequest
    from .snapshot import ResponseSnapshotExtension
    from .sse import ServerSentEvent
    from .strategies import RouteRequest, routekit_requests
    from .web import WebResponseView, create_web_request, read_web_response

_EXPORTS = {
    "AsyncClient": "client",
    "Client": "client",
    "ClientResponse": "response",
    "CreateMocks": "plugin",
    "EnvOverrides": "overrides",
    "JSONBodyError": "routekit.errors",
    "LiveServer": "live_server",
    "LiveServerError": "routekit.errors",
    "MatchedRoute": "response",
    "MockAccessorError": "routekit.errors",
    "MockResponse": "mocks",
    "Mocks": "mocks",
    "NDJSONLineError": "routekit.errors",
    "RedirectLoopError": "routekit.errors",
    "ReplayCase": "replay",
    "ReplayError": "routekit.errors",
    "ReplayReport": "replay",
    "RequestKeywords": "client",
    "ResponseNotEndedError": "routekit.errors",
    "ResponseSnapshotExtension": "snapshot",
    "RouteRequest": "strategies",
    "RoutekitSettings": "overrides",
    "RoutekitTestWarning": "routekit.errors",
    "SentRequest": "response",
    "ServerError": "live_server",
    "ServerSentEvent": "sse",
    "SetCookie": "cookies",
    "StaleImportWarning": "routekit.errors",
    "StreamTimeoutError": "routekit.errors",
    "UnawaitedCoroutineWarning": "routekit.errors",
    "UnsentResponseWarning": "routekit.errors",
    "WebResponseView": "web",
    "assert_cookie": "asserts",
    "assert_header": "asserts",
    "assert_json": "asserts",
    "assert_redirect": "asserts",
    "assert_same_responses": "replay",
    "assert_status": "asserts",
    "call_handler": "mocks",
    "create_mocks": "mocks",
    "create_request": "mocks",
    "create_response": "mocks",
    "create_web_request": "web",
    "format_transcript": "asserts",
    "load_cases": "replay",
    "read_web_response": "web",
    "replay_cases": "replay",
    "routekit_requests": "strategies",
}

__all__ = [
    "AsyncClient",
    "Client",
    "ClientResponse",
    "CreateMocks",
    "EnvOverrides",
    "JSONBodyError",
    "LiveServer",
    "LiveServerError",
    "MatchedRoute",
    "MockAccessorError",
    "MockResponse",
    "Mocks",
    "NDJSONLineError",
    "RedirectLoopError",
    "ReplayCase",
    "ReplayError",
    "ReplayReport",
    "RequestKeywords",
    "ResponseNotEndedError",
    "ResponseSnapshotExtension",
    "RouteRequest",
    "RoutekitSettings",
    "RoutekitTestWarning",
    "SentRequest",
    "ServerError",
    "ServerSentEvent",
    "SetCookie",
    "StaleImportWarning",
    "StreamTimeoutError",
    "UnawaitedCoroutineWarning",
    "UnsentResponseWarning",
    "WebResponseView",
    "assert_cookie",
    "assert_header",
    "assert_json",
    "assert_redirect",
    "assert_same_responses",
    "assert_status",
    "call_handler",
    "create_mocks",
    "create_request",
    "create_response",
    "create_web_request",
    "format_transcript",
    "load_cases",
    "read_web_response",
    "replay_cases",
    "routekit_requests",
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
