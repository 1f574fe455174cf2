"""``Client(app, door="asgi")``: the in-process client through the ASGI door answers as
through ``App.handle`` (issue 14), streams included."""

from __future__ import annotations

import threading
import typing as t

import pytest

from routekit import App
from routekit_pytest import Client

DOORS = ("direct", "asgi")

Answer = tuple[int, list[tuple[str, str]], bytes]


def _answers(client: Client) -> list[Answer]:
    calls: list[t.Callable[[], t.Any]] = [
        lambda: client.get("/api/hello?name=ada"),
        lambda: client.post("/api/users/7", json={"a": [1, 2]}),
        lambda: client.get("/api/echo", cookies={"a": "1"}, auth="tok"),
        lambda: client.post("/api/login", follow_redirects=True),
        lambda: client.get("/api/boom", raise_errors=False),
        lambda: client.get("/api/count"),
        lambda: client.post("/api/upload", data=b"x" * 200_000, content_type="text/plain"),
        lambda: client.get("/api/async_hello"),
        lambda: client.post("/api/users/1", data=b"{bad", content_type="application/json"),
        lambda: client.get("/api/nope"),
        lambda: client.get("//api/hello"),
    ]
    answers = []
    for call in calls:
        res = call()
        headers = sorted((k.lower(), v) for k, v in res.headers.items() if k.lower() != "date")
        answers.append((res.status_code, headers, res.body))
    return answers


def test_both_doors_answer_the_same(app: App) -> None:
    direct, asgi = (_answers(Client(app, door=door)) for door in DOORS)
    assert [a[0] for a in direct] == [200, 200, 200, 200, 500, 200, 200, 200, 400, 404, 308]
    assert asgi == direct


def test_the_asgi_door_says_the_standard_reason_phrase(app: App) -> None:
    # ASGI carries no reason phrase: a server writes the standard one.
    res = Client(app, door="asgi").post("/api/users/1", data=b"{", content_type="application/json")
    assert (res.status_code, res.status_message, res.text) == (400, "Bad Request", "Invalid JSON")


@pytest.mark.parametrize("door", DOORS)
def test_an_endless_stream_is_closed_through_either_door(app: App, door: str) -> None:
    client = Client(app, door=t.cast("t.Literal['direct', 'asgi']", door))
    with client.get("/api/sse", stream=True) as res:
        chunks = res.iter_chunks()
        assert [next(chunks), next(chunks)] == [b"data: 0\n\n", b"data: 1\n\n"]
    assert res.is_ended()
    assert res.exception is None
    assert res.route is not None
    assert res.route.file == "pages/api/sse.py"
    assert not [t for t in threading.enumerate() if t.name.startswith("routekit-stream")]


@pytest.mark.parametrize("door", DOORS)
def test_an_error_after_the_head_is_kept_through_either_door(app: App, door: str) -> None:
    client = Client(app, door=t.cast("t.Literal['direct', 'asgi']", door), raise_errors=False)
    res = client.get("/api/fail_mid")
    assert res.status_code == 200
    assert isinstance(res.exception, ValueError)


def test_an_unknown_door_is_refused(app: App) -> None:
    with pytest.raises(ValueError, match="door must be"):
        Client(app, door=t.cast("t.Any", "wsgi"))


def test_the_asgi_client_fixture_uses_the_asgi_door(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        **{
            "pages/api/hi.py": "def handler(req, res):\n    res.status(418).end('x')\n",
            "test_it.py": (
                "def test_it(asgi_client):\n"
                "    assert asgi_client.door == 'asgi'\n"
                "    res = asgi_client.get('/api/hi')\n"
                '    assert (res.status_code, res.status_message) == (418, "I\'m a Teapot")\n'
            ),
        }
    )
    pytester.makeini("[pytest]\nroutekit_root = .\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
