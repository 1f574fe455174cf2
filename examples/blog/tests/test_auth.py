"""Tests of ``lib/auth.py``: tokens, the signing key and passwords."""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

import jwt
import pytest

if t.TYPE_CHECKING:
    from types import ModuleType

BOB = {"id": 1, "location": "USA", "name": "Bob"}


def test_auth_token_round_trip(auth: ModuleType) -> None:
    token = auth.create_token(BOB)
    assert auth.verify_token(token) == {"userId": 1, "location": "USA", "name": "Bob"}


def test_auth_token_is_hs256_with_a_24_hour_expiry(auth: ModuleType, secret: str) -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    token = auth.create_token(BOB, now=now)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(
        token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims["exp"] - claims["iat"] == 24 * 3600
    assert claims["iat"] == int(now.timestamp())


def test_auth_rejects_an_expired_token(auth: ModuleType) -> None:
    yesterday = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=24, seconds=1)
    assert auth.verify_token(auth.create_token(BOB, now=yesterday)) is None


def test_auth_rejects_a_tampered_token(auth: ModuleType) -> None:
    header, _payload, signature = auth.create_token(BOB).split(".")
    forged = jwt.utils.base64url_encode(b'{"userId":2,"exp":9999999999,"iat":0}').decode()
    assert auth.verify_token(f"{header}.{forged}.{signature}") is None


def test_auth_rejects_another_key(auth: ModuleType) -> None:
    token = jwt.encode({"userId": 1, "iat": 0, "exp": 9999999999}, "x" * 32, algorithm="HS256")
    assert auth.verify_token(token) is None


def test_auth_rejects_alg_none(auth: ModuleType) -> None:
    token = jwt.encode({"userId": 1, "iat": 0, "exp": 9999999999}, None, algorithm="none")
    assert auth.verify_token(token) is None


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "Bearer"])
def test_auth_rejects_garbage(auth: ModuleType, token: str) -> None:
    assert auth.verify_token(token) is None


def test_auth_rejects_a_token_without_user(auth: ModuleType, secret: str) -> None:
    token = jwt.encode({"iat": 0, "exp": 9999999999}, secret, algorithm="HS256")
    assert auth.verify_token(token) is None


def test_auth_development_without_secret_logs_and_works(
    auth: ModuleType, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("JWT_SECRET_KEY")
    with caplog.at_level(logging.WARNING, logger="lib.auth"):
        token = auth.create_token(BOB)
    assert auth.verify_token(token) is not None
    assert "development-only" in caplog.text
    assert "JWT_SECRET_KEY" in caplog.text


def test_auth_production_without_secret_refuses(
    auth: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JWT_SECRET_KEY")
    monkeypatch.setenv("ROUTEKIT_ENV", "production")
    with pytest.raises(auth.MissingSecretError, match=r"^JWT_SECRET_KEY is not set\."):
        auth.require_secret()
    with pytest.raises(auth.MissingSecretError):
        auth.create_token(BOB)


def test_auth_production_with_secret(
    auth: ModuleType, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("ROUTEKIT_ENV", "production")
    assert auth.require_secret() == secret


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("password", True),
        ("Password", False),
        ("", False),
        ("password" * 10, False),  # 80 bytes: over bcrypt's limit, no ValueError
        ("é" * 37, False),  # 74 bytes in UTF-8, 37 characters
        ("\ud800", False),  # a lone surrogate, as JSON can carry
    ],
)
def test_auth_check_password(
    auth: ModuleType, db: ModuleType, password: str, expected: bool
) -> None:
    bob = db.get_user(1)
    assert auth.check_password(password, bob["password"]) is expected


def test_auth_hash_password_round_trip(auth: ModuleType) -> None:
    hashed = auth.hash_password("s3cret", rounds=4)
    assert auth.check_password("s3cret", hashed)
    assert not auth.check_password("s3cret!", hashed)


def test_auth_hash_password_refuses_over_72_bytes(auth: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"^the password is 74 bytes long in UTF-8; bcrypt"):
        auth.hash_password("é" * 37, rounds=4)


def test_auth_unknown_user_hash_matches_no_seeded_password(auth: ModuleType) -> None:
    assert not auth.check_password("password", auth.UNKNOWN_USER_HASH)
    assert auth.UNKNOWN_USER_HASH.startswith("$2b$04$")  # the seeded users' cost
