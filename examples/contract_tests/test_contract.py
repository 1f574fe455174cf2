"""One HTTP contract, two implementations: ``examples/blog`` (pages router, ``handler(req, res)``)
and ``examples/blog-app`` (App Router, ``GET(request)`` returning ``NextResponse``).

Every test runs once per root through the ``client`` fixture, against a fresh database (SQLite,
and PostgreSQL where a server can be started; see ``conftest.py``). The shared contract is the
status code, the JSON body and the error message of every endpoint in the blog's README;
``test_tutorial.py`` holds both to the tutorial's own requests.

Where the two routers legitimately differ, because Next.js' routers do, the
``test_difference_*`` tests pin each one's answer (pages router first, App Router second):

* **Method not allowed**: 405 ``{"error": "Method not allowed"}`` with ``Allow`` (the handler
  answers) / 405 with an empty body and no ``Allow`` (Next.js answers for the route).
* **POST /api/hello**: 200 (a pages handler answers any method) / 405 (only ``GET`` exported).
* **OPTIONS**: 405 from the handler / 204 with ``Allow`` (automatic in the App Router).
* **Malformed JSON**: 400 ``Invalid JSON`` as plain text from the framework's body parser /
  400 ``{"error": "Invalid JSON"}`` (an app route parses its own body).
* **Over 64 kB on POST /api/posts**: 413 ``Body exceeded 64kb limit`` (the route's
  ``sizeLimit`` config) / 400 for the field over its length (app routes have no body limit).
* **No token and malformed JSON**: 400 (the body is parsed before the handler runs) / 401
  (the route checks the token before it reads the body).
* **JSON headers**: ``application/json; charset=utf-8`` with an ``ETag`` /
  ``application/json`` without one.
"""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from types import ModuleType

    from routekit_pytest import Client


@pytest.fixture
def trivia(lib: t.Callable[[str], ModuleType]) -> ModuleType:
    """The implementation's ``lib.trivia``, for replacing ``fetch_trivia``."""
    return lib("trivia")


# -- the shared contract: one table ---------------------------------------------------------

TOKEN: t.Any = object()  # replaced by a valid token for bob


@dataclasses.dataclass(frozen=True)
class Case:
    """A request and the status and JSON body both implementations must answer."""

    method: str
    url: str
    status: int
    body: object
    spec: dict[str, t.Any] = dataclasses.field(default_factory=dict)


# The seed data itself (every user, post and comment) is checked by test_tutorial.py.
COMMENT_IDS = {"": [1, 2, 3, 4, 5], "/1": [1, 2], "/2": [3, 4, 5], "/1/3": [2], "/2/2": []}

CREDENTIALS_REQUIRED = {"error": "Username and password are required"}
AUTH_HEADER_REQUIRED = {"error": "The authorization header is required"}
UNAUTHORIZED = {"error": "Unauthorized"}
NOT_FOUND = {"error": "Not found"}
INVALID_ID = {"error": "The id must be a positive integer"}
INVALID_LIMIT = {"error": "The limit must be a non-negative integer"}
NOT_AN_OBJECT = {"error": "The request body must be a JSON object"}
TOO_MANY_IDS = {"error": "There cannot be more than two parameters "}
NEW_POST = {"text": "Files are routes."}
NEW_COMMENT = {"postId": 3, "text": "Count me in!"}

