"""The first hour of a new user, as a test: build the distributions, install the wheel into a
new virtual environment, and follow docs/getting-started.md literally; and the README's first
command from a fresh copy of the sources.

The page is the script: its code blocks are written to a new project and its commands run in
order, so the page and this test cannot drift. What differs from a user's machine, and only
that: there is no network (pip runs with ``--no-index`` against the wheel built here, and the
dependencies come from this test environment through a ``.pth`` file, with pytest's
``pytest`` command written into the new environment as pip would), ``python3`` is this
test's interpreter, and the server listens on the port the test picks (``PORT``).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shlex
import signal
import subprocess
import sys
import sysconfig
import tarfile
import time
import typing as t
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "getting-started.md"
README = REPO / "README.md"

_MARKER = re.compile(r"^\s*<!--\s*test:\s*(?P<kind>[a-z]+)(?:\s+(?P<args>.*?))?\s*-->\s*$")
_FENCE = re.compile(r"^\s*(?P<fence>```+)\s*(?P<lang>[\w+-]*)\s*$")
_COMMANDS = ("python3", "pip", ".", "routekit", "curl", "pytest")
_BANNER = re.compile(r"on http://127\.0\.0\.1:(?P<port>\d+) ")

pytestmark = pytest.mark.skipif(
    not (REPO / "pyproject.toml").is_file(), reason="needs the source tree"
)


# -- the page ----------------------------------------------------------------------------------


@dataclass
class Step:
    """One command of the page, with the output the page shows for it (if any)."""

    command: str
    expected: list[str] = field(default_factory=list)


def read_page(text: str) -> tuple[dict[str, str], list[Step | tuple[str, str]]]:
    """The page as a script: ``("file", path)`` writes and command :class:`Step` s, in order.

    Returns the files' contents by path too. Marked ``file`` and ``pytest`` blocks are files;
    ``sh`` blocks are commands (a line that starts with no known command is the output of the
    one before); ``console`` blocks are ``$ command`` lines followed by their output.
    """
    files: dict[str, str] = {}
    script: list[Step | tuple[str, str]] = []
    lines = text.splitlines()
    marker: tuple[str, str] | None = None
    i = 0
    while i < len(lines):
        found = _MARKER.match(lines[i])
        fence = _FENCE.match(lines[i])
        i += 1
        if found:
            marker = (found["kind"], (found["args"] or "").strip())
            continue
        if not fence:
            continue
        body = []
        while not lines[i].strip().startswith(fence["fence"]):
            body.append(lines[i])
            i += 1
        i += 1
        if marker and marker[0] in ("file", "pytest"):
            files[marker[1]] = "\n".join(body) + "\n"
            script.append(("file", marker[1]))
        elif fence["lang"] == "sh":
            script += _sh_steps(body)
        elif fence["lang"] == "console":
            script += _console_steps(body)
        marker = None
    return files, script


def _sh_steps(body: list[str]) -> list[Step]:
    steps: list[Step] = []
    for line in body:
        command = re.sub(r"\s+#.*$", "", line).strip()
        if not command:
            continue
        if command.split()[0] in _COMMANDS:
            steps.append(Step(command))
        else:
            steps[-1].expected.append(line.rstrip())
    return steps


def _console_steps(body: list[str]) -> list[Step]:
    steps: list[Step] = []
    for line in body:
        if line.startswith("$ "):
            steps.append(Step(re.sub(r"\s+#.*$", "", line[2:]).strip()))
        elif steps:
            steps[-1].expected.append(line.rstrip())
    for step in steps:
        while step.expected and not step.expected[-1]:
            step.expected.pop()
    return steps


def test_read_page() -> None:
    files, script = read_page(
        "```sh\npython3 -m venv .venv && . .venv/bin/activate   # make it\npip install x\n```\n"
        "<!-- test: file a.py -->\n```python\nx = 1\n```\n"
        "```console\n$ routekit routes\nURL  FILE\n\n```\n"
        '```sh\nroutekit serve   # comment\ncurl -s localhost:3000/x\n{"a": 1}\n```\n'
        "```python\nnot = 'run'\n```\n"
    )
    assert files == {"a.py": "x = 1\n"}
    assert script == [
        Step("python3 -m venv .venv && . .venv/bin/activate"),
        Step("pip install x"),
        ("file", "a.py"),
        Step("routekit routes", ["URL  FILE"]),
        Step("routekit serve"),
        Step("curl -s localhost:3000/x", ['{"a": 1}']),
    ]


# -- building and installing -------------------------------------------------------------------


@dataclass
class Dist:
    """The sdist and the wheel built from this checkout, and a copy of the sources."""

    folder: Path
    sdist: Path
    wheel: Path
    clone: Path
    deps: Path


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, f"{shlex.join(command)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    pytest.importorskip("hatchling")
    folder = tmp_path_factory.mktemp("dist")
    hatchling = [sys.executable, "-m", "hatchling", "build", "-d", str(folder)]
    _run([*hatchling, "-t", "sdist"], REPO)
    (sdist,) = folder.glob("routekit-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    (clone,) = (path for path in folder.iterdir() if path.is_dir())
    _run([*hatchling, "-t", "wheel"], clone)  # the wheel from the sdist, as `python -m build`
    (wheel,) = folder.glob("routekit-*.whl")
    # What pip would fetch, taken from this environment: the distributions routekit[testing]
    # and the README's `.[examples]` need, and the build backend; nothing else (no xdist, no
    # coverage), so the new environment is as bare as a user's.
    deps = folder / "deps"
    deps.mkdir()
    for dist in _closure(["routekit[testing,examples]", "hatchling", "editables"]):
        for top in {Path(str(file)).parts[0] for file in dist.files or ()} - {"..", "__pycache__"}:
            source = Path(str(dist.locate_file(top)))
            if source.exists() and not (deps / top).exists():
                (deps / top).symlink_to(source)
    return Dist(folder, sdist, wheel, clone, deps)


def _closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions *requirements* need, recursively, less routekit itself."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        dist = found[name] = metadata.distribution(requirement.name)
        extras = ["", *sorted(requirement.extras)]
        for text in dist.requires or ():
            needed = Requirement(text)
            marker = needed.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(needed)
    return [dist for name, dist in sorted(found.items()) if name != "routekit"]


def test_distributions_carry_the_license_and_the_project_urls(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "routekit/py.typed"} <= names
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read("routekit-0.1.0.dev0.dist-info/METADATA").decode()
    assert "routekit-0.1.0.dev0.dist-info/licenses/LICENSE" in names
    assert "routekit_pytest/plugin.py" in names
    assert "License-Expression: MIT" in metadata
    assert "Project-URL: Repository, https://github.com/routekit/routekit" in metadata
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")


class _Shell:
    """Runs the page's commands in *cwd* the way a shell would, offline."""

    def __init__(self, cwd: Path, dist: Dist) -> None:
        self.cwd = cwd
        self.dist = dist
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("COV_", "COVERAGE")) and key not in {"PORT", "HOST"}
        }
        self.env.update(PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", PORT="0")
        self.env.pop("VIRTUAL_ENV", None)
        # Not this environment's bin/: the commands must come from the new one.
        here = str(Path(sys.executable).parent)
        path = [p for p in self.env.get("PATH", "").split(os.pathsep) if p and p != here]
        self.env["PATH"] = os.pathsep.join(path)
        self.venv: Path | None = None
        self.server: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.results: dict[str, str | None] = {}

    def run(self, step: Step) -> None:
        """Run one step; its result (``None`` on success, else why) goes in ``results``."""
        for command in step.command.split("&&"):
            self.results[command.strip()] = None
            try:
                self._one(shlex.split(command), step.expected)
            except (AssertionError, OSError) as exc:
                self.results[command.strip()] = f"{type(exc).__name__}: {exc}"
                return  # `a && b` runs b only when a succeeded

    def _one(self, argv: list[str], expected: list[str]) -> None:
        match argv:
            case ["python3", "-m", "venv", name]:
                self._make_venv(self.cwd / name)
            case [".", activate] if activate.endswith("bin/activate"):
                self.venv = (self.cwd / activate).parent.parent
                self.env["VIRTUAL_ENV"] = str(self.venv)
                self.env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{self.env['PATH']}"
            case ["pip", "install", *requirements]:
                assert self.venv is not None, "pip install outside a virtual environment"
                offline = ["--no-index", "--find-links", str(self.dist.folder)]
                if "-e" in requirements:  # an editable install builds here, with hatchling
                    offline.append("--no-build-isolation")
                python = str(self.venv / "bin" / "python")
                command = [sys.executable, "-m", "pip", "--python", python, "install"]
                _run([*command, *offline, *requirements], self.cwd, self.env)
            case ["routekit", "serve", *args]:
                self._serve(args)
            case ["curl", "-s", url]:
                assert self.server is not None, "curl before routekit serve"
                body = _get(url.replace(":3000", f":{self.port}"))
                if expected:
                    assert body.splitlines() == expected, body
            case [("routekit" | "pytest"), *_]:
                out = _run(argv, self.cwd, self.env)
                if expected:
                    got = [line.rstrip() for line in out.rstrip().splitlines()]
                    assert got == expected, "\n".join(got)
            case _:
                raise AssertionError(f"the first-hour test cannot run {shlex.join(argv)!r}")

    def _make_venv(self, venv: Path) -> None:
        _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], self.cwd)
        purelib = sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"]
        Path(purelib, "_first_hour_deps.pth").write_text(f"{self.dist.deps}\n", encoding="utf-8")
        # pip would write pytest's command when installing it; the package comes from deps.
        (entry,) = metadata.distribution("pytest").entry_points.select(
            group="console_scripts", name="pytest"
        )
        script = venv / "bin" / "pytest"
        script.write_text(
            f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom {entry.module} import {entry.attr}\n"
            f"sys.exit({entry.attr}())\n",
            encoding="utf-8",
        )
        script.chmod(0o755)

    def _serve(self, args: list[str]) -> None:
        log = self.cwd / "serve.log"
        with log.open("wb") as out:
            self.server = subprocess.Popen(
                ["routekit", "serve", *args],
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while (found := _BANNER.search(log.read_text(encoding="utf-8"))) is None:
            assert self.server.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "routekit serve printed no banner"
            time.sleep(0.05)
        self.port = int(found["port"])
        assert _get(f"http://127.0.0.1:{self.port}/api/hello")  # it answers (the reloader)

    def close(self) -> None:
        if self.server is not None and self.server.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=20)


