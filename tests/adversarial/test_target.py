"""Hostile request targets: escapes, NUL, invalid UTF-8, traversal, hidden files, 10k params.

None of them may reach a guarded route without the token, crash the app (500), or serve a
file that is not a route.
"""

from __future__ import annotations

import time

import pytest

#: Paths that try to reach the guarded /api/admin routes past the middleware, with the path
#: next start 16.4.6 resolves each to before its middleware and router see it.
TRAVERSAL = {
    "/api/admin/%2e%2e/echo": "/api/echo",
    "/api/admin/%2E%2E/echo": "/api/echo",
    "/api/admin/../echo": "/api/echo",
    "/api/admin/./../echo": "/api/echo",
    "/api/admin/.%2e/echo": "/api/echo",
    "/api/admin/%2e./echo": "/api/echo",
    "/api/admin/x/../../echo": "/api/echo",
    "/api/echo/../admin/secret": "/api/admin/secret",
    "/api/./admin/secret": "/api/admin/secret",
    "/api/%2e/admin/secret": "/api/admin/secret",
    "/api/x/%2e%2e/admin/secret": "/api/admin/secret",
    "/api/admin/secret/.": "/api/admin/secret/",
    "/api/admin/secret/..": "/api/admin/",
    "/api/admin/x/%2E%2E/%2e%2e/admin/vault": "/api/admin/vault",
}


@pytest.mark.parametrize(("target", "resolved"), TRAVERSAL.items())
def test_dot_segments_are_resolved_and_never_bypass_the_guard(
    door, target: str, resolved: str
) -> None:
    # Next.js resolves them (it used to be a 400 here): the answer is the resolved path's,
    # and the guard reads that same path, so the admin routes stay closed.
    reply = door.request("GET", target)
    plain = door.request("GET", resolved)
    assert (reply.status, reply.body) == (plain.status, plain.body), reply
    assert b'"secret"' not in reply.body  # the admin routes' answer: {"secret": ...}
    if resolved.startswith("/api/admin/") and not resolved.endswith("/"):
        assert (reply.status, reply.json()) == (401, {"error": "unauthorized"})
    elif resolved.endswith("/"):
        assert (reply.status, reply.header("location")) == (308, resolved.rstrip("/"))
    else:
        assert (reply.status, reply.json()["url"]) == (200, resolved)


@pytest.mark.parametrize(("target", "resolved"), TRAVERSAL.items())
def test_dot_segments_in_process(inproc, target: str, resolved: str) -> None:
    res, plain = inproc.get(target), inproc.get(resolved)
    assert (res.status_code, res.text) == (plain.status_code, plain.text), target
    assert '"secret"' not in res.text


#: Targets with bad escapes or bytes: a 400 (or 404), never a 500.
BAD_TARGETS = [
    b"/api/users/%zz",
    b"/api/users/%",
    b"/api/users/%E0%A4%A",
    b"/api/users/%FF",
    b"/api/users/%C3%28",
    b"/api/users/%ED%A0%80",
    b"/api/files/a/%zz/b",
    b"/api/users/a%00b",
    b"/api/users/a\x00b",
    b"/api/users/\xff\xfe",
    b"/api/users/\xc3\x28",
    b"/api/users/a\x01b",
    b"/api/users/a\x7fb",
    b"/api/users/a\tb",
    b"/api/users/x#frag",
    b"/api/users/x%23y",
    b"/api/users/%u0041",
    b"/api/users/%%32%65",
]


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_bad_target_is_a_client_error(door, target: bytes) -> None:
    reply = door.send(
        b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    assert reply.status is None or reply.status < 500, reply
    if reply.status == 200:  # a valid param after all: it reached the route as data
        assert set(reply.json()) == {"id", "n"}


@pytest.mark.parametrize(
    "target",
    ["/api/_private", "/api/.hidden", "/api/%5fprivate", "/api/%2ehidden", "/api/.hidden.py"],
)
def test_private_and_dot_files_are_not_routes(door, inproc, target: str) -> None:
    assert door.request("GET", target).status in (400, 404)
    assert inproc.get(target).status_code in (400, 404)


def _many(count: int, same_key: bool) -> str:
    return "&".join(f"{'k' if same_key else f'k{i}'}={i}" for i in range(count))


@pytest.mark.parametrize("same_key", [False, True])
def test_ten_thousand_query_params(door, inproc, same_key: bool) -> None:
    query = _many(10_000, same_key)
    started = time.monotonic()
    reply = door.request("GET", f"/api/url?{query}")
    # Every server caps the request line (gunicorn 4 KB, werkzeug 64 KB); uvicorn's parser
    # refuses it as a bad request.
    assert reply.status == (400 if door.name == "uvicorn" else 414)
    form = door.request(
        "POST",
        "/api/echo",
        [("Content-Type", "application/x-www-form-urlencoded")],
        query.encode(),
    )
    assert form.status == 200, form
    assert isinstance(form.json()["body"], dict)
    assert time.monotonic() - started < 10
    assert inproc.get(f"/api/url?{query}").json_data()["params"] == 10_000
    pages = inproc.get(f"/api/users/7?{query}").json_data()
    assert pages["id"] == "7"


#: Head sizes and shapes servers refuse before the app (limits, folding, bad names).
HUGE_OR_BAD_HEADS = [
    b"X-Big: " + b"a" * 100_000 + b"\r\n",
    b"".join(b"X-H%d: v\r\n" % i for i in range(500)),
    b"X-Fold: a\r\n  folded\r\n",
    b"Bad Name: v\r\n",
    b"X-A : v\r\n",
    b"X-Nul: a\x00b\r\n",
    b"X-Ctl: a\x01b\r\n",
    b"X-Del: a\x7fb\r\n",
    b"NoColon\r\n",
]


@pytest.mark.parametrize("extra", HUGE_OR_BAD_HEADS)
def test_huge_or_malformed_head_is_refused(door, extra: bytes) -> None:
    raw = (
        b"GET /api/admin/secret HTTP/1.1\r\nHost: localhost\r\n"
        + extra
        + b"Connection: close\r\n\r\n"
    )
    reply = door.send(raw)
    assert reply.status is None or 400 <= reply.status < 500, reply
    assert b"secret" not in reply.body


@pytest.mark.parametrize("value", ["a\x00b", "a\x01b", "a\x1fb", "a\x7fb"])
def test_control_characters_in_request_headers_in_process(inproc, value: str) -> None:
    res = inproc.get("/api/url", headers={"X-A": value})
    assert res.status_code == 400
