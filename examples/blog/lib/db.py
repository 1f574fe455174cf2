"""The blog's data: the tutorial's users, posts and comments, and every query the routes make.

The routes call only the functions below, so a test can replace any of them with
``monkeypatch.setattr(db, "get_user", ...)``, as a Next.js test would ``jest.mock`` its data
module. Where the rows live (SQLite by default, PostgreSQL with ``DATABASE_URL``) is
:mod:`lib.database`'s business; the SQL here runs unchanged on both.

The seed is the tutorial's ``data.js``: three users (every password is ``password``), four
posts and five comments. A database without tables gets them on first use.
"""

from __future__ import annotations

import typing as t

from . import database

if t.TYPE_CHECKING:
    from .database import Database

__all__ = [
    "Comment",
    "Post",
    "User",
    "add_comment",
    "close",
    "connect",
    "create_post",
    "get_comments",
    "get_post",
    "get_post_comments",
    "get_posts",
    "get_posts_by_user",
    "get_user",
    "get_user_by_username",
    "get_users",
]


class User(t.TypedDict):
    """A row of ``users``; ``password`` is the bcrypt hash, never sent to clients."""

    id: int
    username: str
    name: str
    location: str
    password: str


class Post(t.TypedDict):
    """A row of ``posts``: ``userId`` wrote ``text``."""

    id: int
    userId: int
    text: str


class Comment(t.TypedDict):
    """A row of ``comments``: ``userId`` wrote ``text`` under the post ``postId``."""

    id: int
    postId: int
    userId: int
    text: str


# {id} is each database's generated primary key (lib.database.Database.id_column).
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS users (
    id {id},
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    password TEXT NOT NULL
)""",
    """
CREATE TABLE IF NOT EXISTS posts (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id),
    text TEXT NOT NULL
)""",
    """
