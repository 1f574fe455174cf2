"""Replaying cases against a stand-in "Next.js" tree (over HTTP) and a "port" (in-process)."""

from __future__ import annotations

import json
import socket
import typing as t

import pytest

from routekit.app import App
from routekit_pytest import (
    Client,
    LiveServer,
    ReplayCase,
    ReplayError,
    assert_same_responses,
    load_cases,
    replay_cases,
)
from routekit_pytest.replay import REPLAY_IGNORED_HEADERS, ClientTarget, HTTPTarget, compare_case

from .conftest import write_tree

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytest_plugins = ["pytester"]

NEXTJS = {
    "pages/api/hello.py": 'def handler(req, res):\n    res.json({"hello": "world", "n": 1})\n',
    "pages/api/users/[id].py": 'def handler(req, res):\n    res.json({"id": req.query["id"]})\n',
    "pages/api/items.py": (
        "def handler(req, res):\n"
        '    res.status(201).json({"created": req.body, "type": req.headers["content-type"]})\n'
    ),
    "pages/api/old.py": 'def handler(req, res):\n    res.redirect(307, "/api/hello")\n',
    "pages/api/echo.py": (
        "def handler(req, res):\n"
        "    res.send(f\"{req.method} {req.body} {req.headers.get('x-k')}\")\n"
    ),
}
# The port: the same routes, with three differences a port could have.
PORT = {
    **NEXTJS,
    # key order differs only: equal once JSON is compared by value
    "pages/api/hello.py": 'def handler(req, res):\n    res.json({"n": 1, "hello": "world"})\n',
    "pages/api/users/[id].py": (
        'def handler(req, res):\n    res.json({"id": int(req.query["id"])})\n'  # a type slip
    ),
    "pages/api/items.py": NEXTJS["pages/api/items.py"].replace("status(201)", "status(200)"),
    "pages/api/echo.py": NEXTJS["pages/api/echo.py"].replace(
        "    res.send", '    res.set_header("X-Port", "1")\n    res.send'
    ),
}
CASES = [
    {"url": "/api/hello"},
    {"name": "one user", "url": "/api/users/7"},
    {"method": "POST", "url": "/api/items", "body": {"title": "x"}},
    {"url": "/api/old"},
    {"method": "PUT", "url": "/api/echo", "body": "raw text", "headers": {"x-k": "v"}},
    {"url": "/api/missing"},
]


