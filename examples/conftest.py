"""The blogs' database for every test: a fresh SQLite file, or a fresh PostgreSQL schema.

``database`` is the ``DATABASE_URL`` of an empty database of the test's own (the blog seeds
it on first use). A test that talks to the database (it uses the ``client``, the ``db``
module, or a served blog) runs twice, ``[sqlite]`` and ``[postgresql]``; the others get
SQLite only; ``@pytest.mark.parametrize("database", ["postgresql"], indirect=True)`` pins one.

``serve`` runs a blog under a real server (``routekit serve``, gunicorn) on a free port.

The PostgreSQL runs are skipped, with the reason, where no server can be started: the
``postgres`` fixture makes a throwaway cluster with ``initdb`` in a temporary folder (the
binaries from ``PATH`` or ``/usr/lib/postgresql/*/bin``), listening on a Unix socket only
(no port to collide on), once per test process. As root it runs the server as the
``postgres`` user (``initdb`` refuses root). Each test starts from empty tables
and a URL of its own (``application_name``), which the blog has not set up yet in this process,
so it seeds them again: a database or a schema per test would cost 0.1 to 0.2 s each in DDL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import http.client
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import typing as t
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

BACKENDS = ("sqlite", "postgresql")
#: The fixtures whose tests run on both databases.
_DATABASE_USERS = ("client", "db", "served_blog")
_START_TIMEOUT = 30
_REQUEST_TIMEOUT = 10.0


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that talks to the blog's database on both databases."""
    names = metafunc.fixturenames
    pinned = any(  # @pytest.mark.parametrize("database", ["postgresql"], indirect=True)
        marker.args and marker.args[0] == "database"
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "database" in names and not pinned and any(name in names for name in _DATABASE_USERS):
        metafunc.parametrize("database", BACKENDS, indirect=True)


# Empties the blog's tables, if they exist yet, and restarts their ids at 1 (DELETE and
# setval: TRUNCATE would make new files for the tables, 20 ms more a test).
_EMPTY_TABLES = """
DO $$ BEGIN
    IF to_regclass('users') IS NOT NULL THEN
        DELETE FROM comments;
        DELETE FROM posts;
        DELETE FROM users;
        PERFORM setval(pg_get_serial_sequence(name, 'id'), 1, false)
            FROM unnest(ARRAY['users', 'posts', 'comments']) AS name;
    END IF;
END $$"""


@dataclasses.dataclass
class Postgres:
    """A running throwaway cluster: :attr:`url` reaches its ``postgres`` database."""

    url: str
    admin: t.Any  # a psycopg connection
    tests: int = 0

    def fresh_url(self) -> str:
        """A URL of the database, emptied, that the blog has not set up in this process."""
        self.admin.execute(_EMPTY_TABLES)
        self.tests += 1
        return f"{self.url}&application_name=test-{self.tests}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster of this test process, stopped at the end; skips if it cannot start."""
    try:
        import psycopg
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install -e '.[dev]' installs it")
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL tests need initdb and pg_ctl (PATH, /usr/lib/postgresql/*/bin)")
    run_as = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="routekit-pg-"))
    try:
        if run_as is not None:
            os.chown(folder, run_as.pw_uid, run_as.pw_gid)
        _start(bindir, folder, run_as)
        url = f"postgresql://postgres@/postgres?host={folder}"
        with psycopg.connect(url, autocommit=True) as admin:
            # A connection a server thread still holds must make a test fail, not hang.
            admin.execute("SET lock_timeout = '10s'")
            yield Postgres(url, admin)
    finally:
        _run(bindir, run_as, "pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The ``DATABASE_URL`` of an empty database for this test (SQLite unless parametrized)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'blog.sqlite3'}"
        return
    server: Postgres = request.getfixturevalue("postgres")
    yield server.fresh_url()


def _postgres_bindir() -> Path | None:
    found = shutil.which("initdb")
    candidates = [found] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    for initdb in candidates:
        bindir = Path(initdb).resolve().parent
        if (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    pytest.skip("PostgreSQL tests run as root need a 'postgres' or 'nobody' user for the server")


def _run(
    bindir: Path, run_as: pwd.struct_passwd | None, program: str, *args: str
) -> subprocess.CompletedProcess[str]:
    command = [str(bindir / program), *args]
    if run_as is not None:
        command = ["runuser", "-u", run_as.pw_name, "--", *command]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=_START_TIMEOUT, check=False
    )


def _start(bindir: Path, folder: Path, run_as: pwd.struct_passwd | None) -> None:
    data = str(folder / "data")
    init = _run(bindir, run_as, "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-sync")  # fmt: skip
    if init.returncode != 0:
        pytest.skip(f"PostgreSQL tests: initdb failed: {init.stderr.strip()[-500:]}")
    # No TCP (a Unix socket in the private folder), and no durability: it is thrown away.
    options = (
        f"-c listen_addresses='' -k {folder} -c fsync=off -c full_page_writes=off "
        "-c synchronous_commit=off -c max_connections=200"
    )
    log = str(folder / "server.log")
    start = _run(bindir, run_as, "pg_ctl", "-D", data, "-l", log, "-w",
                 "-t", str(_START_TIMEOUT), "-o", options, "start")  # fmt: skip
    if start.returncode != 0:
        reason = Path(log).read_text(errors="replace")[-500:] if Path(log).exists() else ""
        pytest.skip(f"PostgreSQL tests: the server did not start: {start.stderr}{reason}")


# -- a blog behind a real socket -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Served:
    """A server at ``127.0.0.1:port``; its output goes to :attr:`log`."""

    port: int
    log: Path

    def request(
        self, method: str, path: str, *, json_body: object = None, token: str | None = None
    ) -> tuple[int, t.Any]:
        """Send one request as curl would; the status and the JSON answer (``None`` if empty)."""
        headers = {"Connection": "close"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=_REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()


#: ``serve(lambda port: [...command...], env)``: the command's server, once it answers.
Serve: t.TypeAlias = "Callable[[Callable[[int], Sequence[str]], dict[str, str]], Served]"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start servers (a command for a port, extra environment); every one stops after the test.

    Bounded: a server that exits or does not answer ``/api/hello`` within 30 s fails the test.
    """
    with contextlib.ExitStack() as stack:

        def start(command: Callable[[int], Sequence[str]], env: dict[str, str]) -> Served:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            served = Served(port, tmp_path / f"server-{port}.log")
            environ = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("PYTEST_", "ROUTEKIT_"))
            }
            out = stack.enter_context(served.log.open("wb"))
            server = subprocess.Popen(
                [*command(port)], stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, env={**environ, **env},
            )  # fmt: skip
            stack.callback(_stop, server)
            _wait_until_serving(server, served)
            return served

        yield start


def _wait_until_serving(server: subprocess.Popen[bytes], served: Served) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{served.log.read_text()}")
        try:
            if served.request("GET", "/api/hello")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer within {_START_TIMEOUT} s:\n{served.log.read_text()}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)
