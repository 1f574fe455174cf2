from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

from routekit import _env
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
    assert out == ""
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
    assert lines[-1] == "4 route file(s) cannot be served."


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


def test_cli_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_cli_serve_prod_without_required_env_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {**SITE, "routekit.toml": 'required_env = ["RKCLI_SECRET"]\n'})
    assert main(["serve", str(tmp_path), "--prod", "--port", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "error: required_env: production needs the environment variable(s) RKCLI_SECRET;"
    )


# -- in a subprocess ---------------------------------------------------------------------------


def _env_for_child() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "ROUTEKIT_ENV"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_until(predicate: t.Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def _listening(port: int, proc: subprocess.Popen[bytes]) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"the server exited with {proc.returncode}")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _serve(tmp_path: Path, *args: str) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """Run ``python -m routekit serve``; yield (port, process, log folder); always stop it."""
    port = _free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    command = [sys.executable, "-m", "routekit", "serve", str(tmp_path / "site")]
    command += ["--port", str(port), *args]
    with (logs / "out").open("wb") as out, (logs / "err").open("wb") as err:
        proc = subprocess.Popen(
            command, stdout=out, stderr=err, env=_env_for_child(), start_new_session=True
        )
        try:
            _wait_until(lambda: _listening(port, proc), f"port {port}")
            yield port, proc, logs
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _read(logs: Path, name: str) -> str:
    return (logs / name).read_text(encoding="utf-8", errors="replace")


def test_cli_serve_no_reload_answers_and_logs(tmp_path: Path) -> None:
    _write(tmp_path / "site", SITE)
    with _serve(tmp_path, "--no-reload") as (port, proc, logs):
        status, body = _get(port, "/api/hello")
        assert status == 200
        assert body == f'{{"hello":"world","pid":{proc.pid}}}'.encode()
        assert _get(port, "/api/items")[1] == b"items"
        assert _get(port, "/api/hello/")[0] == 308
        _wait_until(lambda: '"GET /api/hello HTTP/1.1" 200' in _read(logs, "err"), "the access log")
    assert proc.returncode == 0
    out = _read(logs, "out")
    site = (tmp_path / "site").resolve()
    assert out.startswith(f"routekit: serving {site} (development) on http://127.0.0.1:{port}\n")
    assert TABLE in out


def test_cli_serve_with_reload_answers_from_a_child_process(tmp_path: Path) -> None:
    _write(tmp_path / "site", SITE)
    with _serve(tmp_path) as (port, proc, logs):
        status, body = _get(port, "/api/hello")
        assert status == 200
        child = int(body.split(b'"pid":')[1].rstrip(b"}"))
        assert child != proc.pid  # werkzeug's reloader serves from a child interpreter
        _wait_until(lambda: '"GET /api/hello HTTP/1.1" 200' in _read(logs, "err"), "the access log")
        # Stop the serving child first so it exits cleanly (and saves its coverage data).
        os.kill(child, signal.SIGTERM)
        proc.wait(timeout=20)
    out = _read(logs, "out")
    assert out.count("URL              FILE") == 1  # printed once, not again by the child
    assert TABLE in out


def test_cli_serve_prod_answers_plain_500(tmp_path: Path) -> None:
    _write(
        tmp_path / "site",
        {"pages/api/boom.py": "def handler(req, res):\n    raise ValueError('boom')\n"},
    )
    with _serve(tmp_path, "--prod") as (port, _proc, logs):
        assert _get(port, "/api/boom") == (500, b"Internal Server Error")
        _wait_until(lambda: "ValueError: boom" in _read(logs, "err"), "the error log")
    assert "(production)" in _read(logs, "out")


def test_python_dash_m_routekit(tmp_path: Path) -> None:
    _write(tmp_path, SITE)
    result = subprocess.run(
        [sys.executable, "-m", "routekit", "routes", str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env_for_child(),
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, TABLE)
