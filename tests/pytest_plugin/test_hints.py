"""Names guessed from node-mocks-http, NTARH/fetch or Node say what to write instead, in the
error itself."""

from __future__ import annotations

import re
import typing as t

import pytest

from routekit_pytest import create_mocks

if t.TYPE_CHECKING:
    from routekit_pytest import Client

pytest_plugins = ["pytester"]

#: Every ``_get*``/``_is*`` inspection method of node-mocks-http 1.17's mockResponse, and the
#: routekit spelling the error must name.
NODE_MOCKS_HTTP = [
    ("_isEndCalled", "res.is_ended()"),
    ("_getHeaders", "res.headers"),
    ("_getData", "res.text"),
    ("_getJSONData", "res.json_data()"),
    ("_getChunks", "res.chunks"),
    ("_getBuffer", "res.body"),
    ("_getLocals", "no res.locals"),
    ("_getStatusCode", "res.status_code"),
    ("_getStatusMessage", "res.status_message"),
    ("_isJSON", "res.is_json()"),
    ("_isUTF8", "UTF-8"),
    ("_isDataLengthValid", "Content-Length"),
    ("_getRedirectUrl", "res.redirect_url"),
    ("_getRenderView", "res.render()"),
    ("_getRenderData", "res.render()"),
]


def _ended_mock() -> t.Any:
    _, res = create_mocks()
    res.json({"a": 1})
    return res


@pytest.mark.parametrize(("name", "spelling"), NODE_MOCKS_HTTP)
def test_node_mocks_http_names_on_the_mock(name: str, spelling: str) -> None:
    with pytest.raises(AttributeError) as info:
        getattr(_ended_mock(), name)
    message = str(info.value)
    assert message.startswith(f"'MockResponse' object has no attribute {name!r}; ")
    assert f"node-mocks-http's res.{name}()" in message
    assert spelling in message


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("stauts", "did you mean 'status'?"),
        ("json_dta", "did you mean 'json_data'?"),
        ("setHeader", "routekit spells Node's names in snake_case: res.set_header"),
        ("statusCode", "res.status_code"),
        ("headersSent", "res.headers_sent"),
        ("writableEnded", "res.finished"),
        ("locals", "no res.locals"),
    ],
)
def test_misspelled_and_camel_case_names_on_the_mock(name: str, hint: str) -> None:
    with pytest.raises(AttributeError, match=re.escape(hint)):
        getattr(_ended_mock(), name)


def test_unknown_dunder_is_a_plain_attribute_error() -> None:
    _, res = create_mocks()
    assert not hasattr(res, "__html__")


def test_json_without_a_value_on_the_mock_points_to_json_data() -> None:
    _, res = create_mocks()
    with pytest.raises(TypeError) as info:
        res.json()  # type: ignore[call-arg]
    assert str(info.value) == (
        "ApiResponse.json() missing 1 required positional argument: 'value'; res.json(value) "
        "sends value as JSON (the handler's side); to read the JSON the handler sent, use "
        "res.json_data()"
    )


def test_status_without_a_code_on_the_mock_points_to_status_code() -> None:
    _, res = create_mocks()
    hint = r"to read the status the handler set, use res\.status_code"
    with pytest.raises(TypeError, match=hint):
        res.status()  # type: ignore[call-arg]


def test_mock_hint_wrappers_pass_their_arguments_through() -> None:
    _, res = create_mocks()
    assert res.status(code=201) is res
    res.json(value={"a": 1})
    assert (res.status_code, res.json_data()) == (201, {"a": 1})


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("json", "ClientResponse has no json(): read the body with res.json_data()"),
        ("status", "res.status_code"),
        ("content", "res.body"),
        ("get_json", "res.json_data()"),
        ("statusText", "res.status_message"),
        ("_getJSONData", "res.json_data()"),
        ("histroy", "did you mean 'history'?"),
    ],
)
def test_client_response_names_from_other_clients(web_client: Client, name: str, hint: str) -> None:
    res = web_client.get("/api/hello")
    with pytest.raises(AttributeError) as info:
        getattr(res, name)
    assert str(info.value).startswith(f"'ClientResponse' object has no attribute {name!r}; ")
    assert hint in str(info.value)
