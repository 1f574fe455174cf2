"""The layering of docs/explanation/architecture.md, held by reading every module's imports.

A module may import its own layer and the layers below it, never one above; the routers
(``pages/``, ``web/``, ``connect``) stand side by side and never import each other; the
runtime never imports the plugin. Type-only and function-level imports count too: a
dependency deferred is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("routekit", "routekit_pytest")

#: Bottom first. A module belongs to the entry whose name is the longest prefix of its own.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("routekit.errors",)),
    (
        "support: Node/JS semantics, value objects, calling handlers",
        (
            "routekit._js",
            "routekit._syntax",
            "routekit._aio",
            "routekit.config",
            "routekit.settings",
            "routekit._env",
        ),
    ),
    ("routing", ("routekit.routing",)),
    (
        "wire: the transport-neutral request, and what is refused at the door",
        (
            "routekit._wire",
            "routekit._guard",
            "routekit._target",
            "routekit._forwarded",
        ),
    ),
    ("routers, side by side", ("routekit.pages", "routekit.web", "routekit.connect")),
    ("middleware", ("routekit.middleware",)),
    ("loader", ("routekit.loader",)),
    ("cache: route-handler responses, replayed around the route's run()", ("routekit.cache",)),
    (
        "app: the pipeline, its WSGI entry and its own pages",
        (
            "routekit.app",
            "routekit._wsgi",
            "routekit._asgi",
            "routekit._errorpages",
        ),
    ),
    (
        "doors: the command line, the package face, the pytest plugin",
        (
            "routekit.cli",
            "routekit._cli",
            "routekit.__main__",
            "routekit",
            "routekit_pytest",
        ),
    ),
)
#: Packages of one layer that must not import each other.
SIBLINGS = ("routekit.pages", "routekit.web", "routekit.connect")


def _owner(module: str, entries: tuple[str, ...]) -> str | None:
    # "routekit" itself is the package face: it owns only the module of that exact name.
    found = [e for e in entries if module == e or (e != "routekit" and module.startswith(e + "."))]
    return max(found, key=len) if found else None


def layer_of(module: str) -> tuple[int, str] | None:
    """(rank, entry) of *module*, or ``None`` when the map does not place it."""
    for rank, (_, entries) in enumerate(LAYERS):
        owner = _owner(module, entries)
        if owner is not None:
            return rank, owner
    return None


def module_name(file: Path) -> str:
    parts = list(file.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every ``(line, imported module)`` of *source*, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """What *module* imports against the layering, as ``module:line -> target (why)``."""
    own = layer_of(module)
    if own is None:
        return [f"{module} is in no layer of tests/test_layers.py: place it in LAYERS"]
    rank, owner = own
    problems = []
    for line, target in imports_of(source, module, is_package):
        if target.partition(".")[0] not in PACKAGES:
            continue
        where = f"{module}:{line} -> {target}"
        runtime = module.partition(".")[0] == "routekit"
        if runtime and target.partition(".")[0] == "routekit_pytest":
            problems.append(f"{where} (the runtime never imports the plugin)")
            continue
        theirs = layer_of(target)
        if theirs is None:
            continue  # a module the map does not know is reported for that module itself
        if theirs[0] > rank:
            problems.append(f"{where} (up from '{LAYERS[rank][0]}' to '{LAYERS[theirs[0]][0]}')")
        elif owner in SIBLINGS and theirs[1] in SIBLINGS and theirs[1] != owner:
            problems.append(f"{where} ({owner} and {theirs[1]} stand side by side)")
    return problems


def _modules() -> list[Path]:
    return sorted(file for package in PACKAGES for file in (REPO / package).rglob("*.py"))


def test_layers_every_module_is_placed_and_imports_only_its_layer_or_below() -> None:
    problems = []
    for file in _modules():
        name = module_name(file)
        source = file.read_text(encoding="utf-8")
        problems += violations(name, source, is_package=file.name == "__init__.py")
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "problem"),
    [
        ("routekit.web.x", "from routekit_pytest import create_mocks", "never imports the plugin"),
        ("routekit.web.x", "from ..pages import request", "stand side by side"),
        ("routekit.pages.x", "import routekit.web.headers", "stand side by side"),
        ("routekit._js.x", "from ..routing import Route", "up from 'support"),
        ("routekit.middleware.x", "if t.TYPE_CHECKING:\n    from ..loader import Loader", "up"),
        ("routekit.loader.x", "def f():\n    from ..app import App", "up from 'loader'"),
        ("routekit.newthing", "", "in no layer"),
    ],
)
def test_layers_checker_reports_a_forbidden_import(module: str, source: str, problem: str) -> None:
    assert any(problem in text for text in violations(module, source))


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("routekit.web.x", "from .._js.status import reason_phrase\nfrom . import headers"),
        ("routekit.loader.x", "from ..web.dispatch import run_app_route"),
        ("routekit_pytest.x", "from routekit.app import App"),
        ("routekit.web", "from .headers import Headers"),
    ],
)
def test_layers_checker_allows_the_same_layer_and_below(module: str, source: str) -> None:
    assert violations(module, source, is_package=module == "routekit.web") == []


def test_layers_importing_the_runtime_imports_neither_the_plugin_nor_pytest() -> None:
    """``import routekit.web.testing`` used to import pytest through the plugin (issue 13)."""
    modules = sorted(
        module_name(file)
        for file in (REPO / "routekit").rglob("*.py")
        if file.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "tops = {name.partition('.')[0] for name in sys.modules}\n"
        "print(sorted(tops & {'pytest', 'routekit_pytest'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "[]"
