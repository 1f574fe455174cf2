"""Integration tests of ``GET /api/trivia/<number>``; no test reaches the real service.

Either ``lib.trivia.fetch_trivia`` is replaced (``monkeypatch``), or the service's URL points
at a closed port on this machine, so the real client fails at once with "connection refused".
"""

from __future__ import annotations

import logging
import socket
import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from types import ModuleType

    from routekit_pytest import Client

pytestmark = pytest.mark.routekit(root="..")

FACT = {"text": "42 is the answer.", "number": 42, "found": True, "type": "trivia"}


def _closed_port() -> int:
    # A port the OS just handed out and that nobody listens on any more: connecting is refused.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_trivia_passes_the_services_answer_through(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def fetch_trivia(number: int) -> dict[str, object]:
        asked.append(number)
        return FACT

    monkeypatch.setattr(trivia, "fetch_trivia", fetch_trivia)
    res = client.get("/api/trivia/42")
    assert_status(res, 200)
    assert_json(res, FACT)
    assert asked == [42]


@pytest.mark.parametrize("number", ["0", "007"])
def test_trivia_accepts_zero_and_leading_zeros(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    monkeypatch.setattr(trivia, "fetch_trivia", lambda n: {"number": n})
    res = client.get(f"/api/trivia/{number}")
    assert_json(res, {"number": int(number)})


@pytest.mark.parametrize("number", ["abc", "-1", "1.5", "%C2%B2"])
def test_trivia_bad_number_is_400(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    monkeypatch.setattr(trivia, "fetch_trivia", lambda n: pytest.fail("must not be called"))
    res = client.get(f"/api/trivia/{number}")
    assert_status(res, 400)
    assert_json(res, {"error": "The number must be a non-negative integer"})


def test_trivia_unreachable_service_is_502(
    client: Client,
    trivia: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(trivia, "_URL", f"http://127.0.0.1:{_closed_port()}/{{number}}/trivia")
    monkeypatch.setattr(trivia, "TIMEOUT", 1.0)  # bounded even if something did listen

    with caplog.at_level(logging.WARNING):
        res = client.get("/api/trivia/42")

    assert_status(res, 502)
    assert_json(res, {"error": "Trivia service unavailable"})
    assert "trivia for 42 failed:" in caplog.text


def test_trivia_answer_that_is_not_an_object_is_502(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fetch_trivia(number: int) -> t.NoReturn:
        raise trivia.TriviaUnavailable("expected a JSON object, got list")

    monkeypatch.setattr(trivia, "fetch_trivia", fetch_trivia)
    res = client.get("/api/trivia/42")
    assert_status(res, 502)
    assert_json(res, {"error": "Trivia service unavailable"})


def test_trivia_other_methods_are_405(client: Client) -> None:
    res = client.post("/api/trivia/42")
    assert_status(res, 405)
    assert_header(res, "allow", "GET")
    assert_json(res, {"error": "Method not allowed"})
