"""Group 4, start-up: from nothing to the first answer on a 10,000-file tree.

Every route module sleeps 1 ms at import (`time.sleep(0.001)`), standing in for real
imports. routekit: `import routekit.app`, `App(root)` (scan the tree, import nothing) and
`App.handle` of one request, which imports that one route. Eager baseline: import every
route file by path with `importlib.util.spec_from_file_location` (what a framework with a
registration step must do), then call one handler. Each run is a fresh Python process
(`python -m benchmarks._startup_child`) timed from inside, so interpreter start-up is out
of both figures; bytecode is compiled beforehand for both. Runs alternate between the two.
"""

from __future__ import annotations

import compileall
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ._harness import Config, Row, Target, fmt_seconds, median_ratio
from ._trees import group_prefix, write_tree

__all__ = ["SLOW_SOURCE", "run"]

GROUP = "startup"
SLOW_SOURCE = (
    "import time\n"
    "time.sleep(0.001)\n\n"
    "def handler(req, res):\n"
    "    res.status(200).json({'ok': True})\n"
)


def _child(mode: str, root: Path, path: str) -> float:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._startup_child", mode, str(root), path],
        check=True,
        capture_output=True,
        timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(json.loads(done.stdout)["seconds"])


def run(config: Config) -> list[Row]:
    """One row: eager seconds / routekit seconds (≥ 10×), with both absolute times."""
    n = 300 if config.quick else 10_000
    rounds = 3
    with tempfile.TemporaryDirectory(prefix="routekit-bench-startup-") as tmp:
        root = write_tree(Path(tmp) / "project", n, SLOW_SOURCE)
        compileall.compile_dir(str(root), quiet=1)
        path = group_prefix(0, n // 10) + "/s0"
        lazy: list[float] = []
        eager: list[float] = []
        for index in range(rounds):
            pair = [("routekit", lazy), ("eager", eager)]
            for mode, out in pair if index % 2 == 0 else reversed(pair):
                out.append(_child(mode, root, path))
    return [
        Row(
            GROUP,
            f"{n:,} route files, 1 ms import each: eager import-all / routekit "
            "`App(root)` + first request",
            median_ratio(eager, lazy),
            Target(">=", 10.0),
            context=f"routekit {fmt_seconds(statistics.median(lazy))}, "
            f"eager {fmt_seconds(statistics.median(eager))} (median of {rounds} fresh processes)",
        )
    ]
