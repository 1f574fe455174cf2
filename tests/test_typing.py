"""Types catch handler mistakes: ``mypy --strict`` on a user's handler and its unit test.

One mypy run over a small file in ``tmp_path``: a misspelled ``res.stauts(200)`` and a
handler reading the test-only ``res.headers`` are errors; ``res.status(201)`` keeps the mock's
type, so its accessors stay typed after the call.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE = """
from __future__ import annotations

from routekit import ApiRequest, ApiResponse, Handler, NextRequest, Response, RouteContext
from routekit_pytest import MockResponse, create_mocks


def handler(req: ApiRequest, res: ApiResponse) -> None:
    res.stauts(200)
    res.status(200).set_header("X-A", "1").json({"ok": True})


def peeks(req: ApiRequest, res: ApiResponse) -> None:
    res.end()
    print(res.headers)


def GET(request: NextRequest, context: RouteContext) -> Response:
    return Response.json({"id": context.params["id"]})


def one_argument(req: ApiRequest) -> None:
    pass


HANDLERS: list[Handler] = [handler, peeks]
WRONG: Handler = one_argument


def test_handler() -> None:
    req, res = create_mocks()
    handler(req, res)
    same: MockResponse = res.status(201)
    assert same.json_data() == {"ok": True}
    assert res.status(201).headers["x-a"] == "1"
"""

#: (line, start of the message); mypy may add more near misses after "maybe".
EXPECTED = [
    (8, 'error: "ApiResponse" has no attribute "stauts"; maybe "status"'),
    (14, 'error: "ApiResponse" has no attribute "headers"'),
    (26, "error: Incompatible types in assignment"),
]


def _errors(output: str) -> list[tuple[int, str]]:
    found = []
    for line in output.splitlines():
        match = re.match(r"^sample\.py:(\d+): (error: .*)$", line)
        if match:
            found.append((int(match[1]), match[2]))
    return found


def test_mypy_strict_catches_handler_mistakes(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    (tmp_path / "sample.py").write_text(textwrap.dedent(SAMPLE).lstrip("\n"), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--show-error-codes",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "sample.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = _errors(proc.stdout)
    assert [line for line, _ in errors] == [line for line, _ in EXPECTED], proc.stdout
    for (_, got), (_, want) in zip(errors, EXPECTED, strict=True):
        assert got.startswith(want), proc.stdout
