"""Integration tests of the optional catch-all ``/api/comments/[[...ids]]``.

As in the tutorial: no id is every comment, one id the comments under that post, two ids the
comments the second (a user) wrote under the first (a post), more than two a 400.
"""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from routekit_pytest import Client

    from .conftest import Login

pytestmark = pytest.mark.routekit(root="..")

POST_1_COMMENTS = [
    {"id": 1, "postId": 1, "userId": 2, "text": "Hi there!"},
    {"id": 2, "postId": 1, "userId": 3, "text": "Lorem ipsum"},
]


def _ids(res: t.Any) -> list[int]:
    return [comment["id"] for comment in res.json_data()]


def test_comments_without_id_lists_all(client: Client) -> None:
    res = client.get("/api/comments")
    assert_status(res, 200)
    assert _ids(res) == [1, 2, 3, 4, 5]
    assert res.route is not None
    assert res.route.params == {}  # an optional catch-all that matched nothing has no key


def test_comments_of_a_post(client: Client) -> None:
    res = client.get("/api/comments/1")
    assert_status(res, 200)
    assert_json(res, POST_1_COMMENTS)
    assert res.route is not None
    assert res.route.params == {"ids": ["1"]}


@pytest.mark.parametrize(
    ("path", "ids"),
    [("1/2", [1]), ("1/3", [2]), ("1/1", []), ("2/1", [3, 4, 5]), ("4/3", []), ("99/1", [])],
)
def test_comments_of_a_user_under_a_post(client: Client, path: str, ids: list[int]) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 200)
    assert _ids(res) == ids


def test_comments_of_a_post_without_comments_is_an_empty_list(client: Client) -> None:
    for post_id in ("3", "99"):  # as in the tutorial: a filter, not a lookup
        res = client.get(f"/api/comments/{post_id}")
        assert_status(res, 200)
        assert_json(res, [])


@pytest.mark.parametrize(
    "url",
    [
        "/api/comments?ids=5&ids=1",
        "/api/comments?ids=1",
        "/api/comments?ids=1&ids=2&ids=3",
        "/api/comments?ids=x",
    ],
)
def test_comments_query_ids_never_stand_in_for_path_ids(client: Client, url: str) -> None:
    res = client.get(url)
    assert_status(res, 200)
    assert _ids(res) == [1, 2, 3, 4, 5]


def test_comments_path_ids_win_over_query_ids(client: Client) -> None:
    res = client.get("/api/comments/2/1?ids=1&ids=2")
    assert_status(res, 200)
    assert _ids(res) == [3, 4, 5]


@pytest.mark.parametrize("path", ["1/2/3", "1/2/3/4", "x/y/z"])
def test_comments_three_ids_or_more_is_400(client: Client, path: str) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 400)
    assert_json(res, {"error": "There cannot be more than two parameters "})


@pytest.mark.parametrize("path", ["x", "0", "-1", "1/x", "x/1", "1.5/2", "%201"])
def test_comments_non_numeric_id_is_400(client: Client, path: str) -> None:
    res = client.get(f"/api/comments/{path}")
    assert_status(res, 400)
    assert_json(res, {"error": "The id must be a positive integer"})


def test_comment_is_written_as_the_token_user(client: Client, login: Login) -> None:
    token = login("john")
    body = {"postId": 3, "text": "Count me in!", "userId": 1}  # the body's userId is ignored
    res = client.post("/api/comments", json=body, auth=token)
    assert_status(res, 201)
    assert_json(res, {"id": 6, "postId": 3, "userId": 3, "text": "Count me in!"})
    assert_json(client.get("/api/comments/3/3"), [res.json_data()])


def test_comment_on_unknown_post_is_404(client: Client, token: str) -> None:
    res = client.post("/api/comments", json={"postId": 99, "text": "Hello?"}, auth=token)
    assert_status(res, 404)
    assert_json(res, {"error": "Post not found"})


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"postId": "three", "text": "Hi"}, "postId must be a positive integer"),
        ({"postId": 3.0, "text": "Hi"}, "postId must be a positive integer"),
        ({"postId": True, "text": "Hi"}, "postId must be a positive integer"),
        ({"postId": 0, "text": "Hi"}, "postId must be a positive integer"),
        ({"postId": 2**63, "text": "Hi"}, "postId must be a positive integer"),
        ({"text": "Hi"}, "postId must be a positive integer"),
        ({"postId": 3}, "text must be a non-empty string"),
        ({"postId": 3, "text": ""}, "text must be a non-empty string"),
        ({"postId": 3, "text": "x" * 2_001}, "text must be at most 2000 characters"),
        ({"postId": 3, "text": "\u0000"}, "text must be valid Unicode text without NUL characters"),
        ([3, "Hi"], "The request body must be a JSON object"),
    ],
)
def test_comment_invalid_body_is_400(client: Client, token: str, body: object, error: str) -> None:
    res = client.post("/api/comments", json=body, auth=token)
    assert_status(res, 400)
    assert_json(res, {"error": error})


def test_comment_without_token_is_401(client: Client) -> None:
    res = client.post("/api/comments", json={"postId": 3, "text": "Hi"})
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
