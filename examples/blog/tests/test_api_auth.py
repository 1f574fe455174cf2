"""Integration tests of logging in and of the token every protected route checks.

The ``client`` fixture sends each request through the whole routekit pipeline (routing, the
body parser, the handler) in-process, against the real SQLite data layer.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import typing as t

import jwt
import pytest
from freezegun import freeze_time

from routekit_pytest import assert_header, assert_json, assert_status

if t.TYPE_CHECKING:
    from routekit_pytest import Client

pytestmark = pytest.mark.routekit(root="..")


def test_login_then_call_a_protected_route(client: Client, secret: str) -> None:
    res = client.post("/api/auth", json={"username": "bob", "password": "password"})
    assert_status(res, 200)
    token = res.json_data()["token"]
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert {k: claims[k] for k in ("userId", "location", "name")} == {
        "userId": 1,
        "location": "USA",
        "name": "Bob",
    }

    users = client.get("/api/users", auth=token)

    assert_status(users, 200)
    assert [(u["id"], u["username"], u["password"]) for u in users.json_data()] == [
        (1, "bob", ""),
        (2, "alice", ""),
        (3, "john", ""),
    ]


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"username": "bob"},
        {"password": "password"},
        {"username": "", "password": "password"},
        {"username": "bob", "password": ""},
        {"username": 1, "password": "password"},
        {"username": "bob", "password": ["password"]},
        {"username": None, "password": None},
        [1, 2],
        "bob:password",
    ],
)
def test_login_missing_or_mistyped_fields_is_400(client: Client, credentials: object) -> None:
    res = client.post("/api/auth", json=credentials)
    assert_status(res, 400)
    assert_json(res, {"error": "Username and password are required"})


def test_login_lone_surrogate_is_400(client: Client) -> None:
    # Valid JSON, but no text SQLite or bcrypt can take.
    data = '{"username": "bob", "password": "\\ud800"}'
    res = client.post("/api/auth", data=data, content_type="application/json")
    assert_status(res, 400)
    assert_json(res, {"error": "Username and password are required"})


def test_login_text_body_is_400(client: Client) -> None:
    # As in Next.js, only JSON and URL-encoded forms are parsed; any other body stays a string.
    data = '{"username":"bob","password":"password"}'
    res = client.post("/api/auth", data=data, content_type="text/plain")
    assert_status(res, 400)
    assert_json(res, {"error": "Username and password are required"})


def test_login_with_a_form_works_too(client: Client) -> None:
    res = client.post("/api/auth", form={"username": "bob", "password": "password"})
    assert_status(res, 200)
    assert res.json_data()["token"].count(".") == 2


def test_login_malformed_json_is_the_frameworks_400(client: Client) -> None:
    res = client.post("/api/auth", data='{"username":', content_type="application/json")
    assert_status(res, 400)
    assert res.status_message == "Invalid JSON"
    assert res.text == "Invalid JSON"
    assert "content-type" not in res.headers  # plain text without a type, as Next.js sends it
    assert res.route is not None
    assert res.route.file == "pages/api/auth.py"


def test_login_unknown_user_is_404(client: Client) -> None:
    res = client.post("/api/auth", json={"username": "mallory", "password": "password"})
    assert_status(res, 404)
    assert_json(res, {"error": "User not found "})


@pytest.mark.parametrize(
    "password",
    ["hunter2", "Password", "password" * 9, "é" * 37],
    ids=["wrong", "case", "72-bytes", "74-bytes-utf8"],
)
def test_login_wrong_password_is_401(client: Client, password: str) -> None:
    res = client.post("/api/auth", json={"username": "bob", "password": password})
    assert_status(res, 401)
    assert_json(res, {"error": "Wrong password"})


def test_login_password_over_72_bytes_is_401_not_500(client: Client) -> None:
    res = client.post("/api/auth", json={"username": "bob", "password": "password" * 10})
    assert_status(res, 401)
    assert_json(res, {"error": "Wrong password"})
    assert res.exception is None


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_login_other_methods_are_405(client: Client, method: str) -> None:
    res = client.request(method, "/api/auth")
    assert_status(res, 405)
    assert_header(res, "allow", "POST")
    assert_json(res, {"error": "Method not allowed"})


@pytest.mark.routekit(env={"BLOG_HARDENED_AUTH": "1"})
@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "mallory", "password": "password"},
        {"username": "bob", "password": "hunter2"},
        {"username": "bob", "password": "password" * 10},
    ],
    ids=["unknown-user", "wrong-password", "long-password"],
)
def test_hardened_login_gives_nothing_away(client: Client, credentials: dict[str, str]) -> None:
    res = client.post("/api/auth", json=credentials)
    assert_status(res, 401)
    assert_json(res, {"error": "Invalid username or password"})


@pytest.mark.routekit(env={"BLOG_HARDENED_AUTH": "1"})
def test_hardened_login_still_logs_in(client: Client) -> None:
    res = client.post("/api/auth", json={"username": "alice", "password": "password"})
    assert_status(res, 200)


# -- the Authorization header -------------------------------------------------------------


def _forge(token: str, **claims: object) -> str:
    """*token* with its payload changed and its original signature kept."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = json.dumps({**data, **claims}).encode()
    return f"{header}.{base64.urlsafe_b64encode(forged).rstrip(b'=').decode()}.{signature}"


