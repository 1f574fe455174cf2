"""One HTTP contract, two implementations: ``examples/blog`` (pages router, ``handler(req, res)``)
and ``examples/blog-app`` (App Router, ``GET(request)`` returning ``NextResponse``).

Every test runs once per root through the ``client`` fixture, against a fresh SQLite file.
The shared contract is the status code, the JSON body and the error message of every
endpoint in the blog's README.

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
from pathlib import Path

import pytest

from routekit.loader import get_loader
from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from routekit_pytest import Client

EXAMPLES = Path(__file__).resolve().parent.parent
SECRET = "contract-secret-key-that-is-long-enough-for-hs256"

ROUTERS = [
    pytest.param("pages", marks=pytest.mark.routekit(root="../blog"), id="blog"),
    pytest.param("app", marks=pytest.mark.routekit(root="../blog-app"), id="blog-app"),
]
ROOTS = {"pages": EXAMPLES / "blog", "app": EXAMPLES / "blog-app"}


def _lib(router: str, name: str) -> ModuleType:
    """*router*'s ``lib.<name>``: the module its routes use."""
    root = ROOTS[router]
    return get_loader(root).import_file(root / "lib" / f"{name}.py")


@pytest.fixture(params=ROUTERS, autouse=True)
def router(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[str]:
    """``"pages"`` or ``"app"``: the implementation under test, with a fresh database."""
    monkeypatch.setenv("BLOG_DB_PATH", str(tmp_path / "blog.sqlite3"))
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.delenv("BLOG_HARDENED_AUTH", raising=False)
    yield request.param
    _lib(request.param, "db").close()


@pytest.fixture
def token(client: Client) -> str:
    """A token for ``bob`` (user 1)."""
    res = client.post("/api/auth", json={"username": "bob", "password": "password"})
    assert_status(res, 200)
    return t.cast("str", res.json_data()["token"])


@pytest.fixture
def trivia(router: str) -> ModuleType:
    """The implementation's ``lib.trivia``, for replacing ``fetch_trivia``."""
    return _lib(router, "trivia")


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


BOB = {"id": 1, "username": "bob", "name": "Bob", "email": "bob@example.com", "location": "USA"}
ALICE = {
    "id": 2,
    "username": "alice",
    "name": "Alice",
    "email": "alice@example.com",
    "location": "Sweden",
}
JOHN = {
    "id": 3,
    "username": "john",
    "name": "John",
    "email": "john@example.com",
    "location": "France",
}
POSTS = [
    {"id": 1, "userId": 1, "title": "Hello, world", "body": "My first post on this blog."},
    {
        "id": 2,
        "userId": 1,
        "title": "File-based routing",
        "body": "A file under pages/api is an endpoint; no router to configure.",
    },
    {
        "id": 3,
        "userId": 2,
        "title": "Fika",
        "body": "Coffee and a cinnamon bun at three o'clock, every day.",
    },
    {
        "id": 4,
        "userId": 3,
        "title": "Paris in the spring",
        "body": "The chestnut trees along the Seine are in bloom.",
    },
]
COMMENTS = [
    {
        "id": id_,
        "postId": post_id,
        "name": name,
        "email": f"{name.lower()}@example.com",
        "body": body,
    }
    for id_, post_id, name, body in [
        (1, 1, "Alice", "Welcome, Bob!"),
        (2, 1, "John", "Looking forward to more."),
        (3, 2, "Alice", "What about dynamic routes like [id]?"),
        (4, 3, "Bob", "Kanelbulle is the best."),
        (5, 4, "Alice", "Spring in Paris is hard to beat."),
    ]
]

CREDENTIALS_REQUIRED = {"error": "Username and password are required"}
AUTH_HEADER_REQUIRED = {"error": "The authorization header is required"}
UNAUTHORIZED = {"error": "Unauthorized"}
NOT_FOUND = {"error": "Not found"}
INVALID_ID = {"error": "The id must be a positive integer"}
INVALID_LIMIT = {"error": "The limit must be an integer from 1 to 100"}
NOT_AN_OBJECT = {"error": "The request body must be a JSON object"}
TOO_MANY_IDS = {
    "error": "Give at most two comment ids: /api/comments/<id> or /api/comments/<first>/<last>"
}
NEW_POST = {"title": "Routing", "body": "Files are routes."}
NEW_COMMENT = {"postId": 3, "body": "Count me in!"}

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
        {"error": "User not found"},
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
    "users": Case(
        "GET",
        "/api/users",
        200,
        [{**user, "password": ""} for user in (BOB, ALICE, JOHN)],
        {"auth": TOKEN},
    ),
    "users-no-token": Case("GET", "/api/users", 401, AUTH_HEADER_REQUIRED),
    "users-bad-token": Case("GET", "/api/users", 401, UNAUTHORIZED, {"auth": "not-a-token"}),
    "users-basic-auth": Case("GET", "/api/users", 401, UNAUTHORIZED, {"auth": ("bob", "password")}),
    "user": Case("GET", "/api/users/2", 200, {**ALICE, "password": ""}),
    "user-unknown": Case("GET", "/api/users/9", 404, NOT_FOUND),
    "user-not-numeric": Case("GET", "/api/users/abc", 400, INVALID_ID),
    "user-zero": Case("GET", "/api/users/0", 400, INVALID_ID),
    "user-posts": Case("GET", "/api/users/1/posts", 200, POSTS[:2]),
    "user-posts-unknown": Case("GET", "/api/users/9/posts", 404, NOT_FOUND),
    "user-posts-not-numeric": Case("GET", "/api/users/x/posts", 400, INVALID_ID),
    # posts
    "posts": Case("GET", "/api/posts", 200, POSTS),
    "posts-limit": Case("GET", "/api/posts?limit=1", 200, POSTS[:1]),
    "posts-limit-100": Case("GET", "/api/posts?limit=100", 200, POSTS),
    "posts-limit-0": Case("GET", "/api/posts?limit=0", 400, INVALID_LIMIT),
    "posts-limit-101": Case("GET", "/api/posts?limit=101", 400, INVALID_LIMIT),
    "posts-limit-text": Case("GET", "/api/posts?limit=abc", 400, INVALID_LIMIT),
    "posts-limit-twice": Case("GET", "/api/posts?limit=1&limit=2", 400, INVALID_LIMIT),
    "post-create": Case(
        "POST",
        "/api/posts",
        201,
        {"id": 5, "userId": 1, **NEW_POST},
        {"json": NEW_POST, "auth": TOKEN},
    ),
    "post-empty-title": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "title must be a non-empty string"},
        {"json": {**NEW_POST, "title": ""}, "auth": TOKEN},
    ),
    "post-long-title": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "title must be at most 200 characters"},
        {"json": {**NEW_POST, "title": "x" * 201}, "auth": TOKEN},
    ),
    "post-body-missing": Case(
        "POST",
        "/api/posts",
        400,
        {"error": "body must be a non-empty string"},
        {"json": {"title": "Routing"}, "auth": TOKEN},
    ),
    "post-not-an-object": Case(
        "POST", "/api/posts", 400, NOT_AN_OBJECT, {"json": [1, 2], "auth": TOKEN}
    ),
    "post-no-token": Case("POST", "/api/posts", 401, AUTH_HEADER_REQUIRED, {"json": NEW_POST}),
    # comments
    "comments": Case("GET", "/api/comments", 200, COMMENTS),
    "comment": Case("GET", "/api/comments/3", 200, COMMENTS[2]),
    "comment-unknown": Case("GET", "/api/comments/9", 404, NOT_FOUND),
    "comments-range": Case("GET", "/api/comments/2/4", 200, COMMENTS[1:4]),
    "comments-empty-range": Case("GET", "/api/comments/50/60", 200, []),
    "comments-reversed-range": Case(
        "GET",
        "/api/comments/4/2",
        400,
        {"error": "The first comment id must not be greater than the last"},
    ),
    "comments-three-ids": Case("GET", "/api/comments/1/2/3", 400, TOO_MANY_IDS),
    "comment-not-numeric": Case("GET", "/api/comments/x", 400, INVALID_ID),
    "comment-create": Case(
        "POST",
        "/api/comments",
        201,
        {"id": 6, "postId": 3, "name": "Bob", "email": "bob@example.com", "body": "Count me in!"},
        {"json": NEW_COMMENT, "auth": TOKEN},
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
    assert_json(client.get("/api/users/2/posts"), [POSTS[2], posted.json_data()])


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
    res = client.post("/api/posts", json={"title": "Big", "body": "x" * 70_000}, auth=token)
    if router == "pages":
        assert_status(res, 413)
        assert res.text == "Body exceeded 64kb limit"
    else:
        assert_status(res, 400)
        assert_json(res, {"error": "body must be at most 10000 characters"})


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
