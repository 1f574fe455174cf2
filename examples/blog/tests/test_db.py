"""Tests of ``lib/db.py``: seeding, queries and concurrent writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import typing as t

import pytest

if t.TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


def test_db_seeds_users_posts_and_comments(db: ModuleType) -> None:
    assert [(u["id"], u["username"], u["location"]) for u in db.get_users()] == [
        (1, "bob", "USA"),
        (2, "alice", "Sweden"),
        (3, "john", "France"),
    ]
    assert [post["id"] for post in db.get_posts()] == [1, 2, 3, 4]
    assert [comment["id"] for comment in db.get_comments()] == [1, 2, 3, 4, 5]


def test_db_seeding_is_idempotent(db: ModuleType, tmp_path: Path) -> None:
    db.create_post(1, "Extra", "Not part of the seed.")
    db.close()
    assert len(db.get_posts()) == 5  # reopening neither re-seeds nor fails on the seed ids


def test_db_uses_blog_db_path(db: ModuleType, tmp_path: Path) -> None:
    db.get_users()
    assert db.database_path() == tmp_path / "blog.sqlite3"
    assert (tmp_path / "blog.sqlite3").is_file()


def test_db_default_path_is_under_the_project(
    db: ModuleType, monkeypatch: pytest.MonkeyPatch, blog: Path
) -> None:
    monkeypatch.delenv("BLOG_DB_PATH")
    assert db.database_path() == blog / ".data" / "blog.sqlite3"


def test_db_uses_wal_journal(db: ModuleType) -> None:
    assert db.connect().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_db_get_user_shapes(db: ModuleType) -> None:
    bob = db.get_user(1)
    assert bob is not None
    assert set(bob) == {"id", "username", "name", "email", "location", "password"}
    assert bob["password"].startswith("$2b$04$")
    assert db.get_user(99) is None
    assert db.get_user_by_username("alice") == db.get_user(2)
    assert db.get_user_by_username("Alice") is None


def test_db_get_posts_limit(db: ModuleType) -> None:
    assert [post["id"] for post in db.get_posts(2)] == [1, 2]
    assert set(db.get_posts(1)[0]) == {"id", "userId", "title", "body"}


def test_db_get_posts_by_user(db: ModuleType) -> None:
    assert [post["id"] for post in db.get_posts_by_user(1)] == [1, 2]
    assert db.get_posts_by_user(99) == []


def test_db_create_post_returns_the_stored_post(db: ModuleType) -> None:
    post = db.create_post(2, "Midsummer", "Dancing around the maypole.")
    assert post == {
        "id": 5,
        "userId": 2,
        "title": "Midsummer",
        "body": "Dancing around the maypole.",
    }
    assert db.get_post(5) == post


def test_db_create_post_for_unknown_user_is_refused(db: ModuleType) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.create_post(99, "Ghost", "Nobody wrote this.")
    assert db.get_post(5) is None  # the failed transaction was rolled back


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [(2, 4, [2, 3, 4]), (3, 3, [3]), (4, 99, [4, 5]), (50, 60, [])],
)
def test_db_get_comments_in_range(
    db: ModuleType, first: int, last: int, expected: list[int]
) -> None:
    assert [c["id"] for c in db.get_comments_in_range(first, last)] == expected


def test_db_add_comment(db: ModuleType) -> None:
    comment = db.add_comment(3, "John", "john@example.com", "Fika sounds great.")
    assert comment == {
        "id": 6,
        "postId": 3,
        "name": "John",
        "email": "john@example.com",
        "body": "Fika sounds great.",
    }
    assert db.get_comment(6) == comment
    assert db.get_comment(99) is None


def test_db_concurrent_writes_from_threads_all_land(db: ModuleType) -> None:
    def write(n: int) -> None:
        try:
            for i in range(10):
                db.create_post(1, f"thread {n} post {i}", "body")
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(db.get_posts()) == 4 + 40


def test_db_concurrent_writes_from_processes_all_land(blog: Path, db: ModuleType) -> None:
    # Like gunicorn workers: several processes open, seed and write the same new file at once.
    script = "from lib import db\nfor _ in range(20): db.create_post(1, 't', 'b')\ndb.close()"
    workers = [subprocess.Popen([sys.executable, "-c", script], cwd=blog) for _ in range(3)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0, 0]
    assert len(db.get_posts()) == 4 + 60
