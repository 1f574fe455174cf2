from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

import routekit
from routekit import _env
from routekit._cli import serve as serve_module
from routekit.app import App
from routekit.cli import format_route_table, main
from routekit.loader import importer as loader_importer
from routekit.loader import registry as loader_registry

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_PROJECT_TOPS = ("pages", "app", "api", "lib", "middleware", "proxy")
PAGES = "def handler(req, res):\n    res.send('ok')\n"
SITE = {
    "pages/api/hello.py": """
        import os

        def handler(req, res):
            res.json({"hello": "world", "pid": os.getpid()})
    """,
    "pages/api/users/[id].py": PAGES,
    "pages/api/users/me.py": PAGES,
    "pages/api/[...all].py": PAGES,
    "pages/api/edge.py": """
        from routekit import Response

        config = {"runtime": "edge"}

        def handler(request):
            return Response("edge")
    """,
    "app/api/items/route.py": """
        from routekit import Response

        def POST(request):
            return Response("made", status=201)

        def GET(request):
            return Response("items")
    """,
}
TABLE = """\
URL              FILE                     KIND   METHODS
/api/edge        pages/api/edge.py        pages  *
/api/hello       pages/api/hello.py       pages  *
/api/items       app/api/items/route.py   app    ?
/api/users/me    pages/api/users/me.py    pages  *
/api/users/[id]  pages/api/users/[id].py  pages  *
/api/[...all]    pages/api/[...all].py    pages  *
"""
CHECKED_TABLE = """\
URL              FILE                     KIND   METHODS
/api/edge        pages/api/edge.py        edge   *
/api/hello       pages/api/hello.py       pages  *
/api/items       app/api/items/route.py   app    GET, POST
/api/users/me    pages/api/users/me.py    pages  *
/api/users/[id]  pages/api/users/[id].py  pages  *
/api/[...all]    pages/api/[...all].py    pages  *
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(loader_registry, "_loaders", {})
    monkeypatch.setattr(loader_importer, "_roots", set())
    monkeypatch.setattr(loader_importer, "_stashes", {})
    monkeypatch.setattr(_env, "_loaded", {})
    monkeypatch.delenv("ROUTEKIT_ENV", raising=False)
    monkeypatch.delenv("RKCLI_SECRET", raising=False)
    modules = dict(sys.modules)
    path = list(sys.path)
    for name in list(sys.modules):
        if name.partition(".")[0] in _PROJECT_TOPS:
            del sys.modules[name]
    yield
    sys.modules.clear()
    sys.modules.update(modules)
    sys.path[:] = path


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


# -- routekit routes ---------------------------------------------------------------------------


def test_cli_routes_prints_the_table_in_precedence_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, SITE)
    assert main(["routes", str(tmp_path)]) == 0
    assert capsys.readouterr().out == TABLE


def test_cli_routes_defaults_to_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, SITE)
    monkeypatch.chdir(tmp_path)
    assert main(["routes"]) == 0
    assert capsys.readouterr().out == TABLE


def test_cli_routes_imports_nothing_without_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {"pages/api/crash.py": "raise SystemExit('imported')\n"})
    assert main(["routes", str(tmp_path)]) == 0
    assert "/api/crash  pages/api/crash.py  pages  *" in capsys.readouterr().out


def test_cli_routes_kind_comes_from_the_folder_not_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {"pages/api/route.py": PAGES})
    assert main(["routes", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "/api/route  pages/api/route.py  pages  *"


def test_cli_routes_check_shows_kinds_and_methods(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, SITE)
    assert main(["routes", str(tmp_path), "--check"]) == 0
    assert capsys.readouterr().out == CHECKED_TABLE


def test_cli_routes_does_not_need_production_env(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {**SITE, "routekit.toml": 'required_env = ["RKCLI_SECRET"]\n'})
    assert main(["routes", str(tmp_path)]) == 0
    assert capsys.readouterr().out == TABLE


def test_cli_routes_invalid_tree_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {"pages/api/[a].py": PAGES, "pages/api/[b]/x.py": PAGES})
    assert main(["routes", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "error: You cannot use different slug names for the same dynamic path ('a' !== 'b')."
    )


def test_cli_routes_check_reports_every_module_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tmp_path,
        {
            "pages/api/fine.py": PAGES,
            "pages/api/nohandler.py": "def handle(req, res):\n    pass\n",
            "pages/api/badconfig.py": 'config = {"api": {"bodyParsr": False}}\n' + PAGES,
            "pages/api/broken.py": "import rk_cli_missing_module\n",
            "app/api/empty/route.py": "def get(request):\n    pass\n",
        },
    )
    assert main(["routes", str(tmp_path), "--check"]) == 1
    out, err = capsys.readouterr()
    # The table comes too, with the broken files marked.
    assert out == (
        "URL             FILE                    KIND   METHODS\n"
        "/api/badconfig  pages/api/badconfig.py  pages  error\n"
        "/api/broken     pages/api/broken.py     pages  error\n"
        "/api/empty      app/api/empty/route.py  app    -\n"
        "/api/fine       pages/api/fine.py       pages  *\n"
        "/api/nohandler  pages/api/nohandler.py  pages  error\n"
    )
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 4
    assert any(
        line.startswith("error: pages/api/nohandler.py: defines no handler; found 'handle'")
        for line in errors
    )
    assert any(
        line.startswith("error: pages/api/badconfig.py:") and "bodyParsr" in line for line in errors
    )
    assert (
        "error: pages/api/broken.py failed to import: ModuleNotFoundError: "
        "No module named 'rk_cli_missing_module'"
    ) in errors
    assert (
        "error: app/api/empty/route.py: exports no HTTP method, so every request is answered "
        "405 Method Not Allowed"
    ) in errors
    assert lines[-1] == "4 of 5 route file(s) cannot be served."


def test_format_route_table_app_route_without_methods(tmp_path: Path) -> None:
    _write(tmp_path, {"app/api/empty/route.py": "X = 1\n"})
    assert format_route_table(App(tmp_path), check=True) == (
        "URL         FILE                    KIND  METHODS\n"
        "/api/empty  app/api/empty/route.py  app   -"
    )


def test_cli_missing_root_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nowhere")
    assert main(["routes", missing]) == 2
    assert capsys.readouterr().err == f"error: the project root {missing!r} does not exist.\n"


@pytest.mark.parametrize("argv", [[], ["-h"], ["--help"]])
def test_cli_without_a_command_prints_help(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    if argv:
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
    else:
        assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("usage: routekit [-h] [--version] COMMAND ...\n")
    for line in ("    serve ", "    routes ", "  routekit serve --prod -p 8000 "):
        assert line in out


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"routekit {re.escape(routekit.__version__)} \(\w+ [\d.]+\w*, werkzeug [\d.]+\w*\)\n", out
    ), out


def test_cli_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "http"])
    assert info.value.code == 2
    assert "argument --port/-p: 'http' is not a port number (0-65535)" in capsys.readouterr().err


def test_cli_serve_prod_without_required_env_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {**SITE, "routekit.toml": 'required_env = ["RKCLI_SECRET"]\n'})
    assert main(["serve", str(tmp_path), "--prod", "--port", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: required_env: production needs the environment variable(s) RKCLI_SECRET; set "
        f"them in the environment or in {tmp_path.resolve() / '.env'}.\n"
    )
    (tmp_path / ".env.example").write_text("RKCLI_SECRET=\n", encoding="utf-8")
    assert main(["serve", str(tmp_path), "--prod", "--port", "1"]) == 1
    assert capsys.readouterr().err.endswith(".env (see .env.example).\n")


def test_cli_routes_warns_about_a_misspelled_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {"pages/api/hello.py": PAGES, "pages/apis/users.py": PAGES})
    for check in ([], ["--check"]):
        assert main(["routes", str(tmp_path), *check]) == 0
        out, err = capsys.readouterr()
        assert out.splitlines()[1] == "/api/hello  pages/api/hello.py  pages  *"
        assert err == (
            "warning: pages/apis/ is not served, so pages/apis/users.py is not a route; did you "
            "mean pages/api/? Only files under pages/api/ are API routes.\n"
        )


def test_cli_routes_warns_about_an_empty_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["routes", str(tmp_path), "--check"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"warning: no routes found under {tmp_path.resolve()}, so every")


def test_cli_routes_colours_only_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"pages/api/hello.py": PAGES, "pages/api/broken.py": "1/0\n"})
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert main(["routes", str(tmp_path), "--check"]) == 1
    assert "\x1b[" not in "".join(capsys.readouterr())  # capsys is no terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["routes", str(tmp_path), "--check"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("\x1b[1mURL ")
    assert "\x1b[31m/api/broken " in out
    assert err.startswith("\x1b[31;1merror:\x1b[0m pages/api/broken.py failed to import")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["routes", str(tmp_path), "--check"]) == 1
    assert "\x1b[" not in "".join(capsys.readouterr())


def test_cli_routes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {**SITE, "pages/apis/x.py": PAGES})
    assert main(["routes", str(tmp_path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)
    assert document["version"] == 1
    assert document["root"] == str(tmp_path.resolve())
    assert document["checked"] is False
    assert document["problems"] == []
    assert [w["path"] for w in document["warnings"]] == ["pages/apis"]
    assert document["routes"][:3] == [
        {"pattern": "/api/edge", "file": "pages/api/edge.py", "kind": "pages", "methods": ["*"],
         "ok": True},
        {"pattern": "/api/hello", "file": "pages/api/hello.py", "kind": "pages",
         "methods": ["*"], "ok": True},
        {"pattern": "/api/items", "file": "app/api/items/route.py", "kind": "app",
         "methods": None, "ok": True},
    ]  # fmt: skip
    assert len(document["routes"]) == 6


def test_cli_routes_json_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {**SITE, "pages/api/broken.py": "import rk_cli_missing_module\n"})
    assert main(["routes", str(tmp_path), "--json", "--check"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)
    assert document["checked"] is True
    routes = {route["file"]: route for route in document["routes"]}
    assert routes["pages/api/edge.py"]["kind"] == "edge"
    assert routes["app/api/items/route.py"]["methods"] == ["GET", "POST"]
    assert routes["pages/api/broken.py"] == {
        "pattern": "/api/broken", "file": "pages/api/broken.py", "kind": "pages",
        "methods": None, "ok": False,
    }  # fmt: skip
    assert document["problems"] == [
        {
            "file": "pages/api/broken.py",
            "message": "pages/api/broken.py failed to import: ModuleNotFoundError: No module "
            "named 'rk_cli_missing_module'",
        }
    ]


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, ("127.0.0.1", 3000)),
        ([], {"PORT": "4000", "HOST": "0.0.0.0"}, ("0.0.0.0", 4000)),
        (["--port", "5000", "-H", "::1"], {"PORT": "4000", "HOST": "0.0.0.0"}, ("::1", 5000)),
        (["-p", "0"], {"PORT": " ", "HOST": ""}, ("127.0.0.1", 0)),
    ],
)
def test_cli_serve_port_and_host_from_flags_then_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    expected: tuple[str, int],
) -> None:
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    seen: list[tuple[str, int]] = []

    def fake_serve(root: str, *, host: str, port: int, prod: bool, reload: bool) -> int:
        seen.append((host, port))
        return 0

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    assert main(["serve", str(tmp_path), *argv]) == 0
    assert seen == [expected]


def test_cli_serve_bad_port_in_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "70000")
    assert main(["serve", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "error: the PORT environment variable: '70000' is not a port number (0-65535).\n"
    )


@pytest.mark.parametrize("mode", [[], ["--prod"], ["--no-reload"]])
def test_cli_serve_busy_port_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: list[str]
) -> None:
    _write(tmp_path, SITE)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", str(tmp_path), "--port", str(port), *mode]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # no banner, no table before the failure
    assert err == (
        f"error: cannot listen on 127.0.0.1:{port}: the port is in use by another program; "
        "stop it, or choose another port with --port N (or PORT=N).\n"
    )


# -- in a subprocess ---------------------------------------------------------------------------
# Servers listen on port 0 and the test reads the port from the banner; they are stopped with
# SIGTERM, which works whatever the SIGINT disposition the suite was started with (nohup, a
# background job); the Ctrl+C test sets its child's SIGINT itself.

_BANNER = re.compile(
    r"^routekit: serving (?P<root>.+) in (?P<mode>\w+) mode on "
    r"http://127\.0\.0\.1:(?P<port>\d+) \((?P<details>[^)]*)\)$",
    re.M,
)
_ANSI = re.compile(r"\x1b\[[\d;]*m")
#: client, request, status, duration, route file (absent when no route answered)
_ACCESS = re.compile(
    r"^127\.0\.0\.1 (?P<target>\S+ \S+) (?P<status>\d{3}) (?P<ms>[\d.]+)ms(?: (?P<file>\S+))?$",
    re.M,
)
#: Start the CLI with SIGINT set by the test, not inherited from whoever started the suite.
_WITH_SIGINT = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.{}); "
    "from routekit.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _env_for_child(**extra: str) -> dict[str, str]:
    drop = {"ROUTEKIT_ENV", "PORT", "HOST", "NO_COLOR", "FORCE_COLOR"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_until(predicate: t.Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class _Server(t.NamedTuple):
    proc: subprocess.Popen[bytes]
    logs: Path

    def out(self) -> str:
        return (self.logs / "out").read_text(encoding="utf-8", errors="replace")

    def err(self) -> str:
        return (self.logs / "err").read_text(encoding="utf-8", errors="replace")

    @property
    def port(self) -> int:
        banner = _BANNER.search(_ANSI.sub("", self.out()))
        assert banner is not None, self.out()
        return int(banner["port"])

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a server that ignores `sig`
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            raise AssertionError(f"the server did not stop on signal {sig}") from None


@contextlib.contextmanager
def _serve(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, sigint: str | None = None
) -> Iterator[_Server]:
    """Run ``routekit serve SITE *args``; yield once it answers; always stop it."""
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    if sigint is None:
        command = [sys.executable, "-m", "routekit"]
    else:
        command = [sys.executable, "-c", _WITH_SIGINT.format(sigint)]
    command += ["serve", str(tmp_path / "site"), *args]
    with (logs / "out").open("wb") as out, (logs / "err").open("wb") as err:
        proc = subprocess.Popen(
            command, stdout=out, stderr=err, env=env or _env_for_child(), start_new_session=True
        )
        server = _Server(proc, logs)
        try:
            _wait_until(lambda: _answers(server), "the server")
            yield server
        finally:
            server.stop()


def _answers(server: _Server) -> bool:
    if server.proc.poll() is not None:
        raise AssertionError(f"the server exited with {server.proc.returncode}:\n{server.err()}")
    if _BANNER.search(_ANSI.sub("", server.out())) is None:
        return False
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
            return True
    except OSError:  # pragma: no cover - the reloader child is still starting
        return False


def _access_lines(server: _Server) -> list[dict[str, str | None]]:
    return [match.groupdict() for match in _ACCESS.finditer(server.err())]


def test_cli_serve_banner_table_and_access_log(tmp_path: Path) -> None:
    _write(tmp_path / "site", SITE)
    env = _env_for_child(PORT="0", HOST="127.0.0.1")  # PORT and HOST as Next.js' PORT
    with _serve(tmp_path, "--no-reload", env=env) as server:
        status, body = _get(server.port, "/api/hello")
        assert status == 200
        assert body == f'{{"hello":"world","pid":{server.proc.pid}}}'.encode()
        assert _get(server.port, "/api/items")[1] == b"items"
        assert _get(server.port, "/api/hello/")[0] == 308
        assert _get(server.port, "/api/users/me/x/y")[0] == 200  # the catch-all
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(b"NONSENSE\x1b[31m\r\n\r\n")  # http.server answers this one itself
            assert b"Error code: 400" in raw.recv(1000)
        _wait_until(lambda: " 400" in server.err(), "the access log")
        assert server.stop() == 0
    lines = [(line["target"], line["status"], line["file"]) for line in _access_lines(server)]
    assert lines == [
        ("GET /api/hello", "200", "pages/api/hello.py"),
        ("GET /api/items", "200", "app/api/items/route.py"),
        ("GET /api/hello/", "308", None),
        ("GET /api/users/me/x/y", "200", "pages/api/[...all].py"),
    ]
    assert "127.0.0.1 NONSENSE\\x1b[31m 400" in server.err()  # escaped: no terminal codes
    site = (tmp_path / "site").resolve()
    assert server.out() == (
        f"routekit: serving {site} in development mode on http://127.0.0.1:{server.port} "
        f"(6 routes)\n{TABLE}"
    )
    assert "\x1b" not in server.out() + server.err()  # not a terminal: no colours
    assert "WARNING" not in server.err()


def test_cli_serve_prod_one_url_no_development_warning(tmp_path: Path) -> None:
    _write(
        tmp_path / "site",
        {"pages/api/boom.py": "def handler(req, res):\n    raise ValueError('boom')\n"},
    )
    with _serve(tmp_path, "--prod", "-p", "0") as server:
        assert _get(server.port, "/api/boom") == (500, b"Internal Server Error")
        _wait_until(lambda: "ValueError: boom" in server.err(), "the error log")
        _wait_until(lambda: len(_access_lines(server)) == 1, "the access log")
        assert server.stop() == 0
    everything = server.out() + server.err()
    assert _BANNER.search(server.out())["mode"] == "production"  # type: ignore[index]
    assert everything.count("http://") == 1
    for noise in ("This is a development server", "Restarting with", "Running on", "CTRL+C"):
        assert noise not in everything
    assert "\x1b" not in everything
    assert _access_lines(server)[0]["file"] == "pages/api/boom.py"


def test_cli_serve_colours_on_request(tmp_path: Path) -> None:
    _write(tmp_path / "site", SITE)
    with _serve(tmp_path, "--no-reload", "-p", "0", env=_env_for_child(FORCE_COLOR="1")) as server:
        assert _get(server.port, "/nope")[0] == 404
        _wait_until(lambda: "\x1b[33m404\x1b[0m" in server.err(), "a coloured access log")
    assert "\x1b[1mroutekit:\x1b[0m serving" in server.out()


def test_cli_serve_empty_tree_warns(tmp_path: Path) -> None:
    (tmp_path / "site" / "pages" / "apis").mkdir(parents=True)
    (tmp_path / "site" / "pages" / "apis" / "hello.py").write_text(PAGES, encoding="utf-8")
    with _serve(tmp_path, "--no-reload", "-p", "0") as server:
        _wait_until(lambda: "no routes found" in server.err(), "the warning")
    assert "(0 routes)" in server.out()
    assert "URL" not in server.out()
    assert server.err().startswith(
        "warning: pages/apis/ is not served, so pages/apis/hello.py is not a route; did you "
        "mean pages/api/?"
    )


def test_cli_serve_reload_serves_the_bound_socket_from_a_child(tmp_path: Path) -> None:
    _write(tmp_path / "site", {**SITE, "lib/value.py": "VALUE = 1\n"})
    _write(
        tmp_path / "site",
        {"pages/api/value.py": """
            import os

            from lib import value

            def handler(req, res):
                res.json({"value": value.VALUE, "pid": os.getpid()})
        """},
    )  # fmt: skip
    with _serve(tmp_path, "-p", "0") as server:
        first = json.loads(_get(server.port, "/api/value")[1])
        assert first["value"] == 1
        assert first["pid"] != server.proc.pid  # werkzeug's reloader serves from a child
        time.sleep(1.1)  # the stat reloader compares modification times
        (tmp_path / "site" / "lib" / "value.py").write_text("VALUE = 2\n", encoding="utf-8")
        _wait_until(lambda: "routekit: lib/value.py changed, restarting" in server.err(), "reload")
        _wait_until(lambda: _value(server.port) == 2, "the new code on the same port")
        second = json.loads(_get(server.port, "/api/value")[1])
        assert second["pid"] not in (first["pid"], server.proc.pid)
        # Stop the serving child first so it exits cleanly (and saves its coverage data).
        os.kill(second["pid"], signal.SIGTERM)
        assert server.proc.wait(timeout=20) == 0
    out = server.out()
    assert out.count("URL              FILE") == 1  # printed once, not again by the children
    assert out.count("routekit: serving") == 1
    assert "(7 routes, reload on change)" in out
    assert "Restarting with" not in server.err()


def _value(port: int) -> int | None:
    try:
        value: int = json.loads(_get(port, "/api/value")[1])["value"]
    except (OSError, http.client.HTTPException):
        return None  # the old child died with this connection (werkzeug restarts by exiting)
    return value


@pytest.mark.parametrize(
    ("sigint", "sig"),
    [
        ("SIG_IGN", signal.SIGTERM),  # nohup, a background job: SIGTERM still stops it
        ("default_int_handler", signal.SIGINT),  # Ctrl+C
    ],
)
def test_cli_serve_stops_cleanly(tmp_path: Path, sigint: str, sig: int) -> None:
    _write(tmp_path / "site", SITE)
    with _serve(tmp_path, "--no-reload", "-p", "0", sigint=sigint) as server:
        assert _get(server.port, "/api/hello")[0] == 200
        assert server.stop(sig) == 0
    assert "Traceback" not in server.err()


def test_cli_routes_colours_a_real_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    _write(tmp_path, SITE)
    primary, secondary = pty.openpty()
    env = _env_for_child(TERM="xterm")
    with os.fdopen(primary, "rb", buffering=0) as terminal:
        proc = subprocess.Popen(
            [sys.executable, "-m", "routekit", "routes", str(tmp_path)], stdout=secondary, env=env
        )
        os.close(secondary)
        assert proc.wait(timeout=60) == 0
        out = b""
        with contextlib.suppress(OSError):  # EIO once the child's side is closed
            while chunk := terminal.read(4096):
                out += chunk
    assert out.startswith(b"\x1b[1mURL ")


def test_python_dash_m_routekit(tmp_path: Path) -> None:
    _write(tmp_path, SITE)
    command = [sys.executable, "-m", "routekit"]
    run = {"capture_output": True, "text": True, "env": _env_for_child(), "timeout": 60}
    result = subprocess.run([*command, "routes", str(tmp_path)], check=False, **run)  # type: ignore[call-overload]
    assert (result.returncode, result.stdout) == (0, TABLE)
    bare = subprocess.run(command, check=False, **run)  # type: ignore[call-overload]
    assert bare.returncode == 0
    assert bare.stdout.startswith("usage: routekit [-h] [--version] COMMAND ...")
