"""Integration tests of ``GET /api/posts`` (with ``?limit=``) and ``POST /api/posts``."""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from types import ModuleType

    from routekit_pytest import Client

    from .conftest import Login

pytestmark = pytest.mark.routekit(root="..")

NEW_POST = {"text": "Files are routes."}


def test_posts_lists_every_post(client: Client) -> None:
    res = client.get("/api/posts")
    assert_status(res, 200)
    assert [(p["id"], p["userId"], p["text"][:13]) for p in res.json_data()] == [
        (1, 1, "Hello, World!"),
        (2, 2, "Hello, NextJS"),
        (3, 1, "Lorem ipsum d"),
        (4, 3, "Lorem ipsum d"),
    ]


@pytest.mark.parametrize(
    ("limit", "ids"),
    [("0", []), ("1", [1]), ("3", [1, 2, 3]), ("4", [1, 2, 3, 4]), ("1000", [1, 2, 3, 4])],
)
def test_posts_limit_is_the_first_n(client: Client, limit: str, ids: list[int]) -> None:
    res = client.get("/api/posts", query={"limit": limit})  # the tutorial's slice(0, limit)
    assert_status(res, 200)
    assert [post["id"] for post in res.json_data()] == ids


@pytest.mark.parametrize(
    "query", ["limit=-1", "limit=abc", "limit=1.5", "limit=", "limit=1&limit=2", "limit=%201"]
)
def test_posts_bad_limit_is_400(client: Client, query: str) -> None:
    res = client.get(f"/api/posts?{query}")
    assert_status(res, 400)
    assert_json(res, {"error": "The limit must be a non-negative integer"})


def test_post_is_written_as_the_token_user(client: Client, login: Login) -> None:
    token = login("alice")
    res = client.post("/api/posts", json={**NEW_POST, "userId": 1}, auth=token)
    assert_status(res, 201)
    assert_json(res, {"id": 5, "userId": 2, **NEW_POST})  # the body's userId is ignored

    assert client.get("/api/posts").json_data()[-1] == res.json_data()
    assert [post["id"] for post in client.get("/api/users/2/posts").json_data()] == [2, 5]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "text must be a non-empty string"),
        ({"text": ""}, "text must be a non-empty string"),
        ({"text": "   "}, "text must be a non-empty string"),
        ({"text": 42}, "text must be a non-empty string"),
        ({"text": ["Files"]}, "text must be a non-empty string"),
        ({"text": "x" * 10_001}, "text must be at most 10000 characters"),
        ({"text": "a\u0000b"}, "text must be valid Unicode text without NUL characters"),
        ([1, 2], "The request body must be a JSON object"),
        ("Routing", "The request body must be a JSON object"),
    ],
)
def test_post_invalid_body_is_400(client: Client, token: str, body: object, error: str) -> None:
    res = client.post("/api/posts", json=body, auth=token)
    assert_status(res, 400)
    assert_json(res, {"error": error})


@pytest.mark.parametrize("escaped", ["\\ud800", "\\u0000"])
def test_post_text_no_database_can_store_is_400(client: Client, token: str, escaped: str) -> None:
    # A lone surrogate (neither database) and NUL (not PostgreSQL), as JSON escapes.
    data = f'{{"text": "bad {escaped}"}}'
    res = client.post("/api/posts", data=data, content_type="application/json", auth=token)
    assert_status(res, 400)
    assert_json(res, {"error": "text must be valid Unicode text without NUL characters"})


def test_post_text_of_10000_characters_is_fine(client: Client, token: str) -> None:
    res = client.post("/api/posts", json={"text": "x" * 10_000}, auth=token)
    assert_status(res, 201)


def test_post_malformed_json_is_the_frameworks_400(client: Client, token: str) -> None:
    res = client.post("/api/posts", data='{"text":', content_type="application/json", auth=token)
    assert_status(res, 400)
    assert res.text == "Invalid JSON"


def test_post_over_64kb_is_413(client: Client, token: str) -> None:
    res = client.post("/api/posts", json={"text": "x" * 70_000}, auth=token)
    assert_status(res, 413)
    assert res.text == "Body exceeded 64kb limit"


def test_post_without_token_is_401_and_writes_nothing(client: Client) -> None:
    res = client.post("/api/posts", json=NEW_POST)
    assert_status(res, 401)
    assert_json(res, {"error": "The authorization header is required"})
    assert len(client.get("/api/posts").json_data()) == 4


def test_post_with_bad_token_is_401(client: Client) -> None:
    res = client.post("/api/posts", json=NEW_POST, auth="not-a-token")
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})


def test_post_with_the_token_of_a_deleted_user_is_401(
    client: Client, db: ModuleType, auth: ModuleType
) -> None:
    # The token is valid (signed, not expired), but its user is gone: a foreign key to no one.
    token = auth.create_token({"id": 4, "username": "ann", "name": "Ann", "location": "Norway"})
    res = client.post("/api/posts", json=NEW_POST, auth=token)
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})
    assert len(db.get_posts()) == 4


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_posts_other_methods_are_405(client: Client, method: str) -> None:
    res = client.request(method, "/api/posts")
    assert_status(res, 405)
    assert_header(res, "allow", "GET, POST")
    assert_json(res, {"error": "Method not allowed"})
