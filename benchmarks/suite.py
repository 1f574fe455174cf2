"""Group 6, test-suite scale: a generated pytest suite over a 500-route tree.

One test per route and parameter (`test_route[i]`), each sending one request through
the `client` fixture and asserting the status and JSON. Four runs of the same test
bodies, each a fresh `python -m pytest -q` timed from outside (start-up and collection
included, as a developer waits for them): routekit's plugin (the function-scoped `client`
fixture); *bare*: the plugin disabled (`-p no:routekit`) and one session-wide
`Client(App(root))`, the floor of "a test that calls the app"; Flask: a function-scoped
`app.test_client()` fixture on a Flask app with the 500 equivalent rules; and routekit's
plugin with `-n 2` (pytest-xdist). The full suite is sized to take at least 30 s serially;
the quick one is a few seconds. Runs rotate order round by round.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._harness import Config, Row, Target, median_ratio
from ._trees import group_prefix, werkzeug_rules, write_tree

__all__ = ["run"]

GROUP = "suite"
ROUTES = 500

_INI = "[pytest]\naddopts = -p no:cacheprovider\nfilterwarnings = error\n"

_TEST = '''\
import pytest

PATHS = {paths!r}


@pytest.mark.parametrize("i", range({per_route}))
@pytest.mark.parametrize("path", PATHS)
def test_route(client, path, i):
    response = client.get(path)
    assert response.status_code == 200
    assert {json_call} == {{"ok": True}}
'''

_BARE_CONFTEST = '''\
import pytest
from routekit.app import App
from routekit_pytest.client import Client


@pytest.fixture(scope="session")
def client():
    return Client(App({root!r}, mode="test"))
'''

_FLASK_CONFTEST = '''\
import pytest
from flask import Flask

RULES = {rules!r}


def view(**params):
    return {{"ok": True}}


@pytest.fixture(scope="session")
def app():
    app = Flask("suite")
    for rule, endpoint in RULES:
        app.add_url_rule(rule, endpoint, view)
    return app


@pytest.fixture
def client(app):
    return app.test_client()
'''


def _paths(k: int, groups: int) -> list[str]:
    prefix = group_prefix(k, groups)
    return [f"{prefix}/s{i}" for i in range(7)] + [
        f"{prefix}/42",
        f"{prefix}/42/detail",
        f"{prefix}/a/b",
    ]


def _write_suite(folder: Path, per_route: int, json_call: str, conftest: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pytest.ini").write_text(_INI, encoding="utf-8")
    (folder / "conftest.py").write_text(conftest, encoding="utf-8")
    groups = ROUTES // 10
    for k in range(groups):
        source = _TEST.format(paths=_paths(k, groups), per_route=per_route, json_call=json_call)
        (folder / f"test_g{k}.py").write_text(source, encoding="utf-8")
    return folder


def _pytest(folder: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *extra, str(folder)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        output = done.stdout[-1500:] + done.stderr[-500:]
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return elapsed


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def run(config: Config) -> list[Row]:
    """Rows: plugin / bare (≤ 1.2×), Flask / plugin (context), serial / -n 2 (≥ 1.3×)."""
    per_route = 2 if config.quick else 60
    rounds = 1 if config.quick else 3
    with tempfile.TemporaryDirectory(prefix="routekit-bench-suite-") as tmp:
        root = write_tree(Path(tmp) / "project", ROUTES)
        # The plugin's run: the root comes from the command line, the client from the plugin.
        plugin_dir = _write_suite(Path(tmp) / "plugin", per_route, "response.json_data()", "")
        bare_dir = _write_suite(
            Path(tmp) / "bare",
            per_route,
            "response.json_data()",
            _BARE_CONFTEST.format(root=str(root)),
        )
        flask_dir = None
        if _has("flask"):
            flask_dir = _write_suite(
                Path(tmp) / "flask",
                per_route,
                "response.get_json()",
                _FLASK_CONFTEST.format(rules=werkzeug_rules(ROUTES)),
            )
        runs: dict[str, tuple[Path, tuple[str, ...]]] = {
            "plugin": (plugin_dir, ("-p", "no:xdist", f"--routekit-root={root}")),
            "bare": (bare_dir, ("-p", "no:routekit", "-p", "no:xdist")),
            "xdist": (plugin_dir, ("-n", "2", f"--routekit-root={root}")),
        }
        if flask_dir is not None:
            runs["flask"] = (flask_dir, ("-p", "no:routekit", "-p", "no:xdist"))
        if not _has("xdist"):
            del runs["xdist"]
        times: dict[str, list[float]] = {name: [] for name in runs}
        order = list(runs)
        for index in range(rounds):
            shift = index % len(order)
            for name in order[shift:] + order[:shift]:
                folder, extra = runs[name]
                times[name].append(_pytest(folder, *extra))
    tests = ROUTES * per_route

    def med(name: str) -> str:
        return f"{statistics.median(times[name]):.1f} s"

    rows = [
        Row(
            GROUP,
            f"{tests:,} tests: `client` fixture suite / bare suite (one shared client, no plugin)",
            median_ratio(times["plugin"], times["bare"]),
            Target("<=", 1.2),
            context=f"plugin {med('plugin')}, bare {med('bare')} (whole pytest runs, "
            f"median of {rounds})",
        )
    ]
    flask_name = f"{tests:,} tests: Flask test-client suite / routekit `client` suite"
    if "flask" in times:
        rows.append(
            Row(
                GROUP,
                flask_name,
                median_ratio(times["flask"], times["plugin"]),
                None,
                context=f"Flask {med('flask')}, routekit {med('plugin')}",
            )
        )
    else:
        rows.append(Row(GROUP, flask_name, None, note="flask is not installed"))
    xdist_name = f"{tests:,} tests: serial / `-n 2` (pytest-xdist), routekit `client` suite"
    if "xdist" in times:
        rows.append(
            Row(
                GROUP,
                xdist_name,
                median_ratio(times["plugin"], times["xdist"]),
                Target(">=", 1.3),
                context=f"serial {med('plugin')}, -n 2 {med('xdist')}",
            )
        )
    else:
        rows.append(Row(GROUP, xdist_name, None, Target(">=", 1.3), note="no pytest-xdist"))
    return rows
