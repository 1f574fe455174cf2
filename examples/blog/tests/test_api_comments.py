"""Integration tests of the optional catch-all ``/api/comments/[[...ids]]``."""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from routekit_pytest import Client

pytestmark = pytest.mark.routekit(root="..")

COMMENT_3 = {
    "id": 3,
    "postId": 2,
    "name": "Alice",
    "email": "alice@example.com",
    "body": "What about dynamic routes like [id]?",
}


def _ids(res: t.Any) -> list[int]:
    return [comment["id"] for comment in res.json_data()]


def test_comments_without_id_lists_all(client: Client) -> None:
    res = client.get("/api/comments")
    assert_status(res, 200)
    assert _ids(res) == [1, 2, 3, 4, 5]
    assert res.route is not None
    assert res.route.params == {}  # an optional catch-all that matched nothing has no key


def test_comments_query_ids_are_not_path_ids(client: Client) -> None:
    res = client.get("/api/comments?ids=3")
    assert_status(res, 200)
    assert _ids(res) == [1, 2, 3, 4, 5]


def test_comments_one_id(client: Client) -> None:
    res = client.get("/api/comments/3")
    assert_status(res, 200)
    assert_json(res, COMMENT_3)


def test_comments_unknown_id_is_404(client: Client) -> None:
    res = client.get("/api/comments/9")
    assert_status(res, 404)
    assert_json(res, {"error": "Not found"})


@pytest.mark.parametrize(
    ("path", "ids"),
    [("2/4", [2, 3, 4]), ("3/3", [3]), ("4/99", [4, 5]), ("50/60", [])],
)
def test_comments_two_ids_are_a_range(client: Client, path: str, ids: list[int]) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 200)
    assert _ids(res) == ids


def test_comments_reversed_range_is_400(client: Client) -> None:
    res = client.get("/api/comments/4/2")
    assert_status(res, 400)
    assert_json(res, {"error": "The first comment id must not be greater than the last"})


@pytest.mark.parametrize("path", ["1/2/3", "1/2/3/4", "x/y/z"])
def test_comments_three_ids_or_more_is_400(client: Client, path: str) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 400)
    usage = "/api/comments/<id> or /api/comments/<first>/<last>"
    assert_json(res, {"error": f"Give at most two comment ids: {usage}"})


@pytest.mark.parametrize("path", ["x", "0", "-1", "1/x", "x/1", "1.5/2"])
def test_comments_non_numeric_id_is_400(client: Client, path: str) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 400)
    assert_json(res, {"error": "The id must be a positive integer"})


def test_comment_is_signed_by_the_token_user(client: Client, token: str) -> None:
    res = client.post("/api/comments", json={"postId": 3, "body": "Count me in!"}, auth=token)
    assert_status(res, 201)
    created = {"id": 6, "postId": 3, "name": "Bob", "email": "bob@example.com"}
    assert_json(res, {**created, "body": "Count me in!"})
    assert_json(client.get("/api/comments/6"), res.json_data())


def test_comment_on_unknown_post_is_404(client: Client, token: str) -> None:
    res = client.post("/api/comments", json={"postId": 99, "body": "Hello?"}, auth=token)
    assert_status(res, 404)
    assert_json(res, {"error": "Post not found"})


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"postId": "three", "body": "Hi"}, "postId must be a positive integer"),
        ({"postId": 3.0, "body": "Hi"}, "postId must be a positive integer"),
        ({"postId": True, "body": "Hi"}, "postId must be a positive integer"),
        ({"postId": 0, "body": "Hi"}, "postId must be a positive integer"),
        ({"body": "Hi"}, "postId must be a positive integer"),
        ({"postId": 3}, "body must be a non-empty string"),
        ({"postId": 3, "body": ""}, "body must be a non-empty string"),
        ({"postId": 3, "body": "x" * 2_001}, "body must be at most 2000 characters"),
        ([3, "Hi"], "The request body must be a JSON object"),
    ],
)
def test_comment_invalid_body_is_400(client: Client, token: str, body: object, error: str) -> None:
    res = client.post("/api/comments", json=body, auth=token)
    assert_status(res, 400)
    assert_json(res, {"error": error})


def test_comment_without_token_is_401(client: Client) -> None:
    res = client.post("/api/comments", json={"postId": 3, "body": "Hi"})
    assert_status(res, 401)
    assert_json(res, {"error": "The authorization header is required"})


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("POST", "/api/comments/1", "GET"),
        ("POST", "/api/comments/1/2", "GET"),
        ("DELETE", "/api/comments/1", "GET"),
        ("DELETE", "/api/comments", "GET, POST"),
        ("PUT", "/api/comments", "GET, POST"),
    ],
)
def test_comments_other_methods_are_405(client: Client, method: str, url: str, allow: str) -> None:
    res = client.request(method, url)
    assert_status(res, 405)
    assert_header(res, "allow", allow)
    assert_json(res, {"error": "Method not allowed"})
