"""Unit tests of the route handlers: ``handler(req, res)`` called with ``create_mocks``.

Each test replaces the data-access function the handler calls, as a Next.js test does with
``jest.mock("../lib/db")``: the routes call ``db.get_user(...)`` through the module, so
``monkeypatch.setattr(route.db, "get_user", fake)`` is seen by the handler. No database and
no network are involved; the integration tests (``test_api_*.py``) run the real ones.

``load_handler`` imports a route file the way the server does (``[id]`` is no valid module
name) and returns the very module the app runs.
"""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import pytest

from routekit import load_handler

if t.TYPE_CHECKING:
    from types import ModuleType

    from routekit_pytest import CreateMocks

BLOG = Path(__file__).resolve().parent.parent

hello_route = load_handler(BLOG / "pages/api/hello.py")
auth_route = load_handler(BLOG / "pages/api/auth.py")
users_route = load_handler(BLOG / "pages/api/users/index.py")
user_route = load_handler(BLOG / "pages/api/users/[id]/index.py")
user_posts_route = load_handler(BLOG / "pages/api/users/[id]/posts.py")
posts_route = load_handler(BLOG / "pages/api/posts/index.py")
comments_route = load_handler(BLOG / "pages/api/comments/[[...ids]].py")
trivia_route = load_handler(BLOG / "pages/api/trivia/[number].py")

ANN = {
    "id": 7,
    "username": "ann",
    "name": "Ann",
    "location": "Norway",
    "password": "$2b$04$not-a-real-hash",
}


class Recorder:
    """A fake data-access function: records its calls and returns a fixed result."""

    def __init__(self, result: object) -> None:
        self.result = result
        self.calls: list[tuple[object, ...]] = []

    def __call__(self, *args: object) -> object:
        self.calls.append(args)
        return self.result


def test_hello_handler_answers_john_doe(create_mocks: CreateMocks) -> None:
    req, res = create_mocks(method="PUT")
    hello_route.handler(req, res)
    assert res.status_code == 200
    assert res.json_data() == {"name": "John Doe"}


