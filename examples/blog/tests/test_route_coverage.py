"""The suite dispatches every route of the blog: ``--routekit-cov-fail-under=100`` passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPOSITORY = TESTS.parents[2]  # its pyproject.toml holds the pytest configuration


def test_suite_reaches_full_route_coverage() -> None:
    # The integration tests (those that send requests through the client), in a fresh process.
    command = [
        sys.executable,
        "-m",
        "pytest",
        *sorted(str(path) for path in TESTS.glob("test_api_*.py")),
        "--routekit-cov",
        "--routekit-cov-fail-under=100",
        "-k",
        "not postgresql",  # every route is reached on SQLite alone; keep the rerun short
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ROUTEKIT_"))}
    run = subprocess.run(
        command,
        cwd=REPOSITORY,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "routekit route coverage: 8/8 route handlers dispatched (100.00%)" in run.stdout
    assert "MISSED" not in run.stdout
