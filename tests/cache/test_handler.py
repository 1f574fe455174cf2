"""The cache handlers (memory, file, Redis) pass one suite; ``judge`` decides freshness.

Next.js' interface: ``server/lib/incremental-cache/index.ts`` (``CacheHandler``: get, set,
revalidateTag) and ``file-system-cache.ts``; the freshness rules are ``IncrementalCache.get``
(stale after ``revalidate`` seconds) and ``revalidate.ts`` (tags with and without a
profile).
"""

from __future__ import annotations

import typing as t

import pytest

from routekit.cache import CacheEntry, TagState
from routekit.cache.handler import judge


def _entry(**changes: t.Any) -> CacheEntry:
    fields: dict[str, t.Any] = {
        "status": 200,
        "reason": "OK",
        "headers": (("content-type", "text/plain"), ("set-cookie", "a=1"), ("set-cookie", "b=2")),
        "body": b"\x00binary\xff",
        "tags": ("_N_T_/api/x", "posts"),
        "revalidate": 60,
        "expire": 31536000,
        "stored_at": 1000.0,
    }
    fields.update(changes)
    return CacheEntry(**fields)


def test_handler_get_missing_is_none(handler: t.Any) -> None:
    assert handler.get("/api/nothing") is None


def test_handler_set_get_round_trips_every_field(handler: t.Any) -> None:
    entry = _entry()
    handler.set("/api/x", entry)
    found = handler.get("/api/x")
    assert found is not None
    assert found[0] == entry
    assert found[1] == {}


def test_handler_set_replaces(handler: t.Any) -> None:
    handler.set("/api/x", _entry(body=b"one"))
    handler.set("/api/x", _entry(body=b"two"))
    found = handler.get("/api/x")
    assert found is not None
    assert found[0].body == b"two"


def test_handler_revalidate_tags_reports_states(handler: t.Any) -> None:
    handler.set("/api/x", _entry())
    handler.revalidate_tags(["posts"], at=2000.0, expire=False)
    handler.revalidate_tags(["_N_T_/api/x"], at=3000.0, expire=True)
    handler.revalidate_tags(["unrelated"], at=4000.0, expire=True)
    found = handler.get("/api/x")
    assert found is not None
    assert found[1] == {
        "posts": TagState(expired_at=0.0, stale_at=2000.0),
        "_N_T_/api/x": TagState(expired_at=3000.0, stale_at=0.0),
    }


def test_handler_expire_and_stale_of_one_tag_are_both_kept(handler: t.Any) -> None:
    handler.set("/api/x", _entry())
    handler.revalidate_tags(["posts"], at=3000.0, expire=True)
    handler.revalidate_tags(["posts"], at=4000.0, expire=False)
    found = handler.get("/api/x")
    assert found is not None
    assert found[1]["posts"] == TagState(expired_at=3000.0, stale_at=4000.0)


def test_handler_revalidate_keeps_the_latest_time(handler: t.Any) -> None:
    handler.set("/api/x", _entry())
    handler.revalidate_tags(["posts"], at=3000.0, expire=True)
    handler.revalidate_tags(["posts"], at=2000.0, expire=True)
    found = handler.get("/api/x")
    assert found is not None
    assert found[1]["posts"].expired_at == 3000.0


def test_handler_clear_removes_entries_and_tags(handler: t.Any) -> None:
    handler.set("/api/x", _entry())
    handler.revalidate_tags(["posts"], at=2000.0, expire=True)
    handler.clear()
    assert handler.get("/api/x") is None
    handler.set("/api/x", _entry())
    found = handler.get("/api/x")
    assert found is not None
    assert found[1] == {}


def test_handler_keys_are_paths_of_any_shape(handler: t.Any) -> None:
    for key in ("/", "/api/a%2Fb", "/api/" + "x" * 500, "/api/../../etc/passwd", "/api/é"):
        handler.set(key, _entry(body=key.encode()))
    for key in ("/", "/api/a%2Fb", "/api/" + "x" * 500, "/api/../../etc/passwd", "/api/é"):
        found = handler.get(key)
        assert found is not None
        assert found[0].body == key.encode()


@pytest.mark.parametrize(
    ("age", "tags", "verdict"),
    [
        (0, {}, "fresh"),
        (60, {}, "fresh"),  # Next.js: stale once the age is *past* revalidate
        (61, {}, "stale"),
        (31536001, {}, "gone"),  # past expireTime: not served even stale
        (1, {"posts": TagState(stale_at=1000.5)}, "stale"),
        (1, {"posts": TagState(expired_at=1000.5)}, "gone"),
        # A revalidation not after the render leaves it alone (the render saw the change).
        (1, {"posts": TagState(expired_at=1000.0, stale_at=1000.0)}, "fresh"),
    ],
)
def test_judge(age: float, tags: dict[str, TagState], verdict: str) -> None:
    assert judge(_entry(), tags, 1000.0 + age) == verdict


def test_judge_never_stale_without_revalidate() -> None:
    assert judge(_entry(revalidate=False, expire=None), {}, 10**12) == "fresh"


def test_entry_from_bytes_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="not a routekit cache entry"):
        CacheEntry.from_bytes(b'{"status": 200}')
