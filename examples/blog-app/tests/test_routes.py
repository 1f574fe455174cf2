"""Unit tests of the route handlers: ``GET(request, ctx)`` called with a built request.

As in ``examples/blog/tests/test_handlers.py``, each test replaces the data-access function
the route calls (``monkeypatch.setattr(route.db, ...)``, the Python ``jest.mock``), so no
database is touched. ``examples/contract_tests`` runs the whole API through the client.
"""

from __future__ import annotations

import asyncio
import typing as t
from pathlib import Path

import pytest

from routekit import load_handler
from routekit.web import RouteContext
from routekit_pytest import create_web_request, read_web_response

if t.TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

hello_route = load_handler(ROOT / "app/api/hello/route.py")
auth_route = load_handler(ROOT / "app/api/auth/route.py")
users_route = load_handler(ROOT / "app/api/users/route.py")
user_route = load_handler(ROOT / "app/api/users/[id]/route.py")
user_posts_route = load_handler(ROOT / "app/api/users/[id]/posts/route.py")
posts_route = load_handler(ROOT / "app/api/posts/route.py")
comments_route = load_handler(ROOT / "app/api/comments/[[...ids]]/route.py")
trivia_route = load_handler(ROOT / "app/api/trivia/[number]/route.py")

ANN = {
    "id": 7,
    "username": "ann",
    "name": "Ann",
    "location": "Norway",
    "password": "$2b$04$not-a-real-hash",
}


def test_hello_route_answers_john_doe() -> None:
    res = read_web_response(hello_route.GET(create_web_request()))
    assert res.status_code == 200
    assert res.json_data() == {"name": "John Doe"}


def test_auth_route_returns_a_token(monkeypatch: pytest.MonkeyPatch, auth: ModuleType) -> None:
    user = {**ANN, "password": auth.hash_password("s3cret", rounds=4)}
    monkeypatch.setattr(auth_route.db, "get_user_by_username", {"ann": user}.get)
    request = create_web_request("POST", json={"username": "ann", "password": "s3cret"})

    res = read_web_response(asyncio.run(auth_route.POST(request)))

    assert res.status_code == 200
    claims = auth.verify_token(res.json_data()["token"])
    assert claims == {"userId": 7, "location": "Norway", "name": "Ann"}


def test_auth_route_malformed_json_is_400() -> None:
    request = create_web_request("POST", data="{", content_type="application/json")
    res = read_web_response(asyncio.run(auth_route.POST(request)))
    assert res.status_code == 400
    assert res.json_data() == {"error": "Invalid JSON"}


def test_users_route_blanks_every_password(
    monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    monkeypatch.setattr(users_route.db, "get_users", lambda: [ANN])
    request = create_web_request(auth=auth.create_token(ANN))
    res = read_web_response(users_route.GET(request))
    assert res.status_code == 200
    assert res.json_data() == [{**ANN, "password": ""}]


def test_user_route_reads_the_id_param(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    monkeypatch.setattr(user_route.db, "get_user", lambda uid: asked.append(uid) or ANN)
    res = read_web_response(user_route.GET(create_web_request(), RouteContext({"id": "7"})))
    assert asked == [7]
    assert res.json_data() == {**ANN, "password": ""}


def test_user_posts_route_unknown_user_is_404(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_posts_route.db, "get_user", lambda uid: None)
    ctx = RouteContext({"id": "7"})
    res = read_web_response(user_posts_route.GET(create_web_request(), ctx))
    assert res.status_code == 404
    assert res.json_data() == {"error": "Not found"}


def test_posts_route_refuses_a_repeated_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(posts_route.db, "get_posts", lambda limit: pytest.fail("not called"))
    request = create_web_request(url="/api/posts?limit=1&limit=2")
    res = read_web_response(posts_route.GET(request))
    assert res.status_code == 400
    assert res.json_data() == {"error": "The limit must be a non-negative integer"}


def test_posts_route_writes_as_the_token_user(
    monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    calls: list[tuple[int, str]] = []

    def create_post(user_id: int, text: str) -> dict[str, object]:
        calls.append((user_id, text))
        return {"id": 9, "userId": user_id, "text": text}

    monkeypatch.setattr(posts_route.db, "create_post", create_post)
    request = create_web_request(
        "POST", json={"text": "Hi", "userId": 1}, auth=auth.create_token(ANN)
    )

    res = read_web_response(asyncio.run(posts_route.POST(request)))

    assert calls == [(7, "Hi")]  # the token's user, not the body's userId
    assert res.status_code == 201


def test_posts_route_token_of_a_deleted_user_is_401(
    monkeypatch: pytest.MonkeyPatch, auth: ModuleType
) -> None:
    monkeypatch.setattr(posts_route.db, "create_post", lambda user_id, text: None)
    request = create_web_request("POST", json={"text": "Hi"}, auth=auth.create_token(ANN))
    res = read_web_response(asyncio.run(posts_route.POST(request)))
    assert res.status_code == 401
    assert res.json_data() == {"error": "Unauthorized"}


def test_comments_route_no_ids_lists_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comments_route.db, "get_comments", lambda: [{"id": 1}])
    # An optional catch-all that matched nothing has no key in params.
    res = read_web_response(comments_route.GET(create_web_request(), RouteContext({})))
    assert res.json_data() == [{"id": 1}]


def test_comments_route_two_ids_are_a_post_and_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        comments_route.db, "get_post_comments", lambda *ids: asked.append(ids) or []
    )
    ctx = RouteContext({"ids": ["2", "1"]})
    res = read_web_response(comments_route.GET(create_web_request(), ctx))
    assert (res.status_code, asked) == (200, [(2, 1)])


def test_comments_route_never_reads_ids_from_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comments_route.db, "get_comments", lambda: [{"id": 1}])
    request = create_web_request(url="/api/comments?ids=5&ids=1")
    res = read_web_response(comments_route.GET(request, RouteContext({})))
    assert res.json_data() == [{"id": 1}]


def test_comments_route_post_with_ids_is_405() -> None:
    request = create_web_request("POST", json={"postId": 1, "text": "x"})
    res = read_web_response(asyncio.run(comments_route.POST(request, RouteContext({"ids": ["1"]}))))
    assert res.status_code == 405
    assert res.body == b""


def test_trivia_route_service_failure_is_502(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(number: int) -> t.NoReturn:
        raise trivia_route.trivia.TriviaUnavailable("connection refused")

    monkeypatch.setattr(trivia_route.trivia, "fetch_trivia", unavailable)
    res = read_web_response(trivia_route.GET(create_web_request(), RouteContext({"number": "42"})))
    assert res.status_code == 502
    assert res.json_data() == {"error": "Trivia service unavailable"}


def test_the_blog_package_is_the_pages_blogs_lib() -> None:
    # One data layer for both routers: the same files, not copies.
    shared = ROOT.parent / "blog" / "lib"
    for route, name in [(posts_route, "db"), (auth_route, "auth"), (trivia_route, "trivia")]:
        assert Path(getattr(route, name).__file__) == shared / f"{name}.py"
    assert sorted(p.name for p in (ROOT / "lib").glob("*.py")) == ["__init__.py", "http.py"]
