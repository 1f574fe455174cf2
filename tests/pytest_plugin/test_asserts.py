"""Assertion helpers: pass/fail behaviour and the transcript users see on failure."""

from __future__ import annotations

import typing as t

import pytest

from routekit.web.response import Response
from routekit_pytest import (
    Client,
    assert_cookie,
    assert_header,
    assert_json,
    assert_redirect,
    assert_status,
    create_mocks,
    format_transcript,
    read_web_response,
)

pytest_plugins = ["pytester"]


def test_asserts_pass_on_a_matching_response() -> None:
    _, res = create_mocks()
    res.set_cookie("sid", "v", path="/", http_only=True)
    res.status(201).json({"a": 1})
    assert_status(res, 201)
    assert_json(res, {"a": 1})
    assert_header(res, "content-type", "application/json; charset=utf-8")
    cookie = assert_cookie(res, "sid", "v", path="/", http_only=True)
    assert cookie.secure is False


def test_assert_redirect_checks_status_and_location() -> None:
    _, res = create_mocks()
    res.redirect(308, "/new")
    assert_redirect(res, "/new", 308)
    with pytest.raises(AssertionError, match="redirects to '/new', expected '/old'"):
        assert_redirect(res, "/old")


def test_assert_cookie_rejects_unknown_attributes() -> None:
    _, res = create_mocks()
    res.set_cookie("a", "b")
    res.end()
    with pytest.raises(TypeError, match=r"unknown attribute\(s\) httponly; use raw_value, path"):
        assert_cookie(res, "a", httponly=True)


