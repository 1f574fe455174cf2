"""Run the documentation pages' code blocks in one fresh interpreter (see test_examples.py).

Reads ``{"pages": [{"page": ..., "root": ..., "blocks": [...]}]}`` as JSON on stdin, runs
each page's blocks in order in its own temporary project *root*, and prints ``{page:
[{"line": ..., "error": text or None}, ...]}`` as JSON. The process keeps the route modules
and environment variables away from the test session; between pages, the modules imported
from the previous project, its ``sys.path`` entry and the environment are reset. A page's
project is built from the page alone: nothing is copied from the repository.

``pytest`` blocks are only written here: once a page's project is complete, the test module
runs plain ``pytest`` in it, in a subprocess, as a reader would.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback
import typing as t
from pathlib import Path


def _forget_project_modules(root: Path) -> None:
    """Drop every module imported from *root*, so an edited file is imported afresh."""
    from routekit.loader import get_loader

    get_loader(root).invalidate()
    prefix = str(root) + os.sep
    doomed = [name for name, module in list(sys.modules.items()) if _under(module, prefix)]
    for name in doomed:
        sys.modules.pop(name, None)


def _under(module: object, prefix: str) -> bool:
    """Whether *module* (or namespace package) was imported from below *prefix*."""
    file = getattr(module, "__file__", None)
    if file:
        return str(file).startswith(prefix)
    spec = getattr(module, "__spec__", None)
    locations = getattr(spec, "submodule_search_locations", None) or ()
    try:
        return any(str(path).startswith(prefix) for path in list(locations))
    except (KeyError, ImportError):  # a namespace path whose parent is already gone
        return False


def _run_python(code: str, root: Path, line: int) -> None:
    namespace: dict[str, t.Any] = {"__name__": "__main__"}
    exec(compile(code, f"<docs block at line {line}>", "exec"), namespace)


def _run_console(code: str) -> str | None:
    """Run each ``$ routekit ...`` line and compare with the lines that follow it."""
    from routekit.cli import main

    problems = []
    for command, expected in _console_steps(code):
        argv = command.split()
        if argv[0] != "routekit":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main(argv[1:])
        got = [line.rstrip() for line in out.getvalue().rstrip().splitlines()]
        want = [line.rstrip() for line in expected]
        if got != want:
            problems.append(
                f"$ {command}\nexpected:\n" + "\n".join(want) + "\ngot:\n" + "\n".join(got)
            )
    return "\n\n".join(problems) or None


def _console_steps(code: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:].strip(), []))
        elif steps:
            steps[-1][1].append(line)
    for _, lines in steps:
        while lines and not lines[-1].strip():
            lines.pop()
    return steps


def _run_block(block: dict[str, t.Any], root: Path) -> str | None:
    kind = block["kind"]
    if kind in ("file", "pytest"):  # pytest blocks run later, in the finished project
        target = root / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["code"], encoding="utf-8")
        return None
    _forget_project_modules(root)
    if kind == "run":
        _run_python(block["code"], root, block["line"])
        return None
    if kind == "console":
        return _run_console(block["code"])
    raise ValueError(f"unknown block kind {kind!r}")


def _run_page(blocks: list[dict[str, t.Any]], root: Path) -> list[dict[str, t.Any]]:
    results = []
    failed = False
    for block in blocks:
        if failed:
            results.append({"line": block["line"], "error": "not run: an earlier block failed"})
            continue
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                error = _run_block(block, root)
        except BaseException:
            error = traceback.format_exc()
            if output.getvalue():
                error += "\noutput:\n" + output.getvalue()
        failed = error is not None
        results.append({"line": block["line"], "error": error})
    return results


def main() -> None:
    spec = json.load(sys.stdin)
    environ = dict(os.environ)
    results: dict[str, list[dict[str, t.Any]]] = {}
    for page in spec["pages"]:
        root = Path(page["root"]).resolve()
        os.chdir(root)
        sys.path.insert(0, str(root))
        try:
            results[page["page"]] = _run_page(page["blocks"], root)
        finally:
            _forget_project_modules(root)
            sys.path.remove(str(root))
            os.environ.clear()
            os.environ.update(environ)
    print(json.dumps(results), file=sys.__stdout__)


if __name__ == "__main__":
    main()
