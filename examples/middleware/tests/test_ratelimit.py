"""``lib/ratelimit.py`` on its own, then ``/api/limited`` through the client with freezegun."""

from __future__ import annotations

import threading
import typing as t

import pytest
from freezegun import freeze_time

from routekit_pytest import assert_json, assert_status

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from routekit_pytest import Client, CreateMocks

pytestmark = pytest.mark.routekit(root="..")

TOO_MANY = {"error": "Too many requests, please try again later."}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ratelimit(lib: Callable[[str], ModuleType]) -> ModuleType:
    """``lib.ratelimit``, imported for this test."""
    return lib("ratelimit")


# --- the limiter -----------------------------------------------------------------------


def test_limiter_counts_down_then_refuses(ratelimit: ModuleType) -> None:
    clock = FakeClock()
    limiter = ratelimit.FixedWindowLimiter(3, 10, clock=clock)
    results = [limiter.hit("a") for _ in range(4)]
    assert [(r.allowed, r.remaining, r.reset_after) for r in results] == [
        (True, 2, 10),
        (True, 1, 10),
        (True, 0, 10),
        (False, 0, 10),
    ]
    assert {r.limit for r in results} == {3}


@pytest.mark.parametrize(
    ("elapsed", "allowed", "reset_after"),
    [
        (0.5, False, 10),  # ceil(9.5)
        (9.0, False, 1),
        (9.99, False, 1),  # never 0 while the window lasts
        (10.0, True, 10),  # the window ended: a new one starts
        (25.0, True, 10),
    ],
)
def test_limiter_window_starts_at_the_first_request(
    ratelimit: ModuleType, elapsed: float, allowed: bool, reset_after: int
) -> None:
    clock = FakeClock()
    limiter = ratelimit.FixedWindowLimiter(1, 10, clock=clock)
    assert limiter.hit("a").allowed
    clock.now += elapsed
    result = limiter.hit("a")
    assert (result.allowed, result.reset_after) == (allowed, reset_after)


def test_limiter_counts_each_client_on_its_own(ratelimit: ModuleType) -> None:
    limiter = ratelimit.FixedWindowLimiter(1, 10, clock=FakeClock())
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_limiter_reset_forgets_one_client_or_all(ratelimit: ModuleType) -> None:
    limiter = ratelimit.FixedWindowLimiter(1, 10, clock=FakeClock())
    limiter.hit("a")
    limiter.hit("b")
    limiter.reset("a")
    assert limiter.hit("a").allowed
    assert not limiter.hit("b").allowed
    limiter.reset()
    assert limiter.hit("b").allowed


def test_limiter_forgets_finished_windows(ratelimit: ModuleType) -> None:
    clock = FakeClock()
    limiter = ratelimit.FixedWindowLimiter(1, 10, clock=clock)
    for n in range(100):
        limiter.hit(f"client-{n}")
    clock.now += 10
    limiter.hit("late")
    assert list(limiter._windows) == ["late"]


def test_limiter_is_thread_safe(ratelimit: ModuleType) -> None:
    limiter = ratelimit.FixedWindowLimiter(50, 10, clock=FakeClock())
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(25):
            allowed.append(limiter.hit("same").allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 200 requests at once: exactly the first 50 get through, none lost or double-counted.
    assert allowed.count(True) == 50
    assert limiter._windows["same"][1] == 200


@pytest.mark.parametrize(("limit", "window"), [(0, 10), (5, 0), (5, -1)])
def test_limiter_rejects_bad_settings(ratelimit: ModuleType, limit: int, window: float) -> None:
    with pytest.raises(ValueError, match=r"needs limit >= 1 and window > 0 \(got limit="):
        ratelimit.FixedWindowLimiter(limit, window)


def test_limiter_repr(ratelimit: ModuleType) -> None:
    assert repr(ratelimit.FixedWindowLimiter(5, 10)) == "<FixedWindowLimiter 5 per 10 s>"
    assert repr(ratelimit.FixedWindowLimiter(5, 0.5)) == "<FixedWindowLimiter 5 per 0.5 s>"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "127.0.0.1"),
        ({"x-forwarded-for": "203.0.113.7"}, "203.0.113.7"),
        ({"x-forwarded-for": "10.0.0.1, 203.0.113.7"}, "203.0.113.7"),  # the proxy's hop
        ({"x-forwarded-for": "203.0.113.7 , "}, "203.0.113.7"),
        ({"x-forwarded-for": " , "}, "127.0.0.1"),
    ],
)
def test_client_ip(
    ratelimit: ModuleType, create_mocks: CreateMocks, headers: dict[str, str], expected: str
) -> None:
    req, _ = create_mocks(headers=headers)
    assert ratelimit.client_ip(req) == expected


