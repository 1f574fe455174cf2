"""Group 5, served throughput: requests per second over HTTP on 127.0.0.1.

routekit: `examples/blog` under gunicorn (2 sync workers, production mode, SQLite seeded);
Flask: the same two routes running the blog's own `lib` code (`benchmarks/_flask_blog.py`)
under the same gunicorn settings; Next.js: `next start` (one Node.js process, as Next.js
runs) on `benchmarks/nextjs/`, whose `users/[id]` reads the user from memory because
Node 20 has no built-in SQLite, so it does a little less work. Load: `wrk` with one thread
and 8 connections, on the same two cores as the servers (the load generator competes with
them, equally for every server). Routes: `GET /api/hello` and `GET /api/users/1`. Every server
and route gets an unmeasured warm-up run first (Next.js compiles routes lazily, V8 warms
its JIT); runs then rotate server order round by round; the median requests/s is
reported. `wrk` is installed with `apt-get install -y wrk` when missing, Next.js with
`npm install` + `next build`; a peer that cannot be set up in time is reported as not
measured, with the reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from ._harness import Config, NotMeasured, Row, Target, median_ratio
from ._servers import REPO, free_port, get, gunicorn_command, running

__all__ = ["ensure_nextjs", "ensure_wrk", "run", "wrk"]

GROUP = "served"
NEXT_DIR = Path(__file__).resolve().parent / "nextjs"
ROUTES = ("/api/hello", "/api/users/1")
_RPS = re.compile(r"Requests/sec:\s*([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")


def ensure_wrk() -> str:
    """The path of ``wrk``, installing the Debian package when missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise NotMeasured("wrk is not installed (apt-get install -y wrk)")
    try:
        subprocess.run([apt, "update", "-qq"], check=True, capture_output=True, timeout=300)
        subprocess.run(
            [apt, "install", "-y", "-qq", "wrk"], check=True, capture_output=True, timeout=300
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise NotMeasured(f"apt-get install wrk failed: {exc}") from None
    found = shutil.which("wrk")
    if not found:
        raise NotMeasured("wrk is still missing after apt-get install")
    return found


def ensure_nextjs(timeout: float = 600.0) -> Path:
    """``benchmarks/nextjs`` installed (``npm install``) and built (``next build``)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise NotMeasured("node/npm is not installed")
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}
    steps = []
    if not (NEXT_DIR / "node_modules" / "next").is_dir():
        steps.append(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"])
    if not (NEXT_DIR / ".next" / "BUILD_ID").is_file():
        steps.append(["npm", "run", "build"])
    for step in steps:
        try:
            subprocess.run(
                step, cwd=NEXT_DIR, env=env, check=True, capture_output=True, timeout=timeout
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            out = getattr(exc, "stderr", b"") or getattr(exc, "stdout", b"") or b""
            tail = out.decode(errors="replace").strip()[-300:]
            raise NotMeasured(f"`{' '.join(step)}` failed: {tail or exc}") from None
    return NEXT_DIR


def wrk(port: int, path: str, seconds: float, connections: int = 8) -> float:
    """Requests per second of one ``wrk`` run; raises when any answer was not 2xx/3xx."""
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        timeout=seconds + 60,
        text=True,
    )
    bad = _NON_2XX.search(done.stdout)
    if bad:
        raise RuntimeError(f"{bad.group(1)} non-2xx answers from {path}: {done.stdout}")
    found = _RPS.search(done.stdout)
    if not found:
        raise RuntimeError(f"cannot read wrk's output: {done.stdout}")
    return float(found.group(1))


def _expect(port: int, name: str) -> None:
    for path in ROUTES:
        status, body = get(port, path)
        data = json.loads(body) if status == 200 else None
        if status != 200 or not isinstance(data, dict) or "name" not in data:
            raise RuntimeError(f"{name} answered {status} {body[:200]!r} for {path}")


def run(config: Config) -> list[Row]:
    """Rows per route: routekit / Flask requests/s (≥ 1×) and routekit / Next.js (context)."""
    seconds = 1.0 if config.quick else 5.0
    rounds = 1 if config.quick else 3
    names = {"hello": "GET /api/hello", "user": "GET /api/users/1"}
    try:
        ensure_wrk()
    except NotMeasured as exc:
        reason = str(exc)
        return [
            Row(GROUP, f"{label}: routekit / {peer} requests/s", None, target, note=reason)
            for label in names.values()
            for peer, target in (("Flask", Target(">=", 1.0)), ("Next.js", None))
        ]
    next_reason = ""
    try:
        ensure_nextjs()
    except NotMeasured as exc:
        next_reason = str(exc)
    with tempfile.TemporaryDirectory(prefix="routekit-bench-served-") as tmp, (
        contextlib.ExitStack()
    ) as stack:
        env = {
            "JWT_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-for-hs256",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'blog.sqlite3'}",
            "ROUTEKIT_ENV": "production",
            "NEXT_TELEMETRY_DISABLED": "1",
        }
        ports: dict[str, int] = {}
        servers: list[tuple[str, list[str], Path]] = [
            ("routekit", gunicorn_command('routekit.app:App("examples/blog")', 0), REPO),
            ("Flask", gunicorn_command("benchmarks._flask_blog:app", 0), REPO),
        ]
        if not next_reason:
            next_bin = str(NEXT_DIR / "node_modules" / "next" / "dist" / "bin" / "next")
            servers.append(("Next.js", ["node", next_bin, "start", "-p", "0"], NEXT_DIR))
        for name, command, cwd in servers:
            port = free_port()
            command = [
                part.replace("127.0.0.1:0", f"127.0.0.1:{port}") for part in command
            ]
            if name == "Next.js":
                command[-1] = str(port)
                command += ["-H", "127.0.0.1"]
            try:
                stack.enter_context(running(command, port, cwd=cwd, env=env, ready_path=ROUTES[0]))
                _expect(port, name)
            except RuntimeError as exc:
                if name != "Next.js":
                    raise
                next_reason = f"next start failed: {exc}"
                continue
            ports[name] = port
        samples: dict[tuple[str, str], list[float]] = {
            (name, path): [] for name in ports for path in ROUTES
        }
        # Warm-up, unmeasured: Next.js compiles a route on its first requests and V8's JIT
        # needs a few thousand calls; Python servers warm their imports and caches.
        for port in ports.values():
            for path in ROUTES:
                wrk(port, path, 1.0 if config.quick else 3.0)
        order = list(ports)
        for index in range(rounds):
            shift = index % len(order)
            for name in order[shift:] + order[:shift]:
                for path in ROUTES:
                    samples[name, path].append(wrk(ports[name], path, seconds))
    rows: list[Row] = []
    for path, label in zip(ROUTES, names.values(), strict=True):
        ours = samples["routekit", path]
        for peer, target in (("Flask", Target(">=", 1.0)), ("Next.js", None)):
            title = f"{label}: routekit / {peer} requests/s"
            if peer not in ports:
                rows.append(Row(GROUP, title, None, target, note=next_reason))
                continue
            theirs = samples[peer, path]
            rows.append(
                Row(
                    GROUP,
                    title,
                    median_ratio(ours, theirs),
                    target,
                    context=f"routekit {statistics.median(ours):,.0f} req/s, {peer} "
                    f"{statistics.median(theirs):,.0f} req/s (wrk -t1 -c8, "
                    f"{seconds:g} s × {rounds})",
                )
            )
    return rows