CREATE TABLE IF NOT EXISTS comments (
    id {id},
    post_id BIGINT NOT NULL REFERENCES posts (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    text TEXT NOT NULL
)""",
)

# The tutorial's data.js, in its order: the rows get the ids 1, 2, 3... the tutorial gives them.
# Its hashes are bcryptjs' of "password" at cost 10; these use bcrypt's lowest cost (4) so that
# logging in stays fast in tests. Real accounts would use the default (12).
_SEED_USERS = [
    ("bob", "Bob", "USA", "$2b$04$1bpo7bQfDCdKxv.neSIlcOcxEmXphC3Q5V5LYpa4fNFCUVZI8XFpG"),
    ("alice", "Alice", "Sweden", "$2b$04$QK1OS88jdG8BRbsaA0ymf.VkA7Yf1scjYhEaY3yf4EROxHYqXQume"),
    ("john", "John", "France", "$2b$04$Of6sZfq/Td/rHc1dC3m3vekETTp1a1NxbbY/3zGIzWa/W0Q5ej4Hq"),
]
_SEED_POSTS = [  # (userId, text), the trailing spaces included
    (1, "Hello, World!"),
    (2, "Hello, NextJS"),
    (1, "Lorem ipsum dolor sit amet. "),
    (
        3,
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Curabitur ut rhoncus neque. "
        "Sed lacinia magna a mi tincidunt, ac interdum.",
    ),
]
_SEED_COMMENTS = [  # (postId, userId, text)
    (1, 2, "Hi there!"),
    (1, 3, "Lorem ipsum"),
    (2, 1, "Nulla bibendum risus sed vestibulum lobortis. Fusce."),
    (2, 1, "In ut nulla vitae dolor scelerisque lacinia. "),
    (2, 1, "Praesent semper enim eu ligula rutrum finibus."),
]


def connect() -> Database:
    """This thread's connection to ``$DATABASE_URL``, created and seeded on first use."""
    return database.connect(_create_and_seed)


def close() -> None:
    """Close this thread's connection, if any. The next query reconnects."""
    database.close()


def _create_and_seed(db: Database) -> None:
    # Runs in one transaction under the setup lock, so processes starting together seed once.
    for statement in _SCHEMA:
        db.run(statement.format(id=db.id_column))
    if db.one("SELECT id FROM users LIMIT 1") is not None:
        return
    for row in _SEED_USERS:
        db.run("INSERT INTO users (username, name, location, password) VALUES (?, ?, ?, ?)", row)
    for row in _SEED_POSTS:
        db.run("INSERT INTO posts (user_id, text) VALUES (?, ?)", row)
    for row in _SEED_COMMENTS:
        db.run("INSERT INTO comments (post_id, user_id, text) VALUES (?, ?, ?)", row)


# Quoted aliases: PostgreSQL folds unquoted names to lower case.
_USER_COLUMNS = "id, username, name, location, password"
_POST_COLUMNS = 'id, user_id AS "userId", text'
_COMMENT_COLUMNS = 'id, post_id AS "postId", user_id AS "userId", text'


def get_users() -> list[User]:
    """All users, by id."""
    return t.cast("list[User]", connect().all(f"SELECT {_USER_COLUMNS} FROM users ORDER BY id"))


def get_user(user_id: int) -> User | None:
    """The user with *user_id*, or ``None``."""
    sql = f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?"
    return t.cast("User | None", connect().one(sql, (user_id,)))


def get_user_by_username(username: str) -> User | None:
    """The user called *username* (case-sensitive), or ``None``."""
    sql = f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?"
    return t.cast("User | None", connect().one(sql, (username,)))


def get_posts(limit: int | None = None) -> list[Post]:
    """The first *limit* posts by id, or all of them."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts ORDER BY id"
    if limit is None:
        return t.cast("list[Post]", connect().all(sql))
    return t.cast("list[Post]", connect().all(f"{sql} LIMIT ?", (limit,)))


def get_post(post_id: int) -> Post | None:
    """The post with *post_id*, or ``None``."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?"
    return t.cast("Post | None", connect().one(sql, (post_id,)))


def get_posts_by_user(user_id: int) -> list[Post]:
    """The posts written by *user_id*, by id."""
    sql = f"SELECT {_POST_COLUMNS} FROM posts WHERE user_id = ? ORDER BY id"
    return t.cast("list[Post]", connect().all(sql, (user_id,)))


def create_post(user_id: int, text: str) -> Post | None:
    """Store a post by *user_id* and return it with its id; ``None`` if there is no such user.

    The user is checked by the ``INSERT`` itself, so a user deleted meanwhile is no error.
    """
    with connect().transaction() as db:
        row = db.one(
            "INSERT INTO posts (user_id, text) SELECT id, ? FROM users WHERE id = ? RETURNING id",
            (text, user_id),
        )
    return None if row is None else {"id": row["id"], "userId": user_id, "text": text}


def get_comments() -> list[Comment]:
    """All comments, by id."""
    sql = f"SELECT {_COMMENT_COLUMNS} FROM comments ORDER BY id"
    return t.cast("list[Comment]", connect().all(sql))


def get_post_comments(post_id: int, user_id: int | None = None) -> list[Comment]:
    """The comments under *post_id* (only *user_id*'s, if given), by id."""
    sql = f"SELECT {_COMMENT_COLUMNS} FROM comments WHERE post_id = ?"
    if user_id is None:
        return t.cast("list[Comment]", connect().all(f"{sql} ORDER BY id", (post_id,)))
    sql = f"{sql} AND user_id = ? ORDER BY id"
    return t.cast("list[Comment]", connect().all(sql, (post_id, user_id)))


def add_comment(user_id: int, post_id: int, text: str) -> Comment | None:
    """Store *user_id*'s comment under *post_id* and return it with its id; ``None`` if there
    is no such user or post (checked by the ``INSERT`` itself)."""
    with connect().transaction() as db:
        row = db.one(
            "INSERT INTO comments (post_id, user_id, text) SELECT posts.id, users.id, ? "
            "FROM posts, users WHERE posts.id = ? AND users.id = ? RETURNING id",
            (text, post_id, user_id),
        )
    if row is None:
        return None
    return {"id": row["id"], "postId": post_id, "userId": user_id, "text": text}
