"""The blog's data: users, posts and comments in SQLite.

The routes call only the functions below, so a test can replace any of them with
``monkeypatch.setattr(db, "get_user", ...)``, as a Next.js test would ``jest.mock`` its data
module.

The database file is ``$BLOG_DB_PATH``, or ``.data/blog.sqlite3`` under the project. It is
created and seeded the first time it is used. Several threads and several gunicorn worker
processes may share it: each thread has its own connection, the journal is in WAL mode (readers
never block the writer), and every write is one short ``BEGIN IMMEDIATE`` transaction that waits
up to :data:`BUSY_TIMEOUT` seconds for the lock instead of failing at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import typing as t
from contextlib import contextmanager
from pathlib import Path

if t.TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "BUSY_TIMEOUT",
    "Comment",
    "Post",
    "User",
    "add_comment",
    "close",
    "connect",
    "create_post",
    "database_path",
    "get_comment",
    "get_comments",
    "get_comments_in_range",
    "get_post",
    "get_posts",
    "get_posts_by_user",
    "get_user",
    "get_user_by_username",
    "get_users",
]

#: Seconds a connection waits for another writer before giving up with "database is locked".
BUSY_TIMEOUT = 5.0

_DEFAULT_PATH = Path(__file__).resolve().parent.parent / ".data" / "blog.sqlite3"


class User(t.TypedDict):
    """A row of ``users``; ``password`` is the bcrypt hash, never sent to clients."""

    id: int
    username: str
    name: str
    email: str
    location: str
    password: str


class Post(t.TypedDict):
    """A row of ``posts``."""

    id: int
    userId: int
    title: str
    body: str


class Comment(t.TypedDict):
    """A row of ``comments``: ``name`` and ``email`` are the author's."""

    id: int
    postId: int
    name: str
    email: str
    body: str


_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    location TEXT NOT NULL,
    password TEXT NOT NULL
)""",
    """
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL
)""",
    """
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL
)""",
)

# Every seeded user's password is "password". The hashes use bcrypt's lowest cost (4 rounds)
# so that logging in stays fast in tests; real accounts would use the default (12).
_SEED_USERS = [
    (1, "bob", "Bob", "bob@example.com", "USA",
     "$2b$04$1bpo7bQfDCdKxv.neSIlcOcxEmXphC3Q5V5LYpa4fNFCUVZI8XFpG"),
    (2, "alice", "Alice", "alice@example.com", "Sweden",
     "$2b$04$QK1OS88jdG8BRbsaA0ymf.VkA7Yf1scjYhEaY3yf4EROxHYqXQume"),
    (3, "john", "John", "john@example.com", "France",
     "$2b$04$Of6sZfq/Td/rHc1dC3m3vekETTp1a1NxbbY/3zGIzWa/W0Q5ej4Hq"),
]  # fmt: skip
_SEED_POSTS = [
    (1, 1, "Hello, world", "My first post on this blog."),
    (2, 1, "File-based routing", "A file under pages/api is an endpoint; no router to configure."),
    (3, 2, "Fika", "Coffee and a cinnamon bun at three o'clock, every day."),
    (4, 3, "Paris in the spring", "The chestnut trees along the Seine are in bloom."),
]
_SEED_COMMENTS = [
    (1, 1, "Alice", "alice@example.com", "Welcome, Bob!"),
    (2, 1, "John", "john@example.com", "Looking forward to more."),
    (3, 2, "Alice", "alice@example.com", "What about dynamic routes like [id]?"),
    (4, 3, "Bob", "bob@example.com", "Kanelbulle is the best."),
    (5, 4, "Alice", "alice@example.com", "Spring in Paris is hard to beat."),
]

_local = threading.local()
_seeded: set[Path] = set()
_seed_lock = threading.Lock()


def database_path() -> Path:
    """The database file: ``$BLOG_DB_PATH`` if set, else ``.data/blog.sqlite3`` in the project."""
    return Path(os.environ.get("BLOG_DB_PATH") or _DEFAULT_PATH)


def connect() -> sqlite3.Connection:
    """This thread's connection to :func:`database_path`, opened and seeded on first use."""
    path = database_path()
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None or _local.path != path:  # tests change BLOG_DB_PATH between calls
        close()
        conn = _open(path)
        _local.conn, _local.path = conn, path
    return conn


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; writes open their own (_transaction).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        _enable_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        with _seed_lock:
            if path not in _seeded:
                _create_and_seed(conn)
                _seeded.add(path)
    except BaseException:
        conn.close()
        raise
    return conn


