"""A fixed-window rate limiter, as connect-style middleware for ``create_router().use()``.

Each client (by IP address) may send ``limit`` requests per ``window`` seconds; the window
starts at the client's first request, as in express-rate-limit's memory store. Every answer
carries the IETF draft headers ``RateLimit-Policy``, ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset``; a refused request gets ``429`` with
``Retry-After`` and a JSON error.

The counters live in this process: with several gunicorn workers each worker counts on its
own (use a shared store such as Redis to count across them).
"""

from __future__ import annotations

import math
import threading
import time
import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from routekit import ApiRequest, ApiResponse

__all__ = ["TOO_MANY_REQUESTS", "FixedWindowLimiter", "RateLimitResult", "client_ip"]

#: The ``error`` of a 429 answer.
TOO_MANY_REQUESTS = "Too many requests, please try again later."


def client_ip(req: ApiRequest) -> str:
    """The client's address: the last ``X-Forwarded-For`` hop, else the socket's peer.

    The last hop is the one the proxy in front of the app appended; earlier ones are
    whatever the client sent. Without a proxy a client can send any ``X-Forwarded-For``:
    pass ``key=lambda req: req.raw.remote_addr`` to the limiter then.
    """
    forwarded = req.headers.get("x-forwarded-for")
    if isinstance(forwarded, list):  # repeated header lines
        forwarded = ",".join(forwarded)
    if forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return req.raw.remote_addr


def _monotonic() -> float:
    # Looked up on each call, so freezegun's patched time.monotonic is the one used.
    return time.monotonic()


@dataclass(frozen=True)
class RateLimitResult:
    """One counted request.

    :param allowed: whether the request is within the limit.
    :param limit: requests allowed per window.
    :param remaining: requests left in the current window.
    :param reset_after: whole seconds until the window ends (at least 1).
    """

    allowed: bool
    limit: int
    remaining: int
    reset_after: int


class FixedWindowLimiter:
    """Allow *limit* requests per *window* seconds per client; thread-safe.

    Use it as middleware: ``create_router().use(FixedWindowLimiter(5, 10)).get(...)``.

    :param limit: requests allowed in one window (1 or more).
    :param window: the window's length in seconds.
    :param key: what identifies a client; default: :func:`client_ip`.
    :param clock: seconds from a monotonic clock; default ``time.monotonic`` (read on each
        call, so tests can freeze it with freezegun or pass their own).
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        key: Callable[[ApiRequest], str] = client_ip,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError(
                f"FixedWindowLimiter needs limit >= 1 and window > 0 (got limit={limit!r}, "
                f"window={window!r})"
            )
        self.limit = limit
        self.window = window
        self.key = key
        self.clock = clock or _monotonic
        self._lock = threading.Lock()
        # key -> [window start, requests counted in it]
        self._windows: dict[str, list[float]] = {}
        self._next_sweep = 0.0

    def hit(self, key: str) -> RateLimitResult:
        """Count one request of client *key* and say whether it is allowed."""
        with self._lock:
            now = self.clock()
            if now >= self._next_sweep:
                self._sweep(now)
            entry = self._windows.get(key)
            if entry is None or now >= entry[0] + self.window:
                entry = self._windows[key] = [now, 0]
            entry[1] += 1
            count, ends = int(entry[1]), entry[0] + self.window
        return RateLimitResult(
            allowed=count <= self.limit,
            limit=self.limit,
            remaining=max(self.limit - count, 0),
            reset_after=max(math.ceil(ends - now), 1),
        )

    def _sweep(self, now: float) -> None:
        # Forget finished windows once per window, so idle clients cost no memory.
        expired = [k for k, (start, _) in self._windows.items() if now >= start + self.window]
        for k in expired:
            del self._windows[k]
        self._next_sweep = now + self.window

    def reset(self, key: str | None = None) -> None:
        """Forget client *key*'s window, or every window when *key* is ``None``."""
        with self._lock:
            if key is None:
                self._windows.clear()
            else:
                self._windows.pop(key, None)

    def __call__(self, req: ApiRequest, res: ApiResponse, next: Callable[[], t.Any]) -> None:
        """Count the request; call ``next()`` within the limit, else answer 429."""
        result = self.hit(self.key(req))
        res.set_header("RateLimit-Policy", f"{self.limit};w={_seconds(self.window)}")
        res.set_header("RateLimit-Limit", str(result.limit))
        res.set_header("RateLimit-Remaining", str(result.remaining))
        res.set_header("RateLimit-Reset", str(result.reset_after))
        if not result.allowed:
            res.set_header("Retry-After", str(result.reset_after))
            res.status(429).json({"error": TOO_MANY_REQUESTS})
            return
        next()

    def __repr__(self) -> str:
        return f"<FixedWindowLimiter {self.limit} per {_seconds(self.window)} s>"


def _seconds(window: float) -> str:
    return str(int(window)) if float(window).is_integer() else str(window)