CASES = {
    # hello
    "hello": Case("GET", "/api/hello", 200, {"name": "John Doe"}),
    # login
    "login-missing-password": Case(
        "POST", "/api/auth", 400, CREDENTIALS_REQUIRED, {"json": {"username": "bob"}}
    ),
    "login-empty-body": Case(
        "POST",
        "/api/auth",
        400,
        CREDENTIALS_REQUIRED,
        {"data": "", "content_type": "application/json"},
    ),
    "login-wrong-types": Case(
        "POST", "/api/auth", 400, CREDENTIALS_REQUIRED, {"json": {"username": 1, "password": ["x"]}}
    ),
    "login-not-an-object": Case("POST", "/api/auth", 400, CREDENTIALS_REQUIRED, {"json": [1, 2]}),
    "login-nul-in-username": Case(
        "POST",
        "/api/auth",
        400,
        CREDENTIALS_REQUIRED,
        {"json": {"username": "b\0b", "password": "x"}},
    ),
    "login-text-body": Case(
        "POST",
        "/api/auth",
        400,
        CREDENTIALS_REQUIRED,
        {"data": '{"username":"bob","password":"password"}', "content_type": "text/plain"},
    ),
    "login-unknown-user": Case(
        "POST",
        "/api/auth",
        404,
        {"error": "User not found "},
        {"json": {"username": "mallory", "password": "password"}},
    ),
    "login-wrong-password": Case(
        "POST",
        "/api/auth",
        401,
        {"error": "Wrong password"},
        {"json": {"username": "bob", "password": "hunter2"}},
    ),
    "login-password-over-72-bytes": Case(
        "POST",
        "/api/auth",
        401,
        {"error": "Wrong password"},
        {"json": {"username": "bob", "password": "password" * 10}},
    ),
    # users
    "users-no-token": Case("GET", "/api/users", 401, AUTH_HEADER_REQUIRED),
    "users-bad-token": Case("GET", "/api/users", 401, UNAUTHORIZED, {"auth": "not-a-token"}),
    "users-basic-auth": Case("GET", "/api/users", 401, UNAUTHORIZED, {"auth": ("bob", "password")}),
    "user-unknown": Case("GET", "/api/users/9", 404, NOT_FOUND),
    "user-not-numeric": Case("GET", "/api/users/abc", 400, INVALID_ID),
    "user-zero": Case("GET", "/api/users/0", 400, INVALID_ID),
    "user-posts-unknown": Case("GET", "/api/users/9/posts", 404, NOT_FOUND),
    "user-posts-not-numeric": Case("GET", "/api/users/x/posts", 400, INVALID_ID),
    # posts
    "posts-limit-text": Case("GET", "/api/posts?limit=abc", 400, INVALID_LIMIT),
    "posts-limit-negative": Case("GET", "/api/posts?limit=-1", 400, INVALID_LIMIT),
    "posts-limit-twice": Case("GET", "/api/posts?limit=1&limit=2", 400, INVALID_LIMIT),
    "post-create": Case(
        "POST",
        "/api/posts",
        201,
        {"id": 5, "userId": 1, **NEW_POST},
        {"json": NEW_POST, "auth": TOKEN},
    ),
    "post-create-ignores-a-user-id-in-the-body": Case(
        "POST",
        "/api/posts",
        201,
        {"id": 5, "userId": 1, **NEW_POST},
        {"json": {**NEW_POST, "userId": 2}, "auth": TOKEN},
    ),
    "post-empty-text": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "text must be a non-empty string"},
        {"json": {"text": " "}, "auth": TOKEN},
    ),
    "post-long-text": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "text must be at most 10000 characters"},
        {"json": {"text": "x" * 10_001}, "auth": TOKEN},
    ),
    "post-nul-in-text": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "text must be valid Unicode text without NUL characters"},
        {"json": {"text": "a\0b"}, "auth": TOKEN},
    ),
    "post-text-missing": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "text must be a non-empty string"},
        {"json": {"title": "Routing"}, "auth": TOKEN},
    ),
    "post-not-an-object": Case(
        "POST", "/api/posts", 400, NOT_AN_OBJECT, {"json": [1, 2], "auth": TOKEN}
    ),
    "post-no-token": Case("POST", "/api/posts", 401, AUTH_HEADER_REQUIRED, {"json": NEW_POST}),
    # comments
    "comments-three-ids": Case("GET", "/api/comments/1/2/3", 400, TOO_MANY_IDS),
    "comments-four-ids": Case("GET", "/api/comments/x/y/z/w", 400, TOO_MANY_IDS),
    "comment-not-numeric": Case("GET", "/api/comments/x", 400, INVALID_ID),
    "comment-user-not-numeric": Case("GET", "/api/comments/1/x", 400, INVALID_ID),
    "comment-create": Case(
        "POST",
        "/api/comments",
        201,
        {"id": 6, "userId": 1, **NEW_COMMENT},
        {"json": NEW_COMMENT, "auth": TOKEN},
    ),
    "comment-create-ignores-a-user-id-in-the-body": Case(
        "POST",
        "/api/comments",
        201,
        {"id": 6, "userId": 1, **NEW_COMMENT},
        {"json": {**NEW_COMMENT, "userId": 3}, "auth": TOKEN},
    ),
    "comment-unknown-post": Case(
        "POST",
        "/api/comments",
        404,
        {"error": "Post not found"},
        {"json": {**NEW_COMMENT, "postId": 99}, "auth": TOKEN},
    ),
    "comment-post-id-text": Case(
        "POST",
        "/api/comments",
        400,
        {"error": "postId must be a positive integer"},
        {"json": {**NEW_COMMENT, "postId": "three"}, "auth": TOKEN},
    ),
    "comment-text-missing": Case(
        "POST",
        "/api/comments",
        400,
        {"error": "text must be a non-empty string"},
        {"json": {"postId": 3}, "auth": TOKEN},
    ),
    "comment-no-token": Case(
        "POST", "/api/comments", 401, AUTH_HEADER_REQUIRED, {"json": NEW_COMMENT}
    ),
    # trivia (the service itself is replaced below)
    "trivia-not-a-number": Case(
        "GET", "/api/trivia/abc", 400, {"error": "The number must be a non-negative integer"}
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_contract(client: Client, case: Case) -> None:
    spec = dict(case.spec)
    if spec.get("auth") is TOKEN:
        res = client.post("/api/auth", json={"username": "bob", "password": "password"})
        spec["auth"] = res.json_data()["token"]
    res = client.request(case.method, case.url, **spec)
    assert_status(res, case.status)
    assert res.is_json()
    assert_json(res, case.body)


def test_contract_login_then_protected_call(client: Client) -> None:
    res = client.post("/api/auth", json={"username": "alice", "password": "password"})
    assert_status(res, 200)
    assert list(res.json_data()) == ["token"]
    posted = client.post("/api/posts", json=NEW_POST, auth=res.json_data()["token"])
    assert_json(posted, {"id": 5, "userId": 2, **NEW_POST})
    posts = client.get("/api/users/2/posts").json_data()
    assert ([post["id"] for post in posts], posts[-1]) == ([2, 5], posted.json_data())


@pytest.mark.parametrize(("path", "ids"), COMMENT_IDS.items(), ids=lambda v: v or "none")
def test_contract_comments_of_a_post_and_of_a_user(
    client: Client, path: str, ids: list[int]
) -> None:
    res = client.get(f"/api/comments{path}")
    assert_status(res, 200)
    assert [comment["id"] for comment in res.json_data()] == ids


@pytest.mark.parametrize(
    ("url", "ids"),
    [
        ("/api/comments?ids=5&ids=1", [1, 2, 3, 4, 5]),
        ("/api/comments?ids=1", [1, 2, 3, 4, 5]),
        ("/api/comments?ids=1&ids=2&ids=3", [1, 2, 3, 4, 5]),
        ("/api/comments/2?ids=1&ids=2", [3, 4, 5]),
    ],
)
def test_contract_query_ids_never_stand_in_for_path_ids(
    client: Client, url: str, ids: list[int]
) -> None:
    res = client.get(url)
    assert_status(res, 200)
    assert [comment["id"] for comment in res.json_data()] == ids


def test_contract_new_comment_is_listed_under_its_post(client: Client, token: str) -> None:
    created = client.post("/api/comments", json=NEW_COMMENT, auth=token).json_data()
    assert_json(client.get("/api/comments/3/1"), [created])


def test_contract_token_of_a_deleted_user_is_401(
    client: Client, lib: t.Callable[[str], ModuleType]
) -> None:
    db, auth = lib("db"), lib("auth")
    hashed = auth.hash_password("password", rounds=4)
    sql = "INSERT INTO users (username, name, location, password) VALUES (?, ?, ?, ?)"
    db.connect().run(sql, ("ann", "Ann", "Norway", hashed))
    res = client.post("/api/auth", json={"username": "ann", "password": "password"})
    token = res.json_data()["token"]
    db.connect().run("DELETE FROM users WHERE username = ?", ("ann",))

    for url, body in [("/api/posts", NEW_POST), ("/api/comments", NEW_COMMENT)]:
        res = client.post(url, json=body, auth=token)
        assert_status(res, 401)
        assert_json(res, UNAUTHORIZED)
    assert len(client.get("/api/posts").json_data()) == 4
    assert len(client.get("/api/comments").json_data()) == 5


def test_contract_tampered_token_is_401(client: Client, token: str) -> None:
    header, payload, signature = token.split(".")
    res = client.get("/api/users", auth=f"{header}.{payload}x.{signature}")
    assert_status(res, 401)
    assert_json(res, UNAUTHORIZED)


@pytest.mark.routekit(env={"BLOG_HARDENED_AUTH": "1"})
def test_contract_hardened_login(client: Client) -> None:
    for username, password in [("mallory", "password"), ("bob", "hunter2")]:
        res = client.post("/api/auth", json={"username": username, "password": password})
        assert_status(res, 401)
        assert_json(res, {"error": "Invalid username or password"})


def test_contract_trivia_passes_the_answer_through(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    fact = {"text": "42 is the answer.", "number": 42, "found": True, "type": "trivia"}
    monkeypatch.setattr(trivia, "fetch_trivia", lambda number: {**fact, "number": number})
    res = client.get("/api/trivia/42")
    assert_status(res, 200)
    assert_json(res, fact)


def test_contract_trivia_service_down_is_502(
    client: Client, trivia: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fetch_trivia(number: int) -> t.NoReturn:
        raise trivia.TriviaUnavailable("connection refused")

    monkeypatch.setattr(trivia, "fetch_trivia", fetch_trivia)
    res = client.get("/api/trivia/42")
    assert_status(res, 502)
    assert_json(res, {"error": "Trivia service unavailable"})


# -- where the routers legitimately differ (see the table above) ----------------------------


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("DELETE", "/api/users/1", "GET"),
        ("PUT", "/api/posts", "GET, POST"),
        ("GET", "/api/auth", "POST"),
        ("POST", "/api/comments/1", "GET"),
    ],
)
def test_difference_method_not_allowed(
    client: Client, router: str, method: str, url: str, allow: str
) -> None:
    res = client.request(method, url)
    assert_status(res, 405)
    if router == "pages":
        assert_header(res, "allow", allow)
        assert_json(res, {"error": "Method not allowed"})
    else:
        assert "allow" not in res.headers
        assert res.body == b""


def test_difference_hello_other_methods(client: Client, router: str) -> None:
    res = client.post("/api/hello")
    assert_status(res, 200 if router == "pages" else 405)


def test_difference_options(client: Client, router: str) -> None:
    res = client.options("/api/posts")
    if router == "pages":
        assert_status(res, 405)
    else:
        assert_status(res, 204)
        assert_header(res, "allow", "GET, HEAD, OPTIONS, POST")


def test_difference_malformed_json(client: Client, router: str) -> None:
    res = client.post("/api/auth", data='{"username":', content_type="application/json")
    assert_status(res, 400)
    if router == "pages":
        assert res.text == "Invalid JSON"
        assert not res.is_json()
    else:
        assert_json(res, {"error": "Invalid JSON"})


def test_difference_body_over_64kb(client: Client, router: str, token: str) -> None:
    res = client.post("/api/posts", json={"text": "x" * 70_000}, auth=token)
    if router == "pages":
        assert_status(res, 413)
        assert res.text == "Body exceeded 64kb limit"
    else:
        assert_status(res, 400)
        assert_json(res, {"error": "text must be at most 10000 characters"})


def test_difference_no_token_and_malformed_json(client: Client, router: str) -> None:
    res = client.post("/api/posts", data="{", content_type="application/json")
    assert_status(res, 400 if router == "pages" else 401)


def test_difference_json_content_type(client: Client, router: str) -> None:
    res = client.get("/api/hello")
    if router == "pages":
        assert_header(res, "content-type", "application/json; charset=utf-8")
        assert "etag" in res.headers
    else:
        assert_header(res, "content-type", "application/json")
        assert "etag" not in res.headers