def test_assert_status_failure_shows_the_transcript(
    pytester: pytest.Pytester, site_files: dict[str, str]
) -> None:
    for rel, source in site_files.items():
        path = pytester.path / "site" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    pytester.makepyfile(
        """
        from routekit_pytest import assert_json, assert_status

        def test_status(client):
            res = client.get("/api/hello", query={"name": "ann"})
            assert_status(res, 404)

        def test_json(client):
            assert_json(client.get("/api/hello"), {"hello": "you"})

        def test_not_json(client):
            assert_json(client.get("/api/text"), {})
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "E *AssertionError: expected status 404, got 200",
            "E *request:  GET /api/hello?name=ann",
            "E *route:    pages/api/hello.py (/api/hello)",
            "E *response: 200 OK",
            "E *Content-Type: application/json; charset=utf-8",
            "E *body:",
            "E *{",
            'E *"hello": "ann"',
            "E *}",
            "E *assert 200 == 404",
        ]
    )
    result.stdout.fnmatch_lines(["E *AssertionError: JSON body differs", "*'hello': 'world'*"])
    result.stdout.fnmatch_lines(
        [
            "E *AssertionError: the response body is not JSON (the Content-Type is not JSON): "
            "status 200, no Content-Type, body 'plain text'*",
            "E *request:  GET /api/text",
        ]
    )
    # The helpers hide their own frames.
    assert "asserts.py" not in result.stdout.str()


def test_transcript_cuts_long_bodies() -> None:
    _, res = create_mocks()
    res.json({"items": list(range(500))})
    with pytest.raises(AssertionError) as info:
        assert_status(res, 500)
    text = str(info.value)
    assert "... (" in text
    assert "bytes in all)" in text
    assert len(text.splitlines()) < 60


def _failure(check: t.Callable[[], object]) -> str:
    """The failure message as pytest shows it (assertion rewriting indents its lines)."""
    with pytest.raises(AssertionError) as info:
        check()
    return str(info.value)


def test_transcript_of_a_web_response_has_no_request_line() -> None:
    view = read_web_response(Response("hi", status=418, headers={"x-a": "1"}))
    assert format_transcript(view) == "\n".join(
        ["response: 418", "  x-a: 1", "  content-type: text/plain;charset=UTF-8", "body:", "  hi"]
    )


def test_transcript_of_a_mock_names_no_route() -> None:
    _, res = create_mocks(method="POST", url="/api/x?a=1")
    res.status(204).end()
    assert format_transcript(res).splitlines()[:3] == [
        "request:  POST /api/x?a=1",
        "route:    (none: answered by the framework or a mock)",
        "response: 204 No Content",
    ]
    assert format_transcript(res).endswith("body:\n  (empty body)")


@pytest.mark.parametrize(
    ("content_type", "body", "shown"),
    [
        ("application/json", b'{"a": [1', '  {"a": [1'),  # invalid JSON shown as sent
        ("application/problem+json", b'{"b":2}', '  {\n    "b": 2\n  }'),
        ("application/octet-stream", b"\xff\xfe\x00", "  (3 bytes of binary data)"),
        ("text/plain; charset=utf-8", "caf\u00e9".encode(), "  caf\u00e9"),
    ],
)
def test_transcript_body_by_content_type(content_type: str, body: bytes, shown: str) -> None:
    _, res = create_mocks()
    res.set_header("Content-Type", content_type)
    res.end(body)
    assert format_transcript(res).endswith("body:\n" + shown)


def test_transcript_names_the_handler_exception(web_client: Client) -> None:
    res = web_client.get("/api/boom", raise_errors=False)
    text = _failure(lambda: assert_status(res, 200))
    assert text.startswith("expected status 200, got 500\n  request:  GET /api/boom\n")
    assert (
        "  route:    pages/api/boom.py (/api/boom)\n  response: 500 Internal Server Error" in text
    )
    assert "    Internal Server Error\n  handler raised: ValueError: boom\n" in text


def test_assert_header_failures() -> None:
    _, res = create_mocks()
    res.set_header("Vary", ["Accept", "Origin"])
    res.end()
    assert_header(res, "vary")
    assert_header(res, "Vary", "Origin")
    assert _failure(lambda: assert_header(res, "x-missing")).startswith(
        "no 'x-missing' header in the response\n  request:  GET /"
    )
    assert _failure(lambda: assert_header(res, "vary", "Cookie")).startswith(
        "header 'vary' is 'Accept', 'Origin', expected 'Cookie'\n"
    )


def test_assert_redirect_failures() -> None:
    _, res = create_mocks()
    res.json({})
    assert _failure(lambda: assert_redirect(res, "/x")).startswith(
        "expected a redirect, got status 200\n"
    )
    _, moved = create_mocks()
    moved.redirect("/x")
    assert_redirect(moved, "/x")
    assert _failure(lambda: assert_redirect(moved, "/x", 301)).startswith(
        "expected a 301 redirect, got 307\n"
    )


def test_assert_cookie_failures() -> None:
    _, res = create_mocks()
    res.end()
    assert _failure(lambda: assert_cookie(res, "sid")).startswith(
        "no Set-Cookie for 'sid' (cookies set: none)\n"
    )
    _, res = create_mocks()
    res.set_cookie("sid", "v", max_age=60)
    res.set_cookie("theme", "dark")
    res.end()
    assert assert_cookie(res, "sid", max_age=60).value == "v"
    assert _failure(lambda: assert_cookie(res, "x")).startswith(
        "no Set-Cookie for 'x' (cookies set: sid, theme)\n"
    )
    assert _failure(lambda: assert_cookie(res, "sid", "w")).startswith(
        "cookie 'sid' is 'v', expected 'w'\n"
    )
    assert _failure(lambda: assert_cookie(res, "sid", secure=True)).startswith(
        "cookie 'sid' has secure=False, expected True\n"
    )


def test_assert_json_on_an_empty_json_body() -> None:
    _, res = create_mocks()
    res.set_header("Content-Type", "application/json")
    res.end()
    assert _failure(lambda: assert_json(res, {})).startswith(
        "the response body is not JSON (the body is empty): status 200, application/json, "
        "body (empty); read res.text instead, or make the handler answer with res.json(...).\n"
        "request:  GET /"  # raised, not an assert statement: not indented
    )
