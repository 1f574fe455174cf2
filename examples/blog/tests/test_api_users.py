"""Integration tests of ``/api/hello``, ``/api/users``, ``/api/users/<id>`` and its posts."""

from __future__ import annotations

import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from routekit_pytest import Client

pytestmark = pytest.mark.routekit(root="..")

ALICE = {"id": 2, "username": "alice", "name": "Alice", "location": "Sweden", "password": ""}
BOBS_POSTS = [  # posts 1 and 3, as in the tutorial's data.js
    {"id": 1, "userId": 1, "text": "Hello, World!"},
    {"id": 3, "userId": 1, "text": "Lorem ipsum dolor sit amet. "},
]
NOT_AN_ID = ["abc", "0", "-1", "+1", "1.0", "1e3", "%20%201", "99999999999999999999"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_hello_answers_any_method(client: Client, method: str) -> None:
    res = client.request(method, "/api/hello")
    assert_status(res, 200)
    assert_json(res, {"name": "John Doe"})


def test_users_needs_a_token(client: Client, token: str) -> None:
    assert_status(client.get("/api/users"), 401)
    res = client.get("/api/users", auth=token)
    assert_status(res, 200)
    assert res.json_data()[1] == ALICE


def test_user_by_id(client: Client) -> None:
    res = client.get("/api/users/2")
    assert_status(res, 200)
    assert_json(res, ALICE)
    assert res.route is not None
    assert res.route.params == {"id": "2"}


def test_user_unknown_id_is_404(client: Client) -> None:
    res = client.get("/api/users/9")
    assert_status(res, 404)
    assert_json(res, {"error": "Not found"})


@pytest.mark.parametrize("user_id", NOT_AN_ID)
def test_user_non_numeric_id_is_400(client: Client, user_id: str) -> None:
    res = client.get(f"/api/users/{user_id}")
    assert_status(res, 400)
    assert_json(res, {"error": "The id must be a positive integer"})


def test_user_posts(client: Client) -> None:
    res = client.get("/api/users/1/posts")
    assert_status(res, 200)
    assert_json(res, BOBS_POSTS)


def test_user_posts_of_unknown_user_is_404(client: Client) -> None:
    res = client.get("/api/users/9/posts")
    assert_status(res, 404)
    assert_json(res, {"error": "Not found"})


@pytest.mark.parametrize("user_id", NOT_AN_ID)
def test_user_posts_non_numeric_id_is_400(client: Client, user_id: str) -> None:
    res = client.get(f"/api/users/{user_id}/posts")
    assert_status(res, 400)
    assert_json(res, {"error": "The id must be a positive integer"})


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/users"),
        ("DELETE", "/api/users/1"),
        ("PUT", "/api/users/1"),
        ("POST", "/api/users/1/posts"),
    ],
)
def test_users_routes_are_read_only(client: Client, method: str, url: str) -> None:
    res = client.request(method, url)
    assert_status(res, 405)
    assert_header(res, "allow", "GET")
    assert_json(res, {"error": "Method not allowed"})
