"""Group 2, unit calls: `create_mocks()` plus a direct handler call.

routekit: `routekit_pytest.mocks.create_mocks(method="GET", url="/api/hello")`, then the
one-line handler `res.status(200).json({"hello": "world"})`. References: a bare Python
function that builds two dicts and fills the second the same way (the floor of "calling a
function with a request and a response"), and node-mocks-http's `createMocks()` plus the
same handler in Node.js (`benchmarks/node/mocks_bench.js`, timed inside Node after a JIT
warm-up, one Node process per round so its rounds interleave with Python's). node-mocks-http
is installed into `benchmarks/node/` by the run itself (`npm install`); when npm or node is
unavailable the row says "not measured".
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import typing as t
from pathlib import Path

from ._harness import (
    Candidate,
    Config,
    NotMeasured,
    Row,
    Target,
    compare,
    fmt_seconds,
    median_ratio,
    ratio_of,
)

__all__ = ["ensure_node_mocks", "run"]

GROUP = "unit"
NODE_DIR = Path(__file__).resolve().parent / "node"


def _handler(req: t.Any, res: t.Any) -> None:
    res.status(200).json({"hello": "world"})


def _routekit_call() -> t.Callable[[], object]:
    from routekit_pytest.mocks import create_mocks

    req, res = create_mocks(method="GET", url="/api/hello")
    _handler(req, res)
    if res.json_data() != {"hello": "world"}:
        raise RuntimeError(f"create_mocks + handler answered {res.body!r}.")

    def call() -> object:
        req, res = create_mocks(method="GET", url="/api/hello")
        _handler(req, res)
        return res

    return call


def _bare_handler(req: dict[str, t.Any], res: dict[str, t.Any]) -> None:
    res["status"] = 200
    res["body"] = {"hello": "world"}


def _bare_call() -> object:
    req = {"method": "GET", "url": "/api/hello", "headers": {}, "query": {}}
    res: dict[str, t.Any] = {"status": 200, "headers": {}, "body": None}
    _bare_handler(req, res)
    return res


def ensure_node_mocks(timeout: float = 180.0) -> Path:
    """``benchmarks/node`` with node-mocks-http installed (``npm install`` once).

    :raises NotMeasured: when node or npm is missing or the install fails (no registry).
    """
    if shutil.which("node") is None:
        raise NotMeasured("node is not installed")
    if (NODE_DIR / "node_modules" / "node-mocks-http").is_dir():
        return NODE_DIR
    npm = shutil.which("npm")
    if npm is None:
        raise NotMeasured("npm is not installed")
    try:
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_DIR,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        stderr = getattr(exc, "stderr", b"") or b""
        raise NotMeasured(
            f"npm install node-mocks-http failed: {stderr.decode(errors='replace')[-200:] or exc}"
        ) from None
    return NODE_DIR


def _node_round(config: Config) -> float:
    warmup = "0.5" if config.quick else "1.5"
    done = subprocess.run(
        ["node", "mocks_bench.js", warmup, str(config.batch_seconds), "1"],
        cwd=NODE_DIR,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return float(json.loads(done.stdout)["per_call"][0])


def run(config: Config) -> list[Row]:
    """Rows: routekit / bare call (≤ 10×) and node-mocks-http / routekit (≥ 1×)."""
    mocks = Candidate("create_mocks + handler", _routekit_call())
    bare = Candidate("bare call", _bare_call)
    try:
        ensure_node_mocks()
        node_reason = ""
    except NotMeasured as exc:
        node_reason = str(exc)
    node_samples: list[float] = []
    ours_for_node: list[float] = []
    # One compare() call per round, so each round's Node process sits between Python rounds.
    for _ in range(config.repeats):
        one_round = type(config)(quick=config.quick, repeats=1, batch_seconds=config.batch_seconds)
        pair = [Candidate(mocks.name, mocks.func), Candidate(bare.name, bare.func)]
        compare(pair, one_round)
        mocks.samples += pair[0].samples
        bare.samples += pair[1].samples
        if not node_reason:
            try:
                node_samples.append(_node_round(config))
                ours_for_node.append(pair[0].samples[0])
            except (subprocess.SubprocessError, OSError, ValueError, KeyError) as exc:
                node_reason = f"the Node.js script failed: {exc}"
    rows = [
        Row(
            GROUP,
            "`create_mocks()` + handler / bare Python call building two dicts",
            ratio_of(mocks, bare),
            Target("<=", 10.0),
            context=f"per call: routekit {fmt_seconds(mocks.median)}, "
            f"bare {fmt_seconds(bare.median)}",
        )
    ]
    name = "node-mocks-http `createMocks()` + handler (Node.js) / routekit `create_mocks()`"
    if node_reason:
        rows.append(Row(GROUP, name, None, Target(">=", 1.0), note=node_reason))
    else:
        rows.append(
            Row(
                GROUP,
                name,
                median_ratio(node_samples, ours_for_node),
                Target(">=", 1.0),
                context=f"per call: routekit {fmt_seconds(mocks.median)}, "
                f"node-mocks-http {fmt_seconds(statistics.median(node_samples))}",
            )
        )
    return rows
