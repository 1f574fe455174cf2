"""The mock ``res`` is production's ``ApiResponse``: a handler sees no test-only name on it.

The test accessors (``res.headers``, ``res.json_data()``, ``res.text``...) are read-only
views of what was *sent*: they exist once the response ended, and a handler reading one
fails in its unit test as it fails in production.
"""

from __future__ import annotations

import inspect
import typing as t

import pytest

from routekit.errors import RoutekitError
from routekit.pages.response import ApiResponse
from routekit_pytest import (
    ClientResponse,
    MockAccessorError,
    MockResponse,
    ResponseNotEndedError,
    call_handler,
    create_mocks,
)
from routekit_pytest.mocks import OVERRIDES, TEST_ACCESSORS

from .conftest import write_tree

if t.TYPE_CHECKING:
    from pathlib import Path

    from routekit.pages.request import ApiRequest
    from routekit_pytest import Client


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_mock_response_has_exactly_the_public_names_of_api_response() -> None:
    assert _public(MockResponse) == _public(ApiResponse)


def test_mock_response_inherits_every_public_attribute_unchanged() -> None:
    # Only the listed hint wrappers differ, and they keep ApiResponse's signature.
    for name in _public(ApiResponse) - set(OVERRIDES):
        assert getattr(MockResponse, name) is getattr(ApiResponse, name), name
    for name in OVERRIDES:
        mock_attr, api_attr = MockResponse.__dict__[name], ApiResponse.__dict__[name]
        if isinstance(api_attr, property):
            assert isinstance(mock_attr, property), name
            assert inspect.getdoc(mock_attr) == inspect.getdoc(api_attr), name
        else:
            assert inspect.signature(mock_attr) == inspect.signature(api_attr), name


def test_test_accessors_are_not_api_response_names_and_match_the_client() -> None:
    assert not set(TEST_ACCESSORS) & _public(ApiResponse)
    # Unit and integration tests read a response the same way.
    assert set(TEST_ACCESSORS) <= _public(ClientResponse)


def test_mock_response_accessors_are_views_of_what_was_sent() -> None:
    _, res = create_mocks(url="/api/x")
    res.status(201).set_header("X-Id", "7").json({"id": 7})
    assert res.status_code == 201
    assert res.headers["x-id"] == "7"
    assert (res.json_data(), res.text, res.body) == ({"id": 7}, '{"id":7}', b'{"id":7}')
    assert res.is_json()
    with pytest.raises(AttributeError):
        res.headers = {}  # type: ignore[misc]


@pytest.mark.filterwarnings("ignore::routekit_pytest.UnsentResponseWarning")  # left open here
@pytest.mark.parametrize("name", TEST_ACCESSORS)
def test_accessor_on_a_response_never_ended_names_the_likely_fix(name: str) -> None:
    _, res = create_mocks()
    res.set_header("X-Pending", "1")
    with pytest.raises(ResponseNotEndedError) as info:
        getattr(res, name)
    message = str(info.value)
    assert f"res.{name}" in message
    assert "the response was never ended: did you forget `await`, or to call `res.end()`?" in (
        message
    )
    assert isinstance(info.value, RoutekitError)
    assert isinstance(info.value, AttributeError)  # hasattr(res, name) is False, as in production


def test_accessor_after_an_unawaited_async_handler_says_await() -> None:
    async def handler(req: ApiRequest, res: MockResponse) -> None:
        res.json({"pong": True})

    req, res = create_mocks()
    coroutine = handler(req, res)  # the classic slip: no await
    with pytest.raises(ResponseNotEndedError, match="did you forget `await`"):
        res.json_data()
    coroutine.close()


def test_handler_reading_a_test_accessor_fails_before_it_ends() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        if "x-trace" in res.headers:  # type: ignore[attr-defined]
            return
        res.end()

    req, res = create_mocks()
    with pytest.raises(MockAccessorError, match=r"res\.headers"):
        handler(req, res)


def test_handler_reading_a_test_accessor_fails_after_it_ends() -> None:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"ok": True})
        print(res.text)  # type: ignore[attr-defined]

    req, res = create_mocks()
    with pytest.raises(MockAccessorError) as info:
        call_handler(handler, req, res)
    assert str(info.value).startswith(
        "the handler read res.text, which production's ApiResponse does not have"
    )
    assert res.json_data() == {"ok": True}  # the test itself still reads it


def test_handler_reading_headers_fails_in_production_too(tmp_path: Path) -> None:
    from routekit.app import App
    from routekit_pytest import Client

    root = write_tree(
        tmp_path,
        {
            "pages/api/trace.py": """
                def handler(req, res):
                    res.json({"ok": True})
                    res.headers["x-after"] = "1"
            """
        },
    )
    client: Client = Client(App(root, mode="test"))
    with pytest.raises(AttributeError, match="'ApiResponse' object has no attribute 'headers'"):
        client.get("/api/trace")


def test_api_response_methods_work_on_the_mock_in_a_test() -> None:
    # What production offers a handler is also there for a test that needs pending state.
    _, res = create_mocks()
    res.set_header("X-A", ["1", "2"])
    assert res.get_header("x-a") == ["1", "2"]
    assert res.get_headers() == {"x-a": ["1", "2"]}
    assert not res.is_ended()
    res.end()
    assert res.headers.getlist("x-a") == ["1", "2"]