def test_auth_handler_returns_a_token_for_the_user_found(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    user = {**ANN, "password": auth.hash_password("s3cret", rounds=4)}
    find = Recorder(user)
    monkeypatch.setattr(auth_route.db, "get_user_by_username", find)
    req, res = create_mocks(method="POST", json={"username": "ann", "password": "s3cret"})

    auth_route.handler(req, res)

    assert res.status_code == 200
    assert find.calls == [("ann",)]
    claims = auth.verify_token(res.json_data()["token"])
    assert claims == {"userId": 7, "location": "Norway", "name": "Ann"}


def test_auth_handler_unknown_user_is_404(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth_route.db, "get_user_by_username", Recorder(None))
    req, res = create_mocks(method="POST", json={"username": "ann", "password": "s3cret"})
    auth_route.handler(req, res)
    assert res.status_code == 404
    assert res.json_data() == {"error": "User not found "}


def test_auth_handler_hardened_never_says_which_part_is_wrong(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = Recorder(False)
    monkeypatch.setattr(auth_route.db, "get_user_by_username", Recorder(None))
    monkeypatch.setattr(auth_route.auth, "check_password", check)
    req, res = create_mocks(
        method="POST",
        json={"username": "ann", "password": "s3cret"},
        env={"BLOG_HARDENED_AUTH": "1"},
    )

    auth_route.handler(req, res)

    assert res.status_code == 401
    assert res.json_data() == {"error": "Invalid username or password"}
    # The dummy hash was checked, so an unknown user costs as much time as a known one.
    assert check.calls == [("s3cret", auth_route.auth.UNKNOWN_USER_HASH)]


def test_users_handler_blanks_every_password(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    monkeypatch.setattr(users_route.db, "get_users", Recorder([ANN]))
    req, res = create_mocks(auth=auth.create_token(ANN))

    users_route.handler(req, res)

    assert res.status_code == 200
    assert res.json_data() == [{**ANN, "password": ""}]


def test_users_handler_without_token_reads_nothing(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_users = Recorder([ANN])
    monkeypatch.setattr(users_route.db, "get_users", get_users)
    req, res = create_mocks()
    users_route.handler(req, res)
    assert res.status_code == 401
    assert res.json_data() == {"error": "The authorization header is required"}
    assert get_users.calls == []


def test_user_handler_asks_for_the_id_as_an_int(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_user = Recorder(ANN)
    monkeypatch.setattr(user_route.db, "get_user", get_user)
    req, res = create_mocks(url="/api/users/7", params={"id": "7"})

    user_route.handler(req, res)

    assert get_user.calls == [(7,)]
    assert res.status_code == 200
    assert res.json_data() == {**ANN, "password": ""}


def test_user_handler_unknown_id_is_404(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(user_route.db, "get_user", Recorder(None))
    req, res = create_mocks(params={"id": "404"})
    user_route.handler(req, res)
    assert res.status_code == 404
    assert res.json_data() == {"error": "Not found"}


def test_user_posts_handler_lists_the_users_posts(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = [{"id": 9, "userId": 7, "text": "T"}]
    by_user = Recorder(posts)
    monkeypatch.setattr(user_posts_route.db, "get_user", Recorder(ANN))
    monkeypatch.setattr(user_posts_route.db, "get_posts_by_user", by_user)
    req, res = create_mocks(params={"id": "7"})

    user_posts_route.handler(req, res)

    assert by_user.calls == [(7,)]
    assert res.status_code == 200
    assert res.json_data() == posts


def test_posts_handler_passes_the_limit(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_posts = Recorder([])
    monkeypatch.setattr(posts_route.db, "get_posts", get_posts)
    req, res = create_mocks(url="/api/posts?limit=2")
    posts_route.handler(req, res)
    assert get_posts.calls == [(2,)]
    assert res.json_data() == []


def test_posts_handler_writes_as_the_token_user(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    created = {"id": 99, "userId": 7, "text": "Hi"}
    create_post = Recorder(created)
    monkeypatch.setattr(posts_route.db, "create_post", create_post)
    req, res = create_mocks(
        method="POST", json={"text": "Hi", "userId": 1}, auth=auth.create_token(ANN)
    )

    posts_route.handler(req, res)

    assert create_post.calls == [(7, "Hi")]  # the token's user, not the body's userId
    assert res.status_code == 201
    assert res.json_data() == created


def test_posts_handler_token_of_a_deleted_user_is_401(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    monkeypatch.setattr(posts_route.db, "create_post", Recorder(None))  # no such user
    req, res = create_mocks(method="POST", json={"text": "Hi"}, auth=auth.create_token(ANN))
    posts_route.handler(req, res)
    assert res.status_code == 401
    assert res.json_data() == {"error": "Unauthorized"}


@pytest.mark.parametrize(
    ("url", "ids", "args"),
    [("/api/comments/2", ["2"], (2,)), ("/api/comments/2/1", ["2", "1"], (2, 1))],
)
def test_comments_handler_filters_by_post_then_user(
    create_mocks: CreateMocks,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    ids: list[str],
    args: tuple[int, ...],
) -> None:
    post_comments = Recorder([])
    monkeypatch.setattr(comments_route.db, "get_post_comments", post_comments)
    req, res = create_mocks(url=url, params={"ids": ids})
    comments_route.handler(req, res)
    assert post_comments.calls == [args]
    assert res.status_code == 200


def test_comments_handler_never_reads_ids_from_the_query(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    every, post_comments = Recorder([]), Recorder([])
    monkeypatch.setattr(comments_route.db, "get_comments", every)
    monkeypatch.setattr(comments_route.db, "get_post_comments", post_comments)
    req, res = create_mocks(url="/api/comments?ids=5&ids=1")
    assert req.query["ids"] == ["5", "1"]  # what the tutorial's Array.isArray(ids) sees
    comments_route.handler(req, res)
    assert (every.calls, post_comments.calls) == ([()], [])


def test_comments_handler_writes_as_the_token_user(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    add_comment = Recorder({"id": 1})
    monkeypatch.setattr(comments_route.db, "add_comment", add_comment)
    req, res = create_mocks(
        method="POST",
        url="/api/comments",
        json={"postId": 3, "text": "Nice", "userId": 1},
        auth=auth.create_token(ANN),
    )

    comments_route.handler(req, res)

    assert add_comment.calls == [(7, 3, "Nice")]
    assert res.status_code == 201


@pytest.mark.parametrize(("user", "status"), [(None, 401), (ANN, 404)])
def test_comments_handler_tells_a_deleted_user_from_a_missing_post(
    create_mocks: CreateMocks,
    monkeypatch: pytest.MonkeyPatch,
    auth: ModuleType,
    user: object,
    status: int,
) -> None:
    monkeypatch.setattr(comments_route.db, "add_comment", Recorder(None))  # nothing written
    monkeypatch.setattr(comments_route.db, "get_user", Recorder(user))
    req, res = create_mocks(
        method="POST", url="/api/comments", json={"postId": 3, "text": "Nice"},
        auth=auth.create_token(ANN),
    )  # fmt: skip

    comments_route.handler(req, res)

    assert res.status_code == status


def test_trivia_handler_passes_the_service_answer_through(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    fact = {"text": "42 is the answer.", "number": 42, "found": True, "type": "trivia"}
    fetch = Recorder(fact)
    monkeypatch.setattr(trivia_route.trivia, "fetch_trivia", fetch)
    req, res = create_mocks(params={"number": "42"})

    trivia_route.handler(req, res)

    assert fetch.calls == [(42,)]
    assert res.status_code == 200
    assert res.json_data() == fact


def test_trivia_handler_service_failure_is_502_and_logged(
    create_mocks: CreateMocks, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unavailable(number: int) -> t.NoReturn:
        raise trivia_route.trivia.TriviaUnavailable("connection refused")

    monkeypatch.setattr(trivia_route.trivia, "fetch_trivia", unavailable)
    req, res = create_mocks(params={"number": "42"})

    with caplog.at_level(logging.WARNING):
        trivia_route.handler(req, res)

    assert res.status_code == 502
    assert res.json_data() == {"error": "Trivia service unavailable"}
    assert "trivia for 42 failed: connection refused" in caplog.text
