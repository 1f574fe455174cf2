"""Group 1, in-process requests: the test clients on three equivalent endpoints.

routekit: `routekit_pytest.Client(App(root, mode="test"))` (what the `client` fixture
hands a test) on a generated project; peers: Flask's test client, werkzeug's `Client` on a
plain WSGI callable (the floor for any WSGI framework, context only) and Starlette's
`TestClient` (used as a context manager, so one event-loop portal serves every request:
its fastest mode). Each call sends the request and decodes the JSON answer; the answers
are checked equal across clients before timing. Handlers: a one-line JSON `GET`, a
dynamic `users/[id]`, and a JSON `POST` echoed back.
"""

from __future__ import annotations

import contextlib
import tempfile
import typing as t
import warnings
from pathlib import Path

from ._apps import ECHO_BODY, EXPECTED, flask_app, starlette_app, write_routekit_project, wsgi_app
from ._harness import Candidate, Config, Row, Target, compare, fmt_seconds, ratio_of

__all__ = ["PROFILE_SUMMARY", "run"]

GROUP = "inprocess"

#: Filled by :func:`run` with ``profile=True``: Markdown summary of the pyinstrument profile.
PROFILE_SUMMARY = ""

Call = t.Callable[[], object]


def _routekit_calls(root: Path) -> list[Call]:
    from routekit.app import App
    from routekit_pytest.client import Client

    client = Client(App(root, mode="test"))
    return [
        lambda: client.get("/api/hello").json_data(),
        lambda: client.get("/api/users/42").json_data(),
        lambda: client.post("/api/echo", json=ECHO_BODY).json_data(),
    ]


def _flask_calls() -> list[Call]:
    client = flask_app().test_client()
    return [
        lambda: client.get("/api/hello").get_json(),
        lambda: client.get("/api/users/42").get_json(),
        lambda: client.post("/api/echo", json=ECHO_BODY).get_json(),
    ]


def _werkzeug_calls() -> list[Call]:
    from werkzeug.test import Client

    client = Client(wsgi_app())
    return [
        lambda: client.get("/api/hello").json,
        lambda: client.get("/api/users/42").json,
        lambda: client.post("/api/echo", json=ECHO_BODY).json,
    ]


def _starlette_calls(stack: contextlib.ExitStack) -> list[Call]:
    with warnings.catch_warnings():
        # Newer Starlette warns that it would rather use httpx2; the client works the same.
        warnings.filterwarnings("ignore", message=".*httpx.*")
        from starlette.testclient import TestClient

    client = stack.enter_context(TestClient(starlette_app()))
    return [
        lambda: client.get("/api/hello").json(),
        lambda: client.get("/api/users/42").json(),
        lambda: client.post("/api/echo", json=ECHO_BODY).json(),
    ]


def _peers(stack: contextlib.ExitStack) -> dict[str, tuple[list[Call] | str, Target | None]]:
    """Each peer's calls, or the reason it cannot be measured here."""
    peers: dict[str, tuple[list[Call] | str, Target | None]] = {}
    makers: list[tuple[str, t.Callable[[], list[Call]], Target | None]] = [
        ("Flask test client", _flask_calls, Target(">=", 5.0)),
        ("Starlette TestClient", lambda: _starlette_calls(stack), Target(">=", 10.0)),
        ("werkzeug Client + plain WSGI", _werkzeug_calls, None),
    ]
    for name, make, target in makers:
        try:
            peers[name] = (make(), target)
        except ImportError as exc:
            peers[name] = (f"{exc.name or exc} is not installed (pip install -e .[bench])", target)
    return peers


def _check(name: str, calls: list[Call]) -> None:
    for (label, _, _, expected), call in zip(EXPECTED, calls, strict=True):
        got = call()
        if got != expected:
            raise RuntimeError(f"{name} answered {got!r} for {label}; expected {expected!r}.")


def _profile(calls: list[Call], seconds: float) -> str:
    """Profile routekit's three calls with pyinstrument; Markdown of the top frames."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return ""
    from ._profile import summarise

    profiler = Profiler(interval=0.0002)
    profiler.start()
    deadline = _now() + seconds
    while _now() < deadline:
        for call in calls:
            for _ in range(50):
                call()
    profiler.stop()
    return summarise(profiler, "routekit in-process requests (`client.get/post` + `json_data()`)")


def _now() -> float:
    import time

    return time.perf_counter()


def run(config: Config, *, profile: bool = False) -> list[Row]:
    """One row per endpoint and peer: peer time per request / routekit time per request."""
    global PROFILE_SUMMARY
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="routekit-bench-inproc-"))
        ours = _routekit_calls(write_routekit_project(Path(tmp)))
        _check("routekit", ours)
        peers = _peers(stack)
        for name, (calls, _) in peers.items():
            if not isinstance(calls, str):
                _check(name, calls)
        for index, (label, _, _, _) in enumerate(EXPECTED):
            mine = Candidate("routekit", ours[index])
            measured = {
                name: Candidate(name, calls[index])
                for name, (calls, _) in peers.items()
                if not isinstance(calls, str)
            }
            compare([mine, *measured.values()], config)
            for name, (calls, target) in peers.items():
                title = f"{label}: {name} / routekit client"
                if isinstance(calls, str):
                    rows.append(Row(GROUP, title, None, target, note=calls))
                    continue
                peer = measured[name]
                rows.append(
                    Row(
                        GROUP,
                        title,
                        ratio_of(peer, mine),
                        target,
                        context=f"per request: routekit {fmt_seconds(mine.median)}, "
                        f"{name} {fmt_seconds(peer.median)}",
                    )
                )
        if profile:
            PROFILE_SUMMARY = _profile(ours, 2.0 if config.quick else 10.0)
    return rows
