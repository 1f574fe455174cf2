"""Assertion helpers: pass/fail behaviour and the transcript users see on failure."""

from __future__ import annotations

import pytest

from routekit_pytest import (
    assert_cookie,
    assert_header,
    assert_json,
    assert_redirect,
    assert_status,
    create_mocks,
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
