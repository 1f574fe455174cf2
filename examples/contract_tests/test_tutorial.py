"""The tutorial, curl by curl: every request of the Next.js API-routes tutorial the blogs port
(Clerk's "Getting Started with Next.js API Routes", code at github.com/heraldofsolace/
nextjs-api-demo) gets the tutorial's answer, status, fields and values, tokens aside.

The steps run over a real socket against ``routekit serve examples/blog`` (and
``examples/blog-app``), on SQLite and on PostgreSQL. Where the blog is stricter than the
tutorial, the step says so and the README lists it: only one such place is in these steps,
the password hash, which ``/api/users/<id>`` sends and the blog never does.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import typing as t

if t.TYPE_CHECKING:
    from routekit_pytest import Client


def _user(id_: int, username: str, name: str, location: str) -> dict[str, object]:
    # The tutorial's /api/users blanks the password; /api/users/<id> sends its bcrypt hash,
    # which the blog blanks too (stricter).
    return {"id": id_, "username": username, "name": name, "location": location, "password": ""}


BOB = _user(1, "bob", "Bob", "USA")
ALICE = _user(2, "alice", "Alice", "Sweden")
JOHN = _user(3, "john", "John", "France")
POSTS = [
    {"id": 1, "userId": 1, "text": "Hello, World!"},
    {"id": 2, "userId": 2, "text": "Hello, NextJS"},
    {"id": 3, "userId": 1, "text": "Lorem ipsum dolor sit amet. "},
    {
        "id": 4,
        "userId": 3,
        "text": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Curabitur ut rhoncus "
        "neque. Sed lacinia magna a mi tincidunt, ac interdum.",
    },
]
COMMENTS = [
    {"id": 1, "postId": 1, "userId": 2, "text": "Hi there!"},
    {"id": 2, "postId": 1, "userId": 3, "text": "Lorem ipsum"},
    {
        "id": 3,
        "postId": 2,
        "userId": 1,
        "text": "Nulla bibendum risus sed vestibulum lobortis. Fusce.",
    },
    {"id": 4, "postId": 2, "userId": 1, "text": "In ut nulla vitae dolor scelerisque lacinia. "},
    {"id": 5, "postId": 2, "userId": 1, "text": "Praesent semper enim eu ligula rutrum finibus."},
]
LOGIN = {"username": "bob", "password": "password"}


@dataclasses.dataclass(frozen=True)
class Step:
    """``curl`` of the tutorial, and its answer."""

    curl: str
    status: int
    answer: object
    method: str = "GET"
    body: object = None
    #: The bearer token sent; ``"$TOKEN"`` is the one the login step answered.
    auth: str | None = None

    @property
    def path(self) -> str:
        return self.curl.split("localhost:3000", 1)[1].split(" ", 1)[0].strip("'")


TUTORIAL = [
    # Dynamic routes: pages/api/users/[id]/index.js and [id]/posts.js
    Step("curl localhost:3000/api/users/1", 200, BOB),
    Step("curl localhost:3000/api/users/4", 404, {"error": "Not found"}),
    Step("curl localhost:3000/api/users/1/posts", 200, [POSTS[0], POSTS[2]]),
    Step("curl localhost:3000/api/users/3/posts", 200, [POSTS[3]]),
    Step("curl localhost:3000/api/users/4/posts", 404, {"error": "Not found"}),
    # Query parameters: pages/api/posts.js answers posts.slice(0, limit)
    Step("curl localhost:3000/api/posts", 200, POSTS),
    Step("curl 'localhost:3000/api/posts?limit=2'", 200, POSTS[:2]),
    Step("curl 'localhost:3000/api/posts?limit=0'", 200, []),
    Step("curl 'localhost:3000/api/posts?limit=10'", 200, POSTS),
    # The optional catch-all: pages/api/comments/[[...ids]].js
    Step("curl localhost:3000/api/comments", 200, COMMENTS),
    Step("curl localhost:3000/api/comments/1", 200, COMMENTS[:2]),
    Step("curl localhost:3000/api/comments/2", 200, COMMENTS[2:]),
    Step("curl localhost:3000/api/comments/3", 200, []),
    Step("curl localhost:3000/api/comments/1/2", 200, COMMENTS[:1]),
    Step("curl localhost:3000/api/comments/1/3", 200, COMMENTS[1:2]),
    Step("curl localhost:3000/api/comments/2/1", 200, COMMENTS[2:]),
    Step("curl localhost:3000/api/comments/2/2", 200, []),
    Step(
        "curl localhost:3000/api/comments/1/2/3",
        400,
        {"error": "There cannot be more than two parameters "},
    ),
    # Logging in: pages/api/auth.js (the tutorial's messages, trailing space included)
    Step(
        'curl localhost:3000/api/auth -d \'{"username":"bob","password":"password"}\'',
        200,
        "token",
        method="POST",
        body=LOGIN,
    ),
    Step("curl localhost:3000/api/auth", 405, {"error": "Method not allowed"}),
    Step(
        'curl localhost:3000/api/auth -d \'{"username":"bob"}\'',
        400,
        {"error": "Username and password are required"},
        method="POST",
        body={"username": "bob"},
    ),
    Step(
        'curl localhost:3000/api/auth -d \'{"username":"eve","password":"password"}\'',
        404,
        {"error": "User not found "},
        method="POST",
        body={**LOGIN, "username": "eve"},
    ),
    Step(
        'curl localhost:3000/api/auth -d \'{"username":"bob","password":"hunter2"}\'',
        401,
        {"error": "Wrong password"},
        method="POST",
        body={**LOGIN, "password": "hunter2"},
    ),
    # A protected route: pages/api/users/index.js
    Step("curl localhost:3000/api/users", 401, {"error": "The authorization header is required"}),
    Step(
        "curl localhost:3000/api/users -H 'Authorization: Bearer x'",
        401,
        {"error": "Unauthorized"},
        auth="x",
    ),
    Step(
        'curl localhost:3000/api/users -H "Authorization: Bearer $TOKEN"',
        200,
        [BOB, ALICE, JOHN],
        auth="$TOKEN",
    ),
]


def _claims(token: str) -> dict[str, t.Any]:
    payload = token.split(".")[1]
    return t.cast("dict[str, t.Any]", json.loads(base64.urlsafe_b64decode(payload + "==")))


def _check_token(answer: object) -> str:
    # The tutorial signs { userId, location, name } with expiresIn: 24 * 3600.
    assert isinstance(answer, dict), answer
    assert list(answer) == ["token"]
    claims = _claims(answer["token"])
    assert {key: claims[key] for key in ("userId", "location", "name")} == {
        "userId": 1,
        "location": "USA",
        "name": "Bob",
    }
    assert claims["exp"] - claims["iat"] == 24 * 3600
    return t.cast("str", answer["token"])


def _follow(send: t.Callable[[Step, str | None], tuple[int, object]]) -> None:
    token = None
    for step in TUTORIAL:
        status, answer = send(step, token if step.auth == "$TOKEN" else step.auth)
        assert status == step.status, (step.curl, status, answer)
        if step.answer == "token":
            token = _check_token(answer)
        elif not (status == 405 and answer is None):  # the App Router's 405 has no body
            assert answer == step.answer, step.curl


def test_tutorial_over_routekit_serve(served_blog: t.Any) -> None:
    _follow(lambda step, token: served_blog.request(
        step.method, step.path, json_body=step.body, token=token
    ))  # fmt: skip


def test_tutorial_in_process(client: Client) -> None:
    def send(step: Step, token: str | None) -> tuple[int, object]:
        spec = {} if step.body is None else {"json": step.body}
        res = client.request(step.method, step.path, auth=token, **spec)
        return res.status_code, res.json_data() if res.body else None

    _follow(send)
