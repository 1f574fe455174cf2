"""JWT attacks on ``examples/blog``: every forged, tampered or stale token is a 401.

Run in-process and over a real gunicorn: ``POST /api/posts`` needs a valid HS256 token.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import typing as t
from pathlib import Path

import jwt
import pytest

from routekit import App
from routekit_pytest import Client

BLOG = Path(__file__).resolve().parents[2] / "examples" / "blog"
SECRET = "adversarial-secret-key-that-is-long-enough-for-hs256"
NOW = dt.datetime.now(dt.timezone.utc)


def _b64(data: dict[str, t.Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(**overrides: t.Any) -> dict[str, t.Any]:
    claims = {
        "userId": 1,
        "location": "x",
        "name": "x",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + dt.timedelta(hours=1)).timestamp()),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _valid() -> str:
    return jwt.encode(_claims(), SECRET, algorithm="HS256")


def _tamper_payload() -> str:
    header, _, signature = _valid().split(".")
    return ".".join([header, _b64(_claims(userId=2)), signature])


def _tamper_signature() -> str:
    token = _valid()
    return token[:-2] + ("AA" if token[-2:] != "AA" else "BB")


def _none(alg: str, keep_signature: bool = False) -> str:
    signature = _valid().split(".")[2] if keep_signature else ""
    return ".".join([_b64({"alg": alg, "typ": "JWT"}), _b64(_claims()), signature])


def _empty_key_with_kid() -> str:
    # A key looked up from a "kid" path the attacker chose (here: an empty file).
    signing_input = ".".join([_b64({"alg": "HS256", "kid": "../../dev/null"}), _b64(_claims())])
    mac = hmac.new(b"", signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


ATTACKS = {
    "alg none": _none("none"),
    "alg None": _none("None"),
    "alg NONE": _none("NONE"),
    "alg none, signature kept": _none("none", keep_signature=True),
    "wrong key": jwt.encode(
        _claims(), "another-secret-key-that-is-long-enough!!", algorithm="HS256"
    ),
    "other algorithm, right key": jwt.encode(_claims(), SECRET + SECRET, algorithm="HS512"),
    "tampered payload": _tamper_payload(),
    "tampered signature": _tamper_signature(),
    "expired": jwt.encode(
        _claims(exp=int((NOW - dt.timedelta(seconds=5)).timestamp())), SECRET, algorithm="HS256"
    ),
    "not yet valid": jwt.encode(
        _claims(nbf=int((NOW + dt.timedelta(hours=1)).timestamp())), SECRET, algorithm="HS256"
    ),
    "no exp": jwt.encode(_claims(exp=None), SECRET, algorithm="HS256"),
    "no userId": jwt.encode(_claims(userId=None), SECRET, algorithm="HS256"),
    "kid path, empty key": _empty_key_with_kid(),
    "garbage": "a.b.c",
    "two parts": "abc.def",
    "not base64": "!!!.###.$$$",
    "empty": "",
}


@pytest.fixture
def blog_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.setenv("BLOG_DB_PATH", str(tmp_path / "blog.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'blog.sqlite3'}")


@pytest.fixture(scope="module")
def blog_door(
    tmp_path_factory: pytest.TempPathFactory, spawn_server, door_class
) -> t.Iterator[t.Any]:
    logs = tmp_path_factory.mktemp("blog")
    os.environ["JWT_SECRET_KEY"] = SECRET
    os.environ["BLOG_DB_PATH"] = str(logs / "blog.sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{logs / 'blog.sqlite3'}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "1",
        "--bind",
        "127.0.0.1:0",
        f"routekit:App({str(BLOG)!r})",
    ]
    try:
        with spawn_server(command, logs) as port:
            yield door_class("gunicorn-blog", port)
    finally:
        for name in ("JWT_SECRET_KEY", "BLOG_DB_PATH", "DATABASE_URL"):
            os.environ.pop(name, None)


POST = {"text": "hello world"}


def _post_over_socket(door: t.Any, token: str) -> int | None:
    body = json.dumps(POST).encode()
    reply = door.request(
        "POST",
        "/api/posts",
        [("Content-Type", "application/json"), ("Authorization", f"Bearer {token}")],
        body,
    )
    return reply.status


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_forged_token_is_401_in_process(blog_env, attack: str) -> None:
    client = Client(App(BLOG, mode="test"))
    try:
        res = client.post("/api/posts", json=POST, auth=ATTACKS[attack])
        assert res.status_code == 401, (attack, res.text)
    finally:
        client.close()


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_forged_token_is_401_over_gunicorn(blog_door: t.Any, attack: str) -> None:
    assert _post_over_socket(blog_door, ATTACKS[attack]) == 401


def test_a_valid_token_is_accepted(blog_env, blog_door: t.Any) -> None:
    client = Client(App(BLOG, mode="test"))
    try:
        assert client.post("/api/posts", json=POST, auth=_valid()).status_code == 201
    finally:
        client.close()
    assert _post_over_socket(blog_door, _valid()) == 201