@pytest.fixture(scope="module")
def nextjs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The stand-in for `next start`: a routekit tree on a real socket."""
    root = write_tree(tmp_path_factory.mktemp("nextjs"), NEXTJS)
    with LiveServer(App(root, mode="production")) as server:
        yield server


@pytest.fixture
def port(tmp_path: Path) -> Client:
    return Client(App(write_tree(tmp_path / "port", PORT), mode="test"))


def test_replay_reports_each_difference(nextjs: LiveServer, port: Client) -> None:
    report = replay_cases(
        CASES, HTTPTarget(nextjs.url, name="nextjs"), ClientTarget(port, name="port")
    )
    assert [r.ok for r in report.results] == [True, False, False, True, False, True]
    assert not report.ok
    assert str(report) == "\n".join(
        [
            "replay: 6 case(s), 3 differ (nextjs vs port)",
            "",
            "case 2 'one user': GET /api/users/7",
            "  --- nextjs",
            "  +++ port",
            "  @@ -3,5 +3,5 @@",
            "     content-type: application/json; charset=utf-8",
            "   body:",
            "     {",
            '  -    "id": "7"',
            '  +    "id": 7',
            "     }",
            "",
            "case 3 POST /api/items",
            "  --- nextjs",
            "  +++ port",
            "  @@ -1,4 +1,4 @@",
            "  -status: 201 Created",
            "  +status: 200 OK",
            "   headers:",
            "     content-type: application/json; charset=utf-8",
            "   body:",
            "",
            "case 5 PUT /api/echo",
            "  --- nextjs",
            "  +++ port",
            "  @@ -1,4 +1,5 @@",
            "   status: 200 OK",
            "  -headers: (none)",
            "  +headers:",
            "  +  x-port: 1",
            "   body:",
            "     PUT raw text v",
        ]
    )


def test_replay_same_trees_agree_and_redirects_are_not_followed(nextjs: LiveServer) -> None:
    report = replay_cases(CASES, nextjs, nextjs.url)  # a LiveServer and a URL: both over HTTP
    assert report.ok
    assert str(report) == (
        f"replay: 6 case(s), 0 differ (live server {nextjs.url} vs {nextjs.url})"
    )
    redirect = report.results[3]
    assert (redirect.expected.status, dict(redirect.expected.headers)["Location"]) == (
        307,
        "/api/hello",
    )
    assert str(redirect) == "GET /api/old: same answer (307)"
    assert str(replay_cases([], nextjs, nextjs)) == "replay: no cases."


def test_replay_sends_the_same_bytes_to_both_sides(nextjs: LiveServer, port: Client) -> None:
    case = ReplayCase("POST", "/api/items", body={"title": "x"})
    result = compare_case(case, nextjs, port)
    for record in (result.expected, result.actual):
        assert json.loads(record.body)["created"] == {"title": "x"}
        assert json.loads(record.body)["type"] == "application/json"
    assert result.expected_name == f"live server {nextjs.url}"
    assert result.actual_name == f"routekit client ({port.app.root.name})"
    assert repr(ClientTarget(port)) == "<ClientTarget routekit client (port)>"
    custom = ReplayCase("POST", "/api/items", {"Content-Type": "application/json; v=2"}, [1])
    assert json.loads(compare_case(custom, nextjs, port).actual.body)["type"] == (
        "application/json; v=2"
    )


def test_replay_header_and_key_order_options(nextjs: LiveServer, port: Client) -> None:
    case = ReplayCase(url="/api/echo", method="PUT", body="raw text", headers={"x-k": "v"})
    assert compare_case(case, nextjs, port, ignore_headers=REPLAY_IGNORED_HEADERS | {"x-port"}).ok
    compared = str(compare_case(case, nextjs, port, ignore_headers={"x-port", "date"}))
    assert "-  etag: " not in compared  # the same body: the same ETag
    assert "-  server: Werkzeug" in compared  # what the default set leaves out
    hello = ReplayCase(url="/api/hello")
    assert not compare_case(hello, nextjs, port, sort_json_keys=False).ok


def test_replay_assert_same_responses(nextjs: LiveServer, port: Client) -> None:
    assert assert_same_responses(CASES[:1], nextjs, port).ok
    with pytest.raises(AssertionError, match=r"(?s)replay: 2 case\(s\), 1 differ.*-status: 201"):
        assert_same_responses(CASES[2:4], nextjs, port)


def test_replay_unreachable_server(port: Client) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]  # closed again below: nothing listens there
    target = HTTPTarget(f"http://127.0.0.1:{free}/", name="Next.js")
    assert repr(target) == "<HTTPTarget Next.js>"
    with pytest.raises(ReplayError, match=r"cannot reach Next\.js for GET /api/hello: .*refused"):
        replay_cases(CASES[:1], target, port)


def test_replay_load_cases(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(CASES))
    cases = load_cases(path)
    assert cases[1] == ReplayCase("GET", "/api/users/7", name="one user")
    assert str(cases[1]) == "'one user': GET /api/users/7"
    assert cases[4].body == "raw text"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", r"cases\.json: not JSON: "),
        ('{"url": "/"}', r"cases\.json: the cases are a JSON list of objects; got dict\."),
        ('["/api/x"]', r"cases\.json\[0\]: a case is an object like"),
        (
            '[{"url": "/a"}, {"url": "/b", "header": {}}]',
            r"cases\.json\[1\]: unknown key 'header'\. Did you mean 'headers'\? Keys are: "
            r"method, url, headers, body, name\.",
        ),
        ('[{"url": "/a", "verb": 1}]', r"unknown key 'verb'\. Keys are"),
        ('[{"url": "api/x"}]', r"'url' must be a path like \"/api/users\"; got 'api/x'"),
        ('[{"method": 5, "url": "/"}]', r"'method' must be a string like \"GET\"; got 5"),
        ('[{"url": "/", "headers": {"a": 1}}]', r"'headers' must map names to strings"),
        ('[{"url": "/", "name": 3}]', r"'name' must be a string; got 3"),
    ],
)
def test_replay_bad_case_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(content)
    with pytest.raises(ReplayError, match=message):
        load_cases(path)


def test_replay_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match=r"nope\.json: cannot read the cases: No such file"):
        load_cases(tmp_path / "nope.json")


def test_replay_as_users_see_it(pytester: pytest.Pytester) -> None:
    write_tree(pytester.path / "nextjs", NEXTJS)
    write_tree(pytester.path / "port", PORT)
    (pytester.path / "cases.json").write_text(json.dumps(CASES[1:3]))
    pytester.makeini("[pytest]\nroutekit_root = port\n")
    pytester.makeconftest(
        """
        import pytest
        from routekit import App

        @pytest.fixture(scope="session")
        def live_server_app():
            return App("nextjs", mode="production")  # stands in for `next start`
        """
    )
    pytester.makepyfile(
        """
        from routekit_pytest import assert_same_responses, load_cases

        def test_port_matches_nextjs(live_server, client):
            assert_same_responses(load_cases("cases.json"), live_server.url, client)
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   *AssertionError: replay: 2 case(s), 2 differ "
            "(http://127.0.0.1:* vs routekit client (port))",
            "E   *case 1 'one user': GET /api/users/7",
            "E   *  --- http://127.0.0.1:*",
            "E   *  +++ routekit client (port)",
            'E   *  -    "id": "7"',
            'E   *  +    "id": 7',
            "E   *case 2 POST /api/items",
            "E   *  -status: 201 Created",
            "E   *  +status: 200 OK",
        ]
    )