def close() -> None:
    """Close this thread's connection, if any. The next call to :func:`connect` reopens it."""
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()
        _local.conn = None


def _enable_wal(conn: sqlite3.Connection) -> None:
    # The switch to WAL (once per file: it persists) needs an exclusive lock, and SQLite does
    # not wait for that one: retry while another process opening the new file holds it.
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        else:
            return


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # BEGIN IMMEDIATE takes the write lock up front, so a busy database makes us wait
    # (busy timeout) instead of failing later when a read lock cannot be upgraded.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _create_and_seed(conn: sqlite3.Connection) -> None:
    # user_version marks a seeded file. It is read under the write lock, so two processes
    # starting together seed the file once.
    with _transaction(conn):
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", _SEED_USERS)
            conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)", _SEED_POSTS)
            conn.executemany("INSERT INTO comments VALUES (?, ?, ?, ?, ?)", _SEED_COMMENTS)
            conn.execute("PRAGMA user_version = 1")


_USER_COLUMNS = "id, username, name, email, location, password"
_POST_COLUMNS = "id, user_id AS userId, title, body"
_COMMENT_COLUMNS = "id, post_id AS postId, name, email, body"


def get_users() -> list[User]:
    """All users, by id."""
    cursor = connect().execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY id")
    return t.cast("list[User]", _all(cursor))


def get_user(user_id: int) -> User | None:
    """The user with *user_id*, or ``None``."""
    cursor = connect().execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return t.cast("User | None", _first(cursor))


def get_user_by_username(username: str) -> User | None:
    """The user called *username* (case-sensitive), or ``None``."""
    sql = f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?"
    return t.cast("User | None", _first(connect().execute(sql, (username,))))


def get_posts(limit: int | None = None) -> list[Post]:
    """The first *limit* posts by id, or all of them."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts ORDER BY id LIMIT ?"
    cursor = connect().execute(sql, (-1 if limit is None else limit,))  # LIMIT -1: no limit
    return t.cast("list[Post]", _all(cursor))


def get_post(post_id: int) -> Post | None:
    """The post with *post_id*, or ``None``."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?"
    return t.cast("Post | None", _first(connect().execute(sql, (post_id,))))


def get_posts_by_user(user_id: int) -> list[Post]:
    """The posts written by *user_id*, by id."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts WHERE user_id = ? ORDER BY id"
    return t.cast("list[Post]", _all(connect().execute(sql, (user_id,))))


def create_post(user_id: int, title: str, body: str) -> Post:
    """Store a new post by *user_id* and return it with its id."""
    with _transaction(connect()) as conn:
        cursor = conn.execute(
            "INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)", (user_id, title, body)
        )
    return {"id": t.cast("int", cursor.lastrowid), "userId": user_id, "title": title, "body": body}


def get_comments() -> list[Comment]:
    """All comments, by id."""
    cursor = connect().execute(f"SELECT {_COMMENT_COLUMNS} FROM comments ORDER BY id")
    return t.cast("list[Comment]", _all(cursor))


def get_comment(comment_id: int) -> Comment | None:
    """The comment with *comment_id*, or ``None``."""
    sql = f"SELECT {_COMMENT_COLUMNS} FROM comments WHERE id = ?"
    return t.cast("Comment | None", _first(connect().execute(sql, (comment_id,))))


def get_comments_in_range(first: int, last: int) -> list[Comment]:
    """The comments whose id is between *first* and *last*, both included, by id."""
    sql = f"SELECT {_COMMENT_COLUMNS} FROM comments WHERE id BETWEEN ? AND ? ORDER BY id"
    return t.cast("list[Comment]", _all(connect().execute(sql, (first, last))))


def add_comment(post_id: int, name: str, email: str, body: str) -> Comment:
    """Store a comment on *post_id* and return it with its id."""
    with _transaction(connect()) as conn:
        cursor = conn.execute(
            "INSERT INTO comments (post_id, name, email, body) VALUES (?, ?, ?, ?)",
            (post_id, name, email, body),
        )
    comment_id = t.cast("int", cursor.lastrowid)
    return {"id": comment_id, "postId": post_id, "name": name, "email": email, "body": body}


# The SELECTs name the columns of each TypedDict, so their rows are that shape.
def _first(cursor: sqlite3.Cursor) -> dict[str, t.Any] | None:
    row = cursor.fetchone()
    return None if row is None else dict(row)


def _all(cursor: sqlite3.Cursor) -> list[dict[str, t.Any]]:
    return [dict(row) for row in cursor]