def test_limiter_as_middleware_sets_headers_and_calls_next(
    ratelimit: ModuleType, create_mocks: CreateMocks
) -> None:
    limiter = ratelimit.FixedWindowLimiter(2, 10, clock=FakeClock())
    req, res = create_mocks()
    called: list[bool] = []
    limiter(req, res, lambda: called.append(True))
    assert called == [True]
    assert res.get_header("RateLimit-Policy") == "2;w=10"
    assert res.get_header("RateLimit-Limit") == "2"
    assert res.get_header("RateLimit-Remaining") == "1"
    assert res.get_header("RateLimit-Reset") == "10"
    assert not res.is_ended()


def test_limiter_as_middleware_answers_429_without_next(
    ratelimit: ModuleType, create_mocks: CreateMocks
) -> None:
    limiter = ratelimit.FixedWindowLimiter(1, 10, clock=FakeClock())
    limiter.hit("127.0.0.1")
    req, res = create_mocks()
    limiter(req, res, lambda: pytest.fail("next() called over the limit"))
    assert_status(res, 429)
    assert_json(res, TOO_MANY)
    assert res.headers["Retry-After"] == "10"
    assert res.headers["RateLimit-Remaining"] == "0"


# --- /api/limited through the app, time frozen -------------------------------------------


def test_limited_route_429_after_five_and_reset_after_the_window(client: Client) -> None:
    with freeze_time("2025-01-01 12:00:00") as frozen:
        first = [client.get("/api/limited") for _ in range(5)]
        assert [r.status_code for r in first] == [200] * 5
        assert [r.headers["RateLimit-Remaining"] for r in first] == ["4", "3", "2", "1", "0"]
        assert first[0].json_data() == {"ok": True}

        frozen.tick(4)
        refused = client.get("/api/limited")
        assert_status(refused, 429)
        assert_json(refused, TOO_MANY)
        assert refused.headers["Retry-After"] == "6"
        assert refused.headers["RateLimit-Reset"] == "6"
        assert refused.headers["RateLimit-Policy"] == "5;w=10"

        frozen.tick(5.9)
        assert_status(client.get("/api/limited"), 429)  # 9.9 s: still the same window

        frozen.tick(0.1)
        again = client.get("/api/limited")
        assert_status(again, 200)
        assert again.headers["RateLimit-Remaining"] == "4"
        assert again.headers["RateLimit-Reset"] == "10"


def test_limited_route_counts_clients_by_forwarded_address(client: Client) -> None:
    with freeze_time("2025-01-01 12:00:00"):
        for _ in range(5):
            client.get("/api/limited", headers={"x-forwarded-for": "203.0.113.7"})
        blocked = client.get("/api/limited", headers={"x-forwarded-for": "203.0.113.7"})
        other = client.get("/api/limited", headers={"x-forwarded-for": "198.51.100.2"})
    assert_status(blocked, 429)
    assert_status(other, 200)
    assert other.headers["RateLimit-Remaining"] == "4"


def test_limited_route_headers_readable_cross_origin(client: Client) -> None:
    res = client.get("/api/limited", headers={"Origin": "http://localhost:5173"})
    assert res.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "RateLimit-Remaining" in res.headers["Access-Control-Expose-Headers"]


def test_limited_route_other_methods_are_405_and_not_counted(client: Client) -> None:
    res = client.post("/api/limited")
    assert_status(res, 405)
    assert res.headers["Allow"] == "GET, HEAD"
    assert res.text == "Method POST Not Allowed"
    assert "RateLimit-Limit" not in res.headers