def test_protected_route_without_authorization_is_401(client: Client) -> None:
    res = client.get("/api/users")
    assert_status(res, 401)
    assert_json(res, {"error": "The authorization header is required"})


def test_protected_route_with_empty_authorization_is_401(client: Client) -> None:
    res = client.get("/api/users", headers={"Authorization": ""})
    assert_status(res, 401)
    assert_json(res, {"error": "The authorization header is required"})


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer",
        "Bearer a.b.c",
        "Token {token}",
        "{token}",
        "Basic Ym9iOnBhc3N3b3Jk",  # bob:password
    ],
)
def test_protected_route_with_invalid_authorization_is_401(
    client: Client, token: str, authorization: str
) -> None:
    res = client.get("/api/users", headers={"Authorization": authorization.format(token=token)})
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})


def test_protected_route_accepts_a_lowercase_scheme(client: Client, token: str) -> None:
    res = client.get("/api/users", headers={"Authorization": f"bearer {token}"})
    assert_status(res, 200)


def test_token_signed_with_another_key_is_401(client: Client) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "userId": 1,
        "name": "Bob",
        "location": "USA",
        "iat": now,
        "exp": now + dt.timedelta(hours=1),
    }
    forged = jwt.encode(claims, "another-key-that-is-long-enough-for-hs256", algorithm="HS256")
    res = client.get("/api/users", auth=forged)
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})


def test_token_with_alg_none_is_401(client: Client) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "userId": 1,
        "name": "Bob",
        "location": "USA",
        "iat": now,
        "exp": now + dt.timedelta(hours=1),
    }
    unsigned = jwt.encode(claims, None, algorithm="none")
    res = client.get("/api/users", auth=unsigned)
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})


@pytest.mark.parametrize(
    "claims",
    [{"userId": 2}, {"exp": 9_999_999_999}, {"name": "Admin"}],
    ids=["user", "expiry", "name"],
)
def test_tampered_token_is_401(client: Client, token: str, claims: dict[str, object]) -> None:
    assert_status(client.get("/api/users", auth=token), 200)  # the original is fine
    res = client.get("/api/users", auth=_forge(token, **claims))
    assert_status(res, 401)
    assert_json(res, {"error": "Unauthorized"})


def test_token_expires_after_24_hours(client: Client) -> None:
    with freeze_time("2030-01-01 12:00:00") as frozen:
        res = client.post("/api/auth", json={"username": "bob", "password": "password"})
        token = res.json_data()["token"]

        frozen.tick(dt.timedelta(hours=23, minutes=59))
        assert_status(client.get("/api/users", auth=token), 200)

        frozen.tick(dt.timedelta(minutes=2))  # 24 h 1 m after logging in
        expired = client.get("/api/users", auth=token)
        assert_status(expired, 401)
        assert_json(expired, {"error": "Unauthorized"})
