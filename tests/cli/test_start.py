"""``routekit start``: arguments, environment and failures before uvicorn runs (issue 14).
Serving is tested over sockets in tests/test_asgi_served.py and the adversarial suite."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from routekit._cli import start as start_module
from routekit.cli import main


def _site(root: Path) -> Path:
    (root / "pages" / "api").mkdir(parents=True)
    (root / "pages" / "api" / "hello.py").write_text("def handler(req, res):\n    res.end()\n")
    return root


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, ("127.0.0.1", 3000, 1)),
        ([], {"PORT": "4000", "WEB_CONCURRENCY": "3"}, ("127.0.0.1", 4000, 3)),
        (["-w", "2", "-p", "0", "-H", "0.0.0.0"], {"WEB_CONCURRENCY": "5"}, ("0.0.0.0", 0, 2)),
    ],
)
def test_start_reads_flags_then_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    expected: tuple[str, int, int],
) -> None:
    for name in ("PORT", "HOST", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    seen: list[tuple[str, int, int]] = []

    def fake_start(root: str, *, host: str, port: int, workers: int) -> int:
        seen.append((host, port, workers))
        return 0

    monkeypatch.setattr(start_module, "start", fake_start)
    assert main(["start", str(tmp_path), *argv]) == 0
    assert seen == [expected]


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        ([], {"WEB_CONCURRENCY": "0"}, "the WEB_CONCURRENCY environment variable: '0'"),
        ([], {"PORT": "x"}, "the PORT environment variable: 'x'"),
    ],
)
def test_start_refuses_bad_environment_values(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["start", str(tmp_path), *argv]) == 2
    assert message in capsys.readouterr().err


def test_start_refuses_zero_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["start", str(tmp_path), "--workers", "0"])
    assert exit_info.value.code == 2
    assert "is not a number of workers" in capsys.readouterr().err


def test_start_on_a_busy_port_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("uvicorn")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["start", str(_site(tmp_path)), "--port", str(port)]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot listen on 127.0.0.1:{port}")


def test_start_without_uvicorn_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["start", str(_site(tmp_path))]) == 1
    assert "pip install 'routekit[server]'" in capsys.readouterr().err


def test_the_worker_factory_builds_the_production_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(start_module.ROOT_VARIABLE, str(_site(tmp_path)))
    asgi = start_module.asgi_app()
    assert asgi.app.mode == "production"
    assert asgi.app.root == tmp_path.resolve()
