"""Tests of ``lib/db.py`` and ``lib/database.py``: the seed, the queries, ``DATABASE_URL``,
concurrent writers. Those that use the ``db`` fixture run on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import typing as t

import pytest

if t.TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

USERS = [(1, "bob", "Bob", "USA"), (2, "alice", "Alice", "Sweden"), (3, "john", "John", "France")]


def test_db_seeds_the_tutorials_data(db: ModuleType) -> None:
    assert [(u["id"], u["username"], u["name"], u["location"]) for u in db.get_users()] == USERS
    assert [(p["id"], p["userId"]) for p in db.get_posts()] == [(1, 1), (2, 2), (3, 1), (4, 3)]
    assert [(c["id"], c["postId"], c["userId"]) for c in db.get_comments()] == [
        (1, 1, 2),
        (2, 1, 3),
        (3, 2, 1),
        (4, 2, 1),
        (5, 2, 1),
    ]
    assert db.get_post(3) == {"id": 3, "userId": 1, "text": "Lorem ipsum dolor sit amet. "}


def test_db_seeding_is_idempotent(db: ModuleType) -> None:
    db.create_post(1, "Not part of the seed.")
    db.close()
    assert len(db.get_posts()) == 5  # reopening neither re-seeds nor fails on the seed ids


def test_db_get_user_shapes(db: ModuleType) -> None:
    bob = db.get_user(1)
    assert bob is not None
    assert set(bob) == {"id", "username", "name", "location", "password"}
    assert bob["password"].startswith("$2b$04$")
    assert db.get_user(99) is None
    assert db.get_user(2**63 - 1) is None
    assert db.get_user_by_username("alice") == db.get_user(2)
    assert db.get_user_by_username("Alice") is None


def test_db_get_posts_limit(db: ModuleType) -> None:
    assert [post["id"] for post in db.get_posts(2)] == [1, 2]
    assert db.get_posts(0) == []
    assert len(db.get_posts(2**63 - 1)) == 4
    assert set(db.get_posts(1)[0]) == {"id", "userId", "text"}


def test_db_get_posts_by_user(db: ModuleType) -> None:
    assert [post["id"] for post in db.get_posts_by_user(1)] == [1, 3]
    assert db.get_posts_by_user(99) == []


def test_db_create_post_returns_the_stored_post(db: ModuleType) -> None:
    post = db.create_post(2, "Midsummer")
    assert post == {"id": 5, "userId": 2, "text": "Midsummer"}
    assert db.get_post(5) == post


def test_db_create_post_for_unknown_user_is_none(db: ModuleType) -> None:
    assert db.create_post(99, "Nobody wrote this.") is None
    assert db.get_post(5) is None
    assert db.create_post(1, "Next") == {"id": 5, "userId": 1, "text": "Next"}


@pytest.mark.parametrize(
    ("post_id", "user_id", "expected"),
    [(1, None, [1, 2]), (2, None, [3, 4, 5]), (1, 3, [2]), (2, 2, []), (99, None, [])],
)
def test_db_get_post_comments(
    db: ModuleType, post_id: int, user_id: int | None, expected: list[int]
) -> None:
    assert [c["id"] for c in db.get_post_comments(post_id, user_id)] == expected


def test_db_add_comment(db: ModuleType) -> None:
    comment = db.add_comment(3, 4, "Lorem ipsum indeed.")
    assert comment == {"id": 6, "postId": 4, "userId": 3, "text": "Lorem ipsum indeed."}
    assert db.get_post_comments(4, 3) == [comment]


@pytest.mark.parametrize(("user_id", "post_id"), [(99, 1), (1, 99)])
def test_db_add_comment_for_unknown_user_or_post_is_none(
    db: ModuleType, user_id: int, post_id: int
) -> None:
    assert db.add_comment(user_id, post_id, "Ghost") is None
    assert len(db.get_comments()) == 5


def test_db_concurrent_writes_from_threads_all_land(db: ModuleType) -> None:
    def write(n: int) -> None:
        try:
            for i in range(10):
                db.create_post(1, f"thread {n} post {i}")
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(db.get_posts()) == 4 + 40


def test_db_concurrent_writes_from_processes_all_land(blog: Path, db: ModuleType) -> None:
    # Like gunicorn workers: several processes set up, seed and write one new database at once.
    script = "from lib import db\nfor _ in range(20): db.create_post(1, 't')\ndb.close()"
    workers = [subprocess.Popen([sys.executable, "-c", script], cwd=blog) for _ in range(3)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0, 0]
    assert len(db.get_posts()) == 4 + 60
    assert len(db.get_users()) == 3  # seeded once


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_db_reconnects_after_the_server_closed_the_connection(db: ModuleType) -> None:
    first = db.connect()
    first._conn.close()  # as after a server restart or an idle timeout
    assert db.get_user(1) is not None
    assert db.connect() is not first


# -- DATABASE_URL ----------------------------------------------------------------------------


def test_database_default_is_the_sqlite_file_of_the_project(
    database_module: ModuleType, monkeypatch: pytest.MonkeyPatch, blog: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL")
    assert database_module.database_url() == f"sqlite:///{blog / '.data' / 'blog.sqlite3'}"


def test_database_sqlite_url_relative_and_absolute(
    database_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for url, path in [
        ("sqlite:///relative.sqlite3", tmp_path / "relative.sqlite3"),
        (f"sqlite:///{tmp_path / 'abs dir' / 'blog.sqlite3'}", tmp_path / "abs dir/blog.sqlite3"),
        (f"sqlite:///{tmp_path / 'x%20y.sqlite3'}", tmp_path / "x y.sqlite3"),
    ]:
        monkeypatch.setenv("DATABASE_URL", url)
        conn = database_module.connect(lambda db: db.run("CREATE TABLE t (x INTEGER)"))
        assert conn.one("PRAGMA journal_mode") == {"journal_mode": "wal"}
        database_module.close()
        assert path.is_file(), url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root:hunter2@db/blog", "DATABASE_URL='mysql://root:***@db/blog' is not a"),
        ("blog.sqlite3", "DATABASE_URL='blog.sqlite3' is not a database URL the blog knows"),
        ("sqlite://", "DATABASE_URL='sqlite://' has no file path"),
        ("sqlite:///", "DATABASE_URL='sqlite:///' has no file path"),
        ("sqlite://host/blog.sqlite3", "has no file path: use sqlite:///relative/path.sqlite3"),
    ],
)
def test_database_bad_url_is_a_clear_error(
    database_module: ModuleType, monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(database_module.DatabaseURLError, match=re.escape(message)):
        database_module.connect(lambda db: None)


def test_database_postgresql_without_psycopg_says_what_to_install(
    database_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    monkeypatch.setenv("DATABASE_URL", "postgresql://blog:s3cret@db.internal/blog")
    with pytest.raises(database_module.DatabaseURLError) as info:
        database_module.connect(lambda db: None)
    assert str(info.value) == (
        "DATABASE_URL='postgresql://blog:***@db.internal/blog' needs psycopg: "
        "pip install 'psycopg[binary]' (or routekit's `postgres` extra)"
    )


def test_database_setup_failure_is_retried_on_the_next_connect(
    database_module: ModuleType,
) -> None:
    def broken(db: t.Any) -> None:
        db.run("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("seed failed")

    with pytest.raises(RuntimeError, match="seed failed"):
        database_module.connect(broken)
    # Rolled back, and not marked as set up: the next connection runs the setup again.
    conn = database_module.connect(lambda db: db.run("CREATE TABLE half (x INTEGER)"))
    assert conn.all("SELECT x FROM half") == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:////tmp/x", "sqlite:////tmp/x"),
    ],
)
def test_database_redact_hides_the_password(
    database_module: ModuleType, url: str, shown: str
) -> None:
    assert database_module.redact(url) == shown
