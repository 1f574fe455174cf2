"""Developer sessions. Dependencies come from pyproject.toml's extras (one source of truth).

``nox -s check`` is what CI and the README run: lint, types, the whole suite with branch
coverage (subprocesses included) and its gate, and the strict docs build, all in the
current environment. The other sessions build their own virtual environments.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typing", "tests", "docs"]
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def _add_pyenv_interpreters() -> None:
    """Put pyenv-installed interpreters on PATH so nox finds python3.10...3.13 by name."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not versions.is_dir():
        return
    found = [
        str(versions / name / "bin")
        for name in sorted(os.listdir(versions))
        if ".".join(name.split(".")[:2]) in PYTHONS
    ]
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_add_pyenv_interpreters()
COVERAGE_FAIL_UNDER = "95"


def _ensure_redis_server(session: nox.Session) -> None:
    """On CI (root, Debian), install the redis-server the Redis cache tests start.

    Elsewhere nothing is installed: without one, those tests skip and say why.
    """
    if os.environ.get("CI") != "true" or shutil.which("redis-server"):
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.log("redis-server is missing and cannot be installed: Redis tests will skip")
        return
    command = "apt-get update -qq && apt-get install -y -qq redis-server > /dev/null"
    session.run("sh", "-c", command, external=True, success_codes=range(256))


def _run_suite(session: nox.Session, python: str, *extra: str) -> None:
    session.run(python, "-m", "coverage", "erase")
    session.run(
        python, "-m", "coverage", "run", "-m", "pytest", "-n", "2", *extra, *session.posargs
    )
    session.run(python, "-m", "coverage", "combine", "-q")
    session.run(python, "-m", "coverage", "report", f"--fail-under={COVERAGE_FAIL_UNDER}")


@nox.session(venv_backend="none")
def check(session: nox.Session) -> None:
    """Everything CI enforces, in the current environment (no virtualenv is created)."""
    python = sys.executable
    session.run(python, "-m", "ruff", "check", ".")
    session.run(python, "-m", "ruff", "format", "--check", ".")
    session.run(python, "-m", "mypy")
    _ensure_redis_server(session)
    _run_suite(session, python)
    session.run(python, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", "site")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite on every supported Python."""
    session.install("-e", ".[dev]")
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: the lint rules, and the formatting (``[tool.ruff.format]`` lists the exceptions)."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict over both packages."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site in strict mode (any warning fails)."""
    session.install("-e", ".[dev]")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def examples(session: nox.Session) -> None:
    """The example projects' own test suites."""
    session.install("-e", ".[dev]")
    session.run("pytest", "examples", *session.posargs)


@nox.session
def coverage(session: nox.Session) -> None:
    """Branch coverage of routekit and routekit_pytest; fails under 95 %."""
    session.install("-e", ".[dev]")
    _run_suite(session, "python")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against the peers; writes docs/benchmarks.md. Not run by default."""
    session.install("-e", ".[dev,bench]")
    env = {"ROUTEKIT_BENCH_FULL": os.environ.get("ROUTEKIT_BENCH_FULL", "1")}
    session.run("python", "-m", "benchmarks", *session.posargs, env=env)
