"""Response snapshots with syrupy: what is stored, and what a changed response shows."""

from __future__ import annotations

import sys

import pytest

pytest_plugins = ["pytester"]

USER = """
import os

def handler(req, res):
    res.set_header("X-Total", os.environ.get("RK_SNAP_TOTAL", "1"))
    res.set_cookie("sid", "abc", path="/", http_only=True)
    res.status(201).json({"id": 1, "name": os.environ.get("RK_SNAP_NAME", "Ann")})
"""

STORED_USER = """\
  status: 201 Created
  headers:
    content-type: application/json; charset=utf-8
    set-cookie: sid=abc; Path=/; HttpOnly
    x-total: 1
  body:
    {
      "id": 1,
      "name": "Ann"
    }
"""
STORED = (
    "# serializer version: 1\n"
    "# name: test_extension\n  dict({\n    'a': 1,\n  })\n# ---\n"
    f"# name: test_extension.1\n{STORED_USER}# ---\n"
    f"# name: test_user\n{STORED_USER}# ---\n"
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.mkpydir("pages")  # the root holds pages/: the default project root
    (pytester.path / "pages" / "api").mkdir()
    (pytester.path / "pages" / "api" / "user.py").write_text(USER)
    pytester.makepyfile(
        test_snap="""
        from routekit_pytest import ResponseSnapshotExtension

        def test_user(client, snapshot_response):
            assert client.get("/api/user") == snapshot_response

        def test_extension(client, snapshot):
            snap = snapshot.use_extension(ResponseSnapshotExtension)
            assert {"a": 1} == snap  # other values: amber's own format
            assert client.get("/api/user") == snap
        """
    )
    return pytester


def test_snapshot_stores_a_readable_response_and_shows_a_diff(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.runpytest("--snapshot-update", "-p", "no:randomly").assert_outcomes(passed=2)
    assert (project.path / "__snapshots__" / "test_snap.ambr").read_text() == STORED
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)

    monkeypatch.setenv("RK_SNAP_NAME", "Bob")
    monkeypatch.setenv("RK_SNAP_TOTAL", "2")
    result = project.runpytest("-p", "no:randomly", "-k", "test_user", "-vv")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "E       *assert *received* == *snapshot*",
            "E         -   x-total: 1",
            "E         +   x-total: 2",
            "E           body:",
            'E         -     "name": "Ann"',
            'E         +     "name": "Bob"',
        ]
    )


def test_snapshot_more_ignored_headers(pytester: pytest.Pytester) -> None:
    (pytester.path / "pages" / "api").mkdir(parents=True)
    (pytester.path / "pages" / "api" / "user.py").write_text(USER)
    pytester.makepyfile(
        """
        import pytest
        from routekit_pytest import ResponseSnapshotExtension

        class Quiet(ResponseSnapshotExtension):
            ignored_headers = ResponseSnapshotExtension.ignored_headers | {"x-total", "set-cookie"}

        def test_quiet(client, snapshot):
            assert client.get("/api/user") == snapshot.use_extension(Quiet)
        """
    )
    pytester.runpytest("--snapshot-update").assert_outcomes(passed=1)
    stored = pytester.path / "__snapshots__" / "test_snapshot_more_ignored_headers.ambr"
    assert "x-total" not in stored.read_text()
    assert "set-cookie" not in stored.read_text()
    assert "content-type: application/json" in stored.read_text()


def test_snapshot_response_without_syrupy(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "syrupy.extensions.amber", None)
    monkeypatch.delitem(sys.modules, "routekit_pytest.snapshot", raising=False)
    with pytest.raises(ModuleNotFoundError, match=r"need syrupy: pip install 'routekit\[snap"):
        import routekit_pytest.snapshot  # noqa: F401
    pytester.makepyfile("def test_x(snapshot_response):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_x*",
            "response snapshots need syrupy: pip install 'routekit?snapshot?' (or syrupy>=4).",
            "*= short test summary info =*",
        ]
    )
    assert "During handling" not in result.stdout.str()
