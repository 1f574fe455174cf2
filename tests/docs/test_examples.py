"""Run the code samples of the documentation, so the docs cannot drift from the code.

Each page gets its own temporary project and a fresh interpreter (``_driver.py``). An HTML
comment right before a fenced block says what to do with it:

``<!-- test: file PATH -->``
    write the block to ``PATH`` in the page's project (any language: Python, TOML, .env...).
``<!-- test: run -->``
    execute the Python block with the project as the current folder and on ``sys.path``.
``<!-- test: pytest [PATH] -->``
    write the block to ``PATH`` (default ``test_docs_L<line>.py``); once the page's project
    is complete, plain ``pytest`` runs in it, in a subprocess, exactly as a reader types it
    (no ``PYTHONPATH``, no ``python -m``): every test of every such block must pass, with no
    warning.
``<!-- test: console -->``
    run each ``$ routekit ...`` line of the block and compare its output with the lines
    that follow it.
``<!-- test: skip -->``
    leave the block alone (a sketch that cannot run here: a server, a third-party package).

Blocks run in page order and later ones see what earlier ones wrote; a page's project holds
only what its blocks wrote (nothing comes from the checkout, which a reader who installed the
package does not have). Every ``python`` block must carry one of the markers.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import typing as t
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
DRIVER = Path(__file__).with_name("_driver.py")

_MARKER = re.compile(r"^\s*<!--\s*test:\s*(?P<kind>[a-z]+)(?:\s+(?P<args>.*?))?\s*-->\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
_KINDS = ("file", "run", "pytest", "console", "skip")
#: Pages maintained outside the docs set, whose unmarked Python blocks are not (yet) required
#: to run; their marked blocks still do.
_UNMARKED_ALLOWED = frozenset({"benchmarks.md"})
#: pytest's progress lines: ``tests/test_hello.py ..  [ 50%]``.
_PROGRESS = re.compile(r"^(?P<path>\S+\.py) [.sFEx]+")
_SUMMARY = re.compile(r"^=+ (?P<text>.*\b(passed|failed|error|no tests ran)\b.*) =+$")


class Block(t.NamedTuple):
    kind: str
    line: int
    lang: str
    code: str
    args: list[str]


def parse_page(text: str) -> list[Block]:
    """The marked blocks of a page, and a ``missing`` block for each unmarked Python block."""
    lines = text.splitlines()
    blocks: list[Block] = []
    pending: tuple[str, list[str], int] | None = None
    i = 0
    while i < len(lines):
        marker = _MARKER.match(lines[i])
        if marker:
            kind = marker["kind"]
            args = (marker["args"] or "").split()
            if kind not in _KINDS:
                blocks.append(Block("unknown", i + 1, "", kind, args))
            else:
                pending = (kind, args, i + 1)
            i += 1
            continue
        fence = _FENCE.match(lines[i])
        if fence is None:
            if lines[i].strip() and pending is not None:
                blocks.append(Block("dangling", pending[2], "", pending[0], pending[1]))
                pending = None
            i += 1
            continue
        indent, closing, lang = len(fence["indent"]), fence["fence"], fence["lang"]
        start = i + 1
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(closing):
            text = lines[i]
            body.append(text[indent:] if not text[:indent].strip() else text.lstrip())
            i += 1
        if i == len(lines):
            blocks.append(Block("unclosed", start, lang, "", []))
            break
        i += 1
        code = "\n".join(body) + "\n"
        if pending is not None:
            kind, args, _ = pending
            blocks.append(Block(kind, start, lang, code, args))
            pending = None
        elif lang in ("python", "py"):
            blocks.append(Block("missing", start, lang, code, []))
    return blocks


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def _driver_blocks(page: str, blocks: list[Block]) -> list[dict[str, t.Any]]:
    out: list[dict[str, t.Any]] = []
    for block in blocks:
        where = f"docs/{page}:{block.line}"
        if block.kind == "missing" and page in _UNMARKED_ALLOWED:
            continue
        if block.kind == "missing":
            pytest.fail(
                f"{where}: a python block without a <!-- test: ... --> marker; mark it run, "
                "file PATH, pytest or skip.",
                pytrace=False,
            )
        if block.kind == "unclosed":
            pytest.fail(f"{where}: the code block is never closed.", pytrace=False)
        if block.kind in ("unknown", "dangling"):
            pytest.fail(
                f"{where}: marker 'test: {block.code}' "
                + ("is unknown" if block.kind == "unknown" else "is not followed by a code block")
                + f"; markers are {', '.join(_KINDS)}.",
                pytrace=False,
            )
        if block.kind == "skip":
            continue
        entry: dict[str, t.Any] = {"kind": block.kind, "line": block.line, "code": block.code}
        if block.kind == "file":
            if len(block.args) != 1:
                pytest.fail(f"{where}: use <!-- test: file PATH -->.", pytrace=False)
            entry["path"] = block.args[0]
        elif block.kind == "pytest":
            entry["path"] = block.args[0] if block.args else f"test_docs_L{block.line}.py"
        out.append(entry)
    return out


def _has_work(path: Path) -> bool:
    page = _page_id(path)
    return any(
        b.kind != "skip" and not (b.kind == "missing" and page in _UNMARKED_ALLOWED)
        for b in parse_page(path.read_text(encoding="utf-8"))
    )


_RUNNABLE = [pytest.param(path, id=_page_id(path)) for path in _pages() if _has_work(path)]


@pytest.fixture(scope="module")
def docs_results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[dict[str, t.Any]] | str]:
    """Every selected page's results, from one driver process (imports are paid once)."""
    selected: set[Path] = {
        t.cast("Path", item.callspec.params["path"])
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_docs_page_examples_run"
        and hasattr(item, "callspec")
    }
    pages: list[dict[str, t.Any]] = []
    results: dict[str, list[dict[str, t.Any]] | str] = {}
    for path in sorted(selected):
        page = _page_id(path)
        try:
            blocks = _driver_blocks(page, parse_page(path.read_text(encoding="utf-8")))
        except pytest.fail.Exception as exc:
            results[page] = str(exc)
            continue
        root = tmp_path_factory.mktemp("docs") / "project"
        root.mkdir()
        pages.append({"page": page, "root": str(root), "blocks": blocks})
    proc = subprocess.run(
        [sys.executable, str(DRIVER)],
        input=json.dumps({"pages": pages}),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(f"the docs driver crashed:\n{proc.stderr}", pytrace=False)
    results.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    # A page whose other blocks failed has failed already: its tests are not run.
    runs = [
        page
        for page in pages
        if any(b["kind"] == "pytest" for b in page["blocks"])
        and not any(r["error"] for r in results[page["page"]])
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:  # the CI machine has 2 cores
        for page, outcome in zip(runs, pool.map(_plain_pytest, runs), strict=True):
            _record_pytest(page, outcome, t.cast("list[dict[str, t.Any]]", results[page["page"]]))
    return results


def _plain_pytest(page: dict[str, t.Any]) -> tuple[int, str]:
    """``pytest`` in the page's finished project, as a reader runs it: the console script,
    no ``PYTHONPATH`` help, no ``python -m`` (which would put the folder on ``sys.path``)."""
    script = Path(sysconfig.get_path("scripts")) / "pytest"
    if not script.exists():  # pragma: no cover - a venv always has its console script
        script = Path(sys.executable).with_name("pytest")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [str(script)],
        cwd=page["root"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr


def _record_pytest(
    page: dict[str, t.Any], outcome: tuple[int, str], results: list[dict[str, t.Any]]
) -> None:
    """Put the pytest run's verdict on the page's pytest blocks."""
    blocks = [(b, r) for b, r in zip(page["blocks"], results, strict=True) if b["kind"] == "pytest"]
    code, output = outcome
    lines = output.splitlines()
    ran = {m["path"] for m in map(_PROGRESS.match, lines) if m}
    summary = next((m["text"] for m in map(_SUMMARY.match, reversed(lines)) if m), "")
    problem = None
    if code != 0:
        problem = f"`pytest` exited with {code}"
    elif "warning" in summary:
        problem = f"`pytest` passed with warnings ({summary})"
    failed = [
        (block, result)
        for block, result in blocks
        if any(f"{word} {block['path']}" in output for word in ("FAILED", "ERROR"))
    ]
    for block, result in failed or blocks[:1] if problem else []:
        result["error"] = f"{problem} ({block['path']}):\n{output}"
    for block, result in blocks:
        if block["path"] not in ran and not result["error"]:
            result["error"] = (
                "not run: `pytest` failed before it (see above)"
                if problem
                else f"`pytest` ran no test from {block['path']}:\n{output}"
            )


@pytest.mark.parametrize("path", _RUNNABLE)
def test_docs_page_examples_run(
    path: Path, docs_results: dict[str, list[dict[str, t.Any]] | str]
) -> None:
    page = _page_id(path)
    results = docs_results[page]
    if isinstance(results, str):
        pytest.fail(results, pytrace=False)
    failures = [r for r in results if r["error"] and not r["error"].startswith("not run:")]
    if failures:
        report = "\n\n".join(f"docs/{page}:{r['line']}:\n{r['error']}" for r in failures)
        pytest.fail(report, pytrace=False)


@pytest.mark.parametrize(
    ("text", "expected"),  # a block's line is its opening fence's
    [
        ("<!-- test: run -->\n```python\nx = 1\n```\n", [("run", 2, "x = 1\n")]),
        ("<!-- test: file a/b.py -->\n\n```python\ny\n```\n", [("file", 3, "y\n")]),
        ("```python\nz\n```\n", [("missing", 1, "z\n")]),
        ("```toml\nz\n```\n", []),
        (
            "- item\n\n    <!-- test: run -->\n    ```python\n    a\n      b\n    ```\n",
            [("run", 4, "a\n  b\n")],
        ),
        (
            "<!-- test: run -->\ntext\n```python\nz\n```\n",
            [("dangling", 1, "run"), ("missing", 3, "z\n")],
        ),
    ],
)
def test_parse_page_blocks(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert [(b.kind, b.line, b.code) for b in parse_page(text)] == expected


def test_parse_page_unclosed_fence() -> None:
    assert [(b.kind, b.line) for b in parse_page("text\n```python\nx\n")] == [("unclosed", 2)]


def test_a_page_cannot_copy_from_the_checkout() -> None:
    # A reader who installed the package has no examples/ to copy from (issue 12).
    blocks = parse_page("<!-- test: copy examples/blog/lib lib -->\n")
    assert [(b.kind, b.code) for b in blocks] == [("unknown", "copy")]
    with pytest.raises(pytest.fail.Exception, match="marker 'test: copy' is unknown"):
        _driver_blocks("tutorial.md", blocks)


_HANDLER_NAMES = frozenset(
    {"handler", "middleware", "GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"}
)


def _unannotated_handlers(code: str) -> list[str]:
    """The top-level handlers of *code* missing a parameter or return annotation."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a sketch with `...` elisions: nothing to check
        return []
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in (
            _HANDLER_NAMES
        ):
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            if node.returns is None or any(arg.annotation is None for arg in args):
                found.append(f"{node.name}() at line {node.lineno} of the block")
    return found


def test_docs_handlers_are_annotated() -> None:
    # Annotated handlers let mypy catch res.stauts(200) and a handler reading res.headers.
    problems = []
    for path in _pages():
        for block in parse_page(path.read_text(encoding="utf-8")):
            if block.lang in ("python", "py") and block.kind != "pytest":
                problems += [
                    f"docs/{_page_id(path)}:{block.line}: {name}"
                    for name in _unannotated_handlers(block.code)
                ]
    assert not problems, "unannotated handlers:\n" + "\n".join(problems)


def _literals(code: str) -> dict[str, object]:
    """The module-level ``NAME = <literal>`` assignments of *code*."""
    found: dict[str, object] = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:  # not a literal
                continue
    return found


def _tutorial_file(path: str) -> str:
    blocks = parse_page((DOCS / "tutorial.md").read_text(encoding="utf-8"))
    return next(b.code for b in blocks if b.kind == "file" and b.args == [path])


def test_tutorial_messages_are_the_examples() -> None:
    # The page's lib/messages.py is small, but every message it has is examples/blog's.
    page = {k: v for k, v in _literals(_tutorial_file("lib/messages.py")).items() if k.isupper()}
    blog = _literals((REPO / "examples/blog/lib/messages.py").read_text(encoding="utf-8"))
    assert page, "no messages found on the page"
    assert page == {name: blog.get(name) for name in page}


def test_tutorial_seed_is_the_examples() -> None:
    # The Next.js tutorial's data.js, as examples/blog seeds it (ids are the row order there).
    page = _literals(_tutorial_file("lib/db.py"))
    blog = _literals((REPO / "examples/blog/lib/db.py").read_text(encoding="utf-8"))
    users = t.cast("list[tuple[object, ...]]", blog["_SEED_USERS"])
    posts = t.cast("list[tuple[object, ...]]", blog["_SEED_POSTS"])
    comments = t.cast("list[tuple[object, ...]]", blog["_SEED_COMMENTS"])
    assert page["_USERS"] == [(i, *row[:3]) for i, row in enumerate(users, 1)]
    assert page["_POSTS"] == [(i, *row) for i, row in enumerate(posts, 1)]
    assert page["_COMMENTS"] == [(i, *row) for i, row in enumerate(comments, 1)]
