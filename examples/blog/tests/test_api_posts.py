"""Integration tests of ``GET /api/posts`` (with ``?limit=``) and ``POST /api/posts``."""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from routekit_pytest import Client

    from .conftest import Login

pytestmark = pytest.mark.routekit(root="..")

NEW_POST = {"title": "Routing", "body": "Files are routes."}


def test_posts_lists_every_post(client: Client) -> None:
    res = client.get("/api/posts")
    assert_status(res, 200)
    assert [(p["id"], p["userId"], p["title"]) for p in res.json_data()] == [
        (1, 1, "Hello, world"),
        (2, 1, "File-based routing"),
        (3, 2, "Fika"),
        (4, 3, "Paris in the spring"),
    ]


@pytest.mark.parametrize(("limit", "ids"), [("1", [1]), ("3", [1, 2, 3]), ("100", [1, 2, 3, 4])])
def test_posts_limit(client: Client, limit: str, ids: list[int]) -> None:
    res = client.get("/api/posts", query={"limit": limit})
    assert_status(res, 200)
    assert [post["id"] for post in res.json_data()] == ids


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "limit=", "limit=1&limit=2"],
)
def test_posts_bad_limit_is_400(client: Client, query: str) -> None:
    res = client.get(f"/api/posts?{query}")
    assert_status(res, 400)
    assert_json(res, {"error": "The limit must be an integer from 1 to 100"})


def test_post_is_written_as_the_token_user(client: Client, login: Login) -> None:
    token = login("alice")
    res = client.post("/api/posts", json=NEW_POST, auth=token)
    assert_status(res, 201)
    assert_json(res, {"id": 5, "userId": 2, **NEW_POST})

    assert client.get("/api/posts").json_data()[-1] == res.json_data()
    assert [post["id"] for post in client.get("/api/users/2/posts").json_data()] == [3, 5]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"body": "Files are routes."}, "title must be a non-empty string"),
        ({"title": "", "body": "Files are routes."}, "title must be a non-empty string"),
        ({"title": "   ", "body": "Files are routes."}, "title must be a non-empty string"),
        ({"title": 42, "body": "Files are routes."}, "title must be a non-empty string"),
        ({"title": "x" * 201, "body": "Files are routes."}, "title must be at most 200 characters"),
        ({"title": "Routing"}, "body must be a non-empty string"),
        ({"title": "Routing", "body": ["Files"]}, "body must be a non-empty string"),
        ({"title": "Routing", "body": "x" * 10_001}, "body must be at most 10000 characters"),
        ([1, 2], "The request body must be a JSON object"),
        ("Routing", "The request body must be a JSON object"),
    ],
)
def test_post_invalid_body_is_400(client: Client, token: str, body: object, error: str) -> None:
    res = client.post("/api/posts", json=body, auth=token)
    assert_status(res, 400)
    assert_json(res, {"error": error})


def test_post_title_of_200_characters_is_fine(client: Client, token: str) -> None:
    res = client.post("/api/posts", json={**NEW_POST, "title": "x" * 200}, auth=token)
    assert_status(res, 201)


def test_post_malformed_json_is_the_frameworks_400(client: Client, token: str) -> None:
    res = client.post("/api/posts", data='{"title":', content_type="application/json", auth=token)
    assert_status(res, 400)
    assert res.text == "Invalid JSON"


def test_post_over_64kb_is_413(client: Client, token: str) -> None:
    huge = {"title": "Big", "body": "x" * 70_000}
    res = client.post("/api/posts", json=huge, auth=token)
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


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_posts_other_methods_are_405(client: Client, method: str) -> None:
    res = client.request(method, "/api/posts")
    assert_status(res, 405)
    assert_header(res, "allow", "GET, POST")
    assert_json(res, {"error": "Method not allowed"})