def _get(url: str) -> str:
    url = url if "://" in url else f"http://{url}"
    host, _, path = url.split("://", 1)[1].partition("/")
    deadline = time.monotonic() + 20
    while True:
        conn = http.client.HTTPConnection(host.replace("localhost", "127.0.0.1"), timeout=10)
        try:
            conn.request("GET", "/" + path)
            return conn.getresponse().read().decode()
        except ConnectionError:
            if time.monotonic() > deadline:  # pragma: no cover - a server that never answers
                raise
            time.sleep(0.1)  # the reloader's child is still starting
        finally:
            conn.close()


@contextlib.contextmanager
def _shell(cwd: Path, dist: Dist) -> Iterator[_Shell]:
    shell = _Shell(cwd, dist)
    try:
        yield shell
    finally:
        shell.close()


@pytest.fixture(scope="module")
def getting_started(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    """Follow docs/getting-started.md in a new folder; the result of every command."""
    project = tmp_path_factory.mktemp("first-hour")
    files, script = read_page(PAGE.read_text(encoding="utf-8"))
    with _shell(project, dist) as shell:
        for step in script:
            if isinstance(step, Step):
                shell.run(step)
            else:
                target = project / step[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(files[step[1]], encoding="utf-8")
    return shell.results


def test_first_hour_getting_started_page(getting_started: dict[str, str | None]) -> None:
    assert "pip install 'routekit[testing]'" in getting_started  # the page installs the package
    assert "routekit serve" in getting_started
    failed = {cmd: why for cmd, why in getting_started.items() if why and cmd != "pytest"}
    assert failed == {}


def test_first_hour_plain_pytest(getting_started: dict[str, str | None]) -> None:
    assert "pytest" in getting_started
    assert getting_started["pytest"] is None, getting_started["pytest"]


def test_first_hour_readme_first_command(dist: Dist) -> None:
    """The README's first command, from a fresh copy of the sources (the sdist)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    command = blocks[0].strip()
    assert command.endswith("routekit serve examples/blog")
    with _shell(dist.clone, dist) as shell:
        shell.env["DATABASE_URL"] = f"sqlite:///{dist.folder / 'blog.sqlite3'}"
        shell.run(Step(command))
        assert shell.results == dict.fromkeys(part.strip() for part in command.split("&&"))
        assert _get(f"http://127.0.0.1:{shell.port}/api/hello") == '{"name":"John Doe"}'
